import { useReactFlow } from '@xyflow/react';
import { analysisOf, editorStore, useEditor } from '../store/index.ts';
import { csvFactsOf, findingsOf } from '../teach/findings.ts';
import { FindingList } from '../teach/FindingList.tsx';
import { DiagnosticList } from './DiagnosticList.tsx';
import { useTeach } from '../teach/teachStore.ts';
import { useTrainingSelect } from '../training/client.ts';

/** Selects a block and brings it into view. */
export function useRevealNode() {
  const { fitView } = useReactFlow();
  return (nodeId: string) => {
    editorStore.getState().select([nodeId], []);
    void fitView({ nodes: [{ id: nodeId }], duration: 250, maxZoom: 1.1, padding: 0.6 });
  };
}

export function ProblemsBadge() {
  const count = useEditor((s) => analysisOf(s.project.graph).diagnostics.length);
  const lastRun = useTeach((s) => s.lastRun);
  const csv = useTrainingSelect(csvFactsOf);
  // Lint findings: "w" when any is a warning, then their count.
  const lints = useEditor((s) => {
    const found = findingsOf(s.project.graph, s.project.training, lastRun, csv);
    return `${found.some((f) => f.severity === 'warning') ? 'w' : 'h'}${found.length}`;
  });
  const lintCount = Number(lints.slice(1));
  if (count === 0 && lintCount === 0) return null;
  return count > 0 ? (
    <span className="tab-badge tab-badge--error" data-testid="problems-count">
      {count}
    </span>
  ) : (
    <span
      className={`tab-badge${lints.startsWith('w') ? ' tab-badge--warning' : ''}`}
      data-testid="findings-count"
    >
      {lintCount}
    </span>
  );
}

/** Every diagnostic of the graph, then the lint findings with their fixes; clicking one selects its block. */
export function ProblemsPanel() {
  const graph = useEditor((s) => s.project.graph);
  const training = useEditor((s) => s.project.training);
  const lastRun = useTeach((s) => s.lastRun);
  const csv = useTrainingSelect(csvFactsOf);
  const diagnostics = analysisOf(graph).diagnostics;
  const findings = findingsOf(graph, training, lastRun, csv);
  const reveal = useRevealNode();
  const lintSection = findings.length > 0 && (
    <section className="findings-section" data-testid="problems-findings">
      <h4>Warnings and hints</h4>
      <FindingList findings={findings} graph={graph} onReveal={reveal} />
    </section>
  );
  if (diagnostics.length === 0) {
    return (
      <>
        {findings.length === 0 && (
          <div className="empty-state" data-testid="problems-none">
            <span className="empty-state__icon ok" aria-hidden>
              ✓
            </span>
            No problems: every block has a shape.
          </div>
        )}
        {lintSection}
      </>
    );
  }
  return (
    <>
      <DiagnosticList
        diagnostics={diagnostics}
        graph={graph}
        onReveal={reveal}
        listTestId="problems-list"
        itemTestId="problem-item"
        severityClass
      />
      {lintSection}
    </>
  );
}
