/**
 * The one-dispatch webgpu `MaxPoolGrad` (shared/tfjs/webgpu-pool.ts) equals the cpu backend's
 * gradient of `tf.maxPool` (ties to the first maximum, NaN and −∞ never win), over pool sizes,
 * strides and paddings, and is one dispatch.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, expect, it } from 'vitest';
import {
  countDispatches,
  startWebGpu,
  stopWebGpu,
  webgpuDescribe,
} from '../support/webgpu-node.ts';

const gpu = await startWebGpu(tf);
afterAll(() => stopWebGpu(tf));

interface Case {
  shape: [number, number, number, number];
  pool: [number, number];
  strides: [number, number];
  pad: 'valid' | 'same';
}

/** x with ties (values rounded to a few levels), a NaN and a −Infinity. */
function input(n: number, seed: number): Float32Array {
  const x = Float32Array.from({ length: n }, (_, i) => Math.round(Math.sin(i * 7.31 + seed) * 3));
  x[3 % n] = NaN;
  x[5 % n] = -Infinity;
  return x;
}

async function gradOn(backend: string, c: Case) {
  await tf.setBackend(backend);
  const n = c.shape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(input(n, n), c.shape);
  const y = tf.maxPool(x as tf.Tensor4D, c.pool, c.strides, c.pad);
  const r = tf.tensor(
    Float32Array.from({ length: y.size }, (_, i) => 1 + (i % 5)),
    y.shape,
  );
  const g = tf.grad((xi: tf.Tensor) =>
    tf.sum(tf.mul(tf.maxPool(xi as tf.Tensor4D, c.pool, c.strides, c.pad), r)),
  )(x);
  const out = Array.from(await g.data());
  tf.dispose([x, y, r, g]);
  return out;
}

const CASES: Case[] = [
  { shape: [2, 8, 8, 3], pool: [2, 2], strides: [2, 2], pad: 'valid' },
  { shape: [1, 7, 9, 2], pool: [3, 3], strides: [2, 2], pad: 'same' },
  { shape: [2, 6, 6, 4], pool: [3, 3], strides: [1, 1], pad: 'same' },
  { shape: [1, 5, 7, 1], pool: [2, 3], strides: [1, 2], pad: 'valid' },
  { shape: [3, 26, 26, 5], pool: [2, 2], strides: [2, 2], pad: 'valid' },
  { shape: [1, 4, 4, 1], pool: [4, 4], strides: [4, 4], pad: 'valid' },
];

webgpuDescribe(gpu, 'webgpu MaxPoolGrad in one dispatch', () => {
  it('a hand case: ties go to the first maximum', async () => {
    await tf.setBackend('webgpu');
    // One 2×2 window [[1, 3], [3, 2]]: the first 3 (row 0, column 1) takes the gradient.
    const x = tf.tensor4d([1, 3, 3, 2], [1, 2, 2, 1]);
    const g = tf.grad((xi: tf.Tensor) => tf.sum(tf.maxPool(xi as tf.Tensor4D, 2, 2, 'valid')))(x);
    expect(Array.from(await g.data())).toEqual([0, 1, 0, 0]);
    tf.dispose([x, g]);
  });

  it.each(CASES.map((c) => [JSON.stringify(c), c] as const))(
    '%s equals cpu exactly',
    async (_t, c) => {
      const cpu = await gradOn('cpu', c);
      expect(cpu.some((v) => v !== 0)).toBe(true);
      expect(await gradOn('webgpu', c)).toEqual(cpu);
    },
  );

  it('is one dispatch', async () => {
    await tf.setBackend('webgpu');
    const x = tf.randomNormal([4, 12, 12, 8]) as tf.Tensor4D;
    const y = tf.maxPool(x, 2, 2, 'valid');
    const dy = tf.onesLike(y);
    const c = await countDispatches(async () => {
      const g = tf
        .engine()
        .runKernel(
          'MaxPoolGrad',
          { dy, input: x, output: y },
          { filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
        ) as tf.Tensor;
      await g.data();
      g.dispose();
    });
    expect(c.dispatches).toBe(1);
    tf.dispose([x, y, dy]);
  });
});
