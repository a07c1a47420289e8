import './teach.css';
import { nodeDisplayName, type Graph } from '../../shared/graph/types.ts';
import type { LintFinding } from '../../shared/lint/index.ts';
import { editorStore } from '../store/index.ts';

/** Applies a finding's fix as one undoable edit and says what it did. */
export function applyFinding(finding: LintFinding) {
  if (!finding.fix) return;
  editorStore.getState().applyFix(finding.fix);
  editorStore.getState().notify(`${finding.fix.title} (${finding.code}) · undo with Ctrl+Z`);
}

/** Lint findings (warnings and hints) with their codes and one-click fixes. */
export function FindingList({
  findings,
  graph,
  onReveal,
}: {
  findings: readonly LintFinding[];
  graph: Graph;
  /** Clicking a finding's text reveals its block. */
  onReveal?: (nodeId: string) => void;
}) {
  const nameOf = (id: string) => {
    const node = graph.nodes.find((n) => n.id === id);
    return node ? nodeDisplayName(node) : id;
  };
  return (
    <ul className="findings" data-testid="findings">
      {findings.map((f, i) => (
        <li
          key={`${f.code}-${f.nodeId ?? ''}-${i}`}
          className={`finding finding--${f.severity}`}
          data-testid="finding"
          data-code={f.code}
          data-node-id={f.nodeId}
        >
          <span className={`finding__code finding__code--${f.severity}`}>{f.code}</span>
          <button
            type="button"
            className="finding__text"
            disabled={!f.nodeId || !onReveal}
            onClick={() => f.nodeId && onReveal?.(f.nodeId)}
          >
            {f.nodeId && onReveal && <span className="finding__where">{nameOf(f.nodeId)}</span>}
            {f.message}
          </button>
          {f.fix && (
            <button
              type="button"
              className="btn finding__fix"
              data-testid={`fix-${f.code}`}
              onClick={() => applyFinding(f)}
            >
              {f.fix.title}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
