/**
 * The wasm `Sum` over leading axes and the sharing `Identity` (shared/tfjs/wasm-reduce.ts), the
 * SIMD `Transpose` of the last two axes (shared/tfjs/wasm-transpose.ts), and the SIMD module they
 * and the pooling gradient use (shared/tfjs/simd/), against TF.js's cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../../shared/datasets/random.ts';
import { installCustomKernels } from '../../shared/tfjs/custom-kernels.ts';
import { simdKernels } from '../../shared/tfjs/simd/kernels.ts';
import { leadingAxes } from '../../shared/tfjs/wasm-reduce.ts';
import { swapsLastTwo } from '../../shared/tfjs/wasm-transpose.ts';

const random = rng(21);
const values = (n: number) => Float32Array.from({ length: n }, () => random() * 4 - 2);

function on(backend: string, f: () => tf.Tensor): { shape: number[]; data: number[] } {
  tf.setBackend(backend);
  const t = tf.tidy(f);
  const out = { shape: t.shape, data: Array.from(t.dataSync()) };
  t.dispose();
  return out;
}

beforeAll(async () => {
  installCustomKernels(tf);
  await tf.setBackend('cpu');
  await tf.setBackend('wasm');
});

describe('wasm Sum, Identity and the SIMD kernels', () => {
  it('the SIMD module loads on the wasm backend in Node (so these tests reach it)', () => {
    tf.setBackend('wasm');
    expect(simdKernels(tf)).not.toBeNull();
    tf.setBackend('cpu');
    expect(simdKernels(tf)).toBeNull();
  });

  it('kernels.generated.ts is the build of kernels.wat', () => {
    const r = spawnSync(process.execPath, ['scripts/build-wasm-kernels.mjs', '--check'], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('leadingAxes: exactly 0 … rank − 2, negative axes counted from the end', () => {
    expect(leadingAxes([0, 1, 2], 4)).toBe(true);
    expect(leadingAxes([2, 0, -3], 4)).toBe(true);
    expect(leadingAxes(0, 2)).toBe(true);
    expect(leadingAxes(null, 2)).toBe(false); // every axis
    expect(leadingAxes(undefined, 2)).toBe(false);
    expect(leadingAxes([0, 1, 2, 3], 4)).toBe(false);
    expect(leadingAxes([1, 2], 4)).toBe(false);
    expect(leadingAxes([0, 0, 1], 4)).toBe(false);
    expect(leadingAxes([0], 1)).toBe(false);
  });

  it('Sum over the leading axes equals cpu: exactly without SIMD (C = 3), within 1e-6 with (C = 8)', () => {
    for (const [shape, exact] of [
      [[5, 7, 6, 3], true],
      [[64, 26, 26, 8], false],
      [[9, 8], false],
      [[9, 3], true],
    ] as const) {
      // Its own seed: the shared generator's values depend on the (shuffled) test order.
      const own = rng(shape.length * 100 + shape.at(-1)!);
      const x = Float32Array.from(
        { length: shape.reduce((a, b) => a * b, 1) },
        () => own() * 4 - 2,
      );
      const axes = shape.slice(0, -1).map((_, i) => i);
      // Float32 sums over the rows (SIMD) against cpu's float64: off by rounding, which grows
      // with the column's L1 norm (at most (rows − 1)·2^-24·Σ|x|; random errors far less).
      const channels = shape.at(-1)!;
      const l1 = new Float64Array(channels);
      x.forEach((v, i) => (l1[i % channels]! += Math.abs(v)));
      for (const keepDims of [false, true]) {
        const f = () => tf.sum(tf.tensor(x, [...shape]), axes, keepDims);
        const want = on('cpu', f);
        const got = on('wasm', f);
        expect(got.shape).toEqual(want.shape);
        if (exact) expect(got.data).toEqual(want.data);
        else
          got.data.forEach((v, i) =>
            expect(Math.abs(v - want.data[i]!)).toBeLessThan(2e-7 * l1[i % channels]! + 1e-6),
          );
      }
    }
    // A hand-worked case: [[1, 2, 3, 4], [10, 20, 30, 40]] over axis 0.
    expect(
      on('wasm', () => tf.sum(tf.tensor2d([1, 2, 3, 4, 10, 20, 30, 40], [2, 4]), 0)).data,
    ).toEqual([11, 22, 33, 44]);
  });

  it('Sum over other axes, every axis, int32 and empty tensors still equals cpu', () => {
    const x = values(4 * 5 * 8);
    for (const axis of [null, [1, 2], [0, 2], 2, [0, 1, 2]] as const) {
      const f = () => tf.sum(tf.tensor(x, [4, 5, 8]), axis === null ? undefined : [axis].flat());
      const want = on('cpu', f);
      const got = on('wasm', f);
      expect(got.shape).toEqual(want.shape);
      got.data.forEach((v, i) => expect(Math.abs(v - want.data[i]!)).toBeLessThan(1e-4));
    }
    expect(
      on('wasm', () => tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [2, 4], 'int32'), 0)).data,
    ).toEqual([6, 8, 10, 12]);
    expect(on('wasm', () => tf.sum(tf.zeros([0, 4]), 0)).data).toEqual([0, 0, 0, 0]);
  });

  it('Identity shares the buffer (no copy) and the copy outlives the original', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numBytes;
    const buffers = () => tf.backend().numDataIds();
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const n = buffers();
    const b = tf.clone(a);
    expect(buffers()).toBe(n); // no new wasm buffer
    a.dispose();
    expect(Array.from(await b.data())).toEqual([1, 2, 3, 4]);
    b.dispose();
    expect(tf.memory().numBytes).toBe(before);
  });

  it('swapsLastTwo: only [0, …, r − 3, r − 1, r − 2]', () => {
    expect(swapsLastTwo([1, 0], 2)).toBe(true);
    expect(swapsLastTwo([0, 2, 1], 3)).toBe(true);
    expect(swapsLastTwo([0, 1, 3, 2], 4)).toBe(true);
    expect(swapsLastTwo([0, 1], 2)).toBe(false);
    expect(swapsLastTwo([1, 0, 2], 3)).toBe(false);
    expect(swapsLastTwo([2, 1, 0], 3)).toBe(false);
    expect(swapsLastTwo([0, 2, 1], 4)).toBe(false);
    expect(swapsLastTwo([0], 1)).toBe(false);
  });

  it('Transpose equals cpu exactly: last-two swaps of every size mod 4, int32, other perms', () => {
    // A hand-worked case: [[1, 2, 3], [4, 5, 6]]ᵀ = [[1, 4], [2, 5], [3, 6]].
    expect(on('wasm', () => tf.transpose(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]))).data).toEqual([
      1, 4, 2, 5, 3, 6,
    ]);
    const bad: string[] = [];
    const shapes: number[][] = [];
    for (const rows of [1, 3, 4, 5, 8, 33, 67])
      for (const cols of [1, 2, 4, 7, 32, 37]) shapes.push([rows, cols]);
    shapes.push([512, 784], [3, 5, 9], [2, 3, 8, 6], [0, 4], [4, 0]);
    for (const shape of shapes) {
      const r = shape.length;
      const perm = [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
      const size = shape.reduce((a, b) => a * b, 1);
      const x = values(size);
      for (const dtype of ['float32', 'int32'] as const) {
        const f = () =>
          tf.transpose(
            tf.tensor(dtype === 'int32' ? Int32Array.from(x, (v) => v * 1000) : x, shape, dtype),
            perm,
          );
        const want = on('cpu', f);
        const got = on('wasm', f);
        if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(`${dtype} [${shape}]`);
      }
    }
    // Permutations the SIMD kernel leaves to the stock one.
    for (const perm of [
      [2, 1, 0],
      [1, 0, 2],
      [0, 1, 2],
    ]) {
      const x = values(3 * 5 * 6);
      const f = () => tf.transpose(tf.tensor3d(x, [3, 5, 6]), perm);
      if (JSON.stringify(on('wasm', f)) !== JSON.stringify(on('cpu', f))) bad.push(`perm ${perm}`);
    }
    expect(bad).toEqual([]);
  });
});
