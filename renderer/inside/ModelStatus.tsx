import { useEditor } from '../store/index.ts';
import type { InferenceState } from './inference.ts';

/** Which weights the panels use (trained or fresh), and the ONNX model's state. */
export function ModelStatus({ inf, onnx = true }: { inf: InferenceState; onnx?: boolean }) {
  const seed = useEditor((s) => s.project.training.seed);
  const trainedOn = useEditor(
    (s) =>
      (s.project.weights as { trainedOn?: { dataset: string; epochs: number } } | undefined)
        ?.trainedOn,
  );
  if (inf.status === 'error') return <div className="terror">{inf.error}</div>;
  return (
    <div className="mstatus" data-testid="model-status" data-trained={inf.trained}>
      {inf.status !== 'ready' ? (
        <span className="muted">Building the model…</span>
      ) : inf.trained ? (
        <span className="chip chip--ok">
          trained
          {trainedOn
            ? ` on ${trainedOn.dataset}, ${trainedOn.epochs} epoch${trainedOn.epochs === 1 ? '' : 's'}`
            : ''}
        </span>
      ) : (
        <span
          className="chip chip--warn"
          title={`Fresh weights from seed ${seed}: train the model to see it learn`}
        >
          untrained (seed {seed})
        </span>
      )}
      {onnx && (
        <span className="muted" data-testid="onnx-status" data-status={inf.onnx.status}>
          ONNX:{' '}
          {inf.onnx.status === 'ready'
            ? `${(inf.onnx.bytes / 1024).toFixed(0)} KB on ${inf.onnx.provider}`
            : inf.onnx.status === 'error'
              ? 'failed'
              : 'exporting…'}
        </span>
      )}
      {inf.weightsNote && <div className="muted">{inf.weightsNote}</div>}
      {inf.onnx.error && <div className="terror">{inf.onnx.error}</div>}
    </div>
  );
}
