import { activationParam, paddingParam } from '../common.ts';
import { requireSequence, sizeParam, slideWindow1D } from '../conv1d-common.ts';
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
 * Keras 3 `Conv1D(filters, kernel_size, strides=1, padding="valid", activation=None,
 * use_bias=True)` (keras.io/api/layers/convolution_layers/convolution1d/): `(steps, C)` →
 * `(steps', filters)`. Fixed: dilation_rate 1, groups 1, channels last, glorot_uniform kernel and
 * zeros bias; 'causal' padding is not offered.
 */
export const Conv1DLayer: LayerDef = {
  type: 'Conv1D',
  group: 'Convolution',
  kerasName: 'Conv1D',
  torchName: 'nn.Conv1d',
  summary: 'Slides small learned filters along a sequence; each filter makes one output channel.',
  params: [
    { name: 'filters', label: 'Filters', kind: 'int', default: 32, min: 1, max: 65_536 },
    sizeParam('kernel_size', 'Kernel size', 3),
    sizeParam('strides', 'Strides', 1),
    paddingParam,
    activationParam('linear'),
    { name: 'use_bias', label: 'Use bias', kind: 'bool', default: true },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const bad = requireSequence('Conv1D', input!);
    if (bad) return bad;
    const slid = slideWindow1D(
      'Conv1D',
      input![0]!,
      p.kernel_size as number,
      p.strides as number,
      p.padding as string,
    );
    return slid.ok ? ok([slid.steps, p.filters as number]) : slid.result;
  },
  // Kernel (kernel_size, channels, filters) plus bias (filters)
  // (keras/src/layers/convolutional/base_conv.py `build`).
  paramCount: ([input], p) => {
    const filters = p.filters as number;
    const channels = input![1] ?? 0;
    return {
      trainable: (p.kernel_size as number) * channels * filters + (p.use_bias ? filters : 0),
      nonTrainable: 0,
    };
  },
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
