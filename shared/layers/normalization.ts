import type { FloatParam } from './params.ts';
import type { LayerDef } from './types.ts';
import { ok } from './types.ts';

/** Keras's default for both normalisations (PyTorch's is 1e-5: the generated code passes it). */
const epsilonParam: FloatParam = {
  name: 'epsilon',
  label: 'Epsilon',
  kind: 'float',
  default: 0.001,
  min: 0,
  minExclusive: true,
};

const lastDim = (shape: readonly number[]): number => shape[shape.length - 1]!;

export const BatchNormalizationLayer: LayerDef = {
  type: 'BatchNormalization',
  group: 'Normalisation/Regularisation',
  kerasName: 'BatchNormalization',
  torchName: 'nn.BatchNorm1d',
  summary: 'Normalises each feature over the batch, then scales and shifts it with learned values.',
  params: [
    { name: 'momentum', label: 'Momentum', kind: 'float', default: 0.99, min: 0, max: 1 },
    epsilonParam,
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input!),
  // gamma and beta are trained; the moving mean and variance are not.
  paramCount: ([input]) => ({ trainable: 2 * lastDim(input!), nonTrainable: 2 * lastDim(input!) }),
  torchNameFor: () => 'nn.BatchNorm',
};

export const LayerNormalizationLayer: LayerDef = {
  type: 'LayerNormalization',
  group: 'Normalisation/Regularisation',
  kerasName: 'LayerNormalization',
  torchName: 'nn.LayerNorm',
  summary: 'Normalises the features of each example on their own, then scales and shifts them.',
  params: [epsilonParam],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input!),
  paramCount: ([input]) => ({ trainable: 2 * lastDim(input!), nonTrainable: 0 }),
};
