import type { FloatParam } from './params.ts';
import type { Shape } from '../shape.ts';
import { formatShape } from '../shape.ts';
import type { LayerDef, ShapeResult } from './types.ts';
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

/**
 * Normalisation layers take up to 3 axes per example (a feature map): TF.js's batchNormalization
 * is "not implemented for array of rank 5" (both layers use it), and PyTorch has no BatchNorm
 * for the 4-D per-example case that the generated code could use in Keras's channels-last form.
 */
function normInput(layer: string, input: Shape): ShapeResult {
  if (input.length <= 3) return ok(input);
  return {
    ok: false,
    code: 'E003',
    message: `${layer} takes at most 3 axes per example (e.g. height, width, channels) but gets ${formatShape(input)}: TF.js cannot normalise tensors of rank ${input.length + 1}; Reshape to 3 axes or fewer first`,
  };
}

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
  inferShape: ([input]) => normInput('BatchNormalization', input!),
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
  inferShape: ([input]) => normInput('LayerNormalization', input!),
  paramCount: ([input]) => ({ trainable: 2 * lastDim(input!), nonTrainable: 0 }),
};
