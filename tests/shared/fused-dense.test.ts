import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { installCustomKernels } from '../../shared/tfjs/custom-kernels.ts';
import { setWebGpuFlags } from '../../shared/tfjs/webgpu-flags.ts';
import { fuseDenseLayer, fusedDense } from '../../shared/tfjs/fused-dense.ts';
import {
  countDispatches,
  startWebGpu,
  stopWebGpu,
  webgpuDescribe,
} from '../support/webgpu-node.ts';

const gpu = await startWebGpu(tf);
// The app's flags: with WEBGPU_CPU_FORWARD=false small element-wise ops stay on the GPU too.
if (gpu.ok) setWebGpuFlags(tf);
afterAll(() => stopWebGpu(tf));

/** Frees a layer's weights (`Layer.dispose` only works on a layer applied to symbolic tensors). */
const free = (layer: tf.layers.Layer) =>
  layer.weights.forEach((w) => (w as unknown as { dispose(): void }).dispose());

const values = (n: number, seed: number, scale = 1) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * scale);

interface Case {
  activation: 'relu' | 'elu' | 'sigmoid';
  xShape: number[];
  units: number;
  useBias: boolean;
}

/**
 * Output and gradients (w.r.t. the input, kernel, bias) of `sum(layer(x) · r)` for a Dense layer
 * with fixed weights, plain (`tf.layers.dense` as TF.js ships it) or fused.
 */
async function run(c: Case, fused: boolean) {
  const inputs = c.xShape[c.xShape.length - 1]!;
  const layer = tf.layers.dense({ units: c.units, activation: c.activation, useBias: c.useBias });
  layer.build([null, ...c.xShape.slice(1)]);
  layer.setWeights([
    tf.tensor(values(inputs * c.units, 1, 0.7), [inputs, c.units]),
    ...(c.useBias ? [tf.tensor(values(c.units, 2, 0.5), [c.units])] : []),
  ]);
  if (fused) fuseDenseLayer(tf, layer);
  const size = c.xShape.reduce((a, b) => a * b);
  const x = tf.tensor(values(size, 3, 2), c.xShape);
  const r = tf.tensor(values((size / inputs) * c.units, 4), [...c.xShape.slice(0, -1), c.units]);
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
  { activation: 'relu', xShape: [9, 13], units: 7, useBias: true },
  { activation: 'elu', xShape: [9, 13], units: 7, useBias: true },
  { activation: 'sigmoid', xShape: [9, 13], units: 7, useBias: true },
  { activation: 'relu', xShape: [5, 13], units: 3, useBias: false },
  { activation: 'elu', xShape: [2, 4, 6], units: 5, useBias: true }, // a sequence: rank 3
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
    // The gradients must be non-trivial for the comparison to mean something.
    expect(want.dx.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    expectClose(got.y, want.y, tol);
    expectClose(got.dx, want.dx, tol);
    expect(got.dw.length).toBe(c.useBias ? 2 : 1);
    got.dw.forEach((g, i) => expectClose(g, want.dw[i]!, tol));
  }
}

/** Kernel names TF.js runs for the forward and backward of one fused or plain relu Dense. */
async function kernels(fused: boolean): Promise<string[]> {
  const layer = tf.layers.dense({ units: 4, activation: 'relu' });
  layer.build([null, 3]);
  if (fused) fuseDenseLayer(tf, layer);
  const x = tf.ones([2, 3]);
  const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const info = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(
      () => tf.sum(layer.apply(x) as tf.Tensor) as tf.Scalar,
      weights,
    );
    tf.dispose([value, ...Object.values(grads)]);
  });
  x.dispose();
  free(layer);
  return info.kernels.map((k) => k.name);
}

