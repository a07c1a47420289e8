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
 * Keras `SeparableConv2D`: a depthwise convolution (kernel `(kh, kw, in, depth_multiplier)`,
 * with the strides and padding) then a 1×1 pointwise one (kernel `(1, 1, in * depth_multiplier,
 * filters)`) and one bias `(filters)`. Fixed: dilation_rate 1, data_format channels_last.
 */
export const SeparableConv2DLayer: LayerDef = {
  type: 'SeparableConv2D',
  group: 'Convolution',
  kerasName: 'SeparableConv2D',
  torchName: 'nn.Conv2d ×2',
  summary:
    'A cheaper Conv2D in two steps: filter each channel on its own, then mix channels with 1×1 filters.',
  params: [
    { name: 'filters', label: 'Filters', kind: 'int', default: 32, min: 1, max: 65_536 },
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
      help: 'depthwise output channels per input channel',
    },
    activationParam('linear'),
    { name: 'use_bias', label: 'Use bias', kind: 'bool', default: true },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const bad = requireImage('SeparableConv2D', input!);
    if (bad) return bad;
    const slid = slideWindow(
      'SeparableConv2D',
      input!,
      p.kernel_size as number[],
      p.strides as number[],
      p.padding as string,
    );
    return slid.ok ? ok([slid.h, slid.w, p.filters as number]) : slid.result;
  },
  // keras/src/layers/convolutional/base_separable_conv.py build(): depthwise_kernel
  // (*kernel_size, input_channel, depth_multiplier), pointwise_kernel
  // (1, 1, depth_multiplier * input_channel, filters), bias (filters,).
  paramCount: ([input], p) => {
    const [kh, kw] = p.kernel_size as number[];
    const filters = p.filters as number;
    const mid = (input![2] ?? 0) * (p.depth_multiplier as number);
    return {
      trainable: kh! * kw! * mid + mid * filters + (p.use_bias ? filters : 0),
      nonTrainable: 0,
    };
  },
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
