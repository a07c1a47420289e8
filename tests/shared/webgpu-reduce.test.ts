/**
 * The one-dispatch `Sum` over leading axes on webgpu (shared/tfjs/webgpu-reduce.ts) equals the
 * cpu backend's `Sum`, and replaces TF.js's transpose + reduce (two dispatches) by one.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, expect, it } from 'vitest';
import { MAX_ROWS } from '../../shared/tfjs/webgpu-reduce.ts';
import {
  countDispatches,
  startWebGpu,
  stopWebGpu,
  webgpuDescribe,
} from '../support/webgpu-node.ts';

const gpu = await startWebGpu(tf);
afterAll(() => stopWebGpu(tf));

/** Sum of `values` (shape `shape`) over `axis` on `backend`: [shape, data]. */
async function sumOn(
  backend: string,
  values: Float32Array,
  shape: number[],
  axis: number | number[],
  keepDims: boolean,
) {
  await tf.setBackend(backend);
  const x = tf.tensor(values, shape);
  const y = tf.sum(x, axis, keepDims);
  const out = { shape: y.shape, data: Array.from(await y.data()) };
  tf.dispose([x, y]);
  return out;
}

function random(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 1073741824 - 1;
  });
}

webgpuDescribe(gpu, 'webgpu Sum over leading axes', () => {
  it.each([
    [[64, 128], 0, false],
    [[64, 10], [0], true],
    [[3, 5, 7], [0, 1], false],
    [[2, 26, 26, 32], [0, 1, 2], false],
    [[1, 1], 0, false],
    [[17, 33], -2, true],
    [[5, 4, 3], 0, false],
    // Not leading axes, or too many rows: TF.js's own kernel, same result.
    [[6, 8], 1, false],
    [[4, 6, 8], [0, 2], false],
    [[MAX_ROWS + 1, 3], 0, false],
  ] as [number[], number | number[], boolean][])(
    '%j over %j (keepDims %s) equals cpu',
    async (shape, axis, keep) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = random(n, n + 7);
      const cpu = await sumOn('cpu', values, shape, axis, keep);
      const webgpu = await sumOn('webgpu', values, shape, axis, keep);
      expect(webgpu.shape).toEqual(cpu.shape);
      const rows = n / cpu.data.length;
      webgpu.data.forEach((v, i) => expect(Math.abs(v - cpu.data[i]!)).toBeLessThan(1e-5 * rows));
    },
  );

  it('a hand case: column sums of [[1, 2], [3, 4], [5, 6]]', async () => {
    const out = await sumOn('webgpu', Float32Array.from([1, 2, 3, 4, 5, 6]), [3, 2], 0, false);
    expect(out.data).toEqual([9, 12]);
  });

  it('int32 sums keep TF.js kernel and stay exact', async () => {
    await tf.setBackend('webgpu');
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
    const y = tf.sum(x, 0);
    expect(y.dtype).toBe('int32');
    expect(Array.from(await y.data())).toEqual([9, 12]);
    tf.dispose([x, y]);
  });

  it('one dispatch for a bias gradient ([64, 128] over axis 0)', async () => {
    await tf.setBackend('webgpu');
    const x = tf.randomNormal([64, 128]);
    const c = await countDispatches(async () => {
      const y = tf.sum(x, 0);
      await y.data();
      y.dispose();
    });
    expect(c.dispatches).toBe(1);
    x.dispose();
  });
});
