import { formatCount } from '../shared/index.ts';
import { analysisOf, useEditor } from './store/index.ts';

/** Blocks, wires, parameters and whether the model is valid. */
export function StatusBar() {
  const graph = useEditor((s) => s.project.graph);
  const analysis = analysisOf(graph);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
  return (
    <footer className="statusbar" data-testid="status-bar">
      <span>
        {graph.nodes.length} {graph.nodes.length === 1 ? 'block' : 'blocks'}
      </span>
      <span>
        {graph.edges.length} {graph.edges.length === 1 ? 'wire' : 'wires'}
      </span>
      <span>{formatCount(analysis.totals.total)} params</span>
      <span className={errors ? 'status--error' : 'status--ok'} data-testid="status-problems">
        {errors ? `${errors} ${errors === 1 ? 'problem' : 'problems'}` : 'Model is valid'}
      </span>
    </footer>
  );
}
