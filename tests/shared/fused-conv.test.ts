/**
 * The fused Conv2D (shared/tfjs/fused-conv.ts) equals the plain `tf.layers.conv2d` layer, output
 * and every gradient, on cpu, wasm and webgpu (Dawn), and runs fewer kernels; forms it does not
 * fuse are left to the plain layer.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { fuseConv2DLayer } from '../../shared/tfjs/fused-conv.ts';
import { setWebGpuFlags } from '../../shared/tfjs/webgpu-flags.ts';
import {
  countDispatches,
  startWebGpu,
  stopWebGpu,
  webgpuDescribe,
} from '../support/webgpu-node.ts';

const gpu = await startWebGpu(tf);
if (gpu.ok) setWebGpuFlags(tf);
afterAll(() => stopWebGpu(tf));

const free = (layer: tf.layers.Layer) =>
  layer.weights.forEach((w) => (w as unknown as { dispose(): void }).dispose());

const values = (n: number, seed: number, scale = 1) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * scale);

interface Case {
  activation: 'relu' | 'elu' | 'sigmoid' | 'tanh';
  xShape: [number, number, number, number];
  filters: number;
  kernel: [number, number];
  strides: [number, number];
  padding: 'same' | 'valid';
  useBias: boolean;
  dilation?: [number, number];
}

/** Output and gradients (input, kernel, bias) of `sum(layer(x) · r)` for fixed weights. */
async function run(c: Case, fused: boolean) {
  const layer = tf.layers.conv2d({
    filters: c.filters,
    kernelSize: c.kernel,
    strides: c.strides,
    padding: c.padding,
    activation: c.activation,
    useBias: c.useBias,
    dilationRate: c.dilation ?? [1, 1],
  });
  layer.build([null, ...c.xShape.slice(1)]);
  const inC = c.xShape[3];
  const kSize = c.kernel[0] * c.kernel[1] * inC * c.filters;
  layer.setWeights([
    tf.tensor(values(kSize, 1, 0.4), [...c.kernel, inC, c.filters]),
    ...(c.useBias ? [tf.tensor(values(c.filters, 2, 0.3), [c.filters])] : []),
  ]);
  if (fused) fuseConv2DLayer(tf, layer);
  const size = c.xShape.reduce((a, b) => a * b);
  const x = tf.tensor(values(size, 3, 1.5), c.xShape);
  const shape = (tf.tidy(() => layer.apply(x) as tf.Tensor) as tf.Tensor).shape;
  const r = tf.tensor(
    values(
      shape.reduce((a, b) => a * b),
      4,
    ),
    shape,
  );
  const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const f = (xi: tf.Tensor) => tf.sum(tf.mul(layer.apply(xi) as tf.Tensor, r)) as tf.Scalar;
  const { grads } = tf.variableGrads(() => f(x), weights);
  const dx = tf.grad(f)(x);
  const y = tf.tidy(() => layer.apply(x) as tf.Tensor);
  const out = {
    y: await y.data(),
    yShape: y.shape,
    dx: await dx.data(),
    dw: await Promise.all(weights.map((w) => grads[w.name]!.data())),
  };
  tf.dispose([x, r, dx, y, ...Object.values(grads)]);
  free(layer);
  return out;
}

const CASES: Case[] = [
  {
    activation: 'relu',
    xShape: [3, 9, 9, 2],
    filters: 4,
    kernel: [3, 3],
    strides: [1, 1],
    padding: 'valid',
    useBias: true,
  },
  {
    activation: 'relu',
    xShape: [2, 8, 7, 3],
    filters: 5,
    kernel: [3, 3],
    strides: [2, 2],
    padding: 'same',
    useBias: true,
  },
  {
    activation: 'elu',
    xShape: [2, 6, 6, 1],
    filters: 3,
    kernel: [2, 3],
    strides: [1, 2],
    padding: 'same',
    useBias: true,
  },
  {
    activation: 'sigmoid',
    xShape: [2, 7, 7, 2],
    filters: 2,
    kernel: [1, 1],
    strides: [1, 1],
    padding: 'valid',
    useBias: true,
  },
  {
    activation: 'relu',
    xShape: [2, 6, 6, 2],
    filters: 3,
    kernel: [3, 3],
    strides: [1, 1],
    padding: 'same',
    useBias: false,
  },
  // Not fused (another activation): the plain layer runs, same numbers. (A dilated Conv2D has
  // no gradient in TF.js at all: conv2d's gradient rejects dilation > 1.)
  {
    activation: 'tanh',
    xShape: [2, 6, 6, 2],
    filters: 3,
    kernel: [3, 3],
    strides: [1, 1],
    padding: 'same',
    useBias: true,
  },
];

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number) {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++)
    worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
  expect(worst).toBeLessThanOrEqual(tol);
}

async function compare(backend: string, tol: number) {
  await tf.setBackend(backend);
  for (const c of CASES) {
    const want = await run(c, false);
    const got = await run(c, true);
    expect(got.yShape).toEqual(want.yShape);
    expect(want.dx.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    expectClose(got.y, want.y, tol);
    expectClose(got.dx, want.dx, tol);
    expect(got.dw.length).toBe(c.useBias ? 2 : 1);
    got.dw.forEach((g, i) => expectClose(g, want.dw[i]!, tol));
  }
}

describe('fused Conv2D (convolution + bias + activation in one kernel while training)', () => {
  it('equals the plain layer on cpu: output and every gradient', async () => {
    await compare('cpu', 1e-5);
  });

  it('equals the plain layer on wasm', async () => {
    await compare('wasm', 1e-4);
  });

  it('runs one FusedConv2D forward under the tape, no Add or Relu', async () => {
    await tf.setBackend('cpu');
    const layer = tf.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu' });
    layer.build([null, 5, 5, 1]);
    fuseConv2DLayer(tf, layer);
    const x = tf.ones([1, 5, 5, 1]);
    const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const info = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(layer.apply(x) as tf.Tensor) as tf.Scalar,
        weights,
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    const names = info.kernels.map((k) => k.name);
    expect(names).toContain('FusedConv2D');
    expect(names).not.toContain('Relu');
    expect(names).not.toContain('Conv2D');
    expect(names).toContain('Conv2DBackpropFilter');
    x.dispose();
    free(layer);
  });
});

webgpuDescribe(gpu, 'fused Conv2D on webgpu (Dawn)', () => {
  it('equals the plain layer within 1e-4 and runs at least 3 fewer dispatches', async () => {
    await compare('webgpu', 1e-4);
    await tf.setBackend('webgpu');
    const count = async (fused: boolean) => {
      const layer = tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' });
      layer.build([null, 10, 10, 4]);
      if (fused) fuseConv2DLayer(tf, layer);
      const x = tf.ones([2, 10, 10, 4]);
      const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const c = await countDispatches(async () => {
        const { value, grads } = tf.variableGrads(
          () => tf.sum(layer.apply(x) as tf.Tensor) as tf.Scalar,
          weights,
        );
        await value.data();
        tf.dispose([value, ...Object.values(grads)]);
      });
      x.dispose();
      free(layer);
      return c.dispatches;
    };
    const plain = await count(false);
    const fused = await count(true);
    expect(plain - fused).toBeGreaterThanOrEqual(3);
  });
});
