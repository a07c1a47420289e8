/**
 * Two cheap kernels for TF.js's wasm backend (tfjs-backend-wasm 4.22) that its own versions make
 * expensive in training:
 *
 * - `Sum` over every axis but the last (the bias gradient of Conv2D / Dense: `dy` `[N, H, W, C]`
 *   → `[C]`). The stock kernel first transposes the whole tensor so the reduced axes are innermost
 *   (one extra copy of `dy`), then sums; here one pass adds each row of `C` values, in row order:
 *   with SIMD (kernels.wat `sum_rows`, float32 accumulators) when `C % 4 = 0`, else in JavaScript
 *   with float64 accumulators (the cpu `Sum`'s order and precision: equal to it exactly). MNIST CNN
 *   template, batch 64: `Sum [64, 26, 26, 32]` 3.6 ms per step with the stock kernel
 *   (`bench/training/profile-step.ts`). Other axes and dtypes go to the stock kernel; an empty
 *   input gives zeros (the stock kernel leaves its output unwritten). Source of the definition: tfjs-backend-cpu 4.22 `sum` (reduce over the innermost axes
 *   after `transpose`).
 * - `Identity`: the stock kernel copies the tensor (`tf.clone`, the tape's identities, the
 *   layers' `training` wrappers: 47 per CNN step, three of them of `[64, 26, 26, 32]`); here it
 *   shares the buffer and counts a reference, as the wasm `Reshape` kernel and the cpu backend's
 *   `Identity` already do. Nothing in TF.js writes a wasm buffer in place (the fused optimizer,
 *   shared/tfjs/fused-optimizers.ts, checks the reference count first).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';
import { simdKernels, wasmPointer, type WasmBackendInternals } from './simd/kernels.ts';

const MARK = Symbol.for('netwright.wasmReduce');
type KernelArgs = Parameters<tfjs.KernelFunc>[0];
type Info = tfjs.TensorInfo;

/**
 * Sums `x` (`[M, C]` flat, row-major) over its rows into `out` (`[C]`), each channel in row
 * order in a float64 accumulator.
 */
export function sumRowsInto(x: Float32Array, out: Float32Array, rows: number, c: number): void {
  const acc = new Float64Array(c);
  for (let m = 0, base = 0; m < rows; m++, base += c) {
    for (let d = 0; d < c; d++) acc[d] = acc[d]! + x[base + d]!;
  }
  out.set(acc);
}

/** Whether `axis` (Sum's attribute; null or absent means every axis) is exactly 0 … rank − 2. */
export function leadingAxes(axis: number | number[] | null | undefined, rank: number): boolean {
  if (axis == null) return false;
  const list = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
  if (!list.every((a) => Number.isInteger(a))) return false;
  const set = new Set(list);
  return rank >= 2 && set.size === rank - 1 && list.every((a) => a >= 0 && a < rank - 1);
}

/**
 * Registers the wasm `Sum` and `Identity` above (idempotent). Returns false (and changes nothing)
 * when the wasm backend is not loaded.
 */
export function installWasmReduceKernels(tf: Tf): boolean {
  const sum = tf.getKernel('Sum', 'wasm');
  const identity = tf.getKernel('Identity', 'wasm');
  if (!sum || !identity) return false;
  if ((sum as unknown as Record<symbol, boolean>)[MARK]) return true;
  const sumKernel: tfjs.KernelConfig = {
    kernelName: 'Sum',
    backendName: 'wasm',
    // The stock kernel's setup binds its wasm function, which the fallback calls.
    ...(sum.setupFunc ? { setupFunc: sum.setupFunc } : {}),
    kernelFunc: (args: KernelArgs) => {
      const { x } = args.inputs as { x: Info };
      const { axis, keepDims } = args.attrs as unknown as {
        axis: number | number[] | null;
        keepDims: boolean;
      };
      const rank = x.shape.length;
      const size = x.shape.reduce((a, b) => a * b, 1);
      const backend = args.backend as unknown as WasmBackendInternals;
      if (size === 0) {
        // The stock kernel leaves its output unwritten for an empty input (it read 3.6e-41).
        const empty = sum.kernelFunc(args) as Info;
        backend.typedArrayFromHeap(empty).fill(0);
        return empty;
      }
      if (x.dtype !== 'float32' || !leadingAxes(axis, rank)) return sum.kernelFunc(args);
      const c = x.shape[rank - 1]!;
      const shape = keepDims ? [...x.shape.map(() => 1).slice(0, -1), c] : [c];
      const out = backend.makeOutput(shape, 'float32');
      const simd = c % 4 === 0 ? simdKernels(tf) : null;
      if (simd) {
        simd.sum_rows(wasmPointer(tf, x.dataId)!, wasmPointer(tf, out.dataId)!, size / c, c);
        return out;
      }
      // Views after the allocation, which can move the heap.
      sumRowsInto(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out), size / c, c);
      return out;
    },
  };
  const identityKernel: tfjs.KernelConfig = {
    kernelName: 'Identity',
    backendName: 'wasm',
    ...(identity.setupFunc ? { setupFunc: identity.setupFunc } : {}),
    kernelFunc: (args: KernelArgs) => {
      const { x } = args.inputs as { x: Info };
      if (x.dtype === 'string') return identity.kernelFunc(args);
      (args.backend as unknown as WasmBackendInternals).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
  for (const k of [sumKernel, identityKernel]) {
    (k as unknown as Record<symbol, boolean>)[MARK] = true;
    tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel(k);
  }
  return true;
}
