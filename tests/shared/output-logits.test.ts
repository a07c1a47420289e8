/**
 * The loss of a softmax/sigmoid output is taken from its logits, as Keras's TensorFlow backend
 * (`_keras_logits`) and the generated PyTorch (`nn.CrossEntropyLoss`, `nn.BCEWithLogitsLoss`) take
 * it: shared/tfjs/output-logits.ts, shared/training/losses.ts. Expected values are worked out by
 * hand in the comments, or come from TF.js's own autodiff of the textbook formula.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { lossPlan } from '../../shared/codegen/loss.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { setWebGpuFlags } from '../../shared/tfjs/webgpu-flags.ts';
import {
  keepOutputLogits,
  outputLogits,
  withOutputLogits,
} from '../../shared/tfjs/output-logits.ts';
import {
  lossTensor,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
} from '../../shared/training/losses.ts';
import { makeOptimizer } from '../../shared/training/optimizer.ts';
import { graphOf } from './graph-builder.ts';
import { lower } from './onnx-helpers.ts';
import {
  countDispatches,
  startWebGpu,
  stopWebGpu,
  webgpuDescribe,
} from '../support/webgpu-node.ts';

const gpu = await startWebGpu(tf);
if (gpu.ok) setWebGpuFlags(tf);
afterAll(() => stopWebGpu(tf));

/** -log(1e-7): the clipped cross-entropy's ceiling. */
const CLIP_CEILING = 16.11809565;

function close(actual: ArrayLike<number>, expected: number[], tol: number) {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i]! - e)).toBeLessThan(tol));
}

/** Input [1] → Dense(units, activation). Weights set by the caller. */
function denseModel(units: number, activation: string) {
  const graph = graphOf(
    [
      ['in', 'Input', { shape: [1] }],
      ['out', 'Dense', { units, activation }],
    ],
    ['in->out'],
  );
  const ir = lower(graph);
  return { ir, model: buildModel(tf, ir, { seed: 3 }) };
}

