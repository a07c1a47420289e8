import type * as tfjs from '@tensorflow/tfjs';
import type { TrainingSettings } from '../graph/project.ts';
import type { Tf } from '../tfjs/build-model.ts';
import { fuseOnWebGpu } from '../tfjs/webgpu-optimizers.ts';

/**
 * Keras-equivalent optimizers: `momentum` is SGD with momentum 0.9; RMSprop's rho is 0.9. On the
 * webgpu backend each variable's update is one fused dispatch (shared/tfjs/webgpu-optimizers.ts);
 * elsewhere it is TF.js's own.
 */
export function makeOptimizer(
  tf: Tf,
  settings: Pick<TrainingSettings, 'optimizer' | 'learningRate'>,
): tfjs.Optimizer {
  return fuseOnWebGpu(tf, tfjsOptimizer(tf, settings));
}

function tfjsOptimizer(
  tf: Tf,
  settings: Pick<TrainingSettings, 'optimizer' | 'learningRate'>,
): tfjs.Optimizer {
  const lr = settings.learningRate;
  switch (settings.optimizer) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, 0.9);
    case 'adam':
      return tf.train.adam(lr, 0.9, 0.999, 1e-7);
    case 'rmsprop':
      return tf.train.rmsprop(lr, 0.9, 0, 1e-7);
  }
}
