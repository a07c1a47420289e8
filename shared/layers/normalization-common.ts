import type { FloatParam } from './params.ts';
import type { Shape } from '../shape.ts';
import { formatShape } from '../shape.ts';
import type { ShapeResult } from './types.ts';
import { ok } from './types.ts';

/** Keras's default for both normalisations (PyTorch's is 1e-5: the generated code passes it). */
export const epsilonParam: FloatParam = {
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
export function normInput(layer: string, input: Shape): ShapeResult {
  if (input.length <= 3) return ok(input);
  return {
    ok: false,
    code: 'E003',
    message: `${layer} takes at most 3 axes per example (e.g. height, width, channels) but gets ${formatShape(input)}: TF.js cannot normalise tensors of rank ${input.length + 1}; Reshape to 3 axes or fewer first`,
  };
}

export const lastDim = (shape: readonly number[]): number => shape[shape.length - 1]!;
