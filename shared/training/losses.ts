/**
 * Loss and metric tensors for the custom training loop, following the plan decided once in
 * shared/codegen/loss.ts (`lossPlan`): the same `auto` resolution as the generated Keras/PyTorch.
 * Labels arrive as class ids (float) or values, shape [batch].
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { LossPlan } from '../codegen/loss.ts';
import type { Tf } from '../tfjs/build-model.ts';
import { outputLogits } from '../tfjs/output-logits.ts';
import { hasWebGpuKernel } from '../tfjs/webgpu-program.ts';
import { SOFTMAX_CE, SOFTMAX_CE_GRAD } from '../tfjs/webgpu-softmax-ce.ts';
import { CORRECT_COUNT } from '../tfjs/webgpu-step-kernels.ts';

type Tensor = tfjs.Tensor;

/** Keras's clipping epsilon for cross-entropies on probabilities. */
const EPS = 1e-7;

/**
 * Mean softmax cross-entropy of logits `z` `[batch, classes]` against class ids `labels`
 * `[batch]` (float32; truncated to integers as `tf.oneHot(labels.toInt())`; an id outside
 * `[0, classes)` is a zero one-hot row: loss 0, gradient 0), as Keras's TensorFlow backend
 * computes it from logits
 * (`tf.nn.sparse_softmax_cross_entropy_with_logits`, then the batch mean): per row
 * `Σ_j t_j · (log Σ exp(z − max) − (z_j − max))` with `t` the one-hot row, no clipping. Its gradient goes straight to `z`:
 * `(softmax(z) · Σt − onehot) · dy / batch` (TensorFlow's `SparseSoftmaxCrossEntropyWithLogits`
 * gradient, and PyTorch's `nn.CrossEntropyLoss`), from `p` = softmax(z) when the caller has it
 * (the model's own output), else computed here. `labels` and `p` get no gradient. On webgpu both
 * directions are one kernel each (shared/tfjs/webgpu-softmax-ce.ts). Returns a scalar.
 */
export function softmaxCrossEntropy(
  tf: Tf,
  z: Tensor,
  labels: Tensor,
  p: Tensor | null,
): tfjs.Scalar {
  const [batch, classes] = z.shape as [number, number];
  const kernels = hasWebGpuKernel(tf, SOFTMAX_CE) && z.dtype === 'float32';
  const f = tf.customGrad((...args: (Tensor | tfjs.GradSaveFunc)[]) => {
    const logits = args[0] as Tensor;
    const save = args[1] as tfjs.GradSaveFunc;
    const probs = p ?? tf.softmax(logits);
    const ids = labels.toFloat();
    if (kernels) {
      save([probs, ids]);
      const perRow = tf.engine().runKernel(SOFTMAX_CE, { logits, labels: ids }) as Tensor;
      return {
        value: tf.mean(perRow),
        gradFunc: (dy: Tensor, saved: Tensor[]) =>
          tf
            .engine()
            .runKernel(SOFTMAX_CE_GRAD, { probs: saved[0]!, labels: saved[1]!, dy }) as Tensor,
      };
    }
    const t = tf.oneHot(ids.toInt(), classes).toFloat();
    // 1 per row, 0 for a label outside the classes (a zero one-hot row, whose loss is 0).
    const mass = tf.sum(t, -1, true);
    save([probs, t, mass]);
    const shifted = tf.sub(logits, tf.max(logits, -1, true));
    const logSumExp = tf.log(tf.sum(tf.exp(shifted), -1, true));
    // The label's column only (`where`, not `t ·`: another column's −∞ times 0 would be NaN).
    const picked = tf.where(tf.cast(t, 'bool'), tf.sub(logSumExp, shifted), tf.zerosLike(t));
    const value = tf.mean(tf.sum(picked, -1));
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) =>
        tf.mul(tf.sub(tf.mul(saved[0]!, saved[2]!), saved[1]!), tf.div(dy, batch)),
    };
  });
  return f(z) as tfjs.Scalar;
}

