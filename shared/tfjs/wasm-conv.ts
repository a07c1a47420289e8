/**
 * Convolution kernels for TF.js's wasm backend (tfjs-backend-wasm 4.22).
 *
 * 1. **The filter gradient.** tfjs-backend-wasm registers no `Conv2DBackpropFilter`, so training
 *    any Conv2D layer on wasm fails with "Kernel 'Conv2DBackpropFilter' not registered for
 *    backend 'wasm'". We register one that lets XNNPACK do the work: the filter gradient
 *    `dW[i, j, c, o] = Σ_{n, y, x} X[n, y·sh + i − top, x·sw + j − left, c] · dY[n, y, x, o]`
 *    is itself a convolution of the input with the output gradient once the batch and channel
 *    axes are swapped: input `Xᵀ = transpose(X, [3, 1, 2, 0])` (`[Cin, H, W, N]`), filter
 *    `dYᵀ = transpose(dY, [1, 2, 0, 3])` (`[Ho, Wo, N, Cout]`), stride 1, dilation = the forward
 *    stride, the forward padding made explicit (rows/columns the forward pass never reads are
 *    cropped). The result `[Cin, fh, fw, Cout]` is transposed to the filter layout
 *    `[fh, fw, Cin, Cout]`. Same definition as TF.js's cpu kernel (`Conv2DBackpropFilter.js`
 *    in tfjs-backend-cpu), including NCHW input and its `dimRoundingMode`; dilations are always 1
 *    there (TF.js's Conv2D gradient refuses dilation > 1).
 *
 * 2. **The input gradient.** The stock wasm `Conv2DBackpropInput` is a plain loop
 *    (≈ 60% of a CNN training step in a profile of the MNIST CNN template). With stride 1 the
 *    input gradient is the convolution of `dY` with the filter rotated by 180° and its channel
 *    axes swapped (`W'[a, b, o, c] = W[fh−1−a, fw−1−b, c, o]`), padded by `fh−1−top` /
 *    `fh−1−bottom` rows and `fw−1−left` / `fw−1−right` columns: one XNNPACK convolution.
 *    With strides > 1 it splits into `sh·sw` phases (sub-pixel decomposition, see
 *    `stridedBackpropInput`), which one XNNPACK convolution computes as `sh·sw·Cin` output
 *    channels, interleaved afterwards. NCHW and pads larger than the kernel keep the stock kernel.
 *
 * 3. **'same' padding.** The wasm `Conv2D`, `FusedConv2D`, `DepthwiseConv2dNative` and
 *    `FusedDepthwiseConv2D` kernels hand 'same' to XNNPACK as its TensorFlow-SAME flag, which
 *    computes wrong values when the stride exceeds the kernel (kernel [1, 2], stride 2, 1×2
 *    input: off by 0.64; issue 11). The wrappers pass TF.js's own 'same' padding
 *    (`backend_util.computeConv2DInfo`) as explicit pads instead, which XNNPACK takes as given.
 *    Output shapes are unchanged: explicit pads of exactly the 'same' amounts give
 *    `ceil(in / stride)`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';

const MARK = Symbol.for('netwright.wasmConv');

type KernelArgs = Parameters<tfjs.KernelFunc>[0];
type Backend = KernelArgs['backend'];
type Info = tfjs.TensorInfo;
type Pad = 'same' | 'valid' | number | tfjs.backend_util.ExplicitPadding;
type Kernel = NonNullable<ReturnType<Tf['getKernel']>>;

const marked = (k: object) => Boolean((k as Record<symbol, boolean>)[MARK]);
const mark = <T extends object>(k: T): T => {
  (k as Record<symbol, boolean>)[MARK] = true;
  return k;
};
const dispose = (backend: Backend, ...infos: Info[]) => {
  for (const t of infos)
    (backend as unknown as { disposeData(id: object): unknown }).disposeData(t.dataId);
};

function replaceKernel(tf: Tf, name: string, make: (original: Kernel) => tfjs.KernelFunc): boolean {
  const original = tf.getKernel(name, 'wasm');
  if (!original) return false;
  if (marked(original)) return true;
  const config: tfjs.KernelConfig = mark({
    kernelName: name,
    backendName: 'wasm',
    ...(original.setupFunc ? { setupFunc: original.setupFunc } : {}),
    ...(original.disposeFunc ? { disposeFunc: original.disposeFunc } : {}),
    kernelFunc: make(original),
  });
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(config);
  return true;
}

/** 'same' → TF.js's own 'same' pads as explicit NHWC pads; other paddings unchanged. */
function explicitSame(tf: Tf, args: KernelArgs, depthwise: boolean): KernelArgs {
  const attrs = args.attrs as Record<string, unknown> | undefined;
  if (!attrs || attrs.pad !== 'same') return args;
  const x = args.inputs.x as Info;
  const filter = args.inputs.filter as Info;
  const format = tf.backend_util.convertConv2DDataFormat(
    (attrs.dataFormat as 'NHWC' | 'NCHW') ?? 'NHWC',
  );
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides as [number, number],
    (attrs.dilations as [number, number] | number | undefined) ?? 1,
    'same',
    undefined,
    depthwise,
    format,
  );
  const { top, bottom, left, right } = info.padInfo;
  const pad =
    format === 'channelsLast'
      ? [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ]
      : [
          [0, 0],
          [0, 0],
          [top, bottom],
          [left, right],
        ];
  return { ...args, attrs: { ...attrs, pad } as unknown as tfjs.NamedAttrMap };
}

