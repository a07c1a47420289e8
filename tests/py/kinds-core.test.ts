/**
 * Differential tests (TF.js = onnxruntime = PyTorch) for the original catalogue kinds, at every
 * input rank each accepts (see tests/py/kind-differential.ts).
 */
import { graphOf } from '../shared/graph-builder.ts';
import { kindDifferential } from './kind-differential.ts';

kindDifferential('Dense', [
  {
    title: 'Dense 5 relu on (3)',
    graph: graphOf(
      [
        ['in', 'Input', { shape: [3] }],
        ['d', 'Dense', { units: 5, activation: 'relu' }],
      ],
      ['in->d'],
    ),
  },
  {
    title: 'Dense 4 tanh on (2, 3) (acts on the last axis)',
    graph: graphOf(
      [
        ['in', 'Input', { shape: [2, 3] }],
        ['d', 'Dense', { units: 4, activation: 'tanh' }],
      ],
      ['in->d'],
    ),
  },
  {
    title: 'Dense 2 on (4, 4, 3) (channels of a feature map)',
    graph: graphOf(
      [
        ['in', 'Input', { shape: [4, 4, 3] }],
        ['d', 'Dense', { units: 2 }],
      ],
      ['in->d'],
    ),
  },
]);
