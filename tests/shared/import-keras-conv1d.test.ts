/**
 * Keras / TF.js import of the conv1d group's kinds: (1) round trip — TF.js model.json + weights
 * written from Netwright's own build import back to the same blocks, params and weights;
 * (2) Keras 3 configs written by hand from the Keras 3 documentation and `get_config()` forms
 * (1-D sizes as 1-tuples, ZeroPadding2D/Cropping2D's three spellings) import as the documented
 * meaning; settings without a block (dilation, 'causal', keepdims, bilinear) are refused by name.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfjsLayersFiles, TFJS_WEIGHTS_FILE } from '../../shared/export/tfjs-layers.ts';
import { importKerasJson } from '../../shared/import/keras.ts';
import { getLayer } from '../../shared/layers/registry.ts';
import { CATALOGUE_PROJECTS } from '../py/graphs.ts';
import { opView, weightsView } from './import-helpers.ts';
import { lower, modelWithRandomWeights } from './onnx-helpers.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tf.disposeVariables());

const fromConfig = (type: string, config: Record<string, unknown>, className = type) =>
  getLayer(type)!.keras.fromConfig(config, className).params;

describe('Keras / TF.js import: conv1d kinds', () => {
  it.each(['Sequence convolutions', 'Pad, crop, upsample'])(
    '%s: TF.js model.json + weights → import gives the same graph and weights',
    async (name) => {
      const ir = lower(CATALOGUE_PROJECTS.find((p) => p.name === name)!.graph);
      const { model, weights } = await modelWithRandomWeights(ir, 9);
      const files = await tfjsLayersFiles(tf, model);
      model.dispose();
      const result = importKerasJson(files.modelJson, { [TFJS_WEIGHTS_FILE]: files.weights });
      if (!result.ok) throw new Error(result.error);
      // Keras (and the importer) reads pooling strides equal to the pool as "same as pool size".
      const want = opView(ir).map((v) =>
        v.params.strides !== undefined && v.params.strides === v.params.pool_size
          ? { ...v, params: { ...v.params, strides: null } }
          : v,
      );
      expect(opView(result.ir)).toEqual(want);
      expect(weightsView(result.weights!)).toEqual(weightsView(weights));
    },
  );

  // keras.io/api/layers/convolution_layers/convolution1d/: Keras 3 get_config() writes the
  // sizes as 1-tuples, (3,), which JSON stores as [3].
  it('Conv1D: 1-tuples and ints; activation None is linear', () => {
    const keras3 = {
      name: 'conv1d',
      filters: 8,
      kernel_size: [5],
      strides: [2],
      padding: 'same',
      data_format: 'channels_last',
      dilation_rate: [1],
      groups: 1,
      activation: 'relu',
      use_bias: false,
    };
    expect(fromConfig('Conv1D', keras3)).toEqual({
      filters: 8,
      kernel_size: 5,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      use_bias: false,
    });
    expect(fromConfig('Conv1D', { filters: 2, kernel_size: 3, activation: null })).toEqual({
      filters: 2,
      kernel_size: 3,
      strides: 1,
      padding: 'valid',
      activation: 'linear',
      use_bias: true,
    });
  });

  it('Conv1D: dilation, causal padding, groups and channels_first are refused by name', () => {
    const base = { filters: 2, kernel_size: [3] };
    expect(() => fromConfig('Conv1D', { ...base, dilation_rate: [2] })).toThrow('dilation');
    expect(() => fromConfig('Conv1D', { ...base, padding: 'causal' })).toThrow('padding causal');
    expect(() => fromConfig('Conv1D', { ...base, groups: 2 })).toThrow('grouped convolution');
    expect(() => fromConfig('Conv1D', { ...base, data_format: 'channels_first' })).toThrow(
      'data_format channels_first',
    );
    expect(() => fromConfig('Conv1D', { ...base, kernel_size: [3, 3] })).toThrow(
      'kernel_size [3,3]',
    );
  });

  // keras.io/api/layers/pooling_layers/max_pooling1d/: strides None → pool_size.
  it.each(['MaxPooling1D', 'AveragePooling1D'])(
    '%s: strides None or equal to the pool is "same as pool size"; others kept',
    (type) => {
      expect(fromConfig(type, { pool_size: [3], strides: [3], padding: 'valid' })).toEqual({
        pool_size: 3,
        strides: null,
        padding: 'valid',
      });
      expect(fromConfig(type, { pool_size: 2, strides: null })).toEqual({
        pool_size: 2,
        strides: null,
        padding: 'valid',
      });
      expect(fromConfig(type, { pool_size: [4], strides: [1], padding: 'same' })).toEqual({
        pool_size: 4,
        strides: 1,
        padding: 'same',
      });
    },
  );

  it('the Keras aliases MaxPool1D, AvgPool1D, GlobalMaxPool1D/2D, GlobalAvgPool1D import', () => {
    const names = (type: string) => getLayer(type)!.keras.classNames;
    expect(names('MaxPooling1D')).toContain('MaxPool1D');
    expect(names('AveragePooling1D')).toContain('AvgPool1D');
    expect(names('GlobalMaxPooling1D')).toContain('GlobalMaxPool1D');
    expect(names('GlobalMaxPooling2D')).toContain('GlobalMaxPool2D');
    expect(names('GlobalAveragePooling1D')).toContain('GlobalAvgPool1D');
  });

  it.each(['GlobalAveragePooling1D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D'])(
    '%s: keepdims True is refused',
    (type) => {
      expect(fromConfig(type, { keepdims: false })).toEqual({});
      expect(() => fromConfig(type, { keepdims: true })).toThrow('keepdims');
    },
  );

  // keras.io/api/layers/reshaping_layers/up_sampling2d/: size int or 2-tuple.
  it("UpSampling2D: size int or pair; 'bilinear' is refused", () => {
    expect(fromConfig('UpSampling2D', { size: [2, 3], interpolation: 'nearest' })).toEqual({
      size: [2, 3],
      interpolation: 'nearest',
    });
    expect(fromConfig('UpSampling2D', { size: 3 })).toEqual({
      size: [3, 3],
      interpolation: 'nearest',
    });
    expect(() => fromConfig('UpSampling2D', { size: 2, interpolation: 'bilinear' })).toThrow(
      'interpolation bilinear',
    );
  });

  // keras.io/api/layers/reshaping_layers/zero_padding2d/: "Int, or tuple of 2 ints, or tuple of
  // 2 tuples of 2 ints": int → all sides; (h, w) → ((h, h), (w, w)).
  it.each([
    ['ZeroPadding2D', 'padding'],
    ['Cropping2D', 'cropping'],
  ])('%s: the three spellings of %s', (type, key) => {
    const blocks = (h: number[], w: number[]) => ({ [key]: [h, w] });
    expect(fromConfig(type, { [key]: 2 })).toEqual(blocks([2, 2], [2, 2]));
    expect(fromConfig(type, { [key]: [1, 3] })).toEqual(blocks([1, 1], [3, 3]));
    expect(
      fromConfig(type, {
        [key]: [
          [0, 2],
          [4, 1],
        ],
      }),
    ).toEqual(blocks([0, 2], [4, 1]));
    expect(() => fromConfig(type, { [key]: [[1, 2, 3]] })).toThrow(key);
    expect(() => fromConfig(type, { [key]: -1 })).toThrow(key);
  });

  it('ZeroPadding2D and Cropping2D defaults when the config leaves them out', () => {
    expect(fromConfig('ZeroPadding2D', {})).toEqual({
      padding: [
        [1, 1],
        [1, 1],
      ],
    });
    expect(fromConfig('Cropping2D', {})).toEqual({
      cropping: [
        [0, 0],
        [0, 0],
      ],
    });
  });
});
