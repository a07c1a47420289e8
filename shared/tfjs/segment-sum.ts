/**
 * `UnsortedSegmentSum` for TF.js's cpu and wasm backends (tfjs 4.22): the gradient of `gather`,
 * so of every Embedding layer, runs through it.
 *
 * - wasm has no such kernel: training an Embedding there fails with "Kernel
 *   'UnsortedSegmentSum' not registered for backend 'wasm'".
 * - cpu has one, but it builds one mask tensor per segment (O(segments × values)): measured
 *   ≈ 5 s for one Adam step of Embedding(1000, 16) on a batch of 16 × 16 ids.
 *
 * This kernel is one pass over the values in JavaScript: for every position `i` of `segmentIds`
 * with `0 ≤ s = segmentIds[i] < numSegments`, `out[s, …] += x[i, …]` (ids out of range are
 * dropped, as TensorFlow's `tf.math.unsorted_segment_sum` documents). Inputs: `x` of shape
 * `segmentIds.shape + inner` (float32 or int32), `segmentIds` (int32); attr `numSegments`.
 * Output: `[numSegments, …inner]`, x's dtype. Registered only where the backend package is loaded.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';

const MARK = Symbol.for('netwright.unsortedSegmentSum');
type Info = tfjs.TensorInfo;

interface ValueBackend {
  readSync(dataId: object): ArrayLike<number>;
}

/** The sums, as a flat array of `numSegments × inner` values (x's dtype). */
export function segmentSums(
  x: ArrayLike<number>,
  ids: ArrayLike<number>,
  numSegments: number,
  inner: number,
  dtype: 'float32' | 'int32',
): Float32Array | Int32Array {
  const out =
    dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const from = i * inner;
    const to = s * inner;
    for (let j = 0; j < inner; j++) out[to + j]! += x[from + j]!;
  }
  return out;
}

/**
 * Registers the kernel for cpu and wasm (when their packages are loaded), once (idempotent).
 * Returns the backends it registered for.
 */
export function installSegmentSum(tf: Tf): string[] {
  const done: string[] = [];
  for (const backendName of ['cpu', 'wasm'] as const) {
    // A backend is loaded when any kernel is registered for it.
    if (!tf.getKernel('Add', backendName)) continue;
    const existing = tf.getKernel('UnsortedSegmentSum', backendName);
    if (existing && (existing as unknown as Record<symbol, boolean>)[MARK]) {
      done.push(backendName);
      continue;
    }
    const kernel: tfjs.KernelConfig = {
      kernelName: 'UnsortedSegmentSum',
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, segmentIds } = inputs as { x: Info; segmentIds: Info };
        const numSegments = (attrs as { numSegments: number }).numSegments;
        const b = backend as unknown as ValueBackend;
        const inner = x.shape.slice(segmentIds.shape.length).reduce((a, d) => a * d, 1);
        const dtype = x.dtype === 'int32' ? 'int32' : 'float32';
        const values = segmentSums(
          b.readSync(x.dataId),
          b.readSync(segmentIds.dataId),
          numSegments,
          inner,
          dtype,
        );
        const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
        if (backendName === 'wasm') {
          const w = backend as unknown as {
            makeOutput(shape: number[], dtype: string, offset?: number, values?: unknown): Info;
          };
          return w.makeOutput(shape, dtype, undefined, values);
        }
        const c = backend as unknown as {
          makeTensorInfo(shape: number[], dtype: string, values: unknown): Info;
        };
        return c.makeTensorInfo(shape, dtype, values);
      },
    };
    (kernel as unknown as Record<symbol, boolean>)[MARK] = true;
    if (existing) tf.unregisterKernel('UnsortedSegmentSum', backendName);
    tf.registerKernel(kernel);
    done.push(backendName);
  }
  return done;
}
