import { epsilonParam, lastDim, normInput } from '../normalization-common.ts';
import type { LayerDef } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['BatchNormalization'],
  config: (op) => ({
    className: 'BatchNormalization',
    config: {
      name: op.name,
      momentum: op.params.momentum as number,
      epsilon: op.params.epsilon as number,
    },
  }),
  callStyle: { positional: [], defaults: { momentum: 0.99, epsilon: 0.001 } },
  fromConfig: (c) => {
    const check = keras.lastAxisCheck(c, 'BatchNormalization');
    if (c.center === false || c.scale === false)
      throw new keras.Unsupported('BatchNormalization without center or scale');
    return { params: { momentum: c.momentum ?? 0.99, epsilon: c.epsilon ?? 0.001 }, check };
  },
  weightOrder: ['gamma', 'beta', 'moving_mean', 'moving_variance'],
};

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

export const BatchNormalizationLayer: LayerDef = {
  type: 'BatchNormalization',
  group: 'Normalisation/Regularisation',
  kerasName: 'BatchNormalization',
  torchName: 'nn.BatchNorm1d',
  summary: 'Normalises each feature over the batch, then scales and shifts it with learned values.',
  params: [
    { name: 'momentum', label: 'Momentum', kind: 'float', default: 0.99, min: 0, max: 1 },
    epsilonParam,
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => normInput('BatchNormalization', input!),
  // gamma and beta are trained; the moving mean and variance are not.
  paramCount: ([input]) => ({ trainable: 2 * lastDim(input!), nonTrainable: 2 * lastDim(input!) }),
  torchNameFor: () => 'nn.BatchNorm',
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