describe('cross-entropies from logits (cpu)', () => {
  // beforeEach: the wasm and webgpu tests below switch the backend, in whatever order they run.
  beforeEach(async () => {
    await tf.setBackend('cpu');
  });

  it('softmaxCrossEntropy: a hand case, value and gradient, no clipping', async () => {
    // Row 0: z = [1000, 0, 0], label 1: logsumexp = 1000, z_y = 0 → 1000.
    // Row 1: z = [0, 0, 0], label 2: log 3 = 1.0986123. Mean: 500.54931.
    const z = tf.tensor2d([
      [1000, 0, 0],
      [0, 0, 0],
    ]);
    const t = tf.tensor1d([1, 2]);
    const g = tf.grad((zz: tf.Tensor) => softmaxCrossEntropy(tf, zz, t, null));
    const loss = softmaxCrossEntropy(tf, z, t, null);
    close(await loss.data(), [500.54931], 1e-3);
    // (softmax(z) − t) / 2: row 0 [1, −1, 0]/2, row 1 [1/3, 1/3, −2/3]/2.
    close(await g(z).data(), [0.5, -0.5, 0, 1 / 6, 1 / 6, -1 / 3], 1e-6);
  });

  it('softmaxCrossEntropy equals TF.js autodiff of −mean Σ t·logSoftmax(z) on moderate logits', async () => {
    const z = tf.randomNormal([7, 5], 0, 3, 'float32', 11);
    const ids = [0, 4, 2, 2, 1, 3, 0];
    const t = tf.oneHot(tf.tensor1d(ids, 'int32'), 5).toFloat();
    const textbook = (zz: tf.Tensor) =>
      tf.neg(tf.mean(tf.sum(tf.mul(t, tf.logSoftmax(zz)), -1))) as tf.Scalar;
    const ours = (zz: tf.Tensor) => softmaxCrossEntropy(tf, zz, tf.tensor1d(ids), null);
    close(await ours(z).data(), Array.from(await textbook(z).data()), 1e-5);
    close(await tf.grad(ours)(z).data(), Array.from(await tf.grad(textbook)(z).data()), 1e-6);
  });

  it('sigmoidCrossEntropy: a hand case, value and gradient, no clipping', async () => {
    // max(z,0) − z·t + log(1 + e^−|z|): z −50, t 1 → 50; z 0, t 0 → ln 2; z 30, t 0 → 30.
    const z = tf.tensor2d([[-50], [0], [30]]);
    const t = tf.tensor2d([[1], [0], [0]]);
    const f = (zz: tf.Tensor) => sigmoidCrossEntropy(tf, zz, t, null);
    close(await f(z).data(), [(50 + Math.LN2 + 30) / 3], 1e-4);
    // (sigmoid(z) − t) / 3: [−1/3, 0.5/3, 1/3].
    close(await tf.grad(f)(z).data(), [-1 / 3, 0.5 / 3, 1 / 3], 1e-6);
  });

  it('a softmax Dense output trains from its logits inside withOutputLogits, clipped outside', async () => {
    const { ir, model } = denseModel(3, 'softmax');
    // z = x·W + b = [1000, 0, 0] for x = [1].
    model.layers.at(-1)!.setWeights([tf.tensor2d([[1000, 0, 0]]), tf.zeros([3])]);
    const plan = lossPlan(ir, 'sparse_categorical_crossentropy');
    const x = tf.tensor2d([[1]]);
    const y = tf.tensor1d([1]);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () =>
        withOutputLogits(() =>
          lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
        ),
      vars,
    );
    close(await value.data(), [1000], 1e-3);
    // dW = xᵀ·(p − t) = [[1, −1, 0]]; db = [1, −1, 0].
    close(await grads[vars[0]!.name]!.data(), [1, -1, 0], 1e-6);
    close(await grads[vars[1]!.name]!.data(), [1, -1, 0], 1e-6);
    // Outside withOutputLogits the probabilities are clipped: −log(1e-7).
    const clipped = lossTensor(tf, plan, model.apply(x) as tf.Tensor, y);
    close(await clipped.data(), [CLIP_CEILING], 1e-3);
    tf.dispose([value, ...Object.values(grads), clipped, x, y]);
    model.dispose();
  });

  it('a sigmoid Dense output (not fused) gives binary_crossentropy its logits', async () => {
    const { ir, model } = denseModel(1, 'sigmoid');
    model.layers.at(-1)!.setWeights([tf.tensor2d([[-50]]), tf.zeros([1])]);
    const plan = lossPlan(ir, 'binary_crossentropy');
    const x = tf.tensor2d([[1]]);
    const y = tf.tensor1d([1]);
    const loss = withOutputLogits(() =>
      lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
    );
    close(await loss.data(), [50], 1e-4);
    const clipped = lossTensor(tf, plan, model.apply(x) as tf.Tensor, y);
    close(await clipped.data(), [CLIP_CEILING], 1e-3);
    tf.dispose([loss, clipped, x, y]);
    model.dispose();
  });

  it('an output Softmax layer (last axis) hands its logits over too', async () => {
    const graph = graphOf(
      [
        ['in', 'Input', { shape: [1] }],
        ['d', 'Dense', { units: 3 }],
        ['sm', 'Softmax', { axis: -1 }],
      ],
      ['in->d', 'd->sm'],
    );
    const ir = lower(graph);
    const model = buildModel(tf, ir, { seed: 3 });
    model.layers
      .find((l) => l.getClassName() === 'Dense')!
      .setWeights([tf.tensor2d([[1000, 0, 0]]), tf.zeros([3])]);
    const plan = lossPlan(ir, 'auto');
    const x = tf.tensor2d([[1]]);
    const y = tf.tensor1d([2]);
    const loss = withOutputLogits(() =>
      lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
    );
    close(await loss.data(), [1000], 1e-3);
    tf.dispose([loss, x, y]);
    model.dispose();
  });

  it('as in Keras, a tensor made after the softmax carries no logits', async () => {
    const layer = tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [2] });
    expect(keepOutputLogits(tf, layer)).toBe(true);
    expect(keepOutputLogits(tf, tf.layers.dense({ units: 3, activation: 'relu' }))).toBe(false);
    const x = tf.ones([4, 2]);
    withOutputLogits(() => {
      const y = layer.apply(x) as tf.Tensor;
      const found = outputLogits(y);
      expect(found?.activation).toBe('softmax');
      expect(found?.logits.shape).toEqual([4, 3]);
      expect(outputLogits(tf.reshape(y, [12]))).toBeNull();
      expect(outputLogits(tf.mul(y, 1))).toBeNull();
    });
    // Outside withOutputLogits nothing is kept.
    const later = layer.apply(x) as tf.Tensor;
    expect(outputLogits(later)).toBeNull();
    tf.dispose([x, later]);
    layer.dispose();
  });

  it('training steps keep no tensors: the kept logits are freed after each step', async () => {
    const lowered = lowerGraph(loadTemplate('mnist-mlp').graph);
    if (!lowered.ok) throw new Error('mnist-mlp does not lower');
    const model = buildModel(tf, lowered.ir, { seed: 1 });
    const plan = lossPlan(lowered.ir, 'auto');
    const optimizer = makeOptimizer(tf, { optimizer: 'adam', learningRate: 0.001 });
    const x = tf.randomUniform([8, 784], 0, 1, 'float32', 5);
    const y = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7]);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const step = () => {
      const loss = optimizer.minimize(
        () =>
          withOutputLogits(() =>
            lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
          ),
        true,
        vars,
      )!;
      const v = loss.dataSync()[0]!;
      loss.dispose();
      return v;
    };
    const first = step(); // creates the optimizer's slots
    const before = tf.memory().numTensors;
    const losses = [step(), step(), step()];
    expect(tf.memory().numTensors).toBe(before);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[2]!).toBeLessThan(first);
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });
});

