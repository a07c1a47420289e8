/**
 * Dense = matmul + bias + activation as one kernel in training too (issue 10).
 *
 * tfjs-layers' Dense calls `tf.fused.matMul`, but tfjs-core (`ops/fused_util.ts`, `shouldFuse`)
 * unfuses it whenever a gradient tape records and the activation is not linear, because its fused
 * gradient only knows relu: in training a ReLU Dense runs `BatchMatMul` + `Add` + `Relu`, three
 * kernels (three WebGPU dispatches) where one would do. Here a Dense layer whose activation is
 * `relu`, `elu` or `sigmoid` runs its forward as TF.js's `_FusedMatMul` kernel, called
 * directly, and a gradient registered for that kernel (`tf.registerGradient`) is written from the layer's output `y = act(z)`, `z = x·W + b` (so nothing but
 * `x`, `W` and `y` is kept):
 *
 * - `dz = dy · act'(z)` from `y`: relu `dy · step(y)` (`y > 0` exactly when `z > 0`, the mask
 *   TF.js's Relu gradient takes from `z`); elu TF.js's own `EluGrad(dy, y)` kernel, which reads
 *   `y` too; sigmoid `dy · y · (1 − y)`, TF.js's Sigmoid gradient op for op;
 * - `dx = dz · Wᵀ`, `dW = xᵀ · dz` (TF.js's BatchMatMul gradient), `db = Σ_rows dz` (its Add
 *   gradient).
 *
 * These are the ops TF.js's unfused path runs, so the gradients equal it (bit for bit on cpu; to
 * rounding where a backend's fused kernel sums in another order). `linear` keeps TF.js's own
 * path, which is already fused; `relu6` is left out (its TF.js gradient masks `0 < z ≤ 6`, which
 * `y` cannot tell apart from `z > 6` at `y = 6`); other activations have no fused kernel.
 *
 * Only the layer's `call` changes: its class, config, weight names and order are those of
 * `tf.layers.dense`, so saving, loading and the Keras/PyTorch/ONNX exports are untouched.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';
import { hasWebGpuKernel } from './webgpu-program.ts';
import { RELU_GRAD } from './webgpu-step-kernels.ts';

/** Activations whose Dense forward runs as one `_FusedMatMul` kernel in training. */
export const FUSED_DENSE_ACTIVATIONS: readonly string[] = ['relu', 'elu', 'sigmoid'];

export type FusedActivation = 'relu' | 'elu' | 'sigmoid';

/**
 * `dy · act'(z)` written from the output `y = act(z)` (see the module comment), for `activation`
 * one of `FUSED_DENSE_ACTIVATIONS`; `dy` and `y` have the same shape. Also used by the fused
 * Conv2D (fused-conv.ts).
 */
export function activationGrad(
  tf: Tf,
  activation: FusedActivation,
  dy: tfjs.Tensor,
  y: tfjs.Tensor,
): tfjs.Tensor {
  if (activation === 'relu') {
    // One kernel on webgpu (webgpu-step-kernels.ts), the same dy · step(y).
    if (hasWebGpuKernel(tf, RELU_GRAD) && dy.dtype === 'float32')
      return tf.engine().runKernel(RELU_GRAD, { dy, y }) as tfjs.Tensor;
    return tf.mul(dy, tf.step(y));
  }
  if (activation === 'elu') return tf.engine().runKernel('EluGrad', { dy, y }) as tfjs.Tensor;
  return tf.mul(dy, tf.mul(y, tf.sub(tf.scalar(1), y)));
}

/**
 * Registers (once; idempotent) the gradient of TF.js's `_FusedMatMul` kernel for the forms
 * `fusedDense` runs: no transposes, activation `linear` or one of `FUSED_DENSE_ACTIVATIONS`.
 * tfjs-core registers none: its own `fused.matMul` wraps the kernel in `customGrad`, where the
 * kernel is not taped, so this gradient only ever sees `fusedDense`'s calls. A registered
 * gradient (unlike `customGrad`) is lazy per input: the tape asks only for the gradients it needs,
 * so a first layer, whose input is no variable, computes no `dx`.
 * Inputs `a` `[1, rows, in]`, `b` `[1, in, units]`, optional `bias` `[units]`; output
 * `y` `[1, rows, units]`.
 */
