/**
 * Dropout in one WebGPU kernel while training (issue 10: dispatches per step).
 *
 * tfjs-core's `dropout` (`ops/dropout.ts`) is `x · (floor(u + keepProb) / keepProb)` with `u`
 * uniform in [0, 1) drawn by `randomUniform` (`keepProb = 1 − rate`): add, floor, divide and
 * multiply, four kernels forward and a multiply backward. On webgpu, a `tf.layers.dropout` layer
 * in training (rate strictly between 0 and 1, no `noiseShape`, float32) here draws the same `u`
 * (the same `randomUniform` call, with the layer's seed) and runs `NetwrightDropoutMask`
 * (webgpu-step-kernels.ts) forward, and the same kernel on `dy` backward (`∂y/∂x` is the
 * multiplier): two kernels instead of five. Elsewhere, and in inference, the layer runs as
 * TF.js ships it. Only the layer's `call` changes: class and config are `tf.layers.dropout`'s.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';
import { hasWebGpuKernel } from './webgpu-program.ts';
import { DROPOUT_MASK } from './webgpu-step-kernels.ts';

/**
 * `x · (floor(u + keepProb) / keepProb)` as one webgpu kernel, differentiable in `x` (gradient
 * `dy · (floor(u + keepProb) / keepProb)`, the same kernel). `x` and `u` have the same shape;
 * `u` gets no gradient. Requires the webgpu backend with the kernel registered.
 */
export function dropoutWithMask(
  tf: Tf,
  x: tfjs.Tensor,
  u: tfjs.Tensor,
  keepProb: number,
): tfjs.Tensor {
  const attrs = { keepProb } as unknown as tfjs.NamedAttrMap;
  const f = tf.customGrad((...args: (tfjs.Tensor | tfjs.GradSaveFunc)[]) => {
    const input = args[0] as tfjs.Tensor;
    const save = args[1] as tfjs.GradSaveFunc;
    save([u]);
    return {
      value: tf.engine().runKernel(DROPOUT_MASK, { x: input, u }, attrs) as tfjs.Tensor,
      gradFunc: (dy: tfjs.Tensor, saved: tfjs.Tensor[]) =>
        tf.engine().runKernel(DROPOUT_MASK, { x: dy, u: saved[0]! }, attrs) as tfjs.Tensor,
    };
  });
  return f(x) as tfjs.Tensor;
}

type DropoutInternals = tfjs.layers.Layer & {
  rate: number;
  noiseShape?: number[] | null;
  seed?: number;
  /** A seeded Dropout's per-call seed (shared/layers/kinds/dropout.ts `SeededDropout`). */
  nextSeed?: () => number;
  invokeCallHook(inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: object): void;
};

/**
 * Makes a `tf.layers.dropout` layer use `dropoutWithMask` in training on webgpu (see the module
 * comment; checked at each call). Other layers are returned unchanged. Returns the layer.
 */
export function fuseDropoutLayer(tf: Tf, layer: tfjs.layers.Layer): tfjs.layers.Layer {
  if (layer.getClassName() !== 'Dropout') return layer;
  const dropout = layer as DropoutInternals;
  const original = dropout.call.bind(dropout);
  dropout.call = (inputs, kwargs) => {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const training = (kwargs as { training?: boolean } | undefined)?.training === true;
    if (
      !training ||
      !x ||
      !(dropout.rate > 0 && dropout.rate < 1) ||
      dropout.noiseShape != null ||
      x.dtype !== 'float32' ||
      !hasWebGpuKernel(tf, DROPOUT_MASK)
    )
      return original(inputs, kwargs);
    return tf.tidy(() => {
      dropout.invokeCallHook(inputs, kwargs);
      // The seed the layer's own call would use: a seeded Dropout moves to a new one per call.
      const seed = typeof dropout.nextSeed === 'function' ? dropout.nextSeed() : dropout.seed;
      const u = tf.randomUniform(x.shape, 0, 1, 'float32', seed);
      return dropoutWithMask(tf, x, u, 1 - dropout.rate);
    });
  };
  return layer;
}
