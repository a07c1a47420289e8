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

/** Keras activation layers that import as an Activation block, with the checks each needs. */
const ACTIVATION_CLASSES: Record<string, (c: keras.Json) => string> = {
  Activation: (c) => keras.activationOf(c.activation),
  ReLU: (c) => {
    if ((c.max_value ?? null) !== null || (c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0)
      throw new keras.Unsupported('ReLU with max_value, slope or threshold');
    return 'relu';
  },
  Softmax: (c) => {
    if ((c.axis ?? -1) !== -1) throw new keras.Unsupported(`Softmax over axis ${String(c.axis)}`);
    return 'softmax';
  },
  ELU: (c) => {
    if ((c.alpha ?? 1) !== 1) throw new keras.Unsupported(`ELU alpha ${String(c.alpha)}`);
    return 'elu';
  },
  LeakyReLU: (c) => {
    const slope = Number(c.negative_slope ?? c.alpha ?? 0.3);
    if (Math.abs(slope - keras.LEAKY_RELU_SLOPE) > 1e-6)
      throw new keras.Unsupported(
        `LeakyReLU slope ${slope} (Netwright's leaky_relu has slope ${keras.LEAKY_RELU_SLOPE})`,
      );
    return 'leaky_relu';
  },
};

const kerasHooks: keras.Hooks = {
  classNames: Object.keys(ACTIVATION_CLASSES),
  config: (op) => ({
    className: 'Activation',
    config: { name: op.name, activation: op.params.activation as string },
  }),
  callStyle: { positional: ['activation'], defaults: {} },
  fromConfig: (c, className) => ({ params: { activation: ACTIVATION_CLASSES[className]!(c) } }),
  weightOrder: [],
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
