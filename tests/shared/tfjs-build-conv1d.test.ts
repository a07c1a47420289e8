/**
 * The conv1d group's kinds in the TF.js build (shared/tfjs/build-model.ts through each kind's tfjs
 * hooks): every param set to a non-default value reaches the TF.js layer (its `getConfig()`), and
 * every layer's output shape and parameter count equal the IR's (shape inference and Keras counts),
 * with the shapes and counts also worked out by hand below.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { buildModel, leakyReluLayerName } from '../../shared/tfjs/build-model.ts';
import { graphOf } from './graph-builder.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tf.disposeVariables());

function build(blocks: [string, string, Record<string, unknown>?][], wires: string[]) {
  const lowered = lowerGraph(graphOf(blocks, wires));
  if (!lowered.ok) throw new Error(JSON.stringify(lowered.diagnostics));
  const ir = lowered.ir;
  const model = buildModel(tf, ir, { seed: 1 });
  expect(model.countParams()).toBe(ir.totals.total);
  for (const op of ir.ops) {
    const layer = model.getLayer(op.name);
    expect(layer.outputShape.slice(1), op.name).toEqual(op.outputShape);
    expect(layer.countParams(), op.name).toBe(op.count.trainable + op.count.nonTrainable);
  }
  return model;
}

describe('IR → TF.js model: conv1d kinds', () => {
  it('a sequence graph with every 1-D kind, non-default params', () => {
    const model = build(
      [
        ['in', 'Input', { shape: [11, 3] }],
        [
          'conv',
          'Conv1D',
          {
            filters: 4,
            kernel_size: 4,
            strides: 2,
            padding: 'same',
            activation: 'leaky_relu',
            use_bias: false,
          },
        ],
        ['max', 'MaxPooling1D', { pool_size: 3, strides: 1, padding: 'same' }],
        ['avg', 'AveragePooling1D', { pool_size: 2, strides: 2, padding: 'valid' }],
        ['gavg', 'GlobalAveragePooling1D'],
        ['gmax', 'GlobalMaxPooling1D'],
        ['cat', 'Concatenate', { axis: -1 }],
      ],
      ['in->conv', 'conv->max', 'max->avg', 'avg->gavg', 'max->gmax', 'gavg->cat:0', 'gmax->cat:1'],
    );
    // conv: ceil(11 / 2) = 6 steps; max 'same' stride 1 keeps 6; avg floor((6 − 2) / 2) + 1 = 3.
    expect(model.getLayer('conv').outputShape).toEqual([null, 6, 4]);
    expect(model.getLayer('max').outputShape).toEqual([null, 6, 4]);
    expect(model.getLayer('avg').outputShape).toEqual([null, 3, 4]);
    expect(model.getLayer('gavg').outputShape).toEqual([null, 4]);
    expect(model.getLayer('gmax').outputShape).toEqual([null, 4]);
    // Conv1D without bias: kernel_size · in · filters = 4 · 3 · 4 = 48.
    expect(model.getLayer('conv').countParams()).toBe(48);
    expect(model.getLayer('conv').getConfig()).toMatchObject({
      filters: 4,
      kernelSize: [4],
      strides: [2],
      padding: 'same',
      activation: 'linear',
      useBias: false,
    });
    expect(model.getLayer(leakyReluLayerName('conv')).getConfig()).toMatchObject({ alpha: 0.2 });
    expect(model.getLayer('max').getConfig()).toMatchObject({
      poolSize: [3],
      strides: [1],
      padding: 'same',
    });
    expect(model.getLayer('avg').getConfig()).toMatchObject({
      poolSize: [2],
      strides: [2],
      padding: 'valid',
    });
    model.dispose();
  });

  it('an image graph with ZeroPadding2D, Cropping2D, UpSampling2D, GlobalMaxPooling2D', () => {
    const model = build(
      [
        ['in', 'Input', { shape: [5, 4, 2] }],
        [
          'pad',
          'ZeroPadding2D',
          {
            padding: [
              [2, 0],
              [1, 3],
            ],
          },
        ],
        [
          'crop',
          'Cropping2D',
          {
            cropping: [
              [0, 1],
              [2, 1],
            ],
          },
        ],
        ['up', 'UpSampling2D', { size: [3, 2] }],
        ['g', 'GlobalMaxPooling2D'],
      ],
      ['in->pad', 'pad->crop', 'crop->up', 'up->g'],
    );
    // pad (5 + 2 + 0, 4 + 1 + 3) = (7, 8); crop (7 − 1, 8 − 3) = (6, 5); up (18, 10).
    expect(model.getLayer('pad').outputShape).toEqual([null, 7, 8, 2]);
    expect(model.getLayer('crop').outputShape).toEqual([null, 6, 5, 2]);
    expect(model.getLayer('up').outputShape).toEqual([null, 18, 10, 2]);
    expect(model.getLayer('g').outputShape).toEqual([null, 2]);
    expect(model.getLayer('pad').getConfig()).toMatchObject({
      padding: [
        [2, 0],
        [1, 3],
      ],
    });
    expect(model.getLayer('crop').getConfig()).toMatchObject({
      cropping: [
        [0, 1],
        [2, 1],
      ],
    });
    expect(model.getLayer('up').getConfig()).toMatchObject({
      size: [3, 2],
      interpolation: 'nearest',
    });
    expect(model.countParams()).toBe(0);
    model.dispose();
  });
});
