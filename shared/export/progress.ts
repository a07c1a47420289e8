/**
 * Progress of a long model export (ONNX of a 50,000-block chain takes seconds): which stage, how
 * far. Used by `shared/export/formats.ts`, `shared/onnx/export.ts`, the app's Export menu and
 * `netwright export --progress`.
 */

/**
 * One progress report. `stage`: `model` (building the TF.js model that draws fresh weights;
 * reported once, `done` 0), `weights` (reading its weights, per layer), `graph` (writing ONNX
 * nodes, per op), `encode` (serialising the ONNX protobuf, per node and initializer).
 * `done` of `total` items of that stage are finished (0 ≤ done ≤ total).
 */
export interface ExportProgress {
  stage: 'model' | 'weights' | 'graph' | 'encode';
  done: number;
  total: number;
}

/** Receives progress reports; must not throw. */
export type ExportProgressCallback = (progress: ExportProgress) => void;

/** Resolves on a later macrotask (`setTimeout` 0), so a page can repaint and handle input. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * A reporter for an async loop: `await tick(p)` passes `p` to `onProgress` and, when `sliceMs`
 * have passed since the last pause, pauses for one macrotask (so a UI stays responsive). Without
 * `onProgress` it does nothing and never pauses, so callers without a UI run at full speed.
 */
export function progressTicker(
  onProgress: ExportProgressCallback | undefined,
  sliceMs = 50,
): (progress: ExportProgress) => Promise<void> | undefined {
  if (!onProgress) return () => undefined;
  let last = performance.now();
  return (progress) => {
    onProgress(progress);
    const now = performance.now();
    if (now - last < sliceMs) return undefined;
    return nextTask().then(() => {
      last = performance.now();
    });
  };
}
