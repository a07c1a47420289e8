import {
  kerasRecurrentCount,
  recurrentShape,
  returnSequencesParam,
  unitsParam,
  useBiasParam,
  simpleRnnActivationParam,
} from '../recurrent-common.ts';
import type { LayerDef } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';
import * as rh from '../recurrent-hooks.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = rh.recurrentKeras('SimpleRNN');

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  ...rh.recurrentTorch('SimpleRNN'),
  // torch.nn.RNN: pytorch.org/docs/stable/generated/torch.nn.RNN.html
  source: torch.recurrentSource('RNN'),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = rh.recurrentTfjs('SimpleRNN');

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = rh.recurrentOnnx('SimpleRNN');

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'SimpleRNN (simple recurrent layer)',
    what: 'Reads the sequence one step at a time and carries a hidden state: at each step the new state mixes the current input with the previous state.',
    formula: 'h_t = activation(x_t · W + h_(t−1) · U + b)',
    when: 'Short sequences and first experiments; over long sequences it forgets early steps, where LSTM or GRU do better.',
  },
  arithmetic: rh.recurrentArithmetic('SimpleRNN'),
  digest: (p) =>
    explain.joinDigest([
      p.units,
      p.activation !== 'tanh' && p.activation,
      p.return_sequences && 'sequences',
    ]),
};

// ─── end explain ───

/**
 * SimpleRNN (Keras 3 `keras.layers.SimpleRNN`): `h_t = activation(x_t W + h_{t-1} U + b)`.
 * Input `(timesteps, features)` → `(units)`, or `(timesteps, units)` with `return_sequences`.
 * See ../recurrent-common.ts for what is fixed and for the parameter counts.
 */
export const SimpleRNNLayer: LayerDef = {
  type: 'SimpleRNN',
  group: 'Recurrent',
  kerasName: 'SimpleRNN',
  torchName: 'nn.RNN',
  summary:
    'Reads a sequence step by step, mixing each step into a hidden state it carries forward.',
  params: [unitsParam, simpleRnnActivationParam, useBiasParam, returnSequencesParam],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) =>
    recurrentShape('SimpleRNN', input!, p.units as number, p.return_sequences as boolean),
  paramCount: ([input], p) => ({
    trainable: kerasRecurrentCount(
      'SimpleRNN',
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
