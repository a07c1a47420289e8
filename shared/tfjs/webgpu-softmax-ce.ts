/**
 * Softmax cross-entropy from logits as two WebGPU kernels (issue 10: dispatches per step).
 *
 * Composed from TF.js ops, `softmaxCrossEntropy` (shared/training/losses.ts) is about 12 kernels
 * forward (one-hot, casts, max, subtract, exp, sum, log, multiply, sum, subtract, mean) and 3
 * backward; on a real GPU each costs a dispatch's CPU time. Here, on TF.js's webgpu backend:
 *
 * - `NetwrightSoftmaxCrossEntropy`: inputs `logits` `[batch, classes]` (float32) and `labels`
 *   `[batch]` (class ids as float32, truncated as `tf.oneHot(labels.toInt())` does); output
 *   `[batch]`, per row `log Σ_j exp(z_j − m) − (z_y − m)` with `m = max_j z_j`, the
 *   numerically stable form of TensorFlow's `SparseSoftmaxCrossEntropyWithLogits`. A label
 *   outside `[0, classes)` is a zero one-hot row: loss 0 (and gradient 0), as the composed ops.
 * - `NetwrightSoftmaxCrossEntropyGrad`: inputs `probs` `[batch, classes]` (= softmax(logits)),
 *   `labels` `[batch]`, `dy` (scalar, the mean loss's upstream gradient); output
 *   `[batch, classes]`: `(probs − onehot(labels)) · (dy / batch)`, TensorFlow's gradient of the
 *   mean loss.
 *
 * One thread per row (forward: classes are few) and per element (gradient). Registered for
 * 'webgpu' only; other backends compose TF.js ops (`hasWebGpuKernel(tf, SOFTMAX_CE)` says which).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';
import { elementwiseProgram, type WebGpuBackendLike } from './webgpu-program.ts';

/** Kernel names (tfjs's kernel registry) of the forward and gradient. */
export const SOFTMAX_CE = 'NetwrightSoftmaxCrossEntropy';
export const SOFTMAX_CE_GRAD = 'NetwrightSoftmaxCrossEntropyGrad';

type KernelArgs = Parameters<tfjs.KernelFunc>[0];
/** A class id as TF.js's cpu cast (toInt) makes it: truncated, NaN as 0. */
const LABEL_AT = `
  fn labelAt(i : i32) -> i32 {
    let l = labels[i];
    if (isnan(l)) {
      return 0;
    }
    return i32(l);
  }
`;

const FORWARD = `
  let row = index * uniforms.classes;
  var m = logits[row];
  for (var j = 1; j < uniforms.classes; j = j + 1) {
    m = max(m, logits[row + j]);
  }
  var s = 0.0;
  for (var j = 0; j < uniforms.classes; j = j + 1) {
    s = s + exp(logits[row + j] - m);
  }
  let y = labelAt(index);
  var loss = 0.0;
  if (y >= 0 && y < uniforms.classes) {
    loss = log(s) - (logits[row + y] - m);
  }
  result[index] = loss;
`;

const GRADIENT = `
  let b = index / uniforms.classes;
  let j = index - b * uniforms.classes;
  let y = labelAt(b);
  var g = 0.0;
  if (y >= 0 && y < uniforms.classes) {
    var t = 0.0;
    if (j == y) {
      t = 1.0;
    }
    g = (probs[index] - t) * (dy[0] / f32(uniforms.batch));
  }
  result[index] = g;
`;

/**
 * Registers both kernels for the webgpu backend (idempotent). Returns false, changing nothing,
 * when tfjs-backend-webgpu is not loaded.
 */
export function installWebGpuSoftmaxCrossEntropy(tf: Tf): boolean {
  if (!tf.getKernel('Softmax', 'webgpu')) return false;
  if (tf.getKernel(SOFTMAX_CE, 'webgpu')) return true;
  tf.registerKernel({
    kernelName: SOFTMAX_CE,
    backendName: 'webgpu',
    kernelFunc: (args: KernelArgs) => {
      const logits = args.inputs.logits as tfjs.TensorInfo;
      const labels = args.inputs.labels as tfjs.TensorInfo;
      const [batch, classes] = logits.shape as [number, number];
      return (args.backend as unknown as WebGpuBackendLike).runWebGPUProgram(
        elementwiseProgram(
          'netwrightSoftmaxCE',
          ['logits', 'labels'],
          [batch],
          FORWARD,
          'classes : i32,',
          LABEL_AT,
        ),
        [logits, labels],
        'float32',
        [{ type: 'int32', data: [classes] }],
      );
    },
  });
  tf.registerKernel({
    kernelName: SOFTMAX_CE_GRAD,
    backendName: 'webgpu',
    kernelFunc: (args: KernelArgs) => {
      const probs = args.inputs.probs as tfjs.TensorInfo;
      const labels = args.inputs.labels as tfjs.TensorInfo;
      const dy = args.inputs.dy as tfjs.TensorInfo;
      const [batch, classes] = probs.shape as [number, number];
      return (args.backend as unknown as WebGpuBackendLike).runWebGPUProgram(
        elementwiseProgram(
          'netwrightSoftmaxCEGrad',
          ['probs', 'labels', 'dy'],
          [batch, classes],
          GRADIENT,
          'classes : i32, batch : i32,',
          LABEL_AT,
        ),
        [probs, labels, dy],
        'float32',
        [
          { type: 'int32', data: [classes] },
          { type: 'int32', data: [batch] },
        ],
      );
    },
  });
  return true;
}
