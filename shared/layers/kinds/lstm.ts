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

const kerasHooks: keras.Hooks = rh.recurrentKeras('LSTM');

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  ...rh.recurrentTorch('LSTM'),
  // torch.nn.LSTM: pytorch.org/docs/stable/generated/torch.nn.LSTM.html
  source: torch.recurrentSource('LSTM'),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = rh.recurrentTfjs('LSTM');

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = rh.recurrentOnnx('LSTM');

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'LSTM (long short-term memory)',
    what: 'Reads the sequence one step at a time with a memory cell; learned gates decide at each step what to forget, what to write and what to output, so information can travel over many steps.',
    formula:
      'i, f, o = sigmoid(x_t · W + h_(t−1) · U + b), one per gate; c_t = f ⊙ c_(t−1) + i ⊙ tanh(x_t · W_c + h_(t−1) · U_c + b_c); h_t = o ⊙ tanh(c_t)',
    when: 'Sequences where early steps matter later: sentences, time series to forecast.',
  },
  arithmetic: rh.recurrentArithmetic('LSTM'),
  digest: (p) => explain.joinDigest([p.units, p.return_sequences && 'sequences']),
};

// ─── end explain ───

/**
 * LSTM (Keras 3 `keras.layers.LSTM`, Hochreiter & Schmidhuber 1997): gates i, f, c, o.
 * Input `(timesteps, features)` → `(units)`, or `(timesteps, units)` with `return_sequences`.
 * See ../recurrent-common.ts for what is fixed and for the parameter counts.
 */
export const LSTMLayer: LayerDef = {
  type: 'LSTM',
  group: 'Recurrent',
  kerasName: 'LSTM',
  torchName: 'nn.LSTM',
  summary:
    'Reads a sequence step by step with a memory cell and gates that learn what to keep, forget and output.',
  params: [unitsParam, useBiasParam, returnSequencesParam],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) =>
    recurrentShape('LSTM', input!, p.units as number, p.return_sequences as boolean),
  paramCount: ([input], p) => ({
    trainable: kerasRecurrentCount(
      'LSTM',
      input![1] ?? 0,
      p.units as number,
      p.use_bias as boolean,
    ),
    nonTrainable: 0,
  }),
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
