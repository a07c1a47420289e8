import { shapeSize } from '../shape.ts';
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
  inferShape: ([input]) => ok([shapeSize(input!)]),
  paramCount: () => NO_PARAMS,
};