describe('fused Dense (matmul + bias + activation in one kernel while training)', () => {
  beforeAll(() => {
    installCustomKernels(tf);
  });

  it('equals the plain layer on cpu exactly: output and every gradient', async () => {
    await compare('cpu', 0);
  });

  it('equals the plain layer on wasm (XNNPACK sums in its own order: within 1e-5)', async () => {
    await compare('wasm', 1e-5);
  });

  it('runs one _FusedMatMul forward under a gradient tape, where TF.js runs matmul, add, relu', async () => {
    await tf.setBackend('cpu');
    const plain = await kernels(false);
    const fused = await kernels(true);
    expect(plain).toContain('Relu');
    expect(plain).not.toContain('_FusedMatMul');
    expect(fused).toContain('_FusedMatMul');
    expect(fused).not.toContain('Relu');
    expect(fused).not.toContain('Add');
    // Forward: BatchMatMul + Add + Relu → one _FusedMatMul. Backward: the kernel gradient only
    // (dW = xᵀ·dz; x is no variable, so no dx is computed), as TF.js's own tape does.
    const count = (ks: string[], name: string) => ks.filter((k) => k === name).length;
    expect(count(fused, '_FusedMatMul')).toBe(1);
    expect(count(fused, 'BatchMatMul')).toBe(1);
    expect(count(plain, 'BatchMatMul')).toBe(2);
    expect(count(fused, 'Step')).toBe(1); // relu' from y
  });

  it('leaves linear, tanh and non-Dense layers to TF.js', async () => {
    await tf.setBackend('cpu');
    for (const activation of ['linear', 'tanh'] as const) {
      const layer = tf.layers.dense({ units: 2, activation });
      const call = layer.call;
      fuseDenseLayer(tf, layer);
      layer.build([null, 3]);
      const y = tf.tidy(() => layer.apply(tf.ones([1, 3])) as tf.Tensor);
      expect(y.shape).toEqual([1, 2]);
      y.dispose();
      expect(layer.call).not.toBe(call); // wrapped, but it hands these to the original call
      free(layer);
    }
    const conv = tf.layers.conv2d({ filters: 1, kernelSize: 1 });
    const call = conv.call;
    expect(fuseDenseLayer(tf, conv).call).toBe(call);
  });

  it('rejects an activation without a fused gradient and mismatched shapes, by name', async () => {
    await tf.setBackend('cpu');
    const x = tf.ones([2, 3]);
    const w = tf.ones([3, 4]);
    expect(() => fusedDense(tf, x, w, null, 'tanh')).toThrow(/activation "tanh"/);
    expect(() => fusedDense(tf, x, tf.ones([4, 4]), null, 'relu')).toThrow(
      /input \[2,3\] does not fit kernel \[4,4\]/,
    );
    tf.dispose([x, w]);
  });

  it('keeps the MLP template’s layer classes, configs and weight names (save/load unchanged)', async () => {
    await tf.setBackend('cpu');
    const lowered = lowerGraph(loadTemplate('mnist-mlp').graph);
    if (!lowered.ok) throw new Error('template does not lower');
    const model = buildModel(tf, lowered.ir, { seed: 1 });
    const dense1 = model.getLayer('dense_1');
    expect(dense1.getClassName()).toBe('Dense');
    expect(dense1.getConfig()).toMatchObject({ units: 128, activation: 'relu', useBias: true });
    expect(model.getWeights().length).toBe(6);
    expect(dense1.weights.map((w) => w.originalName)).toEqual(['dense_1/kernel', 'dense_1/bias']);
    // The model's prediction equals the stock layers' on the same weights.
    const x = tf.tensor(values(2 * 784, 5), [2, 784]);
    const y = model.predict(x) as tf.Tensor;
    let h: tf.Tensor = x;
    for (const name of ['dense_1', 'dense_2', 'dense_3']) {
      const [k, b] = model.getLayer(name).getWeights();
      const act = (model.getLayer(name).getConfig() as { activation: string }).activation;
      const z = tf.add(tf.matMul(h, k!), b!);
      h = act === 'relu' ? tf.relu(z) : act === 'softmax' ? tf.softmax(z) : z;
    }
    expectClose(await y.data(), await h.data(), 1e-6);
    model.dispose();
  });
});

webgpuDescribe(gpu, 'fused Dense on webgpu (Dawn)', () => {
  it('equals the plain layer within 1e-4 and runs 3 fewer dispatches (2 forward, 1 in the ReLU gradient)', async () => {
    await compare('webgpu', 1e-4);
    await tf.setBackend('webgpu');
    const count = async (fused: boolean) => {
      const layer = tf.layers.dense({ units: 16, activation: 'relu' });
      layer.build([null, 8]);
      if (fused) fuseDenseLayer(tf, layer);
      const x = tf.ones([4, 8]);
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
    expect(plain - fused).toBe(3);
  });
});
