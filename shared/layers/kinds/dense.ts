import { TORCH_ACTIVATION, type ActivationName } from '../activations.ts';
import { activationParam } from '../common.ts';
import { formatShape } from '../../shape.ts';
import type { LayerDef } from '../types.ts';
import { ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

/** Activations tfjs-layers' Dense fuses with its bias (no separate biasAdd). */
const FUSED_IN_TFJS = new Set(['linear', 'relu', 'elu', 'leaky_relu']);

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['Dense'],
  config: (op) => ({
    className: 'Dense',
    config: {
      name: op.name,
      units: op.params.units as number,
      activation: op.params.activation as string,
      use_bias: op.params.use_bias as boolean,
    },
  }),
  callStyle: { positional: ['units'], defaults: { activation: 'linear', use_bias: true } },
  fromConfig: (c) => ({
    params: {
      units: c.units,
      activation: keras.activationOf(c.activation),
      use_bias: c.use_bias ?? true,
    },
  }),
  weightOrder: ['kernel', 'bias'],
  splitsActivation: true,
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

export const DenseLayer: LayerDef = {
  type: 'Dense',
  group: 'Core',
  kerasName: 'Dense',
  torchName: 'nn.Linear',
  summary: 'Fully connected: every output is a weighted sum of all inputs plus a bias.',
  params: [
    { name: 'units', label: 'Units', kind: 'int', default: 32, min: 1, max: 1_000_000 },
    activationParam('linear'),
    { name: 'use_bias', label: 'Use bias', kind: 'bool', default: true },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    // tfjs-layers' Dense adds the bias inside its fused matMul only for the activations that op
    // knows (linear, relu, elu; leaky_relu is a separate layer here); for the others it calls
    // biasAdd, which refuses outputs of rank 6 ("Unsupported input rank by biasAdd").
    const act = p.activation as string;
    if (input!.length >= 5 && p.use_bias && !FUSED_IN_TFJS.has(act)) {
      return {
        ok: false,
        code: 'E003',
        message: `Dense with bias and activation ${act} takes at most 4 axes per example but gets ${formatShape(input!)} (TF.js cannot run it on rank ${input!.length + 1}): use activation linear and a separate Activation ${act} block`,
      };
    }
    return ok([...input!.slice(0, -1), p.units as number]);
  },
  paramCount: ([input], p) => {
    const fanIn = input![input!.length - 1]!;
    const units = p.units as number;
    return { trainable: fanIn * units + (p.use_bias ? units : 0), nonTrainable: 0 };
  },
  torchNameFor: (p) => {
    const act = TORCH_ACTIVATION[p.activation as ActivationName];
    return act ? `nn.Linear + ${act.replace(/\(.*\)$/, '')}` : 'nn.Linear';
  },
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
