/**
 * ONNX import of the conv1d group's kinds: a graph exported by Netwright imports back as the same
 * blocks, params and weights (every kind, non-default params, both 'same' pad splits); and ONNX
 * forms with no block are refused by name, not guessed.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOnnx } from '../../shared/import/onnx.ts';
import { exportOnnx } from '../../shared/onnx/export.ts';
import { graphOf } from './graph-builder.ts';
import { opView, weightsView } from './import-helpers.ts';
import { lower, modelWithRandomWeights } from './onnx-helpers.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tf.disposeVariables());

type Block = [id: string, type: string, params?: Record<string, unknown>];
const chain = (blocks: Block[]) =>
  graphOf(
    blocks,
    blocks.slice(1).map((b, i) => `${blocks[i]![0]}->${b[0]}`),
  );

const cases: [string, Block[]][] = [
  [
    'Conv1D (same, stride 2, relu; valid, no bias), 1-D poolings, global poolings',
    [
      ['in', 'Input', { shape: [13, 3] }],
      [
        'c1',
        'Conv1D',
        { filters: 4, kernel_size: 4, strides: 2, padding: 'same', activation: 'relu' },
      ],
      ['c2', 'Conv1D', { filters: 5, kernel_size: 3, use_bias: false }],
      ['max', 'MaxPooling1D', { pool_size: 3, strides: 1, padding: 'same' }],
      // 5 steps: TF pads 0 before, 1 after (an even split would read back as 'valid').
      ['avg', 'AveragePooling1D', { pool_size: 2, strides: null, padding: 'same' }],
      ['g', 'GlobalMaxPooling1D'],
    ],
  ],
  [
    'GlobalAveragePooling1D after valid pooling',
    [
      ['in', 'Input', { shape: [9, 2] }],
      ['max', 'MaxPooling1D', { pool_size: 2, strides: null, padding: 'valid' }],
      ['avg', 'AveragePooling1D', { pool_size: 2, strides: 1, padding: 'valid' }],
      ['g', 'GlobalAveragePooling1D'],
    ],
  ],
  [
    'ZeroPadding2D, Conv2D, Cropping2D, UpSampling2D, GlobalMaxPooling2D',
    [
      ['in', 'Input', { shape: [6, 5, 2] }],
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
      ['conv', 'Conv2D', { filters: 3, kernel_size: [3, 3], activation: 'tanh' }],
      [
        'crop',
        'Cropping2D',
        {
          cropping: [
            [1, 0],
            [0, 2],
          ],
        },
      ],
      ['up', 'UpSampling2D', { size: [2, 3] }],
      ['g', 'GlobalMaxPooling2D'],
    ],
  ],
];

describe('ONNX import: conv1d kinds', () => {
  it.each(cases)(
    '%s: graph → ONNX → import gives the same graph and weights',
    async (_, blocks) => {
      const ir = lower(chain(blocks));
      const { model, weights } = await modelWithRandomWeights(ir, 3);
      model.dispose();
      const result = importOnnx(exportOnnx(ir, weights));
      if (!result.ok) throw new Error(result.error);
      expect(opView(result.ir)).toEqual(opView(ir));
      // A model without weights imports without a weights map.
      expect(result.weights ? weightsView(result.weights) : {}).toEqual(weightsView(weights));
    },
  );
});
