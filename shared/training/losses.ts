/**
 * Loss and metric tensors for the custom training loop, following the plan decided once in
 * shared/codegen/loss.ts (`lossPlan`): the same `auto` resolution as the generated Keras/PyTorch.
 * Labels arrive as class ids (float) or values, shape [batch].
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { LossPlan } from '../codegen/loss.ts';
import type { Tf } from '../tfjs/build-model.ts';

type Tensor = tfjs.Tensor;

/** Keras's clipping epsilon for cross-entropies on probabilities. */
const EPS = 1e-7;

/** Mean loss over the batch, as a scalar. */
export function lossTensor(tf: Tf, plan: LossPlan, out: Tensor, y: Tensor): tfjs.Scalar {
  return tf.tidy(() => {
    const units = plan.units;
    const batch = out.shape[0]!;
    const flat = out.reshape([batch, -1]);
    switch (plan.loss) {
      case 'sparse_categorical_crossentropy':
      case 'categorical_crossentropy': {
        const onehot = tf.oneHot(y.toInt(), units);
        // Probabilities as Keras takes them (from_logits=False): each row divided by its sum
        // (a no-op after softmax; sigmoid rows do not sum to 1), clipped, then the log.
        const logp = plan.fromLogits
          ? tf.logSoftmax(flat)
          : tf.log(tf.clipByValue(tf.div(flat, tf.sum(flat, -1, true)), EPS, 1 - EPS));
        return tf.neg(tf.mean(tf.sum(tf.mul(onehot, logp), -1)));
      }
      case 'binary_crossentropy': {
        const t = y.reshape([batch, 1]);
        const p = tf.clipByValue(plan.fromLogits ? tf.sigmoid(flat) : flat, EPS, 1 - EPS);
        const one = tf.scalar(1);
        return tf.neg(
          tf.mean(tf.add(tf.mul(t, tf.log(p)), tf.mul(tf.sub(one, t), tf.log(tf.sub(one, p))))),
        );
      }
      case 'mse': {
        const t =
          plan.targets === 'one_hot'
            ? tf.oneHot(y.toInt(), units).toFloat()
            : y.reshape([batch, 1]);
        return tf.mean(tf.square(tf.sub(flat, t)));
      }
    }
  }) as tfjs.Scalar;
}

/**
 * The metric summed over the batch (correct predictions, or absolute errors): summed so that
 * batches of different sizes average correctly.
 */
export function metricSumTensor(tf: Tf, plan: LossPlan, out: Tensor, y: Tensor): tfjs.Scalar {
  return tf.tidy(() => {
    const batch = out.shape[0]!;
    const flat = out.reshape([batch, -1]);
    if (plan.metric === 'mae') return tf.sum(tf.abs(tf.sub(flat.reshape([batch]), y)));
    if (plan.units === 1) {
      const threshold = plan.fromLogits ? 0 : 0.5;
      const predicted = tf.greater(flat.reshape([batch]), threshold).toFloat();
      return tf.sum(tf.equal(predicted, y).toFloat());
    }
    return tf.sum(tf.equal(tf.argMax(flat, -1), y.toInt()).toFloat());
  }) as tfjs.Scalar;
}

/** Predicted class per example from model outputs (for confusion matrices and grids). */
export function predictedClasses(tf: Tf, plan: LossPlan, out: Tensor): Tensor {
  return tf.tidy(() => {
    const batch = out.shape[0]!;
    const flat = out.reshape([batch, -1]);
    if (plan.units === 1)
      return tf.greater(flat.reshape([batch]), plan.fromLogits ? 0 : 0.5).toInt();
    return tf.argMax(flat, -1).toInt();
  });
}
