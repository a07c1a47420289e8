import { formatCount } from '../../shared/index.ts';
import { summaryOf, useEditor } from '../store/index.ts';
import { useRevealNode } from './ProblemsPanel.tsx';

/** The model as Keras's `model.summary()` prints it. */
export function SummaryPanel() {
  const graph = useEditor((s) => s.project.graph);
  const name = useEditor((s) => s.project.name);
  const summary = summaryOf(graph);
  const reveal = useRevealNode();
  const branched = summary.rows.some((r) => r.connectedTo.length > 1);
  return (
    <div className="summary" data-testid="summary-panel">
      <div className="summary__title">
        Model: <strong>“{name}”</strong>
      </div>
      <table className="summary__table">
        <thead>
          <tr>
            <th>Layer (type)</th>
            <th>Output shape</th>
            <th className="num">Param #</th>
          </tr>
        </thead>
        <tbody>
          {summary.rows.map((row) => (
            <tr
              key={row.nodeId}
              data-testid={`summary-row-${row.nodeId}`}
              onClick={() => reveal(row.nodeId)}
            >
              <td>
                {row.name} <span className="muted">({row.type})</span>
                {branched && row.connectedTo.length > 0 && (
                  <span className="summary__from">← {row.connectedTo.join(', ')}</span>
                )}
              </td>
              <td className="mono">{row.outputShape}</td>
              <td className="num mono">{row.params === null ? '?' : formatCount(row.params)}</td>
            </tr>
          ))}
          {summary.rows.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                No layers yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <div className="summary__totals">
        <div data-testid="summary-total">Total params: {formatCount(summary.total)}</div>
        <div data-testid="summary-trainable">
          Trainable params: {formatCount(summary.trainable)}
        </div>
        <div data-testid="summary-nontrainable">
          Non-trainable params: {formatCount(summary.nonTrainable)}
        </div>
      </div>
    </div>
  );
}
