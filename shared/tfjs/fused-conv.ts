/**
 * Conv2D = convolution + bias + activation as one kernel in training too (issue 10: dispatches
 * per step), as fused-dense.ts does for Dense.
 *
 * tfjs-layers' Conv2D calls `tf.fused.conv2d`, which tfjs-core unfuses whenever a gradient tape
 * records and the activation is not linear (`ops/fused_util.ts`, `shouldFuse`): in training a
 * ReLU Conv2D runs `Conv2D` + `Add` + `Relu`. Here a 2-D convolution layer (`Conv2D` class,
 * channels last, dilation 1) whose activation is one of `FUSED_DENSE_ACTIVATIONS` runs its
 * forward as TF.js's `FusedConv2D` kernel, called directly, with a gradient registered for that
 * kernel (`tf.registerGradient`; tfjs-core registers none: its fused op wraps the kernel in
 * `customGrad`), from the output `y = act(z)`, `z = conv(x, W) + b`:
 *
 * - `dz = dy · act'(z)` from `y` (fused-dense.ts `activationGrad`: relu `dy · step(y)`, elu
 *   `EluGrad`, sigmoid `y(1 − y)`);
 * - `dx = Conv2DBackpropInput(dz, W)`, `dW = Conv2DBackpropFilter(x, dz)` (TF.js's Conv2D
 *   gradient, tfjs-core `gradients/Conv2D_grad.ts`, with the same attributes), `db = Σ dz` over
 *   batch, height and width (its Add gradient); each only when the tape asks for it.
 *
 * Only the layer's `call` changes: class, config and weights are `tf.layers.conv2d`'s.
 * Shapes: `x` `[batch, height, width, inChannels]`, kernel `[kh, kw, inChannels, filters]`,
 * output `[batch, outHeight, outWidth, filters]` (NHWC).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';
import { activationGrad, FUSED_DENSE_ACTIVATIONS, type FusedActivation } from './fused-dense.ts';

interface ConvAttrs {
  strides: [number, number];
  pad: 'valid' | 'same';
  dataFormat: 'NHWC';
  dilations: [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation: string;
}

/**
 * Registers (once; idempotent) the gradient of TF.js's `FusedConv2D` kernel for the form
 * `fuseConv2DLayer` runs (NHWC, dilation 1, activation linear or one of
 * `FUSED_DENSE_ACTIVATIONS`, no PReLU weights); any other form throws. Inputs `x`, `filter`,
 * optional `bias`; output `y`.
 */
export function installFusedConvGradient(tf: Tf): void {
  if (tf.getGradient('FusedConv2D')) return;
  tf.registerGradient({
    kernelName: 'FusedConv2D',
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved as tfjs.Tensor[];
      const a = attrs as unknown as ConvAttrs;
      const fused = FUSED_DENSE_ACTIVATIONS.includes(a.activation);
      if (
        a.dataFormat !== 'NHWC' ||
        a.dilations.some((d) => d !== 1) ||
        (a.activation !== 'linear' && !fused)
      )
        throw new Error(
          `FusedConv2D gradient: only fuseConv2DLayer's form (NHWC, dilation 1; linear, ${FUSED_DENSE_ACTIVATIONS.join(', ')}) is supported, got ${a.dataFormat}, dilation ${a.dilations.join('×')}, ${a.activation}`,
        );
      const g = dy as tfjs.Tensor;
      const dz = fused ? activationGrad(tf, a.activation as FusedActivation, g, y!) : g;
      const common = {
        strides: a.strides,
        pad: a.pad,
        dataFormat: 'NHWC',
        dimRoundingMode: a.dimRoundingMode,
      };
      return {
        x: () =>
          tf.engine().runKernel('Conv2DBackpropInput', { dy: dz, filter: filter! }, {
            ...common,
            inputShape: x!.shape,
          } as unknown as tfjs.NamedAttrMap) as tfjs.Tensor,
        filter: () =>
          tf.engine().runKernel('Conv2DBackpropFilter', { x: x!, dy: dz }, {
            ...common,
            filterShape: filter!.shape,
          } as unknown as tfjs.NamedAttrMap) as tfjs.Tensor,
        bias: () => tf.sum(dz, [0, 1, 2]),
      };
    },
  });
}

type ConvInternals = tfjs.layers.Layer & {
  activation?: { getClassName(): string };
  kernel?: { read(): tfjs.Tensor };
  bias?: { read(): tfjs.Tensor } | null;
  strides: number[];
  padding: 'valid' | 'same' | 'causal';
  dataFormat: string;
  dilationRate: number[];
  rank: number;
  invokeCallHook(inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: object): void;
};

/**
 * Makes a `tf.layers.conv2d` layer run its forward as one `FusedConv2D` kernel with the gradient
 * above when its activation is one of `FUSED_DENSE_ACTIVATIONS`, its data format channels last
 * and its dilation 1 (by replacing the instance's `call`; checked at each call). Other layers
 * are returned unchanged. Returns the layer.
 */
export function fuseConv2DLayer(tf: Tf, layer: tfjs.layers.Layer): tfjs.layers.Layer {
  if (layer.getClassName() !== 'Conv2D') return layer;
  const conv = layer as ConvInternals;
  const original = conv.call.bind(conv);
  conv.call = (inputs, kwargs) => {
    const activation = conv.activation?.getClassName() ?? 'linear';
    if (
      !FUSED_DENSE_ACTIVATIONS.includes(activation) ||
      !conv.kernel ||
      conv.rank !== 2 ||
      conv.dataFormat !== 'channelsLast' ||
      conv.dilationRate.some((d) => d !== 1) ||
      conv.padding === 'causal'
    )
      return original(inputs, kwargs);
    installFusedConvGradient(tf);
    return tf.tidy(() => {
      conv.invokeCallHook(inputs, kwargs);
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const bias = conv.bias ? conv.bias.read() : null;
      return tf
        .engine()
        .runKernel(
          'FusedConv2D',
          bias ? { x, filter: conv.kernel!.read(), bias } : { x, filter: conv.kernel!.read() },
          {
            strides: [conv.strides[0]!, conv.strides[1]!],
            pad: conv.padding,
            dataFormat: 'NHWC',
            dilations: [1, 1],
            dimRoundingMode: undefined,
            activation,
            leakyreluAlpha: 0.2,
          } as unknown as tfjs.NamedAttrMap,
        ) as tfjs.Tensor;
    });
  };
  return layer;
}