/** The attributes TF.js passes to both Conv2D gradient kernels (its Conv2DBackprop*Attrs). */
type ConvGradAttrs = {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

/**
 * `Conv2DBackpropFilter` on wasm as one XNNPACK convolution (see the file comment).
 * Inputs: `x` `[N, H, W, Cin]` (or NCHW), `dy` `[N, Ho, Wo, Cout]` (or NCHW); attrs as TF.js's
 * kernel (`strides`, `pad`, `dataFormat`, `dimRoundingMode`, `filterShape` `[fh, fw, Cin, Cout]`).
 * Returns `dW` `[fh, fw, Cin, Cout]`, float32. Frees every intermediate.
 */
function makeBackpropFilter(
  tf: Tf,
  conv: Kernel,
  transpose: Kernel,
  slice: Kernel,
  fill: Kernel,
): tfjs.KernelFunc {
  return (args: KernelArgs) => {
    const { backend } = args;
    const attrs = args.attrs as unknown as ConvGradAttrs & {
      filterShape: [number, number, number, number];
    };
    const temps: Info[] = [];
    const run = (k: Kernel, inputs: tfjs.NamedTensorInfoMap, a: object): Info => {
      const out = k.kernelFunc({ inputs, backend, attrs: a as tfjs.NamedAttrMap }) as Info;
      temps.push(out);
      return out;
    };
    try {
      let x = args.inputs.x as Info;
      let dy = args.inputs.dy as Info;
      let pad = attrs.pad;
      if (attrs.dataFormat === 'NCHW') {
        x = run(transpose, { x }, { perm: [0, 2, 3, 1] });
        dy = run(transpose, { x: dy }, { perm: [0, 2, 3, 1] });
        // Explicit pads are given per axis in NCHW order: [[0,0],[0,0],[t,b],[l,r]].
        if (Array.isArray(pad)) pad = [pad[0]!, pad[2]!, pad[3]!, pad[1]!];
      }
      const [, h, w, cin] = x.shape as number[];
      const [n, ho, wo, cout] = dy.shape as number[];
      const [fh, fw] = attrs.filterShape;
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        attrs.filterShape,
        attrs.strides,
        1,
        pad,
        attrs.dimRoundingMode,
        false,
        'channelsLast',
      );
      const { strideHeight: sh, strideWidth: sw } = info;
      const { top, left } = info.padInfo;
      // Rows -top … -top + (ho-1)·sh + fh - 1 of x are read; beyond the end: pad or crop.
      const bottom = (ho! - 1) * sh + fh - top - h!;
      const right = (wo! - 1) * sw + fw - left - w!;
      // Every read lands in the padding (stride > kernel with large explicit pads): dW = 0.
      if (h! + Math.min(bottom, 0) <= 0 || w! + Math.min(right, 0) <= 0)
        return fill.kernelFunc({
          inputs: {},
          backend,
          attrs: { shape: [fh, fw, cin!, cout!], value: 0, dtype: 'float32' },
        }) as Info;
      let xt = run(transpose, { x }, { perm: [3, 1, 2, 0] }); // [Cin, H, W, N]
      if (bottom < 0 || right < 0)
        xt = run(
          slice,
          { x: xt },
          {
            begin: [0, 0, 0, 0],
            size: [cin, h! + Math.min(bottom, 0), w! + Math.min(right, 0), n],
          },
        );
      const dyt = run(transpose, { x: dy }, { perm: [1, 2, 0, 3] }); // [Ho, Wo, N, Cout]
      const dwt = run(
        conv,
        { x: xt, filter: dyt },
        {
          strides: [1, 1],
          dilations: [sh, sw],
          pad: [
            [0, 0],
            [top, Math.max(bottom, 0)],
            [left, Math.max(right, 0)],
            [0, 0],
          ],
          dataFormat: 'NHWC',
          dimRoundingMode: undefined,
        },
      ); // [Cin, fh, fw, Cout]
      const dw = transpose.kernelFunc({
        inputs: { x: dwt },
        backend,
        attrs: { perm: [1, 2, 0, 3] },
      }) as Info;
      if (dw.shape.join() !== [fh, fw, cin, cout].join())
        throw new Error(
          `Conv2DBackpropFilter (wasm): got [${dw.shape}], expected [${[fh, fw, cin, cout]}]`,
        );
      return dw;
    } finally {
      dispose(backend, ...temps);
    }
  };
}

