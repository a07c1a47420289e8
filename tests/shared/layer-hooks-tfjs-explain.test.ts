import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as explain from '../../shared/layers/backends/explain.ts';
import * as tfjs from '../../shared/layers/backends/tfjs.ts';
import { defaultParams, LAYERS } from '../../shared/layers/registry.ts';
import type { Shape } from '../../shared/shape.ts';

/** Per-example inputs to try on each kind: an image, a vector, a sequence. */
const SAMPLES: Shape[] = [[8, 8, 3], [6], [5, 4]];

describe('tfjs hook kit', () => {
  it('kernelAndBias: Keras order kernel then bias, bias as long as the last kernel axis', () => {
    expect(tfjs.kernelAndBias({ params: { use_bias: true } }, [784, 128])).toEqual([
      { name: 'kernel', shape: [784, 128] },
      { name: 'bias', shape: [128] },
    ]);
    expect(tfjs.kernelAndBias({ params: { use_bias: false } }, [3, 3, 1, 32])).toEqual([
      { name: 'kernel', shape: [3, 3, 1, 32] },
    ]);
  });

  it('activation and bias FLOPs follow the cost convention (linear 0, softmax 3, others 1)', () => {
    expect(tfjs.activationFlopsPerElement('linear')).toBe(0);
    expect(tfjs.activationFlopsPerElement(undefined)).toBe(0);
    expect(tfjs.activationFlopsPerElement('softmax')).toBe(3);
    expect(tfjs.activationFlopsPerElement('tanh')).toBe(1);
    // 10 outputs: bias 10 + softmax 30.
    const op = { params: { use_bias: true, activation: 'softmax' }, outputShape: [10] };
    expect(tfjs.biasAndActivationFlops(op)).toBe(40);
  });

  it('pooling2dArgs: strides null means strides = pool_size, as Keras', () => {
    const args = tfjs.pooling2dArgs({
      name: 'pool',
      params: { pool_size: [2, 3], strides: null, padding: 'same' },
    });
    expect(args).toEqual({ name: 'pool', poolSize: [2, 3], strides: [2, 3], padding: 'same' });
  });

  it('withActivation: leaky_relu becomes linear + LeakyReLU(0.2) named <op>.leaky_relu', () => {
    const seen: string[] = [];
    const layers = tfjs.withActivation(
      tf,
      { name: 'd', params: { activation: 'leaky_relu' } },
      (activation) => {
        seen.push(activation as string);
        return tf.layers.dense({ name: 'd', units: 2, activation });
      },
    );
    expect(seen).toEqual(['linear']);
    expect(layers.map((l) => l.name)).toEqual(['d', 'd.leaky_relu']);
    expect(layers[1]!.getConfig()).toMatchObject({ alpha: 0.2 });
    const plain = tfjs.withActivation(tf, { name: 'e', params: { activation: 'relu' } }, (a) =>
      tf.layers.dense({ name: 'e', units: 2, activation: a }),
    );
    expect(plain.map((l) => l.name)).toEqual(['e']);
  });

  it("every kind's weight arrays add up to its Keras parameter count", () => {
    // Two independent pieces of each kind: the front half's paramCount and the tfjs weights hook.
    for (const def of LAYERS.filter((l) => l.type !== 'Input')) {
      const params = defaultParams(def);
      if (def.type === 'Reshape') continue; // its default target shape needs a matching input
      // The first sample the kind accepts (on every port).
      const found = SAMPLES.map((sample) => {
        const inputShapes = Array.from({ length: def.inputs.min }, () => sample);
        return { inputShapes, shape: def.inferShape(inputShapes, params) };
      }).find((t) => t.shape.ok);
      expect(found, def.type).toBeDefined();
      if (!found?.shape.ok) continue;
      const { inputShapes } = found;
      const op = { params, inputShapes, outputShape: found.shape.shape };
      const count = def.paramCount(inputShapes, params);
      const held = (def.tfjs.weights?.(op) ?? []).reduce(
        (a, w) => a + w.shape.reduce((x, y) => x * y, 1),
        0,
      );
      expect(held, def.type).toBe(count.trainable + count.nonTrainable);
    }
  });
});

describe('explain hook kit', () => {
  it('windowLine: valid windows by hand, ⌊⌋ only when inexact; same is ⌈size / stride⌉', () => {
    expect(explain.windowLine('height', 28, 3, 1, 'valid')).toBe('height: (28 − 3) / 1 + 1 = 26');
    // (11 − 2) / 2 = 4.5 → 4, + 1 = 5.
    expect(explain.windowLine('width', 11, 2, 2, 'valid')).toBe('width: ⌊(11 − 2) / 2⌋ + 1 = 5');
    // ⌈7 / 2⌉ = 4.
    expect(explain.windowLine('height', 7, 3, 2, 'same')).toBe(
      'height: ⌈7 / 2⌉ = 4 (padding same)',
    );
  });

  it('windowShape names the spatial axes by the window rank and refuses other input ranks', () => {
    expect(explain.windowShape([28, 28, 1], [3, 3], [1, 1], 'valid')).toEqual([
      'height: (28 − 3) / 1 + 1 = 26',
      'width: (28 − 3) / 1 + 1 = 26',
    ]);
    // A sequence (steps, channels) with a 1-D window: (100 − 5) / 1 + 1 = 96.
    expect(explain.windowShape([100, 16], [5], [1], 'valid')).toEqual([
      'steps: (100 − 5) / 1 + 1 = 96',
    ]);
    expect(explain.windowShape([28, 28], [3, 3], [1, 1], 'valid')).toBeUndefined();
  });

  it('digest helpers: pairs as 3×3, linear hidden, empty parts skipped', () => {
    expect(explain.dims([3, 3])).toBe('3×3');
    expect(explain.joinDigest([32, explain.dims([5, 5]), explain.nonLinear('linear')])).toBe(
      '32 · 5×5',
    );
    expect(explain.joinDigest([128, explain.nonLinear('relu')])).toBe('128 · relu');
    expect(explain.count(109_386)).toBe('109,386');
  });
});
