import { formatShape, shapeSize } from '../shape.ts';
import type { LayerDef } from './types.ts';
import { NO_PARAMS, ok } from './types.ts';

export const FlattenLayer: LayerDef = {
  type: 'Flatten',
  group: 'Core',
  kerasName: 'Flatten',
  torchName: 'nn.Flatten',
  summary: 'Unrolls a feature map into one long vector, e.g. 5×5×64 → 1600.',
  params: [],
  inputs: { min: 1, max: 1 },
  // Keras passes a vector through Flatten unchanged, but tfjs-layers refuses it ("expected
  // min_ndim=3"): the block is a no-op there, so say so rather than fail in training.
  inferShape: ([input]) =>
    input!.length < 2
      ? {
          ok: false,
          code: 'E003',
          message: `Flatten needs a feature map or matrix (2 or more axes per example) but gets the vector ${formatShape(input!)}, which is already flat: remove the Flatten (TF.js refuses a Flatten on vectors)`,
        }
      : ok([shapeSize(input!)]),
  paramCount: () => NO_PARAMS,
};