/**
 * `Conv2DBackpropInput` on wasm, NHWC, as one XNNPACK convolution (see the file comment, items 2
 * and 3); NCHW and pads larger than the kernel go to the stock kernel. Inputs `dy`
 * `[N, Ho, Wo, Cout]`, `filter` `[fh, fw, Cin, Cout]`; attrs as TF.js's kernel (`inputShape`
 * `[N, H, W, Cin]`). Returns `dx` `[N, H, W, Cin]`. Frees every intermediate.
 */
function makeBackpropInput(
  tf: Tf,
  original: Kernel,
  k: {
    conv: Kernel;
    transpose: Kernel;
    reverse: Kernel;
    reshape: Kernel;
    pad: Kernel;
    slice: Kernel;
  },
): tfjs.KernelFunc {
  return (args: KernelArgs) => {
    const { backend } = args;
    const attrs = args.attrs as unknown as ConvGradAttrs & {
      inputShape: [number, number, number, number];
    };
    const dy = args.inputs.dy as Info;
    const filter = args.inputs.filter as Info;
    if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') return original.kernelFunc(args);
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
    const { top, bottom, left, right } = info.padInfo;
    const pads = [fh - 1 - top, fh - 1 - bottom, fw - 1 - left, fw - 1 - right];
    if (pads.some((p) => p < 0)) return original.kernelFunc(args);
    const temps: Info[] = [];
    const run = (kernel: Kernel, inputs: tfjs.NamedTensorInfoMap, a: object): Info => {
      const out = kernel.kernelFunc({ inputs, backend, attrs: a as tfjs.NamedAttrMap }) as Info;
      temps.push(out);
      return out;
    };
    const check = (dx: Info) => {
      if (dx.shape.join() !== attrs.inputShape.join())
        throw new Error(
          `Conv2DBackpropInput (wasm): got [${dx.shape}], expected [${attrs.inputShape}]`,
        );
      return dx;
    };
    try {
      if (sh === 1 && sw === 1) {
        const rotated = run(k.reverse, { x: filter }, { dims: [0, 1] });
        const swapped = run(k.transpose, { x: rotated }, { perm: [0, 1, 3, 2] }); // [fh, fw, Cout, Cin]
        return check(
          k.conv.kernelFunc({
            inputs: { x: dy, filter: swapped },
            backend,
            attrs: {
              strides: [1, 1],
              dilations: [1, 1],
              pad: [
                [0, 0],
                [pads[0]!, pads[1]!],
                [pads[2]!, pads[3]!],
                [0, 0],
              ],
              dataFormat: 'NHWC',
            } as unknown as tfjs.NamedAttrMap,
          }) as Info,
        );
      }
      return check(stridedBackpropInput(backend, run, k, dy, filter, info, attrs.inputShape));
    } finally {
      dispose(backend, ...temps);
    }
  };
}

