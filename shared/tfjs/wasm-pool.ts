/**
 * A correct `MaxPoolGrad` for TF.js's wasm backend (tfjs-backend-wasm 4.22).
 *
 * The stock wasm `MaxPoolGrad` (and `MaxPoolWithArgmax`) gives no gradient to a window whose
 * maximum is ≤ 0 (measured: `maxPool` 1×1 on [0.5, −0.3] gives the gradient [1, 0] instead of
 * [1, 1]; the running maximum apparently starts at the smallest positive float), so a
 * MaxPooling2D after any layer with negative outputs (linear Conv2D, BatchNormalization, tanh)
 * trains wrongly on wasm. This wrapper splits the upstream gradient by window:
 * - windows whose maximum `y` is > 0: the stock kernel on `x` as it is (exact);
 * - the others: the stock kernel on `x − min(x) + 1`, which is ≥ 1 everywhere and orders the
 *   values as `x` does (values closer than the float32 rounding of `x − min(x) + 1` tie);
 * and adds the two. Definition: TF.js's cpu `MaxPoolGrad` (the gradient of each window goes to
 * its maximum). Exact ties differ: the cpu kernel picks the first maximum of a window, the
 * stock wasm kernel another (measured: the last), as before this wrapper. Inputs `dy` `[N, Ho, Wo, C]`, `input` `[N, H, W, C]`, `output` (the
 * pooled `y`, `[N, Ho, Wo, C]`); attrs as the stock kernel. Returns `dx` `[N, H, W, C]`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';

const MARK = Symbol.for('netwright.wasmMaxPoolGrad');
type KernelArgs = Parameters<tfjs.KernelFunc>[0];
type Info = tfjs.TensorInfo;

/**
 * Wraps the wasm `MaxPoolGrad` once (idempotent). Returns false (and changes nothing) when the
 * wasm backend or one of the kernels it uses is not loaded.
 */
export function installWasmMaxPoolGrad(tf: Tf): boolean {
  const names = ['MaxPoolGrad', 'Step', 'Multiply', 'Sub', 'Min', 'Fill', 'Add'] as const;
  const k = Object.fromEntries(names.map((n) => [n, tf.getKernel(n, 'wasm')]));
  if (names.some((n) => !k[n])) return false;
  const original = k.MaxPoolGrad!;
  if ((original as unknown as Record<symbol, boolean>)[MARK]) return true;
  const kernel: tfjs.KernelConfig = {
    kernelName: 'MaxPoolGrad',
    backendName: 'wasm',
    ...(original.setupFunc ? { setupFunc: original.setupFunc } : {}),
    kernelFunc: (args: KernelArgs) => {
      const { backend } = args;
      const { dy, input, output } = args.inputs as { dy: Info; input: Info; output: Info };
      const temps: Info[] = [];
      const run = (
        name: (typeof names)[number],
        inputs: tfjs.NamedTensorInfoMap,
        attrs: object,
      ) => {
        const out = k[name]!.kernelFunc({
          inputs,
          backend,
          attrs: attrs as tfjs.NamedAttrMap,
        }) as Info;
        temps.push(out);
        return out;
      };
      try {
        const positive = run('Step', { x: output }, { alpha: 0 }); // 1 where y > 0
        const dyA = run('Multiply', { a: dy, b: positive }, {});
        const dyB = run('Sub', { a: dy, b: dyA }, {});
        const min = run('Min', { x: input }, { axis: [0, 1, 2, 3], keepDims: false });
        const one = run('Fill', {}, { shape: [], value: 1, dtype: 'float32' });
        const shift = run('Sub', { a: min, b: one }, {});
        const lifted = run('Sub', { a: input, b: shift }, {}); // x − min + 1 ≥ 1
        const gA = run('MaxPoolGrad', { dy: dyA, input, output }, args.attrs ?? {});
        const gB = run('MaxPoolGrad', { dy: dyB, input: lifted, output }, args.attrs ?? {});
        return k.Add!.kernelFunc({ inputs: { a: gA, b: gB }, backend, attrs: {} }) as Info;
      } finally {
        const b = backend as unknown as { disposeData(id: object): unknown };
        for (const t of temps) b.disposeData(t.dataId);
      }
    },
  };
  (kernel as unknown as Record<symbol, boolean>)[MARK] = true;
  tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel(kernel);
  return true;
}
