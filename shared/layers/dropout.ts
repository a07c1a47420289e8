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
      // Keras 3's Dropout accepts rate 1 (keras/src/layers/regularization/dropout.py checks
      // 0 <= rate <= 1), but the back-ends disagree on it: PyTorch's nn.Dropout(p=1) zeroes
      // every value while training, tfjs-layers' Dropout passes values through unchanged for any
      // rate outside (0, 1), and TensorFlow's tf.nn.dropout (Keras's TF back-end) raises.
      maxReason:
        'Keras accepts 1, but at rate 1 nothing passes during training (PyTorch zeroes every value, TF.js would skip the layer and TensorFlow refuses it), so the layers after it cannot learn',
    },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input!),
  paramCount: () => NO_PARAMS,
};
