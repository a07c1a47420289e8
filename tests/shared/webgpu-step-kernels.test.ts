/**
 * The accuracy count and the ReLU gradient kernels on webgpu (shared/tfjs/webgpu-step-kernels.ts)
 * equal the TF.js ops they replace, computed on the cpu backend, and run as one dispatch each.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, expect, it } from 'vitest';
import { CORRECT_COUNT, RELU_GRAD } from '../../shared/tfjs/webgpu-step-kernels.ts';
import {
  countDispatches,
  startWebGpu,
  stopWebGpu,
  webgpuDescribe,
} from '../support/webgpu-node.ts';

const gpu = await startWebGpu(tf);
afterAll(() => stopWebGpu(tf));

function random(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 1073741824 - 1;
  });
}

/** On cpu: TF.js's own count, sum(equal(argMax(probs), toInt(labels))). */
async function cpuCount(probs: Float32Array, labels: number[], classes: number) {
  await tf.setBackend('cpu');
  const p = tf.tensor2d(probs, [labels.length, classes]);
  const y = tf.tensor1d(labels);
  const c = tf.sum(tf.equal(tf.argMax(p, -1), y.toInt()).toFloat());
  const v = (await c.data())[0]!;
  tf.dispose([p, y, c]);
  return v;
}

async function gpuCount(probs: Float32Array, labels: number[], classes: number) {
  await tf.setBackend('webgpu');
  const p = tf.tensor2d(probs, [labels.length, classes]);
  const y = tf.tensor1d(labels);
  const c = tf.engine().runKernel(CORRECT_COUNT, { probs: p, labels: y }) as tf.Tensor;
  expect(c.shape).toEqual([]);
  const v = (await c.data())[0]!;
  tf.dispose([p, y, c]);
  return v;
}

webgpuDescribe(gpu, 'webgpu training-step kernels', () => {
  it('correct count: a hand case with a tie, a NaN, a fractional, an out-of-range and a NaN label', async () => {
    const probs = Float32Array.from([
      0.1,
      0.7,
      0.2, // arg-max 1, label 1: right
      0.5,
      0.5,
      0.0, // tie: first maximum 0, label 0: right
      NaN,
      0.3,
      0.6, // nothing is > a leading NaN: arg-max 0, label 2: wrong
      0.2,
      0.3,
      0.5, // arg-max 2, label 2.9 → 2: right
      0.9,
      0.05,
      0.05, // arg-max 0, label 7: wrong
      0.3,
      0.6,
      0.1, // arg-max 1, label 0: wrong
      0.8,
      0.1,
      0.1, // arg-max 0, label NaN → 0 (TF.js's cpu toInt): right
    ]);
    const labels = [1, 0, 2, 2.9, 7, 0, NaN];
    expect(await cpuCount(probs, labels, 3)).toBe(4);
    expect(await gpuCount(probs, labels, 3)).toBe(4);
  });

  it.each([
    [1, 10],
    [64, 10],
    [257, 5],
    [1000, 37],
    [4096, 10],
    [3, 1],
  ])('correct count of %i rows × %i classes equals cpu', async (rows, classes) => {
    const probs = random(rows * classes, rows + classes);
    const labels = Array.from({ length: rows }, (_, i) => (i * 7) % classes);
    expect(await gpuCount(probs, labels, classes)).toBe(await cpuCount(probs, labels, classes));
  });

  it('ReLU gradient equals dy · step(y), NaN included', async () => {
    const y = Float32Array.from([-1, 0, 0.5, 3, NaN, -0, 2, 1e-30, ...random(200, 3)]);
    const dy = Float32Array.from([2, 3, -4, 5, 6, 7, NaN, 8, ...random(200, 4)]);
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const a = tf.tensor2d(dy, [13, 16]);
      const b = tf.tensor2d(y, [13, 16]);
      const g =
        backend === 'cpu'
          ? tf.mul(a, tf.step(b))
          : (tf.engine().runKernel(RELU_GRAD, { dy: a, y: b }) as tf.Tensor);
      const out = Array.from(await g.data());
      tf.dispose([a, b, g]);
      return out;
    };
    const cpu = await run('cpu');
    // dy · step(y) by hand: y ≤ 0 → 0, y > 0 → dy, NaN y → NaN, NaN dy with y > 0 → NaN.
    expect(cpu.slice(0, 8)).toEqual([0, 0, -4, 5, NaN, 0, NaN, 8]);
    const webgpu = await run('webgpu');
    webgpu.forEach((v, i) => {
      if (Number.isNaN(cpu[i])) expect(v).toBeNaN();
      else expect(v).toBe(cpu[i] === 0 ? 0 : cpu[i]); // ±0 alike
    });
  });

  it('each is one dispatch', async () => {
    await tf.setBackend('webgpu');
    const p = tf.randomUniform([64, 10]);
    const y = tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 10));
    const d = tf.randomNormal([64, 128]);
    const h = tf.randomNormal([64, 128]);
    for (const [name, inputs] of [
      [CORRECT_COUNT, { probs: p, labels: y }],
      [RELU_GRAD, { dy: d, y: h }],
    ] as const) {
      const c = await countDispatches(async () => {
        const out = tf.engine().runKernel(name, inputs) as tf.Tensor;
        await out.data();
        out.dispose();
      });
      expect(c.dispatches).toBe(1);
    }
    tf.dispose([p, y, d, h]);
  });
});
