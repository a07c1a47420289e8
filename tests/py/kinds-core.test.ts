/**
 * Differential tests (TF.js = onnxruntime = PyTorch + weights.npz, onnx.checker, a few training
 * steps) for the original catalogue kinds, at every input rank each accepts and with non-default
 * params (see tests/py/kind-differential.ts). Weightless kinds skip the training check.
 */
import { graphOf } from '../shared/graph-builder.ts';
import { kindDifferential, type KindCase } from './kind-differential.ts';

type Params = Record<string, unknown>;

/** Input of `shape` → one block of `type`. */
function single(title: string, shape: number[], type: string, params: Params = {}): KindCase {
  return {
    title,
    graph: graphOf(
      [
        ['in', 'Input', { shape }],
        ['k', type, params],
      ],
      ['in->k'],
    ),
  };
}

const weightless = (c: KindCase): KindCase => ({ ...c, noTraining: true });

kindDifferential('Dense', [
  single('Dense 5 relu on (3)', [3], 'Dense', { units: 5, activation: 'relu' }),
  single('Dense 4 tanh on (2, 3): acts on the last axis', [2, 3], 'Dense', {
    units: 4,
    activation: 'tanh',
  }),
  single('Dense 2 no bias on (4, 4, 3): the channels', [4, 4, 3], 'Dense', {
    units: 2,
    use_bias: false,
  }),
  single('Dense 3 leaky_relu on (2, 2, 2, 2)', [2, 2, 2, 2], 'Dense', {
    units: 3,
    activation: 'leaky_relu',
  }),
]);

kindDifferential('Conv2D', [
  single('Conv2D 4 3x3 valid on (6, 5, 2)', [6, 5, 2], 'Conv2D', {
    filters: 4,
    kernel_size: [3, 3],
  }),
  single('Conv2D 3 3x2 same stride 2 on (7, 6, 3): TF pads more after', [7, 6, 3], 'Conv2D', {
    filters: 3,
    kernel_size: [3, 2],
    strides: [2, 2],
    padding: 'same',
    activation: 'relu',
  }),
  single('Conv2D 2 1x1 no bias sigmoid on (3, 3, 4)', [3, 3, 4], 'Conv2D', {
    filters: 2,
    kernel_size: [1, 1],
    use_bias: false,
    activation: 'sigmoid',
  }),
]);

kindDifferential('MaxPooling2D', [
  weightless(single('MaxPooling2D 2x2 on (6, 4, 2)', [6, 4, 2], 'MaxPooling2D')),
  weightless(
    single('MaxPooling2D 3x3 stride 2 same on (5, 6, 2)', [5, 6, 2], 'MaxPooling2D', {
      pool_size: [3, 3],
      strides: [2, 2],
      padding: 'same',
    }),
  ),
]);

kindDifferential('AveragePooling2D', [
  weightless(
    single('AveragePooling2D 2x3 stride 1 on (4, 5, 3)', [4, 5, 3], 'AveragePooling2D', {
      pool_size: [2, 3],
      strides: [1, 1],
    }),
  ),
  weightless(
    single('AveragePooling2D 3x3 stride 2 same on (5, 5, 1)', [5, 5, 1], 'AveragePooling2D', {
      pool_size: [3, 3],
      strides: [2, 2],
      padding: 'same',
    }),
  ),
]);

kindDifferential('GlobalAveragePooling2D', [
  weightless(single('GlobalAveragePooling2D on (3, 4, 5)', [3, 4, 5], 'GlobalAveragePooling2D')),
]);

kindDifferential('Flatten', [
  weightless(single('Flatten (2, 3)', [2, 3], 'Flatten')),
  weightless(single('Flatten (3, 2, 4): channels-last order', [3, 2, 4], 'Flatten')),
  weightless(single('Flatten (2, 2, 2, 3)', [2, 2, 2, 3], 'Flatten')),
]);

kindDifferential('Reshape', [
  weightless(single('Reshape (12) → (3, 4)', [12], 'Reshape', { target_shape: [3, 4] })),
  weightless(
    single('Reshape (4, 4, 3) → (-1, 3)', [4, 4, 3], 'Reshape', { target_shape: [-1, 3] }),
  ),
  weightless(single('Reshape (6) → (1, 2, 3) image', [6], 'Reshape', { target_shape: [1, 2, 3] })),
]);

kindDifferential('Activation', [
  ...['relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'gelu', 'softplus', 'leaky_relu'].map(
    (activation) =>
      weightless(single(`Activation ${activation} on (5)`, [5], 'Activation', { activation })),
  ),
  weightless(
    single('Activation softmax on (2, 3, 4): the channels', [2, 3, 4], 'Activation', {
      activation: 'softmax',
    }),
  ),
  weightless(
    single('Activation softmax on (3, 4): the last axis', [3, 4], 'Activation', {
      activation: 'softmax',
    }),
  ),
]);

kindDifferential('Dropout', [
  weightless(single('Dropout 0.5 on (6): identity at inference', [6], 'Dropout', { rate: 0.5 })),
  weightless(single('Dropout 0.3 on (3, 3, 2)', [3, 3, 2], 'Dropout', { rate: 0.3 })),
]);

kindDifferential('BatchNormalization', [
  single('BatchNormalization on (5)', [5], 'BatchNormalization', { momentum: 0.9, epsilon: 0.01 }),
  single('BatchNormalization on (3, 4): the last axis', [3, 4], 'BatchNormalization'),
  single('BatchNormalization on (4, 3, 2): the channels', [4, 3, 2], 'BatchNormalization', {
    epsilon: 0.1,
  }),
]);

kindDifferential('LayerNormalization', [
  single('LayerNormalization on (5)', [5], 'LayerNormalization', { epsilon: 0.01 }),
  single('LayerNormalization on (3, 4)', [3, 4], 'LayerNormalization'),
  single('LayerNormalization on (2, 3, 4): the channels', [2, 3, 4], 'LayerNormalization'),
]);

/** Input → Dense a and Dense b (so the merge sees two different tensors) → merge. */
function merge(title: string, shape: number[], type: string, params: Params, units: number[]) {
  return {
    title,
    graph: graphOf(
      [
        ['in', 'Input', { shape }],
        ['a', 'Dense', { units: units[0]! }],
        ['b', 'Dense', { units: units[1]!, activation: 'tanh' }],
        ['m', type, params],
      ],
      ['in->a', 'in->b', 'a->m:0', 'b->m:1'],
    ),
  };
}

kindDifferential('Add', [
  merge('Add (4) + (4)', [3], 'Add', {}, [4, 4]),
  merge('Add (3, 3, 4) + (3, 3, 1): broadcast', [3, 3, 2], 'Add', {}, [4, 1]),
  merge('Add (2, 5) + (2, 5)', [2, 3], 'Add', {}, [5, 5]),
]);

kindDifferential('Concatenate', [
  merge('Concatenate (3) and (2)', [4], 'Concatenate', {}, [3, 2]),
  merge('Concatenate (2, 2, 3) and (2, 2, 1) on channels', [2, 2, 2], 'Concatenate', {}, [3, 1]),
  merge('Concatenate axis 1 of (2, 3) and (2, 3)', [2, 4], 'Concatenate', { axis: 1 }, [3, 3]),
]);