/**
 * Mean sigmoid cross-entropy of logits `z` `[batch, units]` against 0/1 targets `t` (`[batch, 1]`
 * or `z`'s shape), as Keras's TensorFlow backend computes it from logits
 * (`tf.nn.sigmoid_cross_entropy_with_logits`: `max(z, 0) − z·t + log(1 + exp(−|z|))`, then the
 * mean), no clipping. Gradient to `z`: `(sigmoid(z) − t) · dy / z.size` (PyTorch's
 * `nn.BCEWithLogitsLoss`), from `p` = sigmoid(z) when the caller has it. Returns a scalar.
 */
export function sigmoidCrossEntropy(tf: Tf, z: Tensor, t: Tensor, p: Tensor | null): tfjs.Scalar {
  const size = z.size;
  const f = tf.customGrad((...args: (Tensor | tfjs.GradSaveFunc)[]) => {
    const logits = args[0] as Tensor;
    const save = args[1] as tfjs.GradSaveFunc;
    save([p ?? tf.sigmoid(logits), t]);
    const value = tf.mean(
      tf.add(tf.sub(tf.relu(logits), tf.mul(logits, t)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))),
    );
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) =>
        tf.mul(tf.sub(saved[0]!, saved[1]!), tf.div(dy, size)),
    };
  });
  return f(z) as tfjs.Scalar;
}

/**
 * Mean loss over the batch, as a scalar. When `out` carries the logits of the output's softmax
 * (sigmoid) activation (shared/tfjs/output-logits.ts, inside `withOutputLogits`), a (sparse)
 * categorical (binary) cross-entropy is computed from them, as Keras's TensorFlow backend and
 * the generated PyTorch do; outputs that are logits (`plan.fromLogits`) likewise; other
 * probabilities are clipped to [1e-7, 1 − 1e-7] (Keras's `from_logits=False`).
 */
export function lossTensor(tf: Tf, plan: LossPlan, out: Tensor, y: Tensor): tfjs.Scalar {
  const kept = outputLogits(out);
  return tf.tidy(() => {
    const units = plan.units;
    const batch = out.shape[0]!;
    const flat = out.reshape([batch, -1]);
    switch (plan.loss) {
      case 'sparse_categorical_crossentropy':
      case 'categorical_crossentropy': {
        // One row of class scores per example (checkDatasetFit refuses other outputs first).
        if (flat.shape[1] !== units)
          throw new Error(
            `${plan.loss} needs one score per class for each example: the output is [${out.shape.slice(1).join(', ')}] per example, not [${units}]`,
          );
        if (kept?.activation === 'softmax')
          return softmaxCrossEntropy(tf, kept.logits.reshape([batch, -1]), y, flat);
        if (plan.fromLogits) return softmaxCrossEntropy(tf, flat, y, null);
        const onehot = tf.oneHot(y.toInt(), units).toFloat();
        // Probabilities as Keras takes them (from_logits=False): each row divided by its sum
        // (sigmoid rows do not sum to 1), clipped, then the log.
        const logp = tf.log(tf.clipByValue(tf.div(flat, tf.sum(flat, -1, true)), EPS, 1 - EPS));
        return tf.neg(tf.mean(tf.sum(tf.mul(onehot, logp), -1)));
      }
      case 'binary_crossentropy': {
        const t = y.reshape([batch, 1]);
        if (kept?.activation === 'sigmoid')
          return sigmoidCrossEntropy(tf, kept.logits.reshape([batch, -1]), t, flat);
        if (plan.fromLogits) return sigmoidCrossEntropy(tf, flat, t, null);
        const p = tf.clipByValue(flat, EPS, 1 - EPS);
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
    // One kernel on webgpu (shared/tfjs/webgpu-step-kernels.ts), the same count.
    if (hasWebGpuKernel(tf, CORRECT_COUNT) && flat.dtype === 'float32')
      return tf.engine().runKernel(CORRECT_COUNT, { probs: flat, labels: y.toFloat() }) as Tensor;
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
