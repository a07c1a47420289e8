import type { LayerDef } from './types.ts';
import { NO_PARAMS, ok } from './types.ts';
import { requireMaxRank } from './common.ts';

export const InputLayer: LayerDef = {
  type: 'Input',
  group: 'Core',
  kerasName: 'Input',
  torchName: 'tensor',
  summary: 'Where data enters the network: the shape of one example, without the batch size.',
  params: [{ name: 'shape', label: 'Shape', kind: 'shape', default: [784] }],
  inputs: { min: 0, max: 0 },
  inferShape: (_inputs, p) =>
    requireMaxRank('Input', p.shape as number[]) ?? ok(p.shape as number[]),
  paramCount: () => NO_PARAMS,
};
