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

export const ReLULayer: LayerDef = {
  type: 'ReLU',
  group: 'Activations',
  kerasName: 'ReLU',
  torchName: 'nn.ReLU',
  summary:
    'max(0, x), optionally capped at max_value (relu6), with a slope below a threshold as in Keras.',
  params: [
    {
      name: 'max_value',
      label: 'Max value',
      kind: 'float',
      default: null,
      nullable: true,
      min: 0,
      help: 'Outputs are capped at this value; empty: no cap.',
    },
    {
      name: 'negative_slope',
      label: 'Negative slope',
      kind: 'float',
      default: 0,
      min: 0,
      help: 'Below the threshold: negative_slope · (x − threshold).',
    },
    {
      name: 'threshold',
      label: 'Threshold',
      kind: 'float',
      default: 0,
      min: 0,
      help: 'Values below it count as "negative".',
    },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input!),
  paramCount: () => NO_PARAMS,
  torchNameFor: (p) =>
    p.negative_slope !== 0 || p.threshold !== 0
      ? 'torch.where'
      : p.max_value !== null
        ? 'nn.Hardtanh'
        : 'nn.ReLU',
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
