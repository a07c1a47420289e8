import { useEffect, useState } from 'react';
import { BUILTIN_DATASET_INFO } from '../../shared/datasets/fit.ts';
import { useEditor } from '../store/index.ts';
import { fmt, maxAbsDiff, outputView, type OutputView } from './helpers.ts';
import { predictOnnx, predictTf, type InferenceState } from './inference.ts';
import type { Example } from './examples.ts';

/** Agreement the panel calls "the same" (float32 round-off between two runtimes). */
export const AGREE = 1e-4;

export interface RunResult {
  tfjs: Float32Array | null;
  onnx: Float32Array | null;
  onnxError: string | null;
}

/** Runs both models on the example whenever either model or the example changes. */
export function usePredictions(example: Example | null, inf: InferenceState): RunResult | null {
  const [result, setResult] = useState<RunResult | null>(null);
  useEffect(() => {
    let live = true;
    if (!example || inf.status !== 'ready') {
      setResult(null);
      return;
    }
    void (async () => {
      const tfjs = await predictTf(example.values).catch(() => null);
      let onnx: Float32Array | null = null;
      let onnxError: string | null = null;
      if (inf.onnx.status === 'ready') {
        try {
          onnx = await predictOnnx(example.values);
        } catch (e) {
          onnxError = e instanceof Error ? e.message : String(e);
        }
      }
      if (live) setResult({ tfjs, onnx, onnxError });
    })();
    return () => {
      live = false;
    };
  }, [example, inf.status, inf.version, inf.onnx.status]);
  return result;
}

/** The class names of the training data set, when it is a built-in classification set. */
export function useClassNames(): string[] {
  const dataset = useEditor((s) => s.project.training.dataset);
  const info = dataset === 'csv' ? null : BUILTIN_DATASET_INFO[dataset];
  return info?.task.kind === 'classification' ? info.task.classNames : [];
}

export function viewOf(
  out: ArrayLike<number>,
  inf: InferenceState,
  classNames: string[],
): OutputView {
  const last = inf.ir?.ops.find((op) => op.id === inf.ir?.outputId);
  return outputView(out, last?.params.activation, classNames);
}

/** ONNX's and TF.js's outputs side by side, as bars, with their largest difference. */
export function PredictionBars({ result, inf }: { result: RunResult; inf: InferenceState }) {
  const classNames = useClassNames();
  if (!result.tfjs) return null;
  const tf = viewOf(result.tfjs, inf, classNames);
  const onnx = result.onnx ? viewOf(result.onnx, inf, classNames) : null;
  const diff = result.onnx ? maxAbsDiff(result.tfjs, result.onnx) : null;
  const best = tf.kind === 'classes' ? tf.values.indexOf(Math.max(...tf.values)) : -1;
  const scale =
    tf.kind === 'classes'
      ? 1
      : Math.max(1e-9, ...tf.values.map(Math.abs), ...(onnx?.values.map(Math.abs) ?? []));
  return (
    <div
      className="preds"
      data-testid="tryit-result"
      data-tfjs={JSON.stringify(Array.from(result.tfjs))}
      data-onnx={result.onnx ? JSON.stringify(Array.from(result.onnx)) : ''}
      data-max-diff={diff ?? ''}
      data-top={best}
    >
      {tf.kind === 'classes' && (
        <div className="preds__verdict">
          Prediction: <strong data-testid="tryit-top">{tf.labels[best]}</strong>{' '}
          <span className="muted">({(tf.values[best]! * 100).toFixed(1)}%)</span>
        </div>
      )}
      <table className="preds__table">
        <thead>
          <tr>
            <th>{tf.kind === 'classes' ? 'class' : ''}</th>
            <th title="The exported model.onnx in onnxruntime-web">ONNX</th>
            <th title="The TF.js model with the same weights">TF.js</th>
          </tr>
        </thead>
        <tbody>
          {tf.labels.map((label, i) => (
            <tr key={label} className={i === best ? 'is-best' : undefined}>
              <td className="preds__label">{label}</td>
              <td>
                {onnx ? (
                  <Bar value={onnx.values[i]!} scale={scale} kind="onnx" />
                ) : (
                  <span className="muted">…</span>
                )}
              </td>
              <td>
                <Bar value={tf.values[i]!} scale={scale} kind="tfjs" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="preds__diff" data-testid="tryit-diff">
        {diff === null ? (
          <span className="muted">
            {result.onnxError ? `ONNX failed: ${result.onnxError}` : 'ONNX model loading…'}
          </span>
        ) : (
          <>
            <span className={`agree ${diff <= AGREE ? 'is-ok' : 'is-bad'}`}>
              {diff <= AGREE ? '✓ agree' : '✗ differ'}
            </span>{' '}
            largest difference <span className="mono">{diff.toExponential(2)}</span>
            <span className="muted"> (within {AGREE.toExponential(0)} counts as the same)</span>
          </>
        )}
      </div>
    </div>
  );
}

function Bar({ value, scale, kind }: { value: number; scale: number; kind: 'onnx' | 'tfjs' }) {
  const w = Math.min(100, (Math.abs(value) / scale) * 100);
  return (
    <div className="pbar">
      <div className={`pbar__track${value < 0 ? ' is-neg' : ''}`}>
        <div className={`pbar__fill pbar__fill--${kind}`} style={{ width: `${w}%` }} />
      </div>
      <span className="pbar__value mono">{scale === 1 ? value.toFixed(4) : fmt(value)}</span>
    </div>
  );
}
