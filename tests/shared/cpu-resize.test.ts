/**
 * Netwright's cpu `ResizeNearestNeighborGrad` (shared/tfjs/cpu-resize.ts), the gradient of
 * UpSampling2D: equal to a hand-computed gradient, and to the wasm backend's kernel (which indexes
 * `dy` correctly), on batches of more than one image, where the stock cpu kernel is wrong.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { installCustomKernels } from '../../shared/tfjs/custom-kernels.ts';
import { installCpuResizeNearestGrad } from '../../shared/tfjs/cpu-resize.ts';

/** d/dx of sum(resizeNearestNeighbor(x, out) · dy) on `backend`. */
function gradOn(backend: string, shape: number[], out: [number, number], dy: Float32Array) {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor(
      Float32Array.from({ length: n }, (_, i) => Math.sin(i)),
      shape,
    );
    const dyT = tf.tensor(dy, [shape[0]!, ...out, shape[3]!]);
    const g = tf.grad((v: tf.Tensor) =>
      tf.image
        .resizeNearestNeighbor(v as tf.Tensor4D, out)
        .mul(dyT)
        .sum(),
    )(x);
    return Array.from(g.dataSync());
  });
}

beforeAll(async () => {
  installCustomKernels(tf);
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('cpu ResizeNearestNeighborGrad', () => {
  it('installs once (idempotent) and reports it', () => {
    expect(installCpuResizeNearestGrad(tf)).toBe(true);
    expect(installCpuResizeNearestGrad(tf)).toBe(true);
  });

  it('×2 on a batch of 3 2×2 images: each input cell gets the sum of its 2×2 block of dy', () => {
    // Hand value: with integer factors (alignCorners false) output cell (i, j) copies input cell
    // (⌊i / 2⌋, ⌊j / 2⌋), so dx(b, r, c) = Σ dy(b, i, j) over i ∈ {2r, 2r+1}, j ∈ {2c, 2c+1};
    // dy = 0, 1, …, 47 row-major: image 1's first cell is 16 + 17 + 20 + 21 = 74.
    const dy = Float32Array.from({ length: 3 * 4 * 4 }, (_, i) => i);
    const hand: number[] = [];
    for (let b = 0; b < 3; b++)
      for (let r = 0; r < 2; r++)
        for (let c = 0; c < 2; c++) {
          let s = 0;
          for (const i of [2 * r, 2 * r + 1])
            for (const j of [2 * c, 2 * c + 1]) s += dy[b * 16 + i * 4 + j]!;
          hand.push(s);
        }
    expect(hand.slice(0, 5)).toEqual([10, 18, 42, 50, 74]);
    expect(gradOn('cpu', [3, 2, 2, 1], [4, 4], dy)).toEqual(hand);
    expect(gradOn('wasm', [3, 2, 2, 1], [4, 4], dy)).toEqual(hand);
  });

  it.each([
    [
      [2, 3, 3, 2],
      [6, 9],
    ],
    [
      [4, 2, 5, 3],
      [4, 5],
    ],
    [
      [2, 3, 4, 1],
      [5, 7],
    ],
    [
      [1, 3, 3, 2],
      [6, 6],
    ],
  ] as const)('%j → %j equals the wasm backend', (shape, out) => {
    const size = shape[0] * out[0] * out[1] * shape[3];
    const dy = Float32Array.from({ length: size }, (_, i) => Math.cos(i * 0.7));
    const want = gradOn('wasm', [...shape], [...out], dy);
    const got = gradOn('cpu', [...shape], [...out], dy);
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThan(1e-5));
  });
});
