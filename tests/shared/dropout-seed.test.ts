/**
 * A seeded build's Dropout draws a new mask at every training call (tfjs-layers' own Dropout reuses
 * its one seed, so it dropped the same values at every step), while two seeded builds repeat the
 * same mask sequence; its config stays TF.js's Dropout with the seed given.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { lower } from './onnx-helpers.ts';
import { graphOf } from './graph-builder.ts';

const ir = () =>
  lower(
    graphOf(
      [
        ['in', 'Input', { shape: [200] }],
        ['drop', 'Dropout', { rate: 0.5 }],
      ],
      ['in->drop'],
    ),
  );

/** Which of 200 ones a training-mode call keeps (1) or drops (0). */
function mask(layer: tf.layers.Layer): number[] {
  return tf.tidy(() => {
    const y = layer.apply(tf.ones([1, 200]), { training: true }) as tf.Tensor;
    return Array.from(y.dataSync(), (v) => (v === 0 ? 0 : 1));
  });
}

describe('seeded Dropout', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('draws a new mask at each training call, and the same sequence in a second seeded build', () => {
    const a = buildModel(tf, ir(), { seed: 3 });
    const b = buildModel(tf, ir(), { seed: 3 });
    const a1 = mask(a.getLayer('drop'));
    const a2 = mask(a.getLayer('drop'));
    expect(a1).not.toEqual(a2);
    // About half of 200 dropped each time (rate 0.5): far from all or none.
    for (const m of [a1, a2]) {
      const kept = m.reduce((s, v) => s + v, 0);
      expect(kept).toBeGreaterThan(60);
      expect(kept).toBeLessThan(140);
    }
    expect(mask(b.getLayer('drop'))).toEqual(a1);
    expect(mask(b.getLayer('drop'))).toEqual(a2);
    a.dispose();
    b.dispose();
  });

  it('keeps TF.js Dropout class name and reports the seed it was given', () => {
    const model = buildModel(tf, ir(), { seed: 3 });
    const layer = model.getLayer('drop');
    expect(layer.getClassName()).toBe('Dropout');
    expect(layer.getConfig()).toMatchObject({ rate: 0.5, seed: 4 });
    expect(tf.tidy(() => (layer.apply(tf.ones([1, 4])) as tf.Tensor).arraySync())).toEqual([
      [1, 1, 1, 1],
    ]);
    model.dispose();
  });
});
