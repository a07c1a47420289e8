import { TORCH_ACTIVATION, type ActivationName } from './activations.ts';
import { activationParam } from './common.ts';
import type { LayerDef } from './types.ts';
import { NO_PARAMS, ok } from './types.ts';

export const ActivationLayer: LayerDef = {
  type: 'Activation',
  group: 'Activations',
  kerasName: 'Activation',
  torchName: 'nn.ReLU',
  summary: 'Applies a non-linear function to every value, e.g. relu(x) = max(0, x).',
  params: [activationParam('relu')],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input!),
  paramCount: () => NO_PARAMS,
  torchNameFor: (p) =>
    (TORCH_ACTIVATION[p.activation as ActivationName] ?? 'nn.Identity()').replace(/\(.*\)$/, ''),
};
