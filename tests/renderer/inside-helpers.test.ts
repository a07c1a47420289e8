import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  argmax,
  channelHeatmap,
  divergingColor,
  drawingToMnist,
  inputKind,
  looksLikeProbabilities,
  maxAbsDiff,
  outputView,
  rgbaToInk,
  toProbabilities,
  topK,
} from '../../renderer/inside/helpers.ts';
import { loadTemplate } from '../../shared/index.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { weightHistograms } from '../../shared/tfjs/inspect.ts';
import { histogramOf, watchWeights } from '../../shared/tfjs/watch.ts';

/** A `side × side` drawing with a filled rectangle of ink. */
function rect(side: number, x0: number, y0: number, x1: number, y1: number, ink = 1) {
  const img = new Float32Array(side * side);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) img[y * side + x] = ink;
  return img;
}

const box = (img: Float32Array) => {
  let x0 = 28,
    y0 = 28,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < 28; y++)
    for (let x = 0; x < 28; x++)
      if (img[y * 28 + x]! > 0) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
  return { x0, y0, x1, y1, w: x1 - x0 + 1, h: y1 - y0 + 1 };
};

describe('drawing pad → MNIST 28×28', () => {
  it('an empty pad gives 784 zeros', () => {
    const out = drawingToMnist(new Float32Array(196 * 196), 196, 196);
    expect(out).toHaveLength(784);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it('crops to the ink, scales the longer side to 20 pixels and centres it', () => {
    // A tall bar in the top-left corner of a 196-pixel pad: 20 wide, 140 high.
    const out = drawingToMnist(rect(196, 10, 5, 30, 145), 196, 196);
    const b = box(out);
    expect(b.h).toBe(20);
    expect(b.w).toBe(3);
    // Centre of mass at the image centre (14, 14), within a pixel.
    let m = 0,
      cx = 0,
      cy = 0;
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < 28; x++) {
        const v = out[y * 28 + x]!;
        m += v;
        cx += v * (x + 0.5);
        cy += v * (y + 0.5);
      }
    expect(Math.abs(cx / m - 14)).toBeLessThanOrEqual(1);
    expect(Math.abs(cy / m - 14)).toBeLessThanOrEqual(1);
    expect(Math.max(...out)).toBeLessThanOrEqual(1);
    expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
  });

  it('keeps white-on-black ink in 0..1 and area-averages partial pixels', () => {
    const out = drawingToMnist(rect(56, 0, 0, 56, 56, 0.5), 56, 56);
    const b = box(out);
    expect([b.w, b.h]).toEqual([20, 20]);
    expect(out[(b.y0 + 5) * 28 + b.x0 + 5]).toBeCloseTo(0.5, 5);
  });

  it('reads canvas RGBA brightness as ink', () => {
    const ink = rgbaToInk(Uint8ClampedArray.of(255, 255, 255, 255, 0, 0, 0, 255));
    expect(Array.from(ink)).toEqual([1, 0]);
  });
});

describe('heatmaps', () => {
  it('normalises one channel of a channels-last map to 0..1', () => {
    // [2, 2, 2]: channel 0 = 1, 2, 3, 5; channel 1 constant 7.
    const values = Float32Array.of(1, 7, 2, 7, 3, 7, 5, 7);
    const h = channelHeatmap(values, [2, 2, 2], 0);
    expect([h.width, h.height, h.min, h.max]).toEqual([2, 2, 1, 5]);
    expect(Array.from(h.values)).toEqual([0, 0.25, 0.5, 1]);
    const flat = channelHeatmap(values, [2, 2, 2], 1);
    expect(Array.from(flat.values)).toEqual([0, 0, 0, 0]);
    expect([flat.min, flat.max]).toEqual([7, 7]);
  });

  it('maps signed weights to a diverging colour (blue, white, red)', () => {
    expect(divergingColor(-1)).toEqual([33, 102, 172]);
    expect(divergingColor(0)).toEqual([247, 247, 247]);
    expect(divergingColor(1)).toEqual([178, 24, 43]);
    expect(divergingColor(Number.NaN)).toEqual([33, 102, 172]);
  });
});

describe('probabilities and their difference', () => {
  it('finds the largest absolute difference', () => {
    expect(maxAbsDiff([0.1, 0.2, 0.7], [0.1, 0.25, 0.65])).toBeCloseTo(0.05, 10);
    expect(maxAbsDiff([1], [1])).toBe(0);
    expect(maxAbsDiff([1, 2], [1])).toBe(Infinity);
    expect(maxAbsDiff([Number.NaN], [1])).toBe(Infinity);
  });

  it('reads outputs as classes or values', () => {
    expect(toProbabilities([0.8])).toEqual([expect.closeTo(0.2, 9), 0.8]);
    expect(looksLikeProbabilities([0.2, 0.8])).toBe(true);
    expect(looksLikeProbabilities([0.2, 0.7])).toBe(false);
    expect(outputView([0.8], 'sigmoid', ['no', 'yes'])).toEqual({
      kind: 'classes',
      labels: ['no', 'yes'],
      values: [expect.closeTo(0.2, 9), 0.8],
    });
    expect(outputView([0.1, 0.9], 'softmax').labels).toEqual(['0', '1']);
    expect(outputView([23.5], 'linear')).toEqual({
      kind: 'values',
      labels: ['output'],
      values: [23.5],
    });
    expect(argmax([0.1, 0.7, 0.2])).toBe(1);
    expect(topK([3, -1, 5, 5], 2)).toEqual([
      { index: 2, value: 5 },
      { index: 3, value: 5 },
    ]);
  });

  it('tells image, point and table inputs apart', () => {
    expect(inputKind([784])).toBe('image');
    expect(inputKind([28, 28, 1])).toBe('image');
    expect(inputKind([2])).toBe('point');
    expect(inputKind([9])).toBe('table');
    expect(inputKind([32, 32, 3])).toBe('other');
  });
});

describe('watching the weights', () => {
  it('histogramOf counts every value in its bin', () => {
    const h = histogramOf('w', [0, 0.1, 0.5, 1], 4);
    expect(h.counts).toEqual([2, 0, 1, 1]);
    expect([h.min, h.max, h.mean]).toEqual([0, 1, 0.4]);
    expect(histogramOf('empty', [], 3)).toMatchObject({ counts: [0, 0, 0], min: 0, max: 0 });
  });

  it('matches weightHistograms and gives the first Dense units as 28×28 images', async () => {
    await tf.setBackend('cpu');
    const lowered = lowerGraph(loadTemplate('mnist-mlp').graph);
    if (!lowered.ok) throw new Error('template does not lower');
    const model = buildModel(tf, lowered.ir, { seed: 3 });
    const watch = await watchWeights(tf, model, { bins: 20, units: 16 });
    const reference = await weightHistograms(model, 20);
    expect(watch.histograms.map((h) => h.name)).toEqual(reference.map((h) => h.name));
    for (let i = 0; i < reference.length; i++) {
      expect(watch.histograms[i]!.counts).toEqual(reference[i]!.counts);
      expect(watch.histograms[i]!.mean).toBeCloseTo(reference[i]!.mean, 6);
    }
    const first = watch.firstDense!;
    expect([first.layer, first.units, first.totalUnits, first.values.length]).toEqual([
      'dense_1',
      16,
      128,
      16 * 784,
    ]);
    const kernel = (await model.getLayer('dense_1').getWeights()[0]!.data()) as Float32Array;
    // Unit 5's image pixel 300 is kernel[300, 5].
    expect(first.values[5 * 784 + 300]).toBe(kernel[300 * 128 + 5]);
    // No tensors leak from the snapshot.
    const before = tf.memory().numTensors;
    await watchWeights(tf, model);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
