import { requireImage } from '../common.ts';
import type { LayerDef } from '../types.ts';
import { adaptiveGlobalSource } from '../pooling-common.ts';
import { globalPoolImport, globalPoolKeras } from '../conv1d-hooks.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = globalPoolKeras(['GlobalMaxPooling2D', 'GlobalMaxPool2D']);

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

// The map is held (N, C, H, W): the largest value over dims 2 and 3.
const torchHooks: torch.Hooks = {
  source: adaptiveGlobalSource('AdaptiveMaxPool2d', 'adaptive_max_pool2d'),
  plan: () => ({
    steps: [
      { fn: (v) => `${v}.amax(dim=(2, 3))`, seq: ['nn.AdaptiveMaxPool2d(1)', 'nn.Flatten()'] },
    ],
  }),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [tf.layers.globalMaxPooling2d({ name: op.name })],
  // H·W − 1 comparisons per channel.
  forwardFlops: (op) => tfjs.shapeSize(op.inputShapes[0] ?? []),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // ReduceMax over H, W of the NHWC map (axes 1, 2 with batch), no kept axes.
  export: ({ g, op, ins }) =>
    g.node(`${op.name}/ReduceMax`, 'ReduceMax', [ins[0]!], op.name, [
      onnx.ints('axes', [1, 2]),
      onnx.int('keepdims', 0),
    ]),
  import: [globalPoolImport('ReduceMax', 'GlobalMaxPooling2D', 2)],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Global max pooling',
    what: 'Keeps the largest value of each channel over the whole image, leaving one number per channel: how strongly each pattern occurs anywhere.',
    formula: '(H, W, C) → (C), yᶜ = max over all positions of xᶜ',
    when: 'At the end of a conv net instead of Flatten, when it matters that a feature is present, not where.',
  },
};

// ─── end explain ───

/**
 * Keras 3 `GlobalMaxPooling2D()` (keepdims fixed to False, channels last): `(H, W, C)` → `(C)`,
 * no weights.
 */
export const GlobalMaxPooling2DLayer: LayerDef = {
  type: 'GlobalMaxPooling2D',
  group: 'Convolution',
  kerasName: 'GlobalMaxPooling2D',
  torchName: 'nn.AdaptiveMaxPool2d',
  summary: 'Keeps the largest value of each channel over the whole image: (H, W, C) → (C).',
  params: [],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => requireImage('GlobalMaxPooling2D', input!) ?? ok([input![2]!]),
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
