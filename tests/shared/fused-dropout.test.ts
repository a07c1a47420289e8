/**
 * Dropout in one webgpu kernel while training (shared/tfjs/fused-dropout.ts): with the layer's
 * seed it draws the same mask as TF.js's `dropout`, so output and input gradient equal the plain
 * layer's; it runs fewer dispatches; inference and other backends are TF.js's own path.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, expect, it } from 'vitest';
import { fuseDropoutLayer } from '../../shared/tfjs/fused-dropout.ts';
import {
  countDispatches,
  startWebGpu,
  stopWebGpu,
  webgpuDescribe,
} from '../support/webgpu-node.ts';

const gpu = await startWebGpu(tf);
afterAll(() => stopWebGpu(tf));

const values = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 2);

/** Output and d(sum(y · r))/dx of a seeded Dropout layer, plain or fused, in training. */
async function run(fused: boolean, training: boolean, shape = [4, 6, 5]) {
  const layer = tf.layers.dropout({ rate: 0.4, seed: 7 });
  if (fused) fuseDropoutLayer(tf, layer);
  const n = shape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(values(n, 1), shape);
  const r = tf.tensor(values(n, 2), shape);
  const f = (xi: tf.Tensor) =>
    tf.sum(tf.mul(layer.apply(xi, { training }) as tf.Tensor, r)) as tf.Scalar;
  const y = tf.tidy(() => layer.apply(x, { training }) as tf.Tensor);
  const dx = tf.grad(f)(x);
  const out = { y: Array.from(await y.data()), dx: Array.from(await dx.data()) };
  tf.dispose([x, r, y, dx]);
  return out;
}

webgpuDescribe(gpu, 'Dropout in one webgpu kernel', () => {
  it('equals the plain layer with the same seed: output and input gradient', async () => {
    await tf.setBackend('webgpu');
    const plain = await run(false, true);
    const fused = await run(true, true);
    // Some units dropped, some kept and scaled by 1 / 0.6, as inverted dropout does.
    const x = values(120, 1);
    expect(plain.y.filter((v) => v === 0).length).toBeGreaterThan(20);
    const kept = plain.y.findIndex((v) => v !== 0);
    expect(plain.y[kept]!).toBeCloseTo(x[kept]! / 0.6, 5);
    fused.y.forEach((v, i) => expect(Math.abs(v - plain.y[i]!)).toBeLessThan(1e-6));
    fused.dx.forEach((v, i) => expect(Math.abs(v - plain.dx[i]!)).toBeLessThan(1e-6));
  });

  it('inference passes the input through, as TF.js does', async () => {
    await tf.setBackend('webgpu');
    const fused = await run(true, false);
    const x = values(120, 1);
    fused.y.forEach((v, i) => expect(v).toBeCloseTo(x[i]!, 6));
  });

  it('runs at least 3 fewer dispatches for a training forward and backward', async () => {
    await tf.setBackend('webgpu');
    const count = async (fused: boolean) =>
      (
        await countDispatches(async () => {
          await run(fused, true, [64, 128]);
        })
      ).dispatches;
    const plain = await count(false);
    const fused = await count(true);
    expect(plain - fused).toBeGreaterThanOrEqual(3);
  });
});

it('on cpu the layer is TF.js own: the same numbers as the plain layer', async () => {
  await tf.setBackend('cpu');
  const plain = await run(false, true);
  const fused = await run(true, true);
  expect(fused).toEqual(plain);
});
