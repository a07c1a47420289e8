import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { installFastWasmMatMul } from '../../shared/tfjs/wasm-matmul.ts';

const values = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 2);

async function product(
  backend: string,
  [as, a]: [number[], Float32Array],
  [bs, b]: [number[], Float32Array],
  transposeA: boolean,
  transposeB: boolean,
) {
  await tf.setBackend(backend);
  const out = tf.tidy(() => tf.matMul(tf.tensor(a, as), tf.tensor(b, bs), transposeA, transposeB));
  const data = await out.data();
  out.dispose();
  return data;
}

describe('installFastWasmMatMul', () => {
  beforeAll(async () => {
    expect(installFastWasmMatMul(tf)).toBe(true);
    expect(installFastWasmMatMul(tf)).toBe(true); // idempotent
    await tf.setBackend('wasm');
  });

  it('gives the cpu backend’s products for every transpose combination, rank 2 and 3', async () => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[5, 7], [7, 3], false, false],
      [[5, 7], [3, 7], false, true],
      [[7, 5], [7, 3], true, false],
      [[7, 5], [3, 7], true, true],
      [[2, 5, 7], [2, 3, 7], false, true],
      [[2, 7, 5], [2, 7, 3], true, false],
    ];
    for (const [as, bs, ta, tb] of cases) {
      const a: [number[], Float32Array] = [
        as,
        values(
          as.reduce((x, y) => x * y),
          1,
        ),
      ];
      const b: [number[], Float32Array] = [
        bs,
        values(
          bs.reduce((x, y) => x * y),
          2,
        ),
      ];
      const want = await product('cpu', a, b, ta, tb);
      const got = await product('wasm', a, b, ta, tb);
      expect(got.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 4);
    }
  });

  it('frees its transposed copies', async () => {
    await tf.setBackend('wasm');
    const a = tf.ones([64, 32]);
    const b = tf.ones([16, 32]);
    tf.matMul(a, b, false, true).dispose();
    const before = tf.engine().backend.numDataIds();
    for (let i = 0; i < 5; i++) tf.matMul(a, b, false, true).dispose();
    for (let i = 0; i < 5; i++) tf.matMul(a, a, true, false).dispose();
    expect(tf.engine().backend.numDataIds()).toBe(before);
    tf.dispose([a, b]);
  });
});
