/**
 * `MaxPoolGrad` on TF.js's webgpu backend in one dispatch (issue 10: dispatches per step).
 *
 * TF.js's webgpu kernel first runs a pooling program that writes each window's arg-max position,
 * then a backprop program: two dispatches per max-pooling layer. Here one thread per input element
 * `dx[b, r, c, d]` (NHWC) visits the output windows that cover `(r, c)` (rows `yR` with
 * `yR·strideH − padTop ≤ r < yR·strideH − padTop + filterH`, likewise columns), finds each
 * window's first maximum of `x` in row-major order (`value > best` from −∞, TF.js's cpu rule:
 * ties go to the first, NaN never wins) and adds `dy[b, yR, yC, d]` when it is `(r, c)`, windows
 * in ascending order (in float32: the cpu kernel sums in float64, so overlapping windows agree
 * to rounding). Shapes: `dy` `[batch, outH, outW, C]`, `x`
 * (`input`) and `dx` `[batch, inH, inW, C]`. Pool geometry from
 * `backend_util.computePool2DInfo` (dilation 1, as TF.js's `MaxPoolGrad`).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';
import { elementwiseProgram, type WebGpuBackendLike } from './webgpu-program.ts';

const MARK = Symbol.for('netwright.webgpuMaxPoolGrad');
type KernelArgs = Parameters<tfjs.KernelFunc>[0];

const UNIFORMS =
  'inH : i32, inW : i32, channels : i32, outH : i32, outW : i32, strideH : i32, strideW : i32, ' +
  'padTop : i32, padLeft : i32, filterH : i32, filterW : i32, dyH : i32, dyW : i32,';

const BODY = `
  let d = index % uniforms.channels;
  let pixel = index / uniforms.channels;
  let c = pixel % uniforms.inW;
  let rest = pixel / uniforms.inW;
  let r = rest % uniforms.inH;
  let b = rest / uniforms.inH;
  let fromR = r + uniforms.padTop - uniforms.filterH + 1;
  var yR0 = 0;
  if (fromR > 0) {
    yR0 = (fromR + uniforms.strideH - 1) / uniforms.strideH;
  }
  let yR1 = min(uniforms.outH - 1, (r + uniforms.padTop) / uniforms.strideH);
  let fromC = c + uniforms.padLeft - uniforms.filterW + 1;
  var yC0 = 0;
  if (fromC > 0) {
    yC0 = (fromC + uniforms.strideW - 1) / uniforms.strideW;
  }
  let yC1 = min(uniforms.outW - 1, (c + uniforms.padLeft) / uniforms.strideW);
  var acc = 0.0;
  for (var yR = yR0; yR <= yR1; yR = yR + 1) {
    let r0 = yR * uniforms.strideH - uniforms.padTop;
    let rA = max(r0, 0);
    let rB = min(r0 + uniforms.filterH, uniforms.inH);
    for (var yC = yC0; yC <= yC1; yC = yC + 1) {
      let c0 = yC * uniforms.strideW - uniforms.padLeft;
      let cA = max(c0, 0);
      let cB = min(c0 + uniforms.filterW, uniforms.inW);
      var best = -3.402823466e+38;
      var found = false;
      var atR = -1;
      var atC = -1;
      for (var rr = rA; rr < rB; rr = rr + 1) {
        for (var cc = cA; cc < cB; cc = cc + 1) {
          let v = x[((b * uniforms.inH + rr) * uniforms.inW + cc) * uniforms.channels + d];
          if (v > best || (!found && v == best)) {
            best = v;
            found = true;
            atR = rr;
            atC = cc;
          }
        }
      }
      if (atR == r && atC == c) {
        acc = acc + dy[((b * uniforms.dyH + yR) * uniforms.dyW + yC) * uniforms.channels + d];
      }
    }
  }
  result[index] = acc;
`;

/**
 * Replaces the webgpu backend's `MaxPoolGrad` with the one-dispatch kernel above for float32
 * (idempotent). Returns false, changing nothing, when tfjs-backend-webgpu is not loaded.
 */
export function installWebGpuMaxPoolGrad(tf: Tf): boolean {
  const original = tf.getKernel('MaxPoolGrad', 'webgpu');
  if (!original) return false;
  if ((original as unknown as Record<symbol, boolean>)[MARK]) return true;
  const kernel: tfjs.KernelConfig = {
    kernelName: 'MaxPoolGrad',
    backendName: 'webgpu',
    kernelFunc: (args: KernelArgs) => {
      const { dy, input } = args.inputs as { dy: tfjs.TensorInfo; input: tfjs.TensorInfo };
      if (input.dtype !== 'float32' || dy.dtype !== 'float32') return original.kernelFunc(args);
      // Nothing flows back from an empty dy (a 'valid' pool larger than the image): zeros, not
      // a zero-size binding, which WebGPU rejects along with the whole command buffer.
      if (dy.shape.some((n) => n === 0) || input.shape.some((n) => n === 0))
        return tf.getKernel('Fill', 'webgpu')!.kernelFunc({
          inputs: {},
          backend: args.backend,
          attrs: {
            shape: [...input.shape],
            value: 0,
            dtype: 'float32',
          } as unknown as tfjs.NamedAttrMap,
        }) as tfjs.TensorInfo;
      const a = args.attrs as unknown as {
        filterSize: number | [number, number];
        strides: number | [number, number];
        pad: 'valid' | 'same' | number | tfjs.backend_util.ExplicitPadding;
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
      };
      const info = tf.backend_util.computePool2DInfo(
        input.shape as [number, number, number, number],
        a.filterSize,
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
      );
      const uniforms = [
        info.inHeight,
        info.inWidth,
        info.inChannels,
        info.outHeight,
        info.outWidth,
        info.strideHeight,
        info.strideWidth,
        info.padInfo.top,
        info.padInfo.left,
        info.effectiveFilterHeight,
        info.effectiveFilterWidth,
        // dy is read by its own shape: tfjs-core's MaxPool gradient drops the rounding mode, so
        // `info`'s output size can be smaller than dy's (as TF.js's own kernels read it).
        dy.shape[1]!,
        dy.shape[2]!,
      ].map((v) => ({ type: 'int32' as const, data: [v] }));
      return (args.backend as unknown as WebGpuBackendLike).runWebGPUProgram(
        elementwiseProgram('netwrightMaxPoolGrad', ['dy', 'x'], [...input.shape], BODY, UNIFORMS),
        [dy, input],
        'float32',
        uniforms,
      );
    },
  };
  (kernel as unknown as Record<symbol, boolean>)[MARK] = true;
  tf.unregisterKernel('MaxPoolGrad', 'webgpu');
  tf.registerKernel(kernel);
  return true;
}