export function installFusedDenseGradient(tf: Tf): void {
  if (tf.getGradient('_FusedMatMul')) return;
  tf.registerGradient({
    kernelName: '_FusedMatMul',
    inputsToSave: ['a', 'b'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [a, b, y] = saved as tfjs.Tensor[];
      const { activation, transposeA, transposeB } = attrs as unknown as {
        activation: string;
        transposeA: boolean;
        transposeB: boolean;
      };
      if (transposeA || transposeB || (activation !== 'linear' && !isFused(activation)))
        throw new Error(
          `_FusedMatMul gradient: only fusedDense's form (no transpose; linear, ${FUSED_DENSE_ACTIVATIONS.join(', ')}) is supported, got activation ${activation}`,
        );
      const g = dy as tfjs.Tensor;
      // Needed by every input's gradient, so computed once, here.
      const dz = activation === 'linear' ? g : activationGrad(tf, activation, g, y!);
      return {
        a: () => tf.matMul(dz, b!, false, true),
        b: () => tf.matMul(a!, dz, true, false),
        bias: () => tf.sum(dz, [0, 1]),
      };
    },
  });
}

const isFused = (a: string): a is FusedActivation => FUSED_DENSE_ACTIVATIONS.includes(a);

/**
 * `act(x · kernel + bias)` as one `_FusedMatMul` kernel with a registered gradient (module
 * comment; installs it on first use), differentiable with respect to `x`, `kernel` and `bias`.
 * @param x `[..., in]` (any rank ≥ 2: leading axes are flattened into rows and restored).
 * @param kernel `[in, units]`.
 * @param bias `[units]`, or null for a Dense without bias.
 * @param activation one of `FUSED_DENSE_ACTIVATIONS`.
 * @returns `[..., units]`.
 * @throws Error when the activation is not one of `FUSED_DENSE_ACTIVATIONS` or the shapes do not
 *   match (`x`'s last axis ≠ `kernel`'s first).
 */
export function fusedDense(
  tf: Tf,
  x: tfjs.Tensor,
  kernel: tfjs.Tensor,
  bias: tfjs.Tensor | null,
  activation: string,
): tfjs.Tensor {
  if (!isFused(activation))
    throw new Error(`fusedDense: activation "${activation}" has no fused gradient here`);
  const [inputs, units] = kernel.shape as [number, number];
  if (kernel.rank !== 2 || x.shape[x.rank - 1] !== inputs)
    throw new Error(`fusedDense: input [${x.shape}] does not fit kernel [${kernel.shape}]`);
  installFusedDenseGradient(tf);
  const lead = x.shape.slice(0, -1);
  const rows = lead.reduce((p, q) => p * q, 1);
  return tf.tidy(() => {
    const a = tf.reshape(x, [1, rows, inputs]);
    const b = tf.reshape(kernel, [1, inputs, units]);
    const attrs = { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0.2 };
    const y = tf
      .engine()
      .runKernel(
        '_FusedMatMul',
        bias ? { a, b, bias } : { a, b },
        attrs as unknown as tfjs.NamedAttrMap,
      ) as tfjs.Tensor;
    return tf.reshape(y, [...lead, units]);
  });
}

type DenseInternals = tfjs.layers.Layer & {
  activation?: { getClassName(): string };
  kernel?: { read(): tfjs.Tensor };
  bias?: { read(): tfjs.Tensor } | null;
  invokeCallHook(inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: object): void;
};

/**
 * Makes a `tf.layers.dense` layer run `fusedDense` when its activation is one of
 * `FUSED_DENSE_ACTIVATIONS` (by replacing the instance's `call`; see the module comment). Other
 * layers and activations are returned unchanged. Returns the layer.
 */
export function fuseDenseLayer(tf: Tf, layer: tfjs.layers.Layer): tfjs.layers.Layer {
  const dense = layer as DenseInternals;
  if (layer.getClassName() !== 'Dense') return layer;
  const original = dense.call.bind(dense);
  dense.call = (inputs, kwargs) => {
    const activation = dense.activation?.getClassName() ?? 'linear';
    if (!FUSED_DENSE_ACTIVATIONS.includes(activation) || !dense.kernel)
      return original(inputs, kwargs);
    return tf.tidy(() => {
      dense.invokeCallHook(inputs, kwargs);
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      if (Array.isArray(inputs) && inputs.length !== 1)
        throw new Error(`Dense ${layer.name} takes one input, got ${inputs.length}`);
      return fusedDense(
        tf,
        x,
        dense.kernel!.read(),
        dense.bias ? dense.bias.read() : null,
        activation,
      );
    });
  };
  return layer;
}
