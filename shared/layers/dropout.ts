import type { LayerDef } from './types.ts';
import { NO_PARAMS, ok } from './types.ts';

export const DropoutLayer: LayerDef = {
  type: 'Dropout',
  group: 'Normalisation/Regularisation',
  kerasName: 'Dropout',
  torchName: 'nn.Dropout',
  summary:
    'While training, zeroes a random fraction of values so the network cannot rely on any one.',
  params: [
    {
      name: 'rate',
      label: 'Rate',
      kind: 'float',
      default: 0.5,
      min: 0,
      max: 1,
      maxExclusive: true,
    },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input!),
  paramCount: () => NO_PARAMS,
};
