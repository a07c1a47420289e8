/**
 * Small WebGPU kernels of the training step that replace several TF.js ops each (issue 10:
 * on a real GPU a small model's step is bound by the CPU cost of each dispatch).
 *
 * - `NetwrightCorrectCount`: inputs `probs` `[batch, classes]` (float32) and `labels` `[batch]`
 *   (class ids as float32); output a scalar: how many rows' arg-max equals `i32(label)`. The
 *   accuracy metric's `sum(equal(argMax(probs, -1), toInt(labels)))` (shared/training/losses.ts
 *   `metricSumTensor`) is four or five TF.js kernels. The arg-max compares as TF.js's cpu
 *   `ArgMax` (`value > max`, from the first entry): ties go to the first maximum, a NaN in first
 *   place stays, a later NaN never wins. One workgroup of 256 threads: thread `t` scores
 *   rows `t, t + 256, …`, then the counts are added in workgroup memory.
 * - `NetwrightReluGrad`: inputs `dy` and `y` (same shape, float32; `y` a ReLU's output); output
 *   `dy · step(y)` (TF.js's `Step`: 1 for `y > 0`, 0 otherwise, NaN for NaN), the ReLU gradient
 *   the fused Dense uses (shared/tfjs/fused-dense.ts) in one kernel instead of two.
 *
 * - `NetwrightDropoutMask`: inputs `x` and `u` (same shape, float32; `u` uniform in [0, 1)),
 *   attribute `keepProb`; output `x · (floor(u + keepProb) / keepProb)`, tfjs-core's `dropout`
 *   (`ops/dropout.ts`: add, floor, divide, multiply: four kernels) in one, in the same order of
 *   operations. Its gradient is the same kernel on `dy` (shared/tfjs/fused-dropout.ts).
 *
 * Registered for 'webgpu' only; `hasWebGpuKernel` (webgpu-program.ts) tells callers whether to
 * use them.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';
import { elementwiseProgram, type WebGpuBackendLike } from './webgpu-program.ts';

export const CORRECT_COUNT = 'NetwrightCorrectCount';
export const RELU_GRAD = 'NetwrightReluGrad';
export const DROPOUT_MASK = 'NetwrightDropoutMask';

type KernelArgs = Parameters<tfjs.KernelFunc>[0];
const THREADS = 256;

function correctCountProgram() {
  return {
    variableNames: ['probs', 'labels'],
    outputShape: [1],
    shaderKey: 'netwrightCorrectCount',
    dispatchLayout: { x: [0] },
    dispatch: [1, 1, 1] as [number, number, number],
    workgroupSize: [THREADS, 1, 1] as [number, number, number],
    uniforms: 'rows : i32, classes : i32,',
    getUserCode: () => `
      var<workgroup> counts : array<f32, ${THREADS}>;
      // A flat dispatch layout: TF.js passes the flat thread index (here the lane).
      ${'fn main(index : i32)'} {
        let t = i32(localId.x);
        var c = 0.0;
        for (var r = t; r < uniforms.rows; r = r + ${THREADS}) {
          let row = r * uniforms.classes;
          var best = probs[row];
          var arg = 0;
          for (var j = 1; j < uniforms.classes; j = j + 1) {
            let v = probs[row + j];
            if (v > best) {
              best = v;
              arg = j;
            }
          }
          let l = labels[r];
          // NaN counts as class 0, as TF.js's cpu cast (toInt) makes it.
          var label = 0;
          if (!isnan(l)) {
            label = i32(l);
          }
          if (arg == label) {
            c = c + 1.0;
          }
        }
        counts[t] = c;
        workgroupBarrier();
        for (var s = ${THREADS / 2}; s > 0; s = s >> 1u) {
          if (t < s) {
            counts[t] = counts[t] + counts[t + s];
          }
          workgroupBarrier();
        }
        if (t == 0) {
          result[0] = counts[0];
        }
      }
    `,
  };
}

/** dy · step(y): TF.js's `Step` gives NaN for NaN, 1 above 0, else 0. */
const RELU_GRAD_BODY = `
  let v = y[index];
  var g = 0.0;
  if (isnan(v)) {
    g = v;
  } else if (v > 0.0) {
    g = dy[index];
  }
  result[index] = g;
`;

/** tfjs-core's dropout order of operations: multiplier first, then the product. */
const DROPOUT_BODY = `
  let multiplier = floor(u[index] + uniforms.keepProb) / uniforms.keepProb;
  result[index] = x[index] * multiplier;
`;

/**
 * Registers the kernels for the webgpu backend (idempotent). Returns false, changing nothing,
 * when tfjs-backend-webgpu is not loaded.
 */
export function installWebGpuStepKernels(tf: Tf): boolean {
  if (!tf.getKernel('Softmax', 'webgpu')) return false;
  if (tf.getKernel(CORRECT_COUNT, 'webgpu')) return true;
  tf.registerKernel({
    kernelName: CORRECT_COUNT,
    backendName: 'webgpu',
    kernelFunc: (args: KernelArgs) => {
      const probs = args.inputs.probs as tfjs.TensorInfo;
      const labels = args.inputs.labels as tfjs.TensorInfo;
      const [rows, classes] = probs.shape as [number, number];
      const backend = args.backend as unknown as WebGpuBackendLike;
      const out = backend.runWebGPUProgram(correctCountProgram(), [probs, labels], 'float32', [
        { type: 'int32', data: [rows] },
        { type: 'int32', data: [classes] },
      ]);
      try {
        // A scalar: TF.js's webgpu Reshape, the same buffer under shape [].
        return tf.getKernel('Reshape', 'webgpu')!.kernelFunc({
          inputs: { x: out },
          backend: args.backend,
          attrs: { shape: [] } as unknown as tfjs.NamedAttrMap,
        }) as tfjs.TensorInfo;
      } finally {
        backend.disposeData(out.dataId);
      }
    },
  });
  tf.registerKernel({
    kernelName: RELU_GRAD,
    backendName: 'webgpu',
    kernelFunc: (args: KernelArgs) => {
      const dy = args.inputs.dy as tfjs.TensorInfo;
      const y = args.inputs.y as tfjs.TensorInfo;
      return (args.backend as unknown as WebGpuBackendLike).runWebGPUProgram(
        elementwiseProgram('netwrightReluGrad', ['dy', 'y'], [...dy.shape], RELU_GRAD_BODY),
        [dy, y],
        'float32',
      );
    },
  });
  tf.registerKernel({
    kernelName: DROPOUT_MASK,
    backendName: 'webgpu',
    kernelFunc: (args: KernelArgs) => {
      const x = args.inputs.x as tfjs.TensorInfo;
      const u = args.inputs.u as tfjs.TensorInfo;
      const { keepProb } = args.attrs as unknown as { keepProb: number };
      return (args.backend as unknown as WebGpuBackendLike).runWebGPUProgram(
        elementwiseProgram(
          'netwrightDropoutMask',
          ['x', 'u'],
          [...x.shape],
          DROPOUT_BODY,
          'keepProb : f32,',
        ),
        [x, u],
        'float32',
        [{ type: 'float32', data: [keepProb] }],
      );
    },
  });
  return true;
}
