import { activationParam, pairParam, paddingParam, requireImage, slideWindow } from '../common.ts';
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
 * Keras `DepthwiseConv2D`: one `(kh, kw)` filter per input channel and multiplier, kernel
 * `(kh, kw, in, depth_multiplier)`, output channel `c * depth_multiplier + m` from input channel
 * `c`. Fixed: dilation_rate 1, data_format channels_last.
 */
export const DepthwiseConv2DLayer: LayerDef = {
  type: 'DepthwiseConv2D',
  group: 'Convolution',
  kerasName: 'DepthwiseConv2D',
  torchName: 'nn.Conv2d',
  summary:
    'Convolves each channel with its own small filters, never mixing channels: cheap spatial filtering.',
  params: [
    pairParam('kernel_size', 'Kernel size', [3, 3]),
    pairParam('strides', 'Strides', [1, 1]),
    paddingParam,
    {
      name: 'depth_multiplier',
      label: 'Depth multiplier',
      kind: 'int',
      default: 1,
      min: 1,
      max: 1024,
      help: 'output channels per input channel',
    },
    activationParam('linear'),
    { name: 'use_bias', label: 'Use bias', kind: 'bool', default: true },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const bad = requireImage('DepthwiseConv2D', input!);
    if (bad) return bad;
    const slid = slideWindow(
      'DepthwiseConv2D',
      input!,
      p.kernel_size as number[],
      p.strides as number[],
      p.padding as string,
    );
    return slid.ok
      ? ok([slid.h, slid.w, input![2]! * (p.depth_multiplier as number)])
      : slid.result;
  },
  // keras/src/layers/convolutional/base_depthwise_conv.py build(): kernel
  // (*kernel_size, input_channel, depth_multiplier), bias (depth_multiplier * input_channel,).
  paramCount: ([input], p) => {
    const [kh, kw] = p.kernel_size as number[];
    const out = (input![2] ?? 0) * (p.depth_multiplier as number);
    return { trainable: kh! * kw! * out + (p.use_bias ? out : 0), nonTrainable: 0 };
  },
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
