import { TORCH_ACTIVATION, type ActivationName } from './activations.ts';
import { activationParam } from './common.ts';
import type { LayerDef } from './types.ts';
import { ok } from './types.ts';

export const DenseLayer: LayerDef = {
  type: 'Dense',
  group: 'Core',
  kerasName: 'Dense',
  torchName: 'nn.Linear',
  summary: 'Fully connected: every output is a weighted sum of all inputs plus a bias.',
  params: [
    { name: 'units', label: 'Units', kind: 'int', default: 32, min: 1, max: 1_000_000 },
    activationParam('linear'),
    { name: 'use_bias', label: 'Use bias', kind: 'bool', default: true },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => ok([...input!.slice(0, -1), p.units as number]),
  paramCount: ([input], p) => {
    const fanIn = input![input!.length - 1]!;
    const units = p.units as number;
    return { trainable: fanIn * units + (p.use_bias ? units : 0), nonTrainable: 0 };
  },
  torchNameFor: (p) => {
    const act = TORCH_ACTIVATION[p.activation as ActivationName];
    return act ? `nn.Linear + ${act.replace(/\(.*\)$/, '')}` : 'nn.Linear';
  },
};