/**
 * The input gradient for strides > 1 by phases (sub-pixel decomposition), one XNNPACK
 * convolution in all. Per axis (rows shown; columns alike), with `u = y + top` the padded row of
 * `dx[y]`, `u = s·m + r` (`0 ≤ r < s`):
 * `dx[u − top] = Σ_j dy[m − j] · W[r + s·j]`, `0 ≤ j < kr = ceil(fh / s)` (taps past the kernel
 * are zero) — for each phase `r` a stride-1 correlation of `dy` with the sub-kernel
 * `W[r + s·j]` reversed in `j`. All `sh·sw` phases become the output channels of one
 * convolution: the filter padded to `[kr_h·sh, kr_w·sw, Cin, Cout]`, split as
 * `[kr_h, sh, kr_w, sw, Cin, Cout]`, rearranged to `[kr_h, kr_w, Cout, sh·sw·Cin]` and reversed
 * in its two spatial axes; `dy` padded by `kr − 1 − floor(top / s)` before and cropped or padded
 * after so that `m` runs over `floor(top / s) … floor((top + H − 1) / s)`. The result
 * `[N, Mh, Mw, sh·sw·Cin]` is interleaved (depth to space) into `[N, Mh·sh, Mw·sw, Cin]` and
 * cropped to rows `top mod sh …` and columns `left mod sw …`. Multiply-adds: the direct ones
 * times `(kr·s / fh)²` at most (1.8 for a 3×3 kernel at stride 2), against `s²` for zeros
 * inserted into `dy`. Every intermediate goes into `run`'s list.
 */
