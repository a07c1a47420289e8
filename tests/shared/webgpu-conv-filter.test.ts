import * as tf from '@tensorflow/tfjs';
import { afterAll, expect, it } from 'vitest';
import { rng } from '../../shared/datasets/random.ts';
import { installWebGpuConvFilter } from '../../shared/tfjs/webgpu-conv-filter.ts';
import { startWebGpu, stopWebGpu, webgpuDescribe } from '../support/webgpu-node.ts';

const gpu = await startWebGpu(tf);
afterAll(() => stopWebGpu(tf));

type Pad = 'valid' | 'same' | number;
interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
}

/** Conv2DBackpropFilter on the current backend, through the kernel registry (tf.engine). */
async function filterGrad(
  backend: string,
  c: Case,
  xv: Float32Array,
  dyShape: number[],
  dyv: Float32Array,
) {
  await tf.setBackend(backend);
  const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter };
  const out = tf.tidy(
    () =>
      tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x: tf.tensor4d(xv, c.x), dy: tf.tensor(dyv, dyShape) },
          attrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor,
  );
  const data = await out.data();
  const shape = out.shape;
  out.dispose();
  return { data, shape };
}

webgpuDescribe(gpu, 'webgpu Conv2DBackpropFilter (tiled reduction)', () => {
  it('is the one registered for webgpu (installed once, idempotent)', () => {
    const before = tf.getKernel('Conv2DBackpropFilter', 'webgpu');
    expect(installWebGpuConvFilter(tf)).toBe(true);
    expect(tf.getKernel('Conv2DBackpropFilter', 'webgpu')).toBe(before);
    const k = tf.getKernel('Conv2DBackpropFilter', 'webgpu');
    expect(
      k && (k as unknown as Record<symbol, boolean>)[Symbol.for('netwright.webgpuConvFilter')],
    ).toBe(true);
  });

  it('equals the cpu backend over strides, padding and shapes (random inputs, 1e-4)', async () => {
    const r = rng(7);
    const cases: Case[] = [
      { x: [2, 6, 6, 1], filter: [3, 3, 1, 4], strides: [1, 1], pad: 'valid' },
      { x: [3, 7, 5, 2], filter: [3, 3, 2, 3], strides: [1, 1], pad: 'same' },
      { x: [2, 9, 8, 3], filter: [3, 2, 3, 5], strides: [2, 2], pad: 'valid' },
      { x: [1, 8, 8, 2], filter: [5, 5, 2, 2], strides: [2, 1], pad: 'same' },
      { x: [2, 5, 5, 17], filter: [1, 1, 17, 18], strides: [1, 1], pad: 'valid' },
      { x: [2, 6, 7, 3], filter: [3, 3, 3, 2], strides: [1, 2], pad: 1 },
      // Many output positions: several slices of the reduction, then the sum dispatch.
      { x: [40, 12, 12, 1], filter: [3, 3, 1, 8], strides: [1, 1], pad: 'valid' },
    ];
    for (const c of cases) {
      const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
      const dyShape = [c.x[0], info.outHeight, info.outWidth, c.filter[3]];
      const xv = Float32Array.from({ length: c.x.reduce((a, b) => a * b) }, () => r() * 2 - 1);
      const dyv = Float32Array.from({ length: dyShape.reduce((a, b) => a * b) }, () => r() * 2 - 1);
      const want = await filterGrad('cpu', c, xv, dyShape, dyv);
      const got = await filterGrad('webgpu', c, xv, dyShape, dyv);
      expect(got.shape).toEqual(c.filter);
      expect(got.data.length).toBe(want.data.length);
      let worst = 0;
      for (let i = 0; i < want.data.length; i++)
        worst = Math.max(
          worst,
          Math.abs(got.data[i]! - want.data[i]!) / Math.max(1, Math.abs(want.data[i]!)),
        );
      expect(worst, JSON.stringify(c)).toBeLessThan(1e-4);
    }
  });
});
