import type * as tfjs from '@tensorflow/tfjs';
import type { TrainingSettings } from '../graph/project.ts';
import type { Tf } from '../tfjs/build-model.ts';
import { fuseOptimizer } from '../tfjs/fused-optimizers.ts';

/**
 * Keras-equivalent optimizers: `momentum` is SGD with momentum 0.9; RMSprop's rho is 0.9. On the
 * webgpu, wasm and cpu backends each variable's update is fused into one pass
 * (shared/tfjs/fused-optimizers.ts); on webgl it is TF.js's own.
 */
export function makeOptimizer(
  tf: Tf,
  settings: Pick<TrainingSettings, 'optimizer' | 'learningRate'>,
): tfjs.Optimizer {
  return fuseOptimizer(tf, tfjsOptimizer(tf, settings));
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