function stridedBackpropInput(
  backend: Backend,
  run: (kernel: Kernel, inputs: tfjs.NamedTensorInfoMap, attrs: object) => Info,
  k: {
    conv: Kernel;
    transpose: Kernel;
    reverse: Kernel;
    reshape: Kernel;
    pad: Kernel;
    slice: Kernel;
  },
  dy: Info,
  filter: Info,
  info: tfjs.backend_util.Conv2DInfo,
  inputShape: [number, number, number, number],
): Info {
  const [n, h, w, cin] = inputShape;
  const [, ho, wo, cout] = dy.shape as [number, number, number, number];
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const axis = (size: number, s: number, f: number, before: number, outSize: number) => {
    const kr = Math.ceil(f / s);
    const m0 = Math.floor(before / s);
    const count = Math.floor((before + size - 1) / s) - m0 + 1;
    const padBefore = kr - 1 - m0; // ≥ 0 since before ≤ f − 1
    const padAfter = count - outSize - padBefore + kr - 1;
    // Rows of dy past m0 + count − 1 reach no dx row: crop them instead of padding.
    return {
      kr,
      count,
      padBefore,
      padAfter: Math.max(padAfter, 0),
      keep: outSize + Math.min(padAfter, 0),
      offset: before - s * m0,
    };
  };
  const rows = axis(h, sh, fh, top, ho);
  const cols = axis(w, sw, fw, left, wo);
  const phases = sh * sw * cin;
  // The filter of all phases: [fh, fw, Cin, Cout] → [kr_h, kr_w, Cout, sh·sw·Cin], reversed.
  let wf = run(
    k.pad,
    { x: filter },
    {
      paddings: [
        [0, rows.kr * sh - fh],
        [0, cols.kr * sw - fw],
        [0, 0],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  wf = run(k.reshape, { x: wf }, { shape: [rows.kr, sh, cols.kr, sw * cin * cout] });
  wf = run(k.transpose, { x: wf }, { perm: [0, 2, 1, 3] }); // [kr_h, kr_w, sh, sw·Cin·Cout]
  wf = run(k.reshape, { x: wf }, { shape: [rows.kr * cols.kr, phases, cout] });
  wf = run(k.transpose, { x: wf }, { perm: [0, 2, 1] }); // [kr_h·kr_w, Cout, sh·sw·Cin]
  wf = run(k.reshape, { x: wf }, { shape: [rows.kr, cols.kr, cout, phases] });
  wf = run(k.reverse, { x: wf }, { dims: [0, 1] });
  let g = dy;
  if (rows.keep < ho || cols.keep < wo)
    g = run(k.slice, { x: g }, { begin: [0, 0, 0, 0], size: [n, rows.keep, cols.keep, cout] });
  let out = run(
    k.conv,
    { x: g, filter: wf },
    {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [
        [0, 0],
        [rows.padBefore, rows.padAfter],
        [cols.padBefore, cols.padAfter],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  ); // [N, Mh, Mw, sh·sw·Cin], channel (r_h·sw + r_w)·Cin + c
  out = run(k.reshape, { x: out }, { shape: [n * rows.count, cols.count, sh, sw * cin] });
  out = run(k.transpose, { x: out }, { perm: [0, 2, 1, 3] }); // [N·Mh, sh, Mw, sw·Cin]
  out = run(k.reshape, { x: out }, { shape: [n, rows.count * sh, cols.count * sw, cin] });
  // The result is the caller's: not in `run`'s list of intermediates.
  return k.slice.kernelFunc({
    inputs: { x: out },
    backend,
    attrs: { begin: [0, rows.offset, cols.offset, 0], size: [n, h, w, cin] },
  }) as Info;
}

/**
 * Installs the wasm convolution kernels once (idempotent): `Conv2DBackpropFilter`,
 * `Conv2DBackpropInput` (NHWC, any stride), and the
 * explicit-'same'-padding wrappers of `Conv2D`, `FusedConv2D`, `DepthwiseConv2dNative`,
 * `FusedDepthwiseConv2D`. Call after importing `@tensorflow/tfjs-backend-wasm`, before or after
 * the backend starts. Returns false (and changes nothing) when the wasm backend is not loaded.
 */
export function installWasmConvKernels(tf: Tf): boolean {
  const transpose = tf.getKernel('Transpose', 'wasm');
  const slice = tf.getKernel('Slice', 'wasm');
  const fill = tf.getKernel('Fill', 'wasm');
  if (!transpose || !slice || !fill || !tf.getKernel('Conv2D', 'wasm')) return false;
  for (const [name, depthwise] of [
    ['Conv2D', false],
    ['FusedConv2D', false],
    ['DepthwiseConv2dNative', true],
    ['FusedDepthwiseConv2D', true],
  ] as const)
    replaceKernel(
      tf,
      name,
      (original) => (args) => original.kernelFunc(explicitSame(tf, args, depthwise)),
    );
  const reverse = tf.getKernel('Reverse', 'wasm');
  const reshape = tf.getKernel('Reshape', 'wasm');
  const pad = tf.getKernel('PadV2', 'wasm');
  if (reverse && reshape && pad)
    replaceKernel(tf, 'Conv2DBackpropInput', (original) =>
      makeBackpropInput(tf, original, {
        conv: tf.getKernel('Conv2D', 'wasm')!,
        transpose,
        reverse,
        reshape,
        pad,
        slice,
      }),
    );
  const existing = tf.getKernel('Conv2DBackpropFilter', 'wasm');
  if (existing && marked(existing)) return true;
  if (existing) tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
  const conv = tf.getKernel('Conv2D', 'wasm')!;
  tf.registerKernel(
    mark({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: makeBackpropFilter(tf, conv, transpose, slice, fill),
    }),
  );
  return true;
}