/**
 * Value and gradient of `softmaxCrossEntropy` on the current backend, for: moderate logits, a
 * saturated row (1000 vs 0), an id past the last class (a zero one-hot row: loss and gradient 0) and
 * a fractional id (truncated).
 */
async function ceCases(): Promise<number[]> {
  const z = tf.tensor2d([3.5, -2, 0.25, 8, 1, -7, 0, 0, 2.5, -1, 4, 6, 1000, 0, 0], [5, 3]);
  const labels = tf.tensor1d([2, 0, 1, 7, 1.75]);
  const f = (zz: tf.Tensor) => softmaxCrossEntropy(tf, zz, labels, null);
  const out = [...(await f(z).data()), ...(await tf.grad(f)(z).data())];
  tf.dispose([z, labels]);
  return out;
}

describe('cross-entropies from logits (wasm)', () => {
  it('equal the cpu backend, value and gradient', async () => {
    await tf.setBackend('cpu');
    const cpu = await ceCases();
    // By hand, row by row (label → loss = logsumexp(z) − z_label):
    const rows = [
      3.25 + Math.log(1 + Math.exp(-5.5) + Math.exp(-3.25)), // [3.5, −2, 0.25], 2
      Math.log(1 + Math.exp(-7) + Math.exp(-15)), // [8, 1, −7], 0
      2.5 + Math.log(1 + 2 * Math.exp(-2.5)), // [0, 0, 2.5], 1
      0, // [−1, 4, 6], 7: no such class, a zero one-hot row
      1000, // [1000, 0, 0], 1.75 → 1: no clipping at −log(1e-7)
    ];
    expect(Math.abs(cpu[0]! - rows.reduce((a, b) => a + b, 0) / 5)).toBeLessThan(1e-4);
    // Gradient rows 3 and 4: zero (no class) and ([1, 0, 0] − [0, 1, 0]) / 5.
    close(cpu.slice(1 + 9, 1 + 15), [0, 0, 0, 0.2, -0.2, 0], 1e-6);
    await tf.setBackend('wasm');
    close(await ceCases(), cpu, 1e-5);
  });
});

webgpuDescribe(gpu, 'cross-entropies from logits on webgpu (Dawn)', () => {
  it('the two softmax cross-entropy kernels equal the cpu composition, value and gradient', async () => {
    await tf.setBackend('cpu');
    const cpu = await ceCases();
    await tf.setBackend('webgpu');
    close(await ceCases(), cpu, 1e-4);
  });

  it('equal cpu, and the MLP step runs at least 25 fewer dispatches than the clipped loss', async () => {
    await tf.setBackend('cpu');
    const lowered = lowerGraph(loadTemplate('mnist-mlp').graph);
    if (!lowered.ok) throw new Error('mnist-mlp does not lower');
    const plan = lossPlan(lowered.ir, 'auto');
    const grads = async (backend: string, logits: boolean) => {
      await tf.setBackend(backend);
      const model = buildModel(tf, lowered.ir, { seed: 1 });
      const x = tf.randomUniform([16, 784], 0, 1, 'float32', 9);
      const y = tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 10));
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const run = () =>
        tf.variableGrads(() => {
          const f = () => lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y);
          return logits ? withOutputLogits(f) : f();
        }, vars);
      const once = run();
      const values = [...(await once.value.data()), ...(await grads0(once.grads[vars[0]!.name]!))];
      tf.dispose([once.value, ...Object.values(once.grads)]);
      const counted = await countDispatches(async () => {
        const r = run();
        await r.value.data();
        tf.dispose([r.value, ...Object.values(r.grads)]);
      });
      tf.dispose([x, y]);
      model.dispose();
      return { values, dispatches: counted.dispatches };
    };
    const grads0 = async (g: tf.Tensor) => Array.from(await g.data()).slice(0, 2000);
    const cpu = await grads('cpu', true);
    const webgpu = await grads('webgpu', true);
    close(webgpu.values, cpu.values, 1e-4);
    const clipped = await grads('webgpu', false);
    expect(clipped.dispatches - webgpu.dispatches).toBeGreaterThanOrEqual(25);
  });
});
