/**
 * The TF.js Keras-3 GRU (reset_after=True) against a plain-loop GRU written here from the
 * equations in Keras's keras/src/layers/rnn/gru.py (GRUCell.call, reset_after branch), with
 * Keras's weight layouts; and inside TF.js's Bidirectional wrapper (which clones the layer
 * through its serialization map).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESET_AFTER_GRU_CLASS, resetAfterGru } from '../../shared/tfjs/gru-reset-after.ts';
import { randomArray, rng } from './onnx-helpers.ts';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * Hand GRU over one sequence `x` `(T, F)`; kernel `(F, 3U)`, recurrent `(U, 3U)`, bias `(2, 3U)`,
 * gate blocks z, r, h. Returns the state after every step, `(T, U)`.
 */
function handGru(
  x: Float32Array,
  T: number,
  F: number,
  U: number,
  kernel: Float32Array,
  recurrent: Float32Array,
  bias: Float32Array,
  backwards = false,
): number[][] {
  let h = new Array<number>(U).fill(0);
  const states: number[][] = [];
  for (let s = 0; s < T; s++) {
    const t = backwards ? T - 1 - s : s;
    const gx = (j: number) => {
      let v = bias[j]!;
      for (let f = 0; f < F; f++) v += x[t * F + f]! * kernel[f * 3 * U + j]!;
      return v;
    };
    const gh = (j: number) => {
      let v = bias[3 * U + j]!;
      for (let k = 0; k < U; k++) v += h[k]! * recurrent[k * 3 * U + j]!;
      return v;
    };
    const next: number[] = [];
    for (let u = 0; u < U; u++) {
      const z = sigmoid(gx(u) + gh(u));
      const r = sigmoid(gx(U + u) + gh(U + u));
      const cand = Math.tanh(gx(2 * U + u) + r * gh(2 * U + u));
      next.push(z * h[u]! + (1 - z) * cand);
    }
    h = next;
    states.push(h);
  }
  return states;
}

describe('Keras-3 GRU (reset_after) on TF.js', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(() => tf.disposeVariables());

  const T = 4;
  const F = 3;
  const U = 2;
  const random = rng(3);
  const x = randomArray(T * F, random, -1, 1);
  const kernel = randomArray(F * 3 * U, random, -1, 1);
  const recurrent = randomArray(U * 3 * U, random, -1, 1);
  const bias = randomArray(2 * 3 * U, random, -0.5, 0.5);

  it('holds kernel (F, 3U), recurrent_kernel (U, 3U), bias (2, 3U) and says it is reset_after', () => {
    const layer = resetAfterGru(tf, { name: 'g', units: U });
    layer.apply(tf.input({ shape: [T, F] }));
    expect(layer.getWeights().map((w) => w.shape)).toEqual([
      [F, 3 * U],
      [U, 3 * U],
      [2, 3 * U],
    ]);
    expect(layer.getClassName()).toBe(RESET_AFTER_GRU_CLASS);
    expect(layer.getConfig()).toMatchObject({
      name: 'g',
      units: U,
      activation: 'tanh',
      recurrentActivation: 'sigmoid',
      useBias: true,
      resetAfter: true,
      returnSequences: false,
    });
    const noBias = resetAfterGru(tf, { units: U, useBias: false });
    noBias.apply(tf.input({ shape: [T, F] }));
    expect(noBias.getWeights().map((w) => w.shape)).toEqual([
      [F, 3 * U],
      [U, 3 * U],
    ]);
  });

  it('equals the hand GRU at every step (return_sequences) within 1e-5', () => {
    const layer = resetAfterGru(tf, { units: U, returnSequences: true });
    const input = tf.input({ shape: [T, F] });
    const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    layer.setWeights([
      tf.tensor(kernel, [F, 3 * U]),
      tf.tensor(recurrent, [U, 3 * U]),
      tf.tensor(bias, [2, 3 * U]),
    ]);
    const y = (model.predict(tf.tensor(x, [1, T, F])) as tf.Tensor).arraySync() as number[][][];
    const want = handGru(x, T, F, U, kernel, recurrent, bias);
    expect(y[0]!.length).toBe(T);
    y[0]!.forEach((row, t) => row.forEach((v, u) => expect(v).toBeCloseTo(want[t]![u]!, 5)));
    model.dispose();
  });

  it('runs backwards inside tf.layers.bidirectional (concat: forward last, backward last)', () => {
    const inner = resetAfterGru(tf, { units: U });
    const bi = tf.layers.bidirectional({ layer: inner as tf.RNN, mergeMode: 'concat' });
    const input = tf.input({ shape: [T, F] });
    const model = tf.model({ inputs: input, outputs: bi.apply(input) as tf.SymbolicTensor });
    const k2 = randomArray(F * 3 * U, random, -1, 1);
    const r2 = randomArray(U * 3 * U, random, -1, 1);
    const b2 = randomArray(2 * 3 * U, random, -0.5, 0.5);
    bi.setWeights(
      [kernel, recurrent, bias, k2, r2, b2].map((d, i) =>
        tf.tensor(
          d,
          [
            [F, 3 * U],
            [U, 3 * U],
            [2, 3 * U],
          ][i % 3]!,
        ),
      ),
    );
    const y = (model.predict(tf.tensor(x, [1, T, F])) as tf.Tensor).arraySync() as number[][];
    const forward = handGru(x, T, F, U, kernel, recurrent, bias).at(-1)!;
    const backward = handGru(x, T, F, U, k2, r2, b2, true).at(-1)!;
    [...forward, ...backward].forEach((v, i) => expect(y[0]![i]).toBeCloseTo(v, 5));
    model.dispose();
  });

  it('trains: every weight array changes in one fit step', async () => {
    const layer = resetAfterGru(tf, { units: U });
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [T, F] }), layer] });
    const before = layer.getWeights().map((w) => w.dataSync().slice());
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    await model.fit(tf.tensor(x, [1, T, F]), tf.ones([1, U]), { epochs: 1, verbose: 0 });
    layer.getWeights().forEach((w, i) => {
      const after = w.dataSync();
      expect(after.some((v, j) => v !== before[i]![j])).toBe(true);
    });
    model.dispose();
  });
});
