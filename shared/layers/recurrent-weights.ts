/**
 * Recurrent weight layouts: Keras's arrays ↔ ONNX's and PyTorch's.
 *
 * Keras (keras/src/layers/rnn/*.py), per direction: `kernel` `(features, G·units)`,
 * `recurrent_kernel` `(units, G·units)`, `bias` `(G·units)` — GRU with reset_after: `(2, G·units)`,
 * row 0 the input bias, row 1 the recurrent bias. Columns hold G gate blocks of `units` each:
 * LSTM i, f, c, o; GRU z, r, h; SimpleRNN one block.
 *
 * ONNX (operator docs for LSTM, GRU, RNN, opset 14+), per direction: `W` `(G·units, features)`,
 * `R` `(G·units, units)` (rows in gate blocks: LSTM i, o, f, c; GRU z, r, h), `B` `(2·G·units)` =
 * input biases then recurrent biases.
 *
 * PyTorch (torch.nn.LSTM/GRU/RNN docs): `weight_ih` `(G·units, features)`, `weight_hh`
 * `(G·units, units)`, `bias_ih`, `bias_hh` `(G·units)`; gate blocks LSTM i, f, g, o (g is Keras's
 * c); GRU r, z, n (n is Keras's h, and like reset_after it applies r after the recurrent product,
 * bias included).
 *
 * Keras's single LSTM/SimpleRNN bias becomes the input bias; the recurrent bias is zero.
 */
import { GATES, type RecurrentKind } from './recurrent-common.ts';

/**
 * For each gate block of the target layout, the index of the Keras gate block it comes from.
 * ONNX LSTM i, o, f, c ← Keras i, f, c, o; GRU z, r, h in both.
 */
export const ONNX_GATES_FROM_KERAS: Readonly<Record<RecurrentKind, readonly number[]>> = {
  SimpleRNN: [0],
  LSTM: [0, 3, 1, 2],
  GRU: [0, 1, 2],
};

/** PyTorch LSTM i, f, g, o ← Keras i, f, c, o; GRU r, z, n ← Keras z, r, h. */
export const TORCH_GATES_FROM_KERAS: Readonly<Record<RecurrentKind, readonly number[]>> = {
  SimpleRNN: [0],
  LSTM: [0, 1, 2, 3],
  GRU: [1, 0, 2],
};

/**
 * Keras `(rows, G·units)` → `(G·units, rows)`, gate block `g` of the result being Keras's block
 * `order[g]` (rows: features for a kernel, units for a recurrent kernel). Row-major in and out.
 */
export function gateRowsFromKeras(
  data: Float32Array,
  rows: number,
  units: number,
  order: readonly number[],
): Float32Array {
  const width = order.length * units;
  const out = new Float32Array(data.length);
  order.forEach((from, g) => {
    for (let u = 0; u < units; u++)
      for (let r = 0; r < rows; r++)
        out[(g * units + u) * rows + r] = data[r * width + from * units + u]!;
  });
  return out;
}

/** Inverse of `gateRowsFromKeras`: `(G·units, rows)` in `order` → Keras `(rows, G·units)`. */
export function gateRowsToKeras(
  data: Float32Array,
  rows: number,
  units: number,
  order: readonly number[],
): Float32Array {
  const width = order.length * units;
  const out = new Float32Array(data.length);
  order.forEach((from, g) => {
    for (let u = 0; u < units; u++)
      for (let r = 0; r < rows; r++)
        out[r * width + from * units + u] = data[(g * units + u) * rows + r]!;
  });
  return out;
}

/** A `G·units` vector with its gate blocks reordered: block `g` ← `data` block `order[g]`. */
export function gateVector(
  data: Float32Array,
  units: number,
  order: readonly number[],
): Float32Array {
  const out = new Float32Array(order.length * units);
  order.forEach((from, g) => out.set(data.subarray(from * units, (from + 1) * units), g * units));
  return out;
}

/** Inverse of `gateVector`. */
export function gateVectorToKeras(
  data: Float32Array,
  units: number,
  order: readonly number[],
): Float32Array {
  const out = new Float32Array(order.length * units);
  order.forEach((from, g) => out.set(data.subarray(g * units, (g + 1) * units), from * units));
  return out;
}

/** One direction's Keras arrays (data row-major, float32). */
export interface KerasRecurrentArrays {
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  /** Absent without `use_bias`. */
  bias?: Float32Array;
}

/** One direction's arrays in a target layout (ONNX or PyTorch): weights and both biases. */
export interface GateArrays {
  /** `(G·units, features)`. */
  inputWeights: Float32Array;
  /** `(G·units, units)`. */
  recurrentWeights: Float32Array;
  /** `(G·units)` each; zeros when Keras has no bias (or, for LSTM/SimpleRNN, no recurrent one). */
  inputBias: Float32Array;
  recurrentBias: Float32Array;
}

/**
 * Keras's arrays of one direction → a target layout whose gate blocks come in `order`
 * (`ONNX_GATES_FROM_KERAS[kind]` or `TORCH_GATES_FROM_KERAS[kind]`).
 */
export function gateArraysFromKeras(
  kind: RecurrentKind,
  arrays: KerasRecurrentArrays,
  features: number,
  units: number,
  order: readonly number[],
): GateArrays {
  const width = GATES[kind] * units;
  const bias = arrays.bias;
  const inputBias = bias ? bias.subarray(0, width) : new Float32Array(width);
  const recurrentBias =
    bias && kind === 'GRU' ? bias.subarray(width, 2 * width) : new Float32Array(width);
  return {
    inputWeights: gateRowsFromKeras(arrays.kernel, features, units, order),
    recurrentWeights: gateRowsFromKeras(arrays.recurrentKernel, units, units, order),
    inputBias: gateVector(inputBias, units, order),
    recurrentBias: gateVector(recurrentBias, units, order),
  };
}
