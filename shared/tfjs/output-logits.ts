/**
 * The logits behind a model's softmax or sigmoid output, for the loss (issue 10; one network).
 *
 * Keras on its TensorFlow backend — what the generated Keras code runs (`from tensorflow import
 * keras`) — caches the input of a `softmax` or `sigmoid` activation on the output tensor
 * (`output._keras_logits = x` in `softmax`/`sigmoid`, keras/src/backend/tensorflow/nn.py), and its
 * cross-entropies use those logits whenever the output they are given carries them
 * (`_get_logits` in the same file): `sparse_categorical_crossentropy` and
 * `categorical_crossentropy` become `tf.nn.(sparse_)softmax_cross_entropy_with_logits`,
 * `binary_crossentropy` becomes `tf.nn.sigmoid_cross_entropy_with_logits`, with no clipping. So a
 * `Dense(10, activation="softmax")` output trained with `sparse_categorical_crossentropy` is
 * trained exactly as PyTorch's `nn.CrossEntropyLoss` on the logits (the generated PyTorch module).
 *
 * Here the output op's last TF.js layer gets an activation that, while `withOutputLogits` runs,
 * keeps its input alive and remembers it for its output tensor; `outputLogits` finds it. The
 * losses (shared/training/losses.ts) then compute the cross-entropy from the logits, with the
 * gradient `p − t` straight to the logits (no softmax/sigmoid backward), which is also far fewer
 * kernels per training step (on WebGPU, dispatches).
 *
 * As in Keras, the logits only reach the loss when the model's output tensor is the activation's
 * own output or the same data passed on unchanged (`passOutputLogits`: Activation linear, Dropout
 * at inference); a training-mode Dropout or a Reshape after the softmax makes a new tensor, and
 * the loss falls back to the probabilities (clipped, as Keras then does).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';

/** The activations whose logits are kept, as Keras's TensorFlow backend keeps them. */
export type LogitsActivation = 'softmax' | 'sigmoid';

interface Kept {
  activation: LogitsActivation;
  logits: tfjs.Tensor;
}

const logitsOf = new WeakMap<tfjs.Tensor, Kept>();
/** The logits kept by the current `withOutputLogits` call; `null` outside one. */
let collecting: tfjs.Tensor[] | null = null;

interface ActivationLike {
  getClassName(): string;
  apply(x: tfjs.Tensor, axis?: number): tfjs.Tensor;
}

type LayerWithActivation = tfjs.layers.Layer & { activation?: ActivationLike };

/**
 * Makes `layer` (a TF.js layer with an `activation`: Dense, Conv*, Activation) remember, during
 * `withOutputLogits`, the logits of its output when its activation is `softmax` or `sigmoid`.
 * The activation object is replaced by one that inherits from it (same class name and config, so
 * saving and the exports are unchanged). Returns whether it did: false for other layers and
 * activations, which are left as they are.
 */
export function keepOutputLogits(tf: Tf, layer: tfjs.layers.Layer): boolean {
  const withActivation = layer as LayerWithActivation;
  const base = withActivation.activation;
  const kind = base?.getClassName().toLowerCase();
  if (!base || (kind !== 'softmax' && kind !== 'sigmoid')) return false;
  const wrapped = Object.create(base) as ActivationLike;
  wrapped.apply = (x, axis) => {
    const y = base.apply(x, axis);
    if (collecting) {
      // A clone (same data, own reference): disposing it later never frees the caller's `x`.
      const logits = tf.keep(x.clone());
      collecting.push(logits);
      logitsOf.set(y, { activation: kind, logits });
    }
    return y;
  };
  withActivation.activation = wrapped;
  return true;
}

/**
 * Makes `layer` (a block that passes its values on unchanged at inference: Dropout, Activation
 * linear) hand on the logits its input carries, when its output holds the very same data (a
 * clone: Activation linear always, Dropout at inference or with rate 0). A Dropout that dropped
 * values in training makes new data, and the logits stop there, as Keras's `_keras_logits`
 * stops at a new tensor. Wraps the instance's `apply`; returns the layer.
 */
export function passOutputLogits(layer: tfjs.layers.Layer): tfjs.layers.Layer {
  const original = layer.apply.bind(layer);
  layer.apply = ((
    inputs: Parameters<typeof original>[0],
    kwargs?: Parameters<typeof original>[1],
  ) => {
    const out = original(inputs, kwargs);
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const kept = collecting && x ? logitsOf.get(x as tfjs.Tensor) : undefined;
    const y = out as tfjs.Tensor;
    if (kept && !Array.isArray(out) && y.dataId === (x as tfjs.Tensor).dataId)
      logitsOf.set(y, kept);
    return out;
  }) as typeof layer.apply;
  return layer;
}

/**
 * Runs `f` (a model's forward and its loss) with the logits of `keepOutputLogits` layers kept,
 * and disposes them when `f` returns or throws. Calls nest. Returns what `f` returns. The logits
 * must not be used after `f`: the loss saves what its gradient needs (`tf.customGrad`'s `save`).
 */
export function withOutputLogits<T>(f: () => T): T {
  const outer = collecting;
  const kept: tfjs.Tensor[] = [];
  collecting = kept;
  try {
    return f();
  } finally {
    collecting = outer;
    for (const t of kept) t.dispose();
  }
}

/**
 * The logits of a model output `out` and the activation that made it, when `out` is the very
 * tensor a `keepOutputLogits` activation returned inside the running `withOutputLogits`; else
 * `null`. The logits have `out`'s shape.
 */
export function outputLogits(
  out: tfjs.Tensor,
): { activation: LogitsActivation; logits: tfjs.Tensor } | null {
  const kept = logitsOf.get(out);
  if (!kept || kept.logits.isDisposed || !collecting) return null;
  return kept;
}
