import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { installCustomKernels } from '../../shared/tfjs/custom-kernels.ts';
import { segmentSums } from '../../shared/tfjs/segment-sum.ts';

installCustomKernels(tf);

describe('UnsortedSegmentSum (the gradient of gather / Embedding)', () => {
  it('sums rows by segment id by hand; ids out of range are dropped', () => {
    // x rows [1,2] [3,4] [5,6] [7,8], ids [2, 0, 2, 5], 3 segments:
    // segment 0 = [3,4], segment 1 = [0,0], segment 2 = [1+5, 2+6] = [6,8]; id 5 is dropped.
    const out = segmentSums([1, 2, 3, 4, 5, 6, 7, 8], [2, 0, 2, 5], 3, 2, 'float32');
    expect([...out]).toEqual([3, 4, 0, 0, 6, 8]);
  });

  for (const backend of ['cpu', 'wasm']) {
    it(`${backend}: the Embedding gradient equals oneHot(ids)ᵀ · upstream, without leaks`, async () => {
      await tf.setBackend(backend);
      await tf.ready();
      const before = tf.memory().numTensors;
      // A table of 7 rows × 3, ids [2, 4] with repeats, an upstream gradient w.
      const [grad, expected] = tf.tidy(() => {
        const ids = tf.tensor2d(
          [
            [1, 4, 1, 0],
            [6, 6, 6, 2],
          ],
          [2, 4],
          'int32',
        );
        const w = tf.tensor3d(
          Array.from({ length: 24 }, (_, i) => (i % 5) - 1.5),
          [2, 4, 3],
        );
        const table = tf.randomNormal([7, 3], 0, 1, 'float32', 3);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), w)))(table);
        // Independent route: d/dT Σ w·T[ids] = oneHot(ids)ᵀ (8 × 7)ᵀ · w (8 × 3).
        const e = tf.matMul(tf.oneHot(ids.reshape([8]), 7).toFloat(), w.reshape([8, 3]), true);
        return [g, e];
      });
      expect(grad.shape).toEqual([7, 3]);
      const [g, e] = [await grad.data(), await expected.data()];
      g.forEach((v, i) => expect(v).toBeCloseTo(e[i]!, 5));
      // Row 3 and 5 are never looked up: zero gradient.
      expect([...g.slice(9, 12), ...g.slice(15, 18)]).toEqual([0, 0, 0, 0, 0, 0]);
      tf.dispose([grad, expected]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
