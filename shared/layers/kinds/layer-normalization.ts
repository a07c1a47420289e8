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
    const input = ctx.inputs[0]!;
    const ln: torch.Step = {
      module: `nn.LayerNorm(${input.shape.at(-1)}, eps=${torch.pyFloat(ctx.op.params.epsilon as number)})`,
      weights: true,
    };
    if (input.spatialRank === 0) return { steps: [ln] };
    return {
      notes: ['Keras normalises the last axis, the channels: move them last and back.'],
      steps: [
        torch.permuteStep(torch.toChannelsLast(input.spatialRank)),
        ln,
        torch.permuteStep(torch.toChannelsFirst(input.spatialRank)),
      ],
    };
  },
  weights: () => ({
    note: 'LayerNormalization: gamma, beta → weight, bias.',
    arrays: { gamma: [{ attr: 'weight' }], beta: [{ attr: 'bias' }] },
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
