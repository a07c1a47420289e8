import { useReactFlow } from '@xyflow/react';
import { nodeDisplayName, type Diagnostic } from '../../shared/index.ts';
import { analysisOf, editorStore, useEditor } from '../store/index.ts';

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
  if (count === 0) return null;
  return (
    <span className="tab-badge tab-badge--error" data-testid="problems-count">
      {count}
    </span>
  );
}

/** Every diagnostic of the graph; clicking one selects its block. */
export function ProblemsPanel() {
  const graph = useEditor((s) => s.project.graph);
  const diagnostics = analysisOf(graph).diagnostics;
  const reveal = useRevealNode();
  if (diagnostics.length === 0) {
    return (
      <div className="empty-state" data-testid="problems-none">
        <span className="empty-state__icon ok" aria-hidden>
          ✓
        </span>
        No problems: every block has a shape.
      </div>
    );
  }
  const nameOf = (id: string) => {
    const node = graph.nodes.find((n) => n.id === id);
    return node ? nodeDisplayName(node) : id;
  };
  return (
    <ul className="problems" data-testid="problems-list">
      {diagnostics.map((d: Diagnostic, i) => (
        <li key={`${d.code}-${d.nodeId ?? d.edgeId ?? ''}-${i}`}>
          <button
            type="button"
            className={`problem problem--${d.severity}`}
            data-testid="problem-item"
            data-node-id={d.nodeId}
            disabled={!d.nodeId}
            onClick={() => d.nodeId && reveal(d.nodeId)}
          >
            <span className="problem__code">{d.code}</span>
            <span className="problem__text">
              {d.nodeId && <span className="problem__where">{nameOf(d.nodeId)}</span>}
              {d.message}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
