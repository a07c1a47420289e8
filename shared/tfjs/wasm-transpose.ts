/**
 * `Transpose` for TF.js's wasm backend (tfjs-backend-wasm 4.22) when it swaps the last two axes
 * (`perm` = [0, …, r − 3, r − 1, r − 2]) of 4-byte values (float32, int32): per leading index one
 * 4 × 4-tiled SIMD transpose (kernels.wat `transpose2d`). The stock kernel took 2.2 ms for
 * `[512, 784]` (the MNIST MLP's input at batch 512, transposed for the first layer's weight
 * gradient `xᵀ · dy`), as long as the product itself; other permutations, dtypes and engines
 * without the SIMD module go to the stock kernel. Output: the input with its last two axes
 * swapped (values moved, never changed).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';
import { simdKernels, wasmPointer, type WasmBackendInternals } from './simd/kernels.ts';

const MARK = Symbol.for('netwright.wasmTranspose');
type KernelArgs = Parameters<tfjs.KernelFunc>[0];

/** Whether `perm` swaps the last two of `rank` axes and keeps the others in place. */
export function swapsLastTwo(perm: readonly number[], rank: number): boolean {
  return (
    rank >= 2 &&
    perm.length === rank &&
    perm.every((p, i) => (i < rank - 2 ? p === i : p === (i === rank - 2 ? rank - 1 : rank - 2)))
  );
}

/** Registers the kernel above (idempotent); false when the wasm backend is not loaded. */
export function installWasmTranspose(tf: Tf): boolean {
  const stock = tf.getKernel('Transpose', 'wasm');
  if (!stock) return false;
  if ((stock as unknown as Record<symbol, boolean>)[MARK]) return true;
  const kernel: tfjs.KernelConfig = {
    kernelName: 'Transpose',
    backendName: 'wasm',
    ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    kernelFunc: (args: KernelArgs) => {
      const { x } = args.inputs as { x: tfjs.TensorInfo };
      const { perm } = args.attrs as unknown as { perm: number[] };
      const r = x.shape.length;
      const simd =
        (x.dtype === 'float32' || x.dtype === 'int32') && swapsLastTwo(perm, r)
          ? simdKernels(tf)
          : null;
      const size = x.shape.reduce((a, b) => a * b, 1);
      if (!simd || size === 0) return stock.kernelFunc(args);
      const rows = x.shape[r - 2]!;
      const cols = x.shape[r - 1]!;
      const shape = [...x.shape.slice(0, -2), cols, rows];
      const backend = args.backend as unknown as WasmBackendInternals;
      const out = backend.makeOutput(shape, x.dtype);
      const src = wasmPointer(tf, x.dataId, x.dtype)!;
      const dst = wasmPointer(tf, out.dataId, x.dtype)!;
      const bytes = rows * cols * 4;
      for (let b = 0, n = size / (rows * cols); b < n; b++)
        simd.transpose2d(src + b * bytes, dst + b * bytes, rows, cols);
      return out;
    },
  };
  (kernel as unknown as Record<symbol, boolean>)[MARK] = true;
  tf.unregisterKernel('Transpose', 'wasm');
  tf.registerKernel(kernel);
  return true;
}
