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

const torchHooks: torch.Hooks = {
  plan: (ctx) => {
    const p = ctx.op.params;
    const input = ctx.inputs[0]!;
    const features = input.shape.at(-1)!;
    const momentum = torch.clean(1 - (p.momentum as number));
    const cls = input.spatialRank === 2 ? 'nn.BatchNorm2d' : 'nn.BatchNorm1d';
    const notes = [
      `PyTorch's momentum weights the new batch: Keras momentum ${p.momentum} = PyTorch ${momentum}.`,
    ];
    const bn: torch.Step = {
      module: `${cls}(${features}, eps=${torch.pyFloat(p.epsilon as number)}, momentum=${torch.pyFloat(momentum)})`,
      weights: true,
    };
    if (input.spatialRank === 0 && input.shape.length === 2) {
      // (N, steps, F) held as Keras: BatchNorm1d normalises axis 1.
      notes.push('BatchNorm1d wants the features on axis 1: swap them there and back.');
      const swap: torch.Step = { fn: (v) => `${v}.transpose(1, 2)`, seq: ['Permute(0, 2, 1)'] };
      return { notes, steps: [swap, bn, swap] };
    }
    return { notes, steps: [bn] };
  },
  weights: () => ({
    note: 'BatchNormalization: gamma, beta, moving mean and variance → weight, bias, running_mean, running_var.',
    arrays: {
      gamma: [{ attr: 'weight' }],
      beta: [{ attr: 'bias' }],
      moving_mean: [{ attr: 'running_mean' }],
      moving_variance: [{ attr: 'running_var' }],
    },
  }),
};

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
