/**
 * `MaxPoolGrad` for TF.js's wasm backend (tfjs-backend-wasm 4.22): one pass over the input in
 * JavaScript, on the wasm heap.
 *
 * Replaces the stock wasm kernel, which was both wrong and slow:
 * - it gives no gradient to a window whose maximum is ≤ 0 (measured: `maxPool` 1×1 on
 *   [0.5, −0.3] gives the gradient [1, 0] instead of [1, 1]; its running maximum apparently starts
 *   at the smallest positive float), so a MaxPooling2D after any layer with negative outputs
 *   (linear Conv2D, BatchNormalization, tanh) trained wrongly on wasm;
 * - it was 58 of 146 ms of a batch-64 step of the MNIST CNN template (`[64, 26, 26, 32]`, 2×2;
 *   `bench/training/profile-step.ts`), the largest kernel of the step.
 *
 * Definition: TF.js's cpu `MaxPoolGrad` (tfjs-backend-cpu 4.22 `maxPoolGrad` and
 * `maxPoolPositions`): the upstream gradient of each window goes to the window's FIRST maximum in
 * row-major order (a value must be `>` the running maximum, which starts at −∞, so a window of NaN
 * or −∞ only passes nothing), clipped at the borders by the padding TF.js computes
 * (`backend_util.computePool2DInfo`). Where windows overlap, a position sums the gradients of
 * every window it is the maximum of (in window order, so float sums may differ from the cpu
 * kernel's order in the last bit). The maximum is found from `input` itself, never from the
 * forward's `y` (TF.js's wasm MaxPool returns 2 for the window [1, 3, 2, NaN], where cpu's rule
 * gives 3). Inputs `dy` `[N, Ho, Wo, C]`, `input` `[N, H, W, C]`, `output` (unused); attrs
 * `filterSize`, `strides`, `pad`, `dimRoundingMode`.
 * Returns `dx` `[N, H, W, C]` (NHWC, float32).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';
import { simdKernels, wasmPointer, type WasmBackendInternals } from './simd/kernels.ts';

const MARK = Symbol.for('netwright.wasmMaxPoolGrad');
type KernelArgs = Parameters<tfjs.KernelFunc>[0];
type Info = tfjs.TensorInfo;

/** The geometry `computePool2DInfo` returns that the gradient reads. */
export interface PoolGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  effectiveFilterHeight: number;
  effectiveFilterWidth: number;
  padInfo: { top: number; left: number };
}

/**
 * Adds each window's upstream gradient `dy` (`[N, Ho, Wo, C]`, flat) to `dx` (`[N, H, W, C]`,
 * flat, zero on entry) at the window's first maximum of `x` (`[N, H, W, C]`, flat); see the file
 * comment. Channels are the innermost loop, so every read and write walks memory in order.
 */
export function maxPoolGradInto(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  g: PoolGeometry,
): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const best = new Float32Array(C);
  const at = new Int32Array(C);
  for (let b = 0; b < g.batchSize; b++) {
    for (let yR = 0; yR < OH; yR++) {
      const rCorner = yR * g.strideHeight - g.padInfo.top;
      let rMin = rCorner;
      while (rMin < 0) rMin += g.dilationHeight;
      const rMax = Math.min(H, rCorner + g.effectiveFilterHeight);
      for (let yC = 0; yC < OW; yC++) {
        const cCorner = yC * g.strideWidth - g.padInfo.left;
        let cMin = cCorner;
        while (cMin < 0) cMin += g.dilationWidth;
        const cMax = Math.min(W, cCorner + g.effectiveFilterWidth);
        best.fill(-Infinity);
        at.fill(-1);
        for (let r = rMin; r < rMax; r += g.dilationHeight) {
          for (let c = cMin; c < cMax; c += g.dilationWidth) {
            const base = ((b * H + r) * W + c) * C;
            for (let d = 0; d < C; d++) {
              const v = x[base + d]!;
              if (v > best[d]!) {
                best[d] = v;
                at[d] = base + d;
              }
            }
          }
        }
        const out = ((b * OH + yR) * OW + yC) * C;
        for (let d = 0; d < C; d++) {
          const i = at[d]!;
          if (i >= 0) dx[i] = dx[i]! + dy[out + d]!;
        }
      }
    }
  }
}

/**
 * Registers the kernel above as the wasm `MaxPoolGrad` (idempotent). Returns false (and changes
 * nothing) when the wasm backend is not loaded.
 */
export function installWasmMaxPoolGrad(tf: Tf): boolean {
  const original = tf.getKernel('MaxPoolGrad', 'wasm');
  if (!original) return false;
  if ((original as unknown as Record<symbol, boolean>)[MARK]) return true;
  const kernel: tfjs.KernelConfig = {
    kernelName: 'MaxPoolGrad',
    backendName: 'wasm',
    kernelFunc: (args: KernelArgs) => {
      const backend = args.backend as unknown as WasmBackendInternals;
      const { dy, input } = args.inputs as { dy: Info; input: Info };
      const a = args.attrs as unknown as {
        filterSize: number | [number, number];
        strides: number | [number, number];
        pad: 'valid' | 'same' | number | tfjs.backend_util.ExplicitPadding;
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
      };
      const geometry = tf.backend_util.computePool2DInfo(
        input.shape as [number, number, number, number],
        a.filterSize,
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
      );
      const out = backend.makeOutput(input.shape, 'float32');
      // Views are taken after the allocation, which can move the heap.
      const dx = backend.typedArrayFromHeap(out);
      dx.fill(0);
      const x = backend.typedArrayFromHeap(input);
      const apart =
        geometry.strideHeight >= geometry.effectiveFilterHeight &&
        geometry.strideWidth >= geometry.effectiveFilterWidth &&
        geometry.dilationHeight === 1 &&
        geometry.dilationWidth === 1;
      const simd = apart && geometry.inChannels % 4 === 0 ? simdKernels(tf) : null;
      if (simd) {
        const g = geometry;
        const ptr = (t: Info) => wasmPointer(tf, t.dataId)!;
        const [px, pdy, pdx] = [input, dy, out].map(ptr);
        const inBytes = g.inHeight * g.inWidth * g.inChannels * 4;
        const rowBytes = g.outWidth * g.inChannels * 4;
        for (let b = 0; b < g.batchSize; b++) {
          for (let yR = 0; yR < g.outHeight; yR++) {
            const top = yR * g.strideHeight - g.padInfo.top;
            const at = (b * g.outHeight + yR) * rowBytes;
            simd.max_pool_grad_row(
              px! + b * inBytes,
              pdy! + at,
              pdx! + b * inBytes,
              g.inWidth,
              g.inChannels,
              g.outWidth,
              g.strideWidth,
              g.effectiveFilterWidth,
              g.padInfo.left,
              Math.max(0, top),
              Math.min(g.inHeight, top + g.effectiveFilterHeight),
            );
          }
        }
      } else maxPoolGradInto(x, backend.typedArrayFromHeap(dy), dx, geometry);
      return out;
    },
  };
  (kernel as unknown as Record<symbol, boolean>)[MARK] = true;
  tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel(kernel);
  return true;
}
