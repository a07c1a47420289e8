/**
 * `Sum` over the leading axes on TF.js's webgpu backend in one dispatch (issue 10: dispatches per
 * step).
 *
 * A bias gradient is the sum of `dy` `[rows, units]` over its rows. TF.js's webgpu `Sum` reduces
 * only the innermost axes, so for a leading axis it first transposes (`transpose` +
 * `reduce`: two dispatches, three bias gradients in the MNIST MLP). Here `x` viewed as
 * `[rows, cols]` (rows = the product of the reduced leading axes) is summed column by column by
 * workgroups of 16 columns × 16 row lanes: lane `l` adds rows `l, l + 16, …` of its column
 * (adjacent threads read adjacent columns), then the 16 lane sums are added in workgroup memory.
 * Output `[cols]` reshaped to the kept axes (with 1s for `keepDims`).
 *
 * Taken only for float32, axes exactly `0 … k−1` with `k < rank`, and at most `MAX_ROWS` rows
 * (each thread loops `rows / 16` times; longer sums keep TF.js's parallel reduction). Otherwise,
 * and on other backends, TF.js's kernel runs. Workgroups are numbered linearly over the whole
 * dispatch grid, which TF.js folds into 2-D past 65,535 workgroups (`reshapeDispatch`).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';
import type { WebGpuBackendLike } from './webgpu-program.ts';

const MARK = Symbol.for('netwright.webgpuSumLeading');
const LANES = 16;
/** Rows above which TF.js's transpose + parallel reduction is kept. */
export const MAX_ROWS = 16384;

type KernelArgs = Parameters<tfjs.KernelFunc>[0];

function columnSumProgram(cols: number) {
  return {
    variableNames: ['x'],
    outputShape: [cols],
    shaderKey: 'netwrightColumnSum',
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(cols / LANES), 1, 1] as [number, number, number],
    workgroupSize: [LANES, LANES, 1] as [number, number, number],
    uniforms: 'rows : i32, cols : i32,',
    getUserCode: () => `
      var<workgroup> partial : array<array<f32, ${LANES}>, ${LANES}>;
      // A flat dispatch layout: TF.js passes the flat thread index, unused here.
      ${'fn main(index : i32)'} {
        let tx = i32(localId.x);
        let lane = i32(localId.y);
        let wg = (workgroupId.z * numWorkgroups.y + workgroupId.y) * numWorkgroups.x + workgroupId.x;
        let c = i32(wg) * ${LANES} + tx;
        var acc = 0.0;
        if (c < uniforms.cols) {
          for (var r = lane; r < uniforms.rows; r = r + ${LANES}) {
            acc = acc + x[r * uniforms.cols + c];
          }
        }
        partial[lane][tx] = acc;
        workgroupBarrier();
        if (lane == 0 && c < uniforms.cols) {
          var total = 0.0;
          for (var l = 0; l < ${LANES}; l = l + 1) {
            total = total + partial[l][tx];
          }
          result[c] = total;
        }
      }
    `,
  };
}

/**
 * Replaces the webgpu backend's `Sum` with the one-dispatch column sum above where it applies
 * (idempotent). Returns false, changing nothing, when tfjs-backend-webgpu is not loaded.
 */
export function installWebGpuSumLeading(tf: Tf): boolean {
  const original = tf.getKernel('Sum', 'webgpu');
  if (!original) return false;
  if ((original as unknown as Record<symbol, boolean>)[MARK]) return true;
  const kernel: tfjs.KernelConfig = {
    kernelName: 'Sum',
    backendName: 'webgpu',
    kernelFunc: (args: KernelArgs) => {
      const x = args.inputs.x as tfjs.TensorInfo;
      const { axis, keepDims } = args.attrs as unknown as {
        axis: number | number[];
        keepDims: boolean;
      };
      const rank = x.shape.length;
      const axes = tf.util
        .parseAxisParam(axis, x.shape)
        .slice()
        .sort((a, b) => a - b);
      const k = axes.length;
      const leading = k > 0 && k < rank && axes.every((a, i) => a === i);
      const rows = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
      if (!leading || x.dtype !== 'float32' || rows > MAX_ROWS || rows === 0)
        return original.kernelFunc(args);
      const kept = x.shape.slice(k);
      const cols = kept.reduce((a, b) => a * b, 1);
      if (cols === 0) return original.kernelFunc(args);
      const backend = args.backend as unknown as WebGpuBackendLike;
      const out = backend.runWebGPUProgram(columnSumProgram(cols), [x], 'float32', [
        { type: 'int32', data: [rows] },
        { type: 'int32', data: [cols] },
      ]);
      const shape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
      if (shape.length === 1) return out;
      // TF.js's webgpu Reshape: the same buffer under the kept axes' shape.
      try {
        return tf.getKernel('Reshape', 'webgpu')!.kernelFunc({
          inputs: { x: out },
          backend: args.backend,
          attrs: { shape } as unknown as tfjs.NamedAttrMap,
        }) as tfjs.TensorInfo;
      } finally {
        backend.disposeData(out.dataId);
      }
    },
  };
  (kernel as unknown as Record<symbol, boolean>)[MARK] = true;
  tf.unregisterKernel('Sum', 'webgpu');
  tf.registerKernel(kernel);
  return true;
}
