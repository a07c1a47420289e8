import { formatCount } from '../shared/index.ts';
import { modelStatus } from './status-text.ts';
import { analysisOf, useEditor } from './store/index.ts';

/** Blocks, wires, parameters and whether the model is valid. */
export function StatusBar() {
  const graph = useEditor((s) => s.project.graph);
  const analysis = analysisOf(graph);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
  const status = modelStatus(graph.nodes.length, errors);
  return (
    <footer className="statusbar" data-testid="status-bar">
      <span>
        {graph.nodes.length} {graph.nodes.length === 1 ? 'block' : 'blocks'}
      </span>
      <span>
        {graph.edges.length} {graph.edges.length === 1 ? 'wire' : 'wires'}
      </span>
      <span>{formatCount(analysis.totals.total)} params</span>
      <span
        className={
          status.kind === 'error' ? 'status--error' : status.kind === 'ok' ? 'status--ok' : ''
        }
        data-testid="status-problems"
      >
        {status.text}
      </span>
    </footer>
  );
}
