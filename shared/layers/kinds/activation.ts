import { TORCH_ACTIVATION, type ActivationName } from '../activations.ts';
import { activationParam } from '../common.ts';
import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
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
    const plan = ctx.activation(ctx.op.params.activation as string, ctx.inputs[0]!.spatialRank > 0);
    if (plan.steps.length === 0 && (plan.notes ?? []).length === 0)
      return { steps: [{ fn: (v) => v, seq: ['nn.Identity()'] }] };
    return plan;
  },
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

export const ActivationLayer: LayerDef = {
  type: 'Activation',
  group: 'Activations',
  kerasName: 'Activation',
  torchName: 'nn.ReLU',
  summary: 'Applies a non-linear function to every value, e.g. relu(x) = max(0, x).',
  params: [activationParam('relu')],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input!),
  paramCount: () => NO_PARAMS,
  torchNameFor: (p) =>
    (TORCH_ACTIVATION[p.activation as ActivationName] ?? 'nn.Identity()').replace(/\(.*\)$/, ''),
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
