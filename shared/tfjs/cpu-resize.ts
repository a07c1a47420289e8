/**
 * A correct `ResizeNearestNeighborGrad` for TF.js's cpu backend (tfjs-backend-cpu 4.22), the
 * gradient of `tf.image.resizeNearestNeighbor` and so of UpSampling2D.
 *
 * The stock cpu kernel is right for a batch of one image but wrong for every later image of a
 * batch: it reads `dy` at `b · (H·W·C)`, the batch stride of the input `images`, instead of
 * `b · (H'·W'·C)`, the batch stride of `dy` (tfjs-backend-cpu `ResizeNearestNeighborGrad.js`,
 * `dyROffset = batchOffset + …` with `batchOffset = b * imagesStrides[0]`). Measured: ×2 on a
 * batch of 3 2×2 images gives image 1 the gradient 26 where the hand sum of its 2×2 block of dy
 * is 74. The wasm and webgpu kernels index `dy` by its own batch stride and are right. This
 * wrapper runs the stock kernel once per image (`Slice` along the batch axis) and joins the
 * results (`Concat` on axis 0). Definition: each output cell's gradient goes to the input cell it
 * was copied from. Inputs `images` `[N, H, W, C]`, `dy` `[N, H', W', C]`; attrs as the stock
 * kernel (`alignCorners`, `halfPixelCenters`). Returns `dx` `[N, H, W, C]`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';

const MARK = Symbol.for('netwright.cpuResizeNearestNeighborGrad');
type KernelArgs = Parameters<tfjs.KernelFunc>[0];
type Info = tfjs.TensorInfo;

/**
 * Wraps the cpu `ResizeNearestNeighborGrad` once (idempotent). Returns false (and changes
 * nothing) when the cpu backend or one of the kernels it uses is not loaded.
 */
export function installCpuResizeNearestGrad(tf: Tf): boolean {
  const names = ['ResizeNearestNeighborGrad', 'Slice', 'Concat'] as const;
  const k = Object.fromEntries(names.map((n) => [n, tf.getKernel(n, 'cpu')]));
  if (names.some((n) => !k[n])) return false;
  const original = k.ResizeNearestNeighborGrad!;
  if ((original as unknown as Record<symbol, boolean>)[MARK]) return true;
  const kernel: tfjs.KernelConfig = {
    kernelName: 'ResizeNearestNeighborGrad',
    backendName: 'cpu',
    ...(original.setupFunc ? { setupFunc: original.setupFunc } : {}),
    kernelFunc: (args: KernelArgs) => {
      const { backend } = args;
      const { images, dy } = args.inputs as { images: Info; dy: Info };
      const batch = images.shape[0]!;
      if (batch <= 1) return original.kernelFunc(args);
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
      const one = (t: Info, b: number) =>
        run('Slice', { x: t }, { begin: [b, 0, 0, 0], size: [1, ...t.shape.slice(1)] });
      try {
        const parts = Array.from({ length: batch }, (_, b) =>
          run(
            'ResizeNearestNeighborGrad',
            { images: one(images, b), dy: one(dy, b) },
            args.attrs ?? {},
          ),
        );
        return k.Concat!.kernelFunc({
          inputs: parts as unknown as tfjs.NamedTensorInfoMap,
          backend,
          attrs: { axis: 0 },
        }) as Info;
      } finally {
        const b = backend as unknown as { disposeData(id: object): unknown };
        for (const t of temps) b.disposeData(t.dataId);
      }
    },
  };
  (kernel as unknown as Record<symbol, boolean>)[MARK] = true;
  tf.unregisterKernel('ResizeNearestNeighborGrad', 'cpu');
  tf.registerKernel(kernel);
  return true;
}
