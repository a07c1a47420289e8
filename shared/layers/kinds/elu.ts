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

export const ELULayer: LayerDef = {
  type: 'ELU',
  group: 'Activations',
  kerasName: 'ELU',
  torchName: 'nn.ELU',
  summary: 'Exponential linear unit: x for x > 0, alpha · (exp(x) − 1) below, a smooth relu.',
  params: [{ name: 'alpha', label: 'Alpha', kind: 'float', default: 1.0 }],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input!),
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
