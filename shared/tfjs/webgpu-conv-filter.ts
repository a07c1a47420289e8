/**
 * A Conv2D filter gradient (`Conv2DBackpropFilter`) for TF.js's webgpu backend that parallelises
 * over the reduction.
 *
 * TF.js's own program (`Conv2DDerFilterProgram`) runs one thread per filter weight, each looping
 * over the whole batch and every output position: 288 threads for a 3×3×1×32 filter, so on an
 * H200 it was 75–85% of a CNN step's GPU time and grew linearly with the batch
 * (../gpu-bench/MEASURED.md). The gradient is a matrix product
 *   dW[k, co] = Σ_n col[n, k] · dy[n, co],   k = (kh, kw, ci), n = (b, oy, ox),
 *   col[n, k] = x[b, oy·strideH − padTop + kh, ox·strideW − padLeft + kw, ci] (0 outside x),
 * so this computes it as a tiled matrix product whose A operand is gathered from x on the fly
 * (im2col without materialising it): 16×16 output tiles × S slices of the n axis, each workgroup
 * staging 16×16 tiles of col and dy in workgroup memory; a second dispatch sums the S partial
 * results. Shapes: x [batch, inHeight, inWidth, inChannels] (NHWC), dy [batch, outHeight,
 * outWidth, outChannels], dW [filterHeight, filterWidth, inChannels, outChannels]. NCHW inputs
 * keep TF.js's kernel.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';
import { elementwiseProgram, type Uniform, type WebGpuBackendLike } from './webgpu-program.ts';

const MARK = Symbol.for('netwright.webgpuConvFilter');
const TILE = 16;
/** Enough workgroups to fill a large GPU (an H200 has 132 SMs). */
const TARGET_WORKGROUPS = 1024;
/** The shortest slice of the n axis one workgroup sums (multiple of TILE). */
const MIN_SLICE = 64;

type KernelArgs = Parameters<tfjs.KernelFunc>[0];
const FILTER_UNIFORMS =
  'padTop : i32, padLeft : i32, strideH : i32, strideW : i32, inH : i32, inW : i32, ' +
  'outH : i32, outW : i32, filterW : i32, inC : i32, outC : i32, kSize : i32, nSize : i32, ' +
  'slice : i32,';

/** Partial products: result[s, k, co] = Σ over slice s of the n axis of col[n, k]·dy[n, co]. */
function partialProgram(outputShape: number[], slices: number, kSize: number, outC: number) {
  return {
    variableNames: ['x', 'dy'],
    outputShape,
    shaderKey: 'netwrightConv2DFilterTiled',
    dispatchLayout: { x: [0], y: [1], z: [2] },
    dispatch: [Math.ceil(outC / TILE), Math.ceil(kSize / TILE), slices] as [number, number, number],
    workgroupSize: [TILE, TILE, 1] as [number, number, number],
    uniforms: FILTER_UNIFORMS,
    getUserCode: () => `
      var<workgroup> colTile : array<array<f32, ${TILE}>, ${TILE}>;
      var<workgroup> dyTile : array<array<f32, ${TILE}>, ${TILE}>;

      fn colValue(n : i32, k : i32) -> f32 {
        let outHW = uniforms.outH * uniforms.outW;
        let b = n / outHW;
        let r = n - b * outHW;
        let oy = r / uniforms.outW;
        let ox = r - oy * uniforms.outW;
        let rowLen = uniforms.filterW * uniforms.inC;
        let kh = k / rowLen;
        let r2 = k - kh * rowLen;
        let kw = r2 / uniforms.inC;
        let ci = r2 - kw * uniforms.inC;
        let iy = oy * uniforms.strideH - uniforms.padTop + kh;
        let ix = ox * uniforms.strideW - uniforms.padLeft + kw;
        if (iy < 0 || iy >= uniforms.inH || ix < 0 || ix >= uniforms.inW) {
          return 0.0;
        }
        return x[((b * uniforms.inH + iy) * uniforms.inW + ix) * uniforms.inC + ci];
      }

      ${'fn main()'} {
        let tx = i32(localId.x);
        let ty = i32(localId.y);
        let cBase = i32(workgroupId.x) * ${TILE};
        let kBase = i32(workgroupId.y) * ${TILE};
        let s = i32(workgroupId.z);
        let nStart = s * uniforms.slice;
        let nEnd = min(nStart + uniforms.slice, uniforms.nSize);
        var acc = 0.0;
        for (var t = 0; t < uniforms.slice; t = t + ${TILE}) {
          let n = nStart + t + ty;
          var cv = 0.0;
          var dv = 0.0;
          if (n < nEnd) {
            let k = kBase + tx;
            if (k < uniforms.kSize) {
              cv = colValue(n, k);
            }
            let c = cBase + tx;
            if (c < uniforms.outC) {
              dv = dy[n * uniforms.outC + c];
            }
          }
          colTile[ty][tx] = cv;
          dyTile[ty][tx] = dv;
          workgroupBarrier();
          for (var i = 0; i < ${TILE}; i = i + 1) {
            acc = acc + colTile[i][ty] * dyTile[i][tx];
          }
          workgroupBarrier();
        }
        let k = kBase + ty;
        let c = cBase + tx;
        if (k < uniforms.kSize && c < uniforms.outC) {
          result[(s * uniforms.kSize + k) * uniforms.outC + c] = acc;
        }
      }
    `,
  };
}

