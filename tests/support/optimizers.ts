/**
 * Test helpers for the fused optimizer tests (fused-optimizers-heap, -webgpu, wasm-kernels-review).
 */
import * as tf from '@tensorflow/tfjs';

export type OptimizerKind = 'sgd' | 'momentum' | 'rmsprop' | 'adam';

/**
 * TF.js's own optimizer with the hyper-parameters `makeOptimizer` uses (Keras's: momentum 0.9,
 * RMSprop rho 0.9, ε 1e-7), written out here rather than taken from the code under test; no
 * fusion. Learning rate 0.01.
 */
export function stockOptimizer(kind: OptimizerKind): tf.Optimizer {
  return {
    sgd: () => tf.train.sgd(0.01),
    momentum: () => tf.train.momentum(0.01, 0.9),
    adam: () => tf.train.adam(0.01, 0.9, 0.999, 1e-7),
    rmsprop: () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7),
  }[kind]();
}

/**
 * Trains `model` `steps` steps on (`x`, `y`) with mean squared error through `opt.minimize`, as
 * the app's loop does; returns each step's loss.
 */
export async function mseLosses(
  opt: tf.Optimizer,
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  steps: number,
  training = false,
): Promise<number[]> {
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = opt.minimize(
      () => tf.losses.meanSquaredError(y, model.apply(x, { training }) as tf.Tensor) as tf.Scalar,
      true,
    )!;
    losses.push((await loss.data())[0]!);
    loss.dispose();
  }
  return losses;
}
