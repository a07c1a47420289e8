/**
 * Netwright's wasm convolution kernels (shared/tfjs/wasm-conv.ts) against TF.js's cpu backend,
 * the reference: the forward 'same'/'valid' grid of issue 11 (kernel 1–3 × stride 1–3 × input
 * 1–5 per axis) for Conv2D, DepthwiseConv2dNative, MaxPool and AvgPool, and every gradient of a
 * convolution or pooling on random shapes, strides, paddings and both data formats.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../../shared/datasets/random.ts';
import { installCustomKernels } from '../../shared/tfjs/custom-kernels.ts';
import { installWasmConvKernels } from '../../shared/tfjs/wasm-conv.ts';
import { installWasmMaxPoolGrad } from '../../shared/tfjs/wasm-pool.ts';

type Pad = 'same' | 'valid';
const random = rng(7);
const values = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Runs `f` on a backend and returns every output's values. */
function on(backend: string, f: () => tf.Tensor | tf.Tensor[]): Float32Array[] {
  tf.setBackend(backend);
  const out = tf.tidy(f);
  const list = Array.isArray(out) ? out : [out];
  const data = list.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  return data;
}

/** Largest |got − want| / max(1, |want|) over all outputs; Infinity on a shape mismatch. */
function worst(got: Float32Array[], want: Float32Array[]): number {
  let w = 0;
  want.forEach((wv, i) => {
    const gv = got[i]!;
    if (gv.length !== wv.length) w = Infinity;
    for (let j = 0; j < wv.length; j++)
      w = Math.max(w, Math.abs(gv[j]! - wv[j]!) / Math.max(1, Math.abs(wv[j]!)));
  });
  return Number.isNaN(w) ? Infinity : w;
}

/** Each (configuration, error) pair above `tol`, for a readable failure. */
function compare(label: string, f: () => tf.Tensor | tf.Tensor[], tol: number): string | null {
  const want = on('cpu', f);
  const got = on('wasm', f);
  const err = worst(got, want);
  return err <= tol ? null : `${label}: ${err}`;
}

const AXIS = [1, 2, 3];
const INPUT = [1, 2, 3, 4, 5];
const PADS: Pad[] = ['same', 'valid'];

/**
 * Every (k, s, in) of the grid for both axes, 'valid' only where the kernel fits; `square`: the
 * input sizes only as h = w (a fifth of the configurations, for the slower gradient checks).
 */
function* grid(square = false) {
  for (const kh of AXIS)
    for (const kw of AXIS)
      for (const sh of AXIS)
        for (const sw of AXIS)
          for (const h of INPUT)
            for (const w of square ? [h] : INPUT)
              for (const pad of PADS)
                if (pad === 'same' || (h >= kh && w >= kw))
                  yield {
                    k: [kh, kw] as [number, number],
                    s: [sh, sw] as [number, number],
                    h,
                    w,
                    pad,
                  };
}

beforeAll(async () => {
  installCustomKernels(tf);
  await tf.setBackend('wasm');
  await tf.setBackend('cpu');
});

