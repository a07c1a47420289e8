/**
 * The front half shared by the recurrent kinds (SimpleRNN, LSTM, GRU and Bidirectional over one
 * of them): the sequence-input check, the common params, output shapes and the parameter counts
 * of Keras and of PyTorch (which differ: PyTorch's cells carry two bias vectors).
 *
 * Fixed, as Keras's defaults: `dropout` 0, `recurrent_dropout` 0, `go_backwards` false (except
 * inside Bidirectional), `stateful` false, `return_state` false, `unroll` false; LSTM/GRU
 * `activation` tanh and `recurrent_activation` sigmoid (PyTorch's `nn.LSTM`/`nn.GRU` have no
 * others); LSTM `unit_forget_bias` true; GRU `reset_after` true (PyTorch's `nn.GRU` is that form).
 */
import type { Shape } from '../shape.ts';
import { formatShape } from '../shape.ts';
import type { BoolParam, EnumParam, IntParam } from './params.ts';
import type { ShapeResult } from './types.ts';
import { ok } from './types.ts';

/** The recurrent layer kinds a Bidirectional block may wrap. */
export const RECURRENT_KINDS = ['LSTM', 'GRU', 'SimpleRNN'] as const;
export type RecurrentKind = (typeof RECURRENT_KINDS)[number];

/**
 * Gates per kind: how many `units`-wide blocks the kernel holds. Keras source:
 * keras/src/layers/rnn/simple_rnn.py (kernel `(input_dim, units)`), lstm.py (`units * 4`, gate
 * order i, f, c, o), gru.py (`units * 3`, gate order z, r, h).
 */
export const GATES: Readonly<Record<RecurrentKind, number>> = { SimpleRNN: 1, LSTM: 4, GRU: 3 };

/** PyTorch modules for each recurrent kind. */
export const TORCH_RECURRENT: Readonly<Record<RecurrentKind, string>> = {
  SimpleRNN: 'nn.RNN',
  LSTM: 'nn.LSTM',
  GRU: 'nn.GRU',
};

export const unitsParam: IntParam = {
  name: 'units',
  label: 'Units',
  kind: 'int',
  default: 32,
  min: 1,
  max: 65_536,
  help: 'size of the hidden state, and of the output at each step',
};

export const returnSequencesParam: BoolParam = {
  name: 'return_sequences',
  label: 'Return sequences',
  kind: 'bool',
  default: false,
  help: 'true: output the hidden state at every step (timesteps, units); false: only the last (units)',
};

export const useBiasParam: BoolParam = {
  name: 'use_bias',
  label: 'Use bias',
  kind: 'bool',
  default: true,
};

/**
 * SimpleRNN's activation: Keras's default tanh, or relu (the two PyTorch's `nn.RNN` runs, as its
 * `nonlinearity`).
 */
export const simpleRnnActivationParam: EnumParam = {
  name: 'activation',
  label: 'Activation',
  kind: 'enum',
  default: 'tanh',
  options: ['tanh', 'relu'],
};

/**
 * Requires a sequence `(timesteps, features)` (Keras's RNN layers take `(batch, timesteps,
 * features)`); explains the usual fixes otherwise. Returns null when the input is one.
 */
export function requireSequence(layer: string, input: Shape): ShapeResult | null {
  if (input.length === 2) return null;
  const hint =
    input.length === 1
      ? '; for token ids put an Embedding before it, for a series of numbers Reshape to (steps, 1)'
      : input.length === 3
        ? `; an image can be read row by row after a Reshape to (${input[0]}, ${input[1]! * input[2]!})`
        : '';
  return {
    ok: false,
    code: 'E003',
    message: `${layer} needs a 2-D input (timesteps, features) but gets ${formatShape(input)}${hint}`,
  };
}

/**
 * Output of a recurrent layer on `(timesteps, features)`: `(timesteps, width)` with
 * `return_sequences`, else `(width)`; `width` is `units` (twice that for a concatenating
 * Bidirectional).
 */
export function recurrentShape(
  layer: string,
  input: Shape,
  width: number,
  returnSequences: boolean,
): ShapeResult {
  const bad = requireSequence(layer, input);
  if (bad) return bad;
  return ok(returnSequences ? [input[0]!, width] : [width]);
}

/**
 * Trainable weights of one Keras recurrent layer with `features` inputs per step, as Keras counts
 * them: `gates * (features * units + units * units)` for kernel and recurrent kernel, plus the
 * bias: `gates * units`, except GRU with reset_after=True whose bias has shape `(2, 3 * units)`
 * (keras/src/layers/rnn/gru.py, GRUCell.build). E.g. LSTM 32 on 10 features: 4·(320 + 1024 + 32)
 * = 5,504; GRU 32 on 10: 3·(320 + 1024) + 6·32 = 4,224.
 */
export function kerasRecurrentCount(
  kind: RecurrentKind,
  features: number,
  units: number,
  useBias: boolean,
): number {
  const gates = GATES[kind];
  const weights = gates * (features * units + units * units);
  if (!useBias) return weights;
  return weights + (kind === 'GRU' ? 2 : 1) * gates * units;
}

/**
 * The same layer's parameter count in PyTorch: `nn.RNN`/`nn.LSTM`/`nn.GRU` hold `weight_ih`
 * `(gates·units, features)`, `weight_hh` `(gates·units, units)` and, with `bias=True`, two bias
 * vectors `bias_ih` and `bias_hh` of `gates·units` each (PyTorch docs, torch.nn.LSTM
 * "Variables"). Differs from Keras for SimpleRNN and LSTM (one more bias vector); equals it for
 * GRU (Keras's reset_after bias has both rows).
 */
export function torchRecurrentCount(
  kind: RecurrentKind,
  features: number,
  units: number,
  useBias: boolean,
): number {
  const gates = GATES[kind];
  return gates * (features * units + units * units) + (useBias ? 2 * gates * units : 0);
}