/** result[j] = Σ_s partial[s, j]: one thread per filter weight, S (≤ a few hundred) terms. */
function sumProgram(outputShape: number[]) {
  const body = `
    var acc = 0.0;
    for (var s = 0; s < uniforms.slices; s = s + 1) {
      acc = acc + partial[s * uniforms.size + index];
    }
    result[index] = acc;
  `;
  return elementwiseProgram(
    'netwrightConv2DFilterSum',
    ['partial'],
    outputShape,
    body,
    'slices : i32,',
  );
}

/**
 * The filter gradient on the webgpu backend (see the file comment). `x`: [batch, inH, inW, inC];
 * `dy`: [batch, outH, outW, outC]; returns [filterH, filterW, inC, outC]. Exported for tests.
 */
export function conv2DBackpropFilterTiled(
  tf: Tf,
  backend: WebGpuBackendLike,
  x: tfjs.TensorInfo,
  dy: tfjs.TensorInfo,
  attrs: {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tfjs.backend_util.ExplicitPadding;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  },
): tfjs.TensorInfo {
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const [fH, fW, inC, outC] = attrs.filterShape;
  const kSize = fH * fW * inC;
  const nSize = info.batchSize * info.outHeight * info.outWidth;
  const tiles = Math.ceil(outC / TILE) * Math.ceil(kSize / TILE);
  const wanted = Math.max(1, Math.ceil(TARGET_WORKGROUPS / tiles));
  let slice = Math.max(MIN_SLICE, Math.ceil(nSize / wanted));
  slice = Math.ceil(slice / TILE) * TILE;
  const slices = Math.max(1, Math.ceil(nSize / slice));
  const uniforms: Uniform[] = [
    info.padInfo.top,
    info.padInfo.left,
    info.strideHeight,
    info.strideWidth,
    info.inHeight,
    info.inWidth,
    info.outHeight,
    info.outWidth,
    fW,
    inC,
    outC,
    kSize,
    nSize,
    slice,
  ].map((v) => ({ type: 'int32', data: [v] }));
  const partialShape = slices === 1 ? [...attrs.filterShape] : [slices, kSize * outC];
  const partial = backend.runWebGPUProgram(
    partialProgram(partialShape, slices, kSize, outC),
    [x, dy],
    'float32',
    uniforms,
  );
  if (slices === 1) return partial;
  try {
    return backend.runWebGPUProgram(sumProgram([...attrs.filterShape]), [partial], 'float32', [
      { type: 'int32', data: [slices] },
    ]);
  } finally {
    backend.disposeData(partial.dataId);
  }
}

/**
 * Replaces the webgpu backend's `Conv2DBackpropFilter` with the tiled reduction above
 * (idempotent). Returns false, changing nothing, when tfjs-backend-webgpu is not loaded.
 */
export function installWebGpuConvFilter(tf: Tf): boolean {
  const original = tf.getKernel('Conv2DBackpropFilter', 'webgpu');
  if (!original) return false;
  if ((original as unknown as Record<symbol, boolean>)[MARK]) return true;
  const kernel: tfjs.KernelConfig = {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'webgpu',
    kernelFunc: (args: KernelArgs) => {
      const { inputs, backend } = args;
      const attrs = args.attrs as unknown as Parameters<typeof conv2DBackpropFilterTiled>[4] & {
        dataFormat?: string;
      };
      const x = inputs.x as tfjs.TensorInfo;
      const dy = inputs.dy as tfjs.TensorInfo;
      if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC' || x.dtype !== 'float32')
        return original.kernelFunc(args);
      return conv2DBackpropFilterTiled(tf, backend as unknown as WebGpuBackendLike, x, dy, attrs);
    },
  };
  (kernel as unknown as Record<symbol, boolean>)[MARK] = true;
  tf.unregisterKernel('Conv2DBackpropFilter', 'webgpu');
  tf.registerKernel(kernel);
  return true;
}
