import {
  kerasRecurrentCount,
  recurrentShape,
  returnSequencesParam,
  unitsParam,
  useBiasParam,
} from '../recurrent-common.ts';
import type { LayerDef } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';
import * as rh from '../recurrent-hooks.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = rh.recurrentKeras('GRU');

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  ...rh.recurrentTorch('GRU'),
  // torch.nn.GRU: pytorch.org/docs/stable/generated/torch.nn.GRU.html
  source: torch.recurrentSource('GRU'),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = rh.recurrentTfjs('GRU');

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = rh.recurrentOnnx('GRU');

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'GRU (gated recurrent unit)',
    what: 'An LSTM with fewer gates: the update gate z decides how much of the old state to keep, the reset gate r how much of it feeds the new candidate state.',
    formula:
      "z, r = sigmoid(x_t · W + h_(t−1) · U + b), one per gate; h~ = tanh(x_t · W_h + b_h + r ⊙ (h_(t−1) · U_h + b_h')); h_t = z ⊙ h_(t−1) + (1 − z) ⊙ h~",
    when: 'Instead of an LSTM when you want fewer parameters; it often learns as well.',
  },
  arithmetic: rh.recurrentArithmetic('GRU'),
  digest: (p) => explain.joinDigest([p.units, p.return_sequences && 'sequences']),
};

// ─── end explain ───

/**
 * GRU (Keras 3 `keras.layers.GRU`, Cho et al. 2014) with Keras's default `reset_after=True`:
 * gates z, r, h; the reset gate multiplies the recurrent term after its matrix product.
 * Input `(timesteps, features)` → `(units)`, or `(timesteps, units)` with `return_sequences`.
 * See ../recurrent-common.ts for what is fixed and for the parameter counts.
 */
export const GRULayer: LayerDef = {
  type: 'GRU',
  group: 'Recurrent',
  kerasName: 'GRU',
  torchName: 'nn.GRU',
  summary: 'Reads a sequence step by step with update and reset gates: a lighter LSTM.',
  params: [unitsParam, useBiasParam, returnSequencesParam],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) =>
    recurrentShape('GRU', input!, p.units as number, p.return_sequences as boolean),
  paramCount: ([input], p) => ({
    trainable: kerasRecurrentCount('GRU', input![1] ?? 0, p.units as number, p.use_bias as boolean),
    nonTrainable: 0,
  }),
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
