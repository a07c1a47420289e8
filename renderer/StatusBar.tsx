import { formatCount } from '../shared/index.ts';
import { modelStatus } from './status-text.ts';
import { analysisOf, analysisPending, useEditor } from './store/index.ts';
import { runningExportText, useRunningExport } from './export/exportProgress.ts';

/**
 * Blocks, wires, parameters and whether the model is valid; "Analysing…" while a big graph's
 * analysis runs in its worker (renderer/store/analysis.ts); a long model export's progress.
 */
export function StatusBar() {
  const graph = useEditor((s) => s.project.graph);
  useEditor((s) => s.analysisVersion);
  const analysis = analysisOf(graph);
  const pending = analysisPending(graph);
  const running = useRunningExport();
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
  const status = pending
    ? { text: 'Analysing…', kind: 'pending' as const }
    : modelStatus(graph.nodes.length, errors);
  return (
    <footer className="statusbar" data-testid="status-bar">
      <span>
        {graph.nodes.length} {graph.nodes.length === 1 ? 'block' : 'blocks'}
      </span>
      <span>
        {graph.edges.length} {graph.edges.length === 1 ? 'wire' : 'wires'}
      </span>
      <span>{pending ? '…' : formatCount(analysis.totals.total)} params</span>
      <span
        className={
          status.kind === 'error'
            ? 'status--error'
            : status.kind === 'ok'
              ? 'status--ok'
              : status.kind === 'pending'
                ? 'status--pending'
                : ''
        }
        aria-busy={pending}
        data-testid="status-problems"
      >
        {status.text}
      </span>
      {running && (
        <span className="status-export" data-testid="export-progress">
          {runningExportText(running)}
          <progress
            max={running.progress.total || 1}
            value={running.progress.stage === 'model' ? undefined : running.progress.done}
          />
        </span>
      )}
    </footer>
  );
}
