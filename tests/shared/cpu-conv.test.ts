/**
 * The cpu Conv2DBackpropFilter (shared/tfjs/cpu-conv.ts) against TF.js's stock cpu kernel, the
 * reference (captured before the replacement is installed), on random shapes, strides, paddings,
 * rounding modes and both data formats; and one hand-computed case.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../../shared/datasets/random.ts';
import { installCpuConvFilterGrad } from '../../shared/tfjs/cpu-conv.ts';

const stock = tf.getKernel('Conv2DBackpropFilter', 'cpu')!;
const random = rng(5);
const values = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function filterGrad(
  kernel: typeof stock | 'registered',
  x: tf.Tensor,
  dy: tf.Tensor,
  attrs: Record<string, unknown>,
): Float32Array {
  if (kernel === 'registered') {
    const out = tf
      .engine()
      .runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor;
    const v = out.dataSync() as Float32Array;
    out.dispose();
    return v;
  }
  const backend = tf.engine().backend;
  const info = kernel.kernelFunc({
    inputs: { x, dy },
    backend,
    attrs: attrs as never,
  }) as tf.TensorInfo;
  const v = backend.readSync(info.dataId) as Float32Array;
  backend.disposeData(info.dataId);
  return v;
}

describe('cpu Conv2DBackpropFilter', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    expect(installCpuConvFilterGrad(tf)).toBe(true);
    expect(installCpuConvFilterGrad(tf)).toBe(true); // idempotent
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')).not.toBe(stock);
  });

  it('hand case: 1×3×3×1 input, 2×2 filter, stride 1, valid', () => {
    // dW[i, j] = Σ_{y, x} X[y + i, x + j] · dY[y, x] with X = 1..9, dY = [[1, 0], [0, 2]].
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const dy = tf.tensor4d([1, 0, 0, 2], [1, 2, 2, 1]);
    const got = filterGrad('registered', x, dy, {
      strides: [1, 1],
      pad: 'valid',
      dataFormat: 'NHWC',
      filterShape: [2, 2, 1, 1],
    });
    // [1·1 + 5·2, 2·1 + 6·2, 4·1 + 8·2, 5·1 + 9·2]
    expect(Array.from(got)).toEqual([11, 14, 20, 23]);
    tf.dispose([x, dy]);
  });

  it('equals the stock kernel on 60 random configurations within 1e-6', () => {
    const r = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const bad: string[] = [];
    let checked = 0;
    for (let i = 0; i < 60; i++) {
      const [n, h, w, cin, cout] = [r(1, 4), r(1, 11), r(1, 11), r(1, 5), r(1, 6)];
      const k: [number, number] = [r(1, Math.min(5, h)), r(1, Math.min(5, w))];
      const s: [number, number] = [r(1, 3), r(1, 3)];
      const nchw = i % 3 === 0;
      const kind = (['same', 'valid', 'explicit', 'number'] as const)[i % 4]!;
      const pad =
        kind === 'explicit'
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
          : kind === 'number'
            ? r(0, 2)
            : kind;
      const dimRoundingMode =
        kind === 'number' ? (['floor', 'round', 'ceil'] as const)[i % 3] : undefined;
      const xShape: [number, number, number, number] = nchw ? [n, cin, h, w] : [n, h, w, cin];
      const filterShape: [number, number, number, number] = [...k, cin, cout];
      let info;
      try {
        info = tf.backend_util.computeConv2DInfo(
          xShape,
          filterShape,
          s,
          1,
          pad as never,
          dimRoundingMode,
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
      const x = tf.tensor(values(size(xShape)), xShape);
      const dy = tf.tensor(values(size(dyShape)), dyShape);
      const attrs = {
        strides: s,
        pad,
        dataFormat: nchw ? 'NCHW' : 'NHWC',
        dimRoundingMode,
        filterShape,
      };
      const want = filterGrad(stock, x, dy, attrs);
      const got = filterGrad('registered', x, dy, attrs);
      checked++;
      let worst = got.length === want.length ? 0 : Infinity;
      for (let j = 0; j < want.length; j++)
        worst = Math.max(worst, Math.abs(got[j]! - want[j]!) / Math.max(1, Math.abs(want[j]!)));
      if (!(worst <= 1e-6)) bad.push(`${JSON.stringify(attrs)} x ${xShape}: ${worst}`);
      tf.dispose([x, dy]);
    }
    expect(checked).toBeGreaterThan(40);
    expect(bad).toEqual([]);
  });
});
