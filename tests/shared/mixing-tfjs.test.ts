/**
 * The TF.js layer classes written for the mixing kinds (shared/layers/mixing-tfjs.ts) against
 * hand computations written here in plain loops from Keras's documented formulas, on the cpu
 * backend; their configs; and that they leak no tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mixingLayers } from '../../shared/layers/mixing-tfjs.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function close(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i]! - want[i]!), `index ${i}: ${got[i]} vs ${want[i]}`).toBeLessThan(tol);
  }
}

/** Runs `layer` on concrete tensors, returns the output values and shape; checks no leak. */
function run(layer: tf.layers.Layer, inputs: tf.Tensor[], training = false) {
  const before = tf.memory().numTensors;
  const weightsBefore = layer.weights.length;
  const y = layer.apply(inputs.length === 1 ? inputs[0]! : inputs, { training }) as tf.Tensor;
  const out = { values: Array.from(y.dataSync()), shape: y.shape };
  y.dispose();
  // Weights made on first call stay; nothing else may.
  expect(tf.memory().numTensors - before).toBe(layer.weights.length - weightsBefore);
  return out;
}

describe('mixing TF.js layers', () => {
  const L = () => mixingLayers(tf);

  it('Subtract: a − b with Keras broadcasting ((2, 3) − (3) lifts b to (1, 3))', () => {
    const a = tf.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3]);
    const b = tf.tensor([1, 10, 100, 2, 20, 200], [2, 3]);
    const out = run(new (L().Subtract)({}), [a, b]);
    expect(out.shape).toEqual([2, 2, 3]);
    // example 0: rows [1,2,3],[4,5,6] minus [1,10,100]; example 1: [7..12] minus [2,20,200]
    expect(out.values).toEqual([0, -8, -97, 3, -5, -94, 5, -12, -191, 8, -9, -188]);
    tf.dispose([a, b]);
  });

  it('ReLU: Keras 3 piecewise formula with max_value 6, negative_slope 0.1, threshold 1', () => {
    const xs = [-3, -1, 0, 0.5, 1, 1.5, 5, 6, 8];
    // keras.io ReLU: max_value if x >= max_value; x if threshold <= x < max_value;
    // negative_slope * (x - threshold) otherwise (x == threshold gives 0 either way).
    const want = xs.map((x) => (x >= 6 ? 6 : x > 1 ? x : 0.1 * (x - 1)));
    const x = tf.tensor(xs, [1, 9]);
    const layer = new (L().ReLU)({ maxValue: 6, negativeSlope: 0.1, threshold: 1 });
    close(run(layer, [x]).values, want);
    expect(layer.getConfig()).toMatchObject({ maxValue: 6, negativeSlope: 0.1, threshold: 1 });
    // Defaults: plain relu.
    close(
      run(new (L().ReLU)({}), [x]).values,
      xs.map((v) => Math.max(0, v)),
    );
    x.dispose();
  });

  it('ELU: alpha · (exp(x) − 1) below 0 for alpha 0.5 (tfjs-layers refuses alpha ≠ 1)', () => {
    const xs = [-2, -0.5, 0, 0.7, 3];
    const x = tf.tensor(xs, [1, 5]);
    close(
      run(new (L().ELU)({ alpha: 0.5 }), [x]).values,
      xs.map((v) => (v > 0 ? v : 0.5 * (Math.exp(v) - 1))),
    );
    x.dispose();
  });

  it('Softmax on axis 1 of (1, 3, 2) normalises each column (tf.softmax takes the last axis only)', () => {
    const xs = [1, 0, 2, -1, 3, 4];
    const x = tf.tensor(xs, [1, 3, 2]);
    const want = new Array<number>(6);
    for (const c of [0, 1]) {
      const col = [0, 1, 2].map((r) => Math.exp(xs[r * 2 + c]!));
      const s = col.reduce((a, b) => a + b, 0);
      col.forEach((e, r) => (want[r * 2 + c] = e / s));
    }
    close(run(new (L().Softmax)({ axis: 1 }), [x]).values, want);
    close(run(new (L().Softmax)({ axis: -2 }), [x]).values, want);
    x.dispose();
  });

  it('MultiHeadAttention equals the attention formula written out in loops', () => {
    const [B, Tq, Tv, F, Fv, H, K, V, O] = [2, 3, 4, 5, 3, 2, 3, 2, 4];
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const arr = (n: number) => Array.from({ length: n }, rand);
    const q = arr(B * Tq * F);
    const v = arr(B * Tv * Fv);
    const W = {
      qk: arr(F * H * K),
      qb: arr(H * K),
      kk: arr(Fv * H * K),
      kb: arr(H * K),
      vk: arr(Fv * H * V),
      vb: arr(H * V),
      ok: arr(H * V * O),
      ob: arr(O),
    };
    const layer = new (L().MultiHeadAttention)({
      numHeads: H,
      keyDim: K,
      valueDim: V,
      outputShape: O,
    });
    const tq = tf.tensor(q, [B, Tq, F]);
    const tv = tf.tensor(v, [B, Tv, Fv]);
    (layer.apply([tq, tv]) as tf.Tensor).dispose(); // builds the weights
    const shapes = layer.weights.map((w) => w.shape);
    expect(shapes).toEqual([
      [F, H, K],
      [H, K],
      [Fv, H, K],
      [H, K],
      [Fv, H, V],
      [H, V],
      [H, V, O],
      [O],
    ]);
    expect(layer.weights.map((w) => w.name.split('/').slice(1).join('/'))).toEqual([
      'query/kernel',
      'query/bias',
      'key/kernel',
      'key/bias',
      'value/kernel',
      'value/bias',
      'attention_output/kernel',
      'attention_output/bias',
    ]);
    const order = [W.qk, W.qb, W.kk, W.kb, W.vk, W.vb, W.ok, W.ob];
    layer.setWeights(order.map((a, i) => tf.tensor(a, shapes[i] as number[])));
    // Hand: per example, head; kernel (in, heads, dim) indexed [f][h][d].
    const proj = (
      x: number[],
      b: number,
      t: number,
      f: number,
      k: number[],
      bias: number[],
      h: number,
      d: number,
      D: number,
    ) => {
      let s = bias[h * D + d]!;
      for (let i = 0; i < f; i++)
        s += x[(b * (x.length / B / f) + t) * f + i]! * k[(i * H + h) * D + d]!;
      return s;
    };
    const want: number[] = [];
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < Tq; t++) {
        const mixed: number[][] = [];
        for (let h = 0; h < H; h++) {
          const qv = Array.from({ length: K }, (_, d) => proj(q, b, t, F, W.qk, W.qb, h, d, K));
          const scores = Array.from({ length: Tv }, (_, s) => {
            let dot = 0;
            for (let d = 0; d < K; d++) dot += qv[d]! * proj(v, b, s, Fv, W.kk, W.kb, h, d, K);
            return dot / Math.sqrt(K);
          });
          const m = Math.max(...scores);
          const e = scores.map((x) => Math.exp(x - m));
          const sum = e.reduce((x, y) => x + y, 0);
          mixed.push(
            Array.from({ length: V }, (_, d) =>
              e.reduce((acc, w, s) => acc + (w / sum) * proj(v, b, s, Fv, W.vk, W.vb, h, d, V), 0),
            ),
          );
        }
        for (let o = 0; o < O; o++) {
          let s = W.ob[o]!;
          for (let h = 0; h < H; h++)
            for (let d = 0; d < V; d++) s += mixed[h]![d]! * W.ok[(h * V + d) * O + o]!;
          want.push(s);
        }
      }
    }
    const out = run(layer, [tq, tv]);
    expect(out.shape).toEqual([B, Tq, O]);
    close(out.values, want, 1e-5);
    expect(layer.getConfig()).toMatchObject({
      numHeads: H,
      keyDim: K,
      valueDim: V,
      dropout: 0,
      useBias: true,
      outputShape: O,
    });
    tf.dispose([tq, tv]);
  });

  it('MultiHeadAttention on one input is self-attention; value_dim defaults to key_dim', () => {
    const layer = new (L().MultiHeadAttention)({ numHeads: 2, keyDim: 3, useBias: false });
    const x = tf.randomNormal([2, 4, 6]);
    const one = run(layer, [x]);
    expect(one.shape).toEqual([2, 4, 6]);
    expect(layer.weights.map((w) => w.shape)).toEqual([
      [6, 2, 3],
      [6, 2, 3],
      [6, 2, 3],
      [2, 3, 6],
    ]);
    const two = run(layer, [x, x]);
    close(one.values, two.values, 1e-6);
    x.dispose();
  });
});
