/**
 * Import of the conv2d group's kinds: a TF.js model.json (+ weights) with every one of them comes
 * back as the same graph and weights (the Keras hooks' `fromConfig` and `weightOrder`), and ONNX
 * ConvTranspose nodes come back as Conv2DTranspose blocks when their pads are Keras's 'valid' or
 * 'same' (the ONNX round trips of the group's other kinds are in import-onnx-kinds.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfjsLayersFiles, TFJS_WEIGHTS_FILE } from '../../shared/export/tfjs-layers.ts';
import { importKerasJson } from '../../shared/import/keras.ts';
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
const chainOf = (blocks: Block[]) =>
  graphOf(
    blocks,
    blocks.slice(1).map((b, i) => `${blocks[i]![0]}->${b[0]}`),
  );

/** Every conv2d-group kind, each with non-default params. */
const everyKind = chainOf([
  ['in', 'Input', { shape: [7, 7, 2] }],
  ['scale', 'Rescaling', { scale: 0.25, offset: -1 }],
  ['noise', 'GaussianNoise', { stddev: 0.4 }],
  [
    'dw',
    'DepthwiseConv2D',
    {
      kernel_size: [3, 2],
      strides: [2, 2],
      padding: 'same',
      depth_multiplier: 2,
      activation: 'relu',
    },
  ],
  ['sd', 'SpatialDropout2D', { rate: 0.35 }],
  [
    'sep',
    'SeparableConv2D',
    { filters: 3, kernel_size: [2, 2], depth_multiplier: 3, activation: 'tanh', use_bias: false },
  ],
  [
    'up',
    'Conv2DTranspose',
    { filters: 2, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'elu' },
  ],
  ['perm', 'Permute', { dims: [2, 3, 1] }],
  ['gap', 'GlobalAveragePooling2D', {}],
  ['rep', 'RepeatVector', { n: 3 }],
]);

describe('conv2d kinds: TF.js model.json import', () => {
  it('every kind comes back with its params and weights', async () => {
    const ir = lower(everyKind);
    const { model, weights } = await modelWithRandomWeights(ir, 4);
    const files = await tfjsLayersFiles(tf, model);
    model.dispose();
    const result = importKerasJson(files.modelJson, { [TFJS_WEIGHTS_FILE]: files.weights });
    if (!result.ok) throw new Error(result.error);
    expect(opView(result.ir)).toEqual(opView(ir));
    expect(weightsView(result.weights!)).toEqual(weightsView(weights));
  });

  it('refuses what the blocks cannot hold, naming it', () => {
    const json = (className: string, config: Record<string, unknown>) =>
      JSON.stringify({
        class_name: 'Sequential',
        config: {
          name: 'm',
          layers: [
            {
              class_name: 'InputLayer',
              config: { name: 'in', batch_input_shape: [null, 8, 8, 2] },
            },
            { class_name: className, config: { name: 'x', ...config } },
          ],
        },
      });
    const transposed = importKerasJson(
      json('Conv2DTranspose', { filters: 2, kernel_size: [3, 3], output_padding: [1, 1] }),
    );
    expect(transposed.ok).toBe(false);
    expect(transposed.ok || transposed.error).toMatch(/output_padding \[1,1\]/);
    const rescaling = importKerasJson(json('Rescaling', { scale: [0.5, 0.25], offset: 0 }));
    expect(rescaling.ok || rescaling.error).toMatch(
      /scale \[0\.5,0\.25\] \(only a single number\)/,
    );
  });
});

describe('conv2d kinds: ONNX ConvTranspose import', () => {
  it.each([
    ['same, kernel 3, stride 2 (one more cut after)', [5, 4, 2], [3, 3], [2, 2], 'same'],
    ['same, kernel 4, stride 2 (symmetric)', [3, 3, 1], [4, 4], [2, 2], 'same'],
    ['valid, kernel 2 < stride 3 (output_padding)', [3, 4, 2], [2, 2], [3, 3], 'valid'],
    ['valid, kernel (3, 1), stride 1', [4, 4, 3], [3, 1], [1, 1], 'valid'],
  ] as const)('%s: graph → ONNX → import gives the same graph and weights', async (...c) => {
    const [, shape, kernel, strides, padding] = c;
    const ir = lower(
      chainOf([
        ['in', 'Input', { shape: [...shape] }],
        [
          'up',
          'Conv2DTranspose',
          { filters: 3, kernel_size: [...kernel], strides: [...strides], padding },
        ],
      ]),
    );
    const { model, weights } = await modelWithRandomWeights(ir, 2);
    model.dispose();
    const result = importOnnx(exportOnnx(ir, weights));
    if (!result.ok) throw new Error(result.error);
    expect(opView(result.ir)).toEqual(opView(ir));
    expect(weightsView(result.weights!)).toEqual(weightsView(weights));
  });

  it('a fused activation comes back as its own Activation block after the Conv2DTranspose', async () => {
    const ir = lower(
      chainOf([
        ['in', 'Input', { shape: [3, 3, 2] }],
        ['up', 'Conv2DTranspose', { filters: 2, kernel_size: [2, 2], activation: 'relu' }],
      ]),
    );
    const { model, weights } = await modelWithRandomWeights(ir, 2);
    model.dispose();
    const result = importOnnx(exportOnnx(ir, weights));
    if (!result.ok) throw new Error(result.error);
    expect(result.ir.ops.map((op) => `${op.type}:${String(op.params.activation ?? '')}`)).toEqual([
      'Input:',
      'Conv2DTranspose:linear',
      'Activation:relu',
    ]);
  });
});
