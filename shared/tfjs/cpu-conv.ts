/**
 * A fast `Conv2DBackpropFilter` for TF.js's cpu backend (tfjs-backend-cpu 4.22), the filter
 * gradient of every Conv2D layer trained on cpu.
 *
 * The stock kernel reads every product through `TensorBuffer.get(b, r, c, d)` (a variadic call
 * that builds an index from the strides each time): in a profile of
 * `netwright train shared/templates/mnist-cnn.json --backend cpu --limit 64` it was 70% of the run
 * (`TensorBuffer.get` 56%, the kernel's own loop 13%), so the CNN on cpu took minutes per hundred
 * samples. This kernel computes the same sum over flat typed arrays:
 * `dW[i, j, c, o] = Σ_{n, y, x} X[n, y·sh + i − top, x·sw + j − left, c] · dY[n, y, x, o]`
 * (the stock kernel's definition; `computeConv2DInfo` with dilation 1, which is all TF.js's
 * Conv2D gradient allows), NHWC and NCHW, looping over `(n, y, x)` outside and the output
 * channel `o` innermost so that both reads and the accumulation run over contiguous memory; the
 * sums are kept in float64, as the stock kernel's `dotProd` is, and rounded to float32 once.
 * Inputs `x` `[N, H, W, Cin]` (or NCHW), `dy` `[N, Ho, Wo, Cout]` (or NCHW); attrs as TF.js's
 * kernel (`strides`, `pad`, `dataFormat`, `dimRoundingMode`, `filterShape` `[fh, fw, Cin, Cout]`).
 * Returns `dW` `[fh, fw, Cin, Cout]`, float32.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';

const MARK = Symbol.for('netwright.cpuConv2DBackpropFilter');
type KernelArgs = Parameters<tfjs.KernelFunc>[0];
type CpuBackend = {
  data: { get(id: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tfjs.TensorInfo;
};

/**
 * The filter gradient over flat arrays (see the module comment). `x` and `dy` in the layout
 * `channelsLast` says; returns `dW` `[fh, fw, Cin, Cout]` as a Float32Array.
 */
export function conv2dFilterGrad(
  xv: Float32Array,
  dyv: Float32Array,
  info: tfjs.backend_util.Conv2DInfo,
  channelsLast: boolean,
): Float32Array {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: cin, outChannels: cout } = info;
  const { outHeight: ho, outWidth: wo, filterHeight: fh, filterWidth: fw } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  // Element strides of x and dy along (batch, row, column, channel) in either layout.
  const xs = channelsLast ? [h * w * cin, w * cin, cin, 1] : [cin * h * w, w, 1, h * w];
  const ds = channelsLast ? [ho * wo * cout, wo * cout, cout, 1] : [cout * ho * wo, wo, 1, ho * wo];
  const acc = new Float64Array(fh * fw * cin * cout);
  const g = new Float64Array(cout);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < ho; y++)
      for (let x = 0; x < wo; x++) {
        const dBase = b * ds[0]! + y * ds[1]! + x * ds[2]!;
        for (let o = 0; o < cout; o++) g[o] = dyv[dBase + o * ds[3]!]!;
        for (let i = 0; i < fh; i++) {
          const r = y * sh + i - top;
          if (r < 0 || r >= h) continue;
          for (let j = 0; j < fw; j++) {
            const c0 = x * sw + j - left;
            if (c0 < 0 || c0 >= w) continue;
            const xBase = b * xs[0]! + r * xs[1]! + c0 * xs[2]!;
            let wBase = (i * fw + j) * cin * cout;
            for (let c = 0; c < cin; c++, wBase += cout) {
              const v = xv[xBase + c * xs[3]!]!;
              for (let o = 0; o < cout; o++) acc[wBase + o]! += v * g[o]!;
            }
          }
        }
      }
  return Float32Array.from(acc);
}

/**
 * Replaces the cpu `Conv2DBackpropFilter` once (idempotent). Call after importing
 * `@tensorflow/tfjs` (the cpu backend ships with it). Returns false when no cpu kernel is
 * registered.
 */
export function installCpuConvFilterGrad(tf: Tf): boolean {
  const original = tf.getKernel('Conv2DBackpropFilter', 'cpu');
  if (!original) return false;
  if ((original as unknown as Record<symbol, boolean>)[MARK]) return true;
  const kernel: tfjs.KernelConfig = {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'cpu',
    kernelFunc: (args: KernelArgs) => {
      const { inputs, attrs } = args;
      const backend = args.backend as unknown as CpuBackend;
      const x = inputs.x as tfjs.TensorInfo;
      const dy = inputs.dy as tfjs.TensorInfo;
      const a = attrs as unknown as {
        strides: [number, number] | number;
        pad: 'same' | 'valid' | number | tfjs.backend_util.ExplicitPadding;
        dataFormat?: 'NHWC' | 'NCHW';
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
        filterShape: [number, number, number, number];
      };
      if (x.dtype !== 'float32' || dy.dtype !== 'float32') return original.kernelFunc(args);
      const format = tf.backend_util.convertConv2DDataFormat(a.dataFormat ?? 'NHWC');
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        a.filterShape,
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
        false,
        format,
      );
      const dw = conv2dFilterGrad(
        backend.data.get(x.dataId).values,
        backend.data.get(dy.dataId).values,
        info,
        format === 'channelsLast',
      );
      return backend.makeTensorInfo([...a.filterShape], 'float32', dw);
    },
  };
  (kernel as unknown as Record<symbol, boolean>)[MARK] = true;
  tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
  tf.registerKernel(kernel);
  return true;
}
