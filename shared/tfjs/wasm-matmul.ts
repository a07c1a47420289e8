/**
 * A faster BatchMatMul for TF.js's wasm backend when an operand is transposed.
 *
 * tfjs-backend-wasm runs `matMul(a, b, transposeA, transposeB)` through XNNPACK only when neither
 * flag is set; with either flag it falls back to a plain loop that is 6× slower here (2 GFLOP/s
 * against 13-25 for the MNIST MLP's first layer; bench/README.md). Training hits exactly those
 * cases: the gradients of a Dense layer are `dy · Wᵀ` and `xᵀ · dy`. This wraps the kernel so
 * that a transposed operand is first copied transposed (the wasm Transpose kernel, ~1/20 of the
 * matmul's time) and the product then takes the XNNPACK path. Results are the same products.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';

const MARK = Symbol.for('netwright.fastWasmMatMul');

type KernelArgs = Parameters<tfjs.KernelFunc>[0];
type Backend = { disposeData(dataId: object): unknown };

/**
 * Installs the wrapper once (idempotent); call after importing `@tensorflow/tfjs-backend-wasm`,
 * before or after the backend starts. Returns whether the wrapper is in place.
 */
export function installFastWasmMatMul(tf: Tf): boolean {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  if (!original || !tf.getKernel('Transpose', 'wasm')) return false;
  if ((original as unknown as Record<symbol, boolean>)[MARK]) return true;
  const swapLast = (x: tfjs.TensorInfo, backend: KernelArgs['backend']) => {
    const r = x.shape.length;
    const perm = [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
    // The Transpose registered now (Netwright's SIMD one when installed), not the one at install.
    const transpose = tf.getKernel('Transpose', 'wasm')!;
    return transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tfjs.TensorInfo;
  };
  const kernel: tfjs.KernelConfig = {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    ...(original.setupFunc ? { setupFunc: original.setupFunc } : {}),
    ...(original.disposeFunc ? { disposeFunc: original.disposeFunc } : {}),
    kernelFunc: (args: KernelArgs) => {
      const { inputs, backend, attrs } = args;
      const transposeA = Boolean(attrs?.transposeA);
      const transposeB = Boolean(attrs?.transposeB);
      if (!transposeA && !transposeB) return original.kernelFunc(args);
      const a = inputs.a as tfjs.TensorInfo;
      const b = inputs.b as tfjs.TensorInfo;
      const a2 = transposeA ? swapLast(a, backend) : a;
      const b2 = transposeB ? swapLast(b, backend) : b;
      try {
        return original.kernelFunc({
          inputs: { a: a2, b: b2 },
          backend,
          attrs: { ...attrs, transposeA: false, transposeB: false },
        });
      } finally {
        if (a2 !== a) (backend as unknown as Backend).disposeData(a2.dataId);
        if (b2 !== b) (backend as unknown as Backend).disposeData(b2.dataId);
      }
    },
  };
  (kernel as unknown as Record<symbol, boolean>)[MARK] = true;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel(kernel);
  return true;
}
