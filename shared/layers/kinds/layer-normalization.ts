import { epsilonParam, lastDim, normInput } from '../normalization-common.ts';
import type { LayerDef } from '../types.ts';
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

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [
    tf.layers.layerNormalization({ name: op.name, epsilon: op.params.epsilon as number }),
  ],
  // Each [features] (the last axis).
  weights: (op) => ['gamma', 'beta'].map((name) => ({ name, shape: [tfjs.lastAxis(op)] })),
  // Per-example mean (1) and variance (3), then subtract, divide, scale, shift (4).
  forwardFlops: (op) => 8 * tfjs.outSize(op),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = onnx.TODO;

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Layer normalisation',
    what: 'Normalises the features of each example on their own (not over the batch), then scales and shifts them.',
    formula: 'y = γ · (x − mean(x)) / √(var(x) + ε) + β',
    when: 'In transformers and recurrent networks, or when batches are small.',
  },
  arithmetic: (_p, [input]) => {
    const c = explain.last(input!);
    return { params: `${explain.count(c)} features × 2 (γ, β) = ${explain.count(2 * c)}` };
  },
};

// ─── end explain ───

export const LayerNormalizationLayer: LayerDef = {
  type: 'LayerNormalization',
  group: 'Normalisation/Regularisation',
  kerasName: 'LayerNormalization',
  torchName: 'nn.LayerNorm',
  summary: 'Normalises the features of each example on their own, then scales and shifts them.',
  params: [epsilonParam],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => normInput('LayerNormalization', input!),
  paramCount: ([input]) => ({ trainable: 2 * lastDim(input!), nonTrainable: 0 }),
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