// The grids run thousands of small kernels: minutes on a loaded 2-core machine.
describe('wasm convolution kernels equal the cpu backend', { timeout: 600_000 }, () => {
  it('installs idempotently', () => {
    expect(installWasmConvKernels(tf)).toBe(true);
    expect(installWasmConvKernels(tf)).toBe(true);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(installWasmMaxPoolGrad(tf)).toBe(true);
    expect(installWasmMaxPoolGrad(tf)).toBe(true);
  });

  it('MaxPoolGrad passes the gradient of windows whose maximum is negative', () => {
    // 1×1 windows: maxPool is the identity, so d/dx Σ y·[1, 2, 3] = [1, 2, 3] (hand arithmetic).
    const f = () =>
      tf.grad((t: tf.Tensor) =>
        tf
          .maxPool(t as tf.Tensor4D, 1, 1, 'valid')
          .mul(tf.tensor1d([1, 2, 3]))
          .sum(),
      )(tf.tensor4d([0.5, -0.3, -2], [1, 1, 1, 3]));
    expect(Array.from(on('wasm', f)[0]!)).toEqual([1, 2, 3]);
  });

  it('MaxPoolGrad: ties go to the first maximum, as on cpu (ReLU zeros, equal values)', () => {
    // One 2×2 window per channel, row-major [[a, b], [c, d]]; hand arithmetic: the whole
    // gradient (1, 2, 3 per channel) goes to the first of the tied maxima.
    // channel 0: all 0 (a ReLU'd window) → a; channel 1: b = d = 5 → b; channel 2: c = d = −1 → c.
    const x = [0, 1, -3, 0, 5, -2, 0, 2, -1, 0, 5, -1];
    const f = () =>
      tf.grad((t: tf.Tensor) =>
        tf
          .maxPool(t as tf.Tensor4D, 2, 2, 'valid')
          .mul(tf.tensor1d([1, 2, 3]))
          .sum(),
      )(tf.tensor4d(x, [1, 2, 2, 3]));
    const want = [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0];
    expect(Array.from(on('wasm', f)[0]!)).toEqual(want);
    expect(Array.from(on('cpu', f)[0]!)).toEqual(want);
    // The same with 4 channels (the SIMD kernel's path): channel 3 is 7, 7, 9, 9 → c (the 9s).
    const x4 = [0, 1, -3, 7, 0, 5, -2, 7, 0, 2, -1, 9, 0, 5, -1, 9];
    const f4 = () =>
      tf.grad((t: tf.Tensor) =>
        tf
          .maxPool(t as tf.Tensor4D, 2, 2, 'valid')
          .mul(tf.tensor1d([1, 2, 3, 4]))
          .sum(),
      )(tf.tensor4d(x4, [1, 2, 2, 4]));
    const want4 = [1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 4, 0, 0, 0, 0];
    expect(Array.from(on('wasm', f4)[0]!)).toEqual(want4);
    expect(Array.from(on('cpu', f4)[0]!)).toEqual(want4);
  });

  // Numeric pads with a rounding mode are left out: TF.js's stock wasm MaxPool FORWARD writes out
  // of bounds for some (`[2, 1, 7, 1]`, k [1, 3], s [3, 1], pad 0, 'ceil' corrupts the heap), and
  // Keras layers only pool with 'same' or 'valid'.
  it('MaxPoolGrad: NaN and −∞ windows pass nothing; random shapes and pads equal cpu', () => {
    const nan = () =>
      tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid').sum())(
        tf.tensor4d([NaN, NaN, NaN, NaN, -Infinity, -Infinity, -Infinity, -Infinity], [2, 2, 2, 1]),
      );
    expect(Array.from(on('wasm', nan)[0]!)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    const r = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const bad: string[] = [];
    for (let i = 0; i < 60; i++) {
      // Half with channels a multiple of 4: the SIMD kernel's path where windows are apart.
      const [n, h, w] = [r(1, 3), r(1, 11), r(1, 11)];
      const c = i % 4 < 2 ? 4 * r(1, 3) : r(1, 9);
      const k: [number, number] = [r(1, Math.min(4, h)), r(1, Math.min(4, w))];
      const s: [number, number] = [r(1, 3), r(1, 3)];
      const pad = (['same', 'valid'] as const)[i % 2]!;
      // Every third input is ReLU'd (many tied zeros), the rest have distinct values.
      const x = values(n * h * w * c).map((v) => (i % 3 === 1 ? Math.max(0, v) : v));
      const dy = (t: tf.Tensor) => t.mul(tf.randomUniform(t.shape, 0.5, 2, 'float32', i));
      const e = compare(
        `maxPool n${n} ${h}×${w}×${c} k${k} s${s} ${pad}`,
        () =>
          tf.grad((t: tf.Tensor) => dy(tf.maxPool(t as tf.Tensor4D, k, s, pad)).sum())(
            tf.tensor4d(x, [n, h, w, c]),
          ),
        // Overlapping windows add in another order than cpu's loop; apart windows are exact.
        k[0] > s[0] || k[1] > s[1] ? 1e-6 : 0,
      );
      if (e) bad.push(e);
    }
    expect(bad).toEqual([]);
  });

  it('issue 11: Conv2D kernel [1, 2], stride 2, same, on a 1×2 input', () => {
    // Hand arithmetic: out = ceil(2 / 2) = 1 column, no padding: x0·f0 + x1·f1 = 1·3 + 2·4 = 11.
    const f = () =>
      tf.conv2d(tf.tensor4d([1, 2], [1, 1, 2, 1]), tf.tensor4d([3, 4], [1, 2, 1, 1]), 2, 'same');
    expect(Array.from(on('wasm', f)[0]!)).toEqual([11]);
  });

  it('Conv2D and DepthwiseConv2dNative forward: the whole grid within 1e-5', () => {
    const bad: string[] = [];
    for (const { k, s, h, w, pad } of grid()) {
      const x = values(2 * h * w * 2);
      const filter = values(k[0] * k[1] * 2 * 3);
      const dfilter = values(k[0] * k[1] * 2 * 2);
      const label = `k${k} s${s} in ${h}×${w} ${pad}`;
      const conv = compare(
        `conv2d ${label}`,
        () => tf.conv2d(tf.tensor4d(x, [2, h, w, 2]), tf.tensor4d(filter, [...k, 2, 3]), s, pad),
        1e-5,
      );
      // TF.js: depthwise takes strides or dilations > 1, never both, and equal strides.
      const depth =
        s[0] !== s[1]
          ? null
          : compare(
              `depthwise ${label}`,
              () =>
                tf.depthwiseConv2d(
                  tf.tensor4d(x, [2, h, w, 2]),
                  tf.tensor4d(dfilter, [...k, 2, 2]),
                  s,
                  pad,
                ),
              1e-5,
            );
      for (const e of [conv, depth]) if (e) bad.push(e);
    }
    expect(bad).toEqual([]);
  });

  it('fused Conv2D (bias + relu, as tf.layers.conv2d runs it) forward: the grid, square inputs', () => {
    const bad: string[] = [];
    for (const { k, s, h, w, pad } of grid(true)) {
      const x = values(h * w * 2);
      const filter = values(k[0] * k[1] * 2 * 3);
      const bias = values(3);
      const e = compare(
        `fused k${k} s${s} in ${h}×${w} ${pad}`,
        () =>
          tf.fused.conv2d({
            x: tf.tensor4d(x, [1, h, w, 2]),
            filter: tf.tensor4d(filter, [...k, 2, 3]),
            strides: s,
            pad,
            bias: tf.tensor1d(bias),
            activation: 'relu',
          }),
        1e-5,
      );
      if (e) bad.push(e);
    }
    expect(bad).toEqual([]);
  });

  it('MaxPool and AvgPool forward and gradients: the grid, square inputs', () => {
    const bad: string[] = [];
    for (const { k, s, h, w, pad } of grid(true)) {
      const x = values(2 * h * w * 3);
      const label = `k${k} s${s} in ${h}×${w} ${pad}`;
      for (const [name, pool] of [
        ['maxPool', tf.maxPool],
        ['avgPool', tf.avgPool],
      ] as const) {
        const e = compare(
          `${name} ${label}`,
          () => {
            const xt = tf.tensor4d(x, [2, h, w, 3]);
            const y = pool(xt, k, s, pad);
            // A non-uniform upstream gradient: d/dx Σ y² = 2y · dy/dx.
            const g = tf.grad((t: tf.Tensor) =>
              pool(t as tf.Tensor4D, k, s, pad)
                .square()
                .sum(),
            )(xt);
            return [y, g];
          },
          1e-5,
        );
        if (e) bad.push(e);
      }
    }
    expect(bad).toEqual([]);
  });

  it('Conv2D gradients (filter and input) on the grid, square inputs, batch 2, 2 → 3 channels', () => {
    const bad: string[] = [];
    for (const { k, s, h, w, pad } of grid(true)) {
      const x = values(2 * h * w * 2);
      const filter = values(k[0] * k[1] * 2 * 3);
      const e = compare(
        `grad k${k} s${s} in ${h}×${w} ${pad}`,
        () => {
          const xt = tf.tensor4d(x, [2, h, w, 2]);
          const ft = tf.tensor4d(filter, [...k, 2, 3]);
          return tf.grads((...[t, u]: tf.Tensor[]) =>
            tf
              .conv2d(t as tf.Tensor4D, u as tf.Tensor4D, s, pad)
              .square()
              .sum(),
          )([xt, ft]);
        },
        1e-4,
      );
      if (e) bad.push(e);
    }
    expect(bad).toEqual([]);
  });

  it('Conv2DBackpropFilter on random larger shapes, NHWC and NCHW, explicit padding, rounding', () => {
    const r = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const bad: string[] = [];
    for (let i = 0; i < 60; i++) {
      const [n, h, w, cin, cout] = [r(1, 5), r(1, 12), r(1, 12), r(1, 6), r(1, 7)];
      const k: [number, number] = [r(1, Math.min(5, h)), r(1, Math.min(5, w))];
      const s: [number, number] = [r(1, 4), r(1, 4)];
      const pad = (['same', 'valid', 'explicit', 'number'] as const)[i % 4]!;
      const nchw = i % 3 === 0;
      const padArg =
        pad === 'explicit'
          ? nchw
            ? [
                [0, 0],
                [0, 0],
                [r(0, 2), r(0, 2)],
                [r(0, 2), r(0, 2)],
              ]
            : [
                [0, 0],
                [r(0, 2), r(0, 2)],
                [r(0, 2), r(0, 2)],
                [0, 0],
              ]
          : pad === 'number'
            ? r(0, 2)
            : pad;
      const xShape: [number, number, number, number] = nchw ? [n, cin, h, w] : [n, h, w, cin];
      const fShape: [number, number, number, number] = [...k, cin, cout];
      const x = values(size(xShape));
      const rounding = pad === 'number' ? (['floor', 'round', 'ceil'] as const)[i % 3] : undefined;
      let info: ReturnType<typeof tf.backend_util.computeConv2DInfo>;
      try {
        info = tf.backend_util.computeConv2DInfo(
          xShape,
          fShape,
          s,
          1,
          padArg as never,
          rounding,
          false,
          nchw ? 'channelsFirst' : 'channelsLast',
        );
      } catch {
        continue;
      }
      if (info.outHeight < 1 || info.outWidth < 1) continue;
      const dyShape = nchw
        ? [n, cout, info.outHeight, info.outWidth]
        : [n, info.outHeight, info.outWidth, cout];
      const dy = values(size(dyShape));
      const e = compare(
        `filter grad ${JSON.stringify({ xShape, fShape, s, padArg, nchw, rounding })}`,
        () =>
          tf
            .engine()
            .runKernel(
              'Conv2DBackpropFilter',
              { x: tf.tensor(x, xShape), dy: tf.tensor(dy, dyShape) },
              {
                strides: s,
                pad: padArg,
                dataFormat: nchw ? 'NCHW' : 'NHWC',
                dimRoundingMode: rounding,
                filterShape: fShape,
              } as never,
            ) as tf.Tensor,
        1e-4,
      );
      if (e) bad.push(e);
    }
    expect(bad).toEqual([]);
  });

  it('Conv2DBackpropInput, strides 2–3 (phase decomposition): random configs equal cpu', () => {
    const r = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const bad: string[] = [];
    let checked = 0;
    for (let i = 0; i < 80; i++) {
      const [n, cin, cout] = [r(1, 3), r(1, 5), r(1, 6)];
      const k: [number, number] = [r(1, 5), r(1, 5)];
      // Odd and even sizes, at least one kernel per axis for 'valid'.
      const h = r(k[0], 13);
      const w = r(k[1], 13);
      const s: [number, number] = [r(2, 3), i % 5 === 0 ? r(1, 3) : r(2, 3)];
      const pad = (['same', 'valid', 'explicit'] as const)[i % 3]!;
      const padArg =
        pad === 'explicit'
          ? [
              [0, 0],
              [r(0, k[0] - 1), r(0, k[0] - 1)],
              [r(0, k[1] - 1), r(0, k[1] - 1)],
              [0, 0],
            ]
          : pad;
      const xShape: [number, number, number, number] = [n, h, w, cin];
      const fShape: [number, number, number, number] = [...k, cin, cout];
      const info = tf.backend_util.computeConv2DInfo(xShape, fShape, s, 1, padArg as never);
      if (info.outHeight < 1 || info.outWidth < 1) continue;
      const dyShape = [n, info.outHeight, info.outWidth, cout];
      const dy = values(size(dyShape));
      const filter = values(size(fShape));
      checked++;
      const e = compare(
        `input grad ${JSON.stringify({ xShape, fShape, s, padArg })}`,
        () =>
          tf
            .engine()
            .runKernel(
              'Conv2DBackpropInput',
              { dy: tf.tensor(dy, dyShape), filter: tf.tensor(filter, fShape) },
              { strides: s, pad: padArg, dataFormat: 'NHWC', inputShape: xShape } as never,
            ) as tf.Tensor,
        1e-4,
      );
      if (e) bad.push(e);
    }
    expect(checked).toBeGreaterThan(60);
    expect(bad).toEqual([]);
  });

  it('frees every intermediate of the strided input gradient', () => {
    tf.setBackend('wasm');
    const x = tf.ones([2, 9, 9, 3]) as tf.Tensor4D;
    const f = tf.ones([3, 3, 3, 5]) as tf.Tensor4D;
    const step = () =>
      tf.grad((t: tf.Tensor) => tf.conv2d(t as tf.Tensor4D, f, 2, 'same').sum())(x);
    tf.dispose(step());
    const before = tf.engine().backend.numDataIds();
    for (let i = 0; i < 3; i++) tf.dispose(step());
    expect(tf.engine().backend.numDataIds()).toBe(before);
    tf.dispose([x, f]);
  });

  it('frees every intermediate of the filter gradient', () => {
    tf.setBackend('wasm');
    const x = tf.ones([4, 9, 9, 3]) as tf.Tensor4D;
    const f = tf.ones([3, 3, 3, 5]) as tf.Tensor4D;
    const step = () =>
      tf.grads((...[t, u]: tf.Tensor[]) =>
        tf.conv2d(t as tf.Tensor4D, u as tf.Tensor4D, 2, 'same').sum(),
      )([x, f]);
    tf.dispose(step());
    const before = tf.engine().backend.numDataIds();
    for (let i = 0; i < 3; i++) tf.dispose(step());
    expect(tf.engine().backend.numDataIds()).toBe(before);
    tf.dispose([x, f]);
  });
});
