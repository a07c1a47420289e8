import { activationParam, pairParam, paddingParam, requireImage } from '../common.ts';
import { transposeOutputSize } from '../layout.ts';
import type { LayerDef } from '../types.ts';
import { ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = keras.TODO;

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = torch.TODO;

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = tfjs.TODO;

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = onnx.TODO;

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = explain.TODO;

// ─── end explain ───

/**
 * Keras `Conv2DTranspose`: kernel `(kh, kw, filters, in)`, output size per axis from
 * `transposeOutputSize` (Keras's deconv_output_length with output_padding None). Fixed:
 * output_padding None, dilation_rate 1, data_format channels_last.
 */
export const Conv2DTransposeLayer: LayerDef = {
  type: 'Conv2DTranspose',
  group: 'Convolution',
  kerasName: 'Conv2DTranspose',
  torchName: 'nn.ConvTranspose2d',
  summary:
    'A convolution run backwards: each input pixel stamps a learned filter onto a larger output, e.g. to upsample 7×7 to 14×14 with stride 2.',
  params: [
    { name: 'filters', label: 'Filters', kind: 'int', default: 32, min: 1, max: 65_536 },
    pairParam('kernel_size', 'Kernel size', [3, 3]),
    pairParam('strides', 'Strides', [1, 1]),
    {
      ...paddingParam,
      help: 'valid: output = input × stride + max(kernel − stride, 0); same: output = input × stride',
    },
    activationParam('linear'),
    { name: 'use_bias', label: 'Use bias', kind: 'bool', default: true },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const bad = requireImage('Conv2DTranspose', input!);
    if (bad) return bad;
    const [kh, kw] = p.kernel_size as number[];
    const [sh, sw] = p.strides as number[];
    const padding = p.padding as string;
    return ok([
      transposeOutputSize(input![0]!, kh!, sh!, padding),
      transposeOutputSize(input![1]!, kw!, sw!, padding),
      p.filters as number,
    ]);
  },
  // keras/src/layers/convolutional/base_conv_transpose.py build(): kernel
  // (*kernel_size, filters, input_channel) and bias (filters,).
  paramCount: ([input], p) => {
    const [kh, kw] = p.kernel_size as number[];
    const filters = p.filters as number;
    const channels = input![2] ?? 0;
    return {
      trainable: kh! * kw! * filters * channels + (p.use_bias ? filters : 0),
      nonTrainable: 0,
    };
  },
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
