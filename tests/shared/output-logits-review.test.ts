/**
 * Review of the "loss from the output's logits" change (shared/tfjs/output-logits.ts,
 * shared/training/losses.ts, shared/tfjs/build-model.ts, shared/training/train.ts). Expected
 * values are worked out by hand in the comments, or come from an independent computation (TF.js
 * autodiff of the textbook formula, or float64 JavaScript), never from the code under test.
 * Tests marked `// Was a bug:` failed when the review was written and say what was wrong; the
 * fixes: logits kept as a clone, passed on through Activation linear / an unchanged Dropout
 * (`passOutputLogits`), and a cross-entropy on more than one score row per example refused.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { lossPlan } from '../../shared/codegen/loss.ts';
import { trainingSchema } from '../../shared/graph/project.ts';
import type { Dataset } from '../../shared/datasets/types.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import {
  keepOutputLogits,
  outputLogits,
  withOutputLogits,
} from '../../shared/tfjs/output-logits.ts';
import { lossTensor, softmaxCrossEntropy } from '../../shared/training/losses.ts';
import { makeOptimizer } from '../../shared/training/optimizer.ts';
import { probeCheck, probeSpeed } from '../../shared/training/probe.ts';
import { createControl, evaluate, train } from '../../shared/training/train.ts';
import { graphOf } from './graph-builder.ts';
import { lower } from './onnx-helpers.ts';
import { startWebGpu, stopWebGpu, webgpuDescribe } from '../support/webgpu-node.ts';
import { hasWebGpuKernel } from '../../shared/tfjs/webgpu-program.ts';
import { SOFTMAX_CE } from '../../shared/tfjs/webgpu-softmax-ce.ts';

const gpu = await startWebGpu(tf);
afterAll(() => stopWebGpu(tf));

/** -log(1e-7): what the clipped cross-entropy gives for a probability at or below 1e-7. */
const CLIP_CEILING = 16.11809565;
const settings = (over: Record<string, unknown>) => trainingSchema.parse(over);

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d < tol)) throw new Error(`index ${i}: ${actual[i]} vs ${expected[i]} (tol ${tol})`);
  }
}

const irOf = (id: string): ModelIR => {
  const r = lowerGraph(loadTemplate(id).graph);
  if (!r.ok) throw new Error(`${id} does not lower`);
  return r.ir;
};

/** Input [n] → Dense(units, activation). */
function denseModel(units: number, activation: string, n = 1) {
  const ir = lower(
    graphOf(
      [
        ['in', 'Input', { shape: [n] }],
        ['out', 'Dense', { units, activation }],
      ],
      ['in->out'],
    ),
  );
  return { ir, model: buildModel(tf, ir, { seed: 3 }) };
}

/** Variables' gradients of `loss` (a function of the model), as plain arrays, tensors freed. */
function gradsOf(model: tf.LayersModel, loss: () => tf.Scalar) {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(loss, vars);
  const out = {
    value: value.dataSync()[0]!,
    grads: vars.map((v) => Array.from(grads[v.name]!.dataSync())),
  };
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

/** `gradsOf` with asynchronous reads (webgpu has no dataSync in Node). */
async function gradsOfAsync(model: tf.LayersModel, loss: () => tf.Scalar) {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(loss, vars);
  const out = {
    value: (await value.data())[0]!,
    grads: await Promise.all(vars.map(async (v) => Array.from(await grads[v.name]!.data()))),
  };
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

/** Textbook (sparse) categorical CE on probabilities, no clipping: −mean log p[y]. */
const textbookCE = (p: tf.Tensor, y: tf.Tensor, units: number) =>
  tf.neg(
    tf.mean(tf.sum(tf.mul(tf.oneHot(y.toInt(), units).toFloat(), tf.log(p)), -1)),
  ) as tf.Scalar;

/** Textbook binary CE on probabilities, no clipping. */
const textbookBCE = (p: tf.Tensor, t: tf.Tensor) =>
  tf.neg(
    tf.mean(tf.add(tf.mul(t, tf.log(p)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, p))))),
  ) as tf.Scalar;

beforeEach(async () => {
  await tf.setBackend('cpu');
});

describe('withOutputLogits: lifetime of the kept logits', () => {
  it('frees the kept logits and restores the state when f throws', () => {
    const layer = tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [2] });
    keepOutputLogits(tf, layer);
    const x = tf.ones([4, 2]);
    layer.apply(x); // builds the layer (weights) outside the count
    const before = tf.memory().numTensors;
    let escaped: tf.Tensor | null = null;
    expect(() =>
      withOutputLogits(() => {
        escaped = tf.keep(layer.apply(x) as tf.Tensor);
        expect(outputLogits(escaped)).not.toBeNull();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    // The output (kept by us) is all that is left; its logits are gone.
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(outputLogits(escaped!)).toBeNull();
    // Outside any withOutputLogits nothing is collected any more.
    const later = layer.apply(x) as tf.Tensor;
    expect(outputLogits(later)).toBeNull();
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([escaped!, later, x]);
    layer.dispose();
  });

  it('nested calls: the inner logits are freed at the inner end, the outer ones at the outer end', () => {
    const layer = tf.layers.dense({ units: 3, activation: 'sigmoid', inputShape: [2] });
    keepOutputLogits(tf, layer);
    const x = tf.ones([2, 2]);
    tf.dispose(layer.apply(x) as tf.Tensor);
    const before = tf.memory().numTensors;
    tf.tidy(() =>
      withOutputLogits(() => {
        const outer = layer.apply(x) as tf.Tensor;
        let inner: tf.Tensor | null = null;
        withOutputLogits(() => {
          inner = layer.apply(x) as tf.Tensor;
          expect(outputLogits(inner)?.activation).toBe('sigmoid');
          expect(outputLogits(outer)?.activation).toBe('sigmoid');
        });
        expect(outputLogits(inner!)).toBeNull();
        const found = outputLogits(outer);
        expect(found).not.toBeNull();
        expect(found!.logits.isDisposed).toBe(false);
      }),
    );
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    layer.dispose();
  });

  it('an output computed in one withOutputLogits carries no logits into the next one', () => {
    const layer = tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [2] });
    keepOutputLogits(tf, layer);
    const x = tf.ones([2, 2]);
    const y = withOutputLogits(() => tf.keep(layer.apply(x) as tf.Tensor));
    withOutputLogits(() => expect(outputLogits(y)).toBeNull());
    tf.dispose([x, y]);
    layer.dispose();
  });

  // Was a bug: withOutputLogits disposes the activation's *input* when f ends, even when that input is
  // a tensor the caller owns (a softmax applied straight to the model input: Input → Activation
  // softmax / Input → Softmax). output-logits.ts:62 `collecting.push(tf.keep(x))` and :84
  // `t.dispose()` treat every input as their own. Low impact in the app (only a model with no
  // layer before its softmax; train()/evaluate() dispose their batch afterwards anyway), but a
  // caller that reuses `x` then gets "Tensor is disposed".
  it('does not dispose a tensor the caller owns (softmax applied to the model input)', () => {
    const ir = lower(
      graphOf(
        [
          ['in', 'Input', { shape: [3] }],
          ['sm', 'Activation', { activation: 'softmax' }],
        ],
        ['in->sm'],
      ),
    );
    const model = buildModel(tf, ir, { seed: 1 });
    const plan = lossPlan(ir, 'sparse_categorical_crossentropy');
    const x = tf.tensor2d([[0, 0, Math.log(2)]]);
    const y = tf.tensor1d([2]);
    const loss = withOutputLogits(() =>
      lossTensor(tf, plan, model.apply(x, { training: false }) as tf.Tensor, y),
    );
    // softmax([0, 0, ln 2]) = [1/4, 1/4, 1/2]: −ln(1/2).
    close(loss.dataSync(), [Math.LN2], 1e-5);
    expect(x.isDisposed).toBe(false);
    tf.dispose([loss, x, y]);
    model.dispose();
  });
});

describe('lossTensor from the logits, against hand values (cpu)', () => {
  it('sparse and categorical CE give the same, and a saturated softmax Dense gets p − t', () => {
    const { ir, model } = denseModel(4, 'softmax', 2);
    // x = [1, 0] → z = [200, 0, −100, 0]; x = [0, 1] → z = [0, 0, 0, 0].
    model.layers.at(-1)!.setWeights([
      tf.tensor2d([
        [200, 0, -100, 0],
        [0, 0, 0, 0],
      ]),
      tf.zeros([4]),
    ]);
    const x = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const y = tf.tensor1d([2, 3]);
    // Row 0: logsumexp = 200, z_y = −100 → 300. Row 1: ln 4. Mean (300 + ln 4)/2.
    const expected = (300 + Math.log(4)) / 2;
    // dz = (p − t)/2: row 0 [1, 0, −1, 0]/2, row 1 [1/4, 1/4, 1/4, −3/4]/2.
    // dW = xᵀ dz = rows of dz (x is the identity); db = Σ rows.
    const dz = [
      [0.5, 0, -0.5, 0],
      [0.125, 0.125, 0.125, -0.375],
    ];
    for (const loss of ['sparse_categorical_crossentropy', 'categorical_crossentropy'] as const) {
      const plan = lossPlan(ir, loss);
      const r = gradsOf(model, () =>
        withOutputLogits(() =>
          lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
        ),
      );
      expect(Math.abs(r.value - expected)).toBeLessThan(1e-3);
      close(r.grads[0]!, dz.flat(), 1e-6);
      close(r.grads[1]!, [0.625, 0.125, -0.375, -0.375], 1e-6);
    }
    tf.dispose([x, y]);
    model.dispose();
  });

  it('binary CE from a saturated sigmoid Dense: value and gradient by hand', () => {
    const { ir, model } = denseModel(1, 'sigmoid', 1);
    model.layers.at(-1)!.setWeights([tf.tensor2d([[40]]), tf.zeros([1])]);
    const plan = lossPlan(ir, 'binary_crossentropy');
    // z = 40·x: x = [1, −1, 0], t = [0, 0, 1]: losses 40, log(1+e^−40) ≈ 4.2e−18, ln 2.
    const x = tf.tensor2d([[1], [-1], [0]]);
    const y = tf.tensor1d([0, 0, 1]);
    const r = gradsOf(model, () =>
      withOutputLogits(() =>
        lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
      ),
    );
    expect(Math.abs(r.value - (40 + Math.LN2) / 3)).toBeLessThan(1e-4);
    // dz = (σ(z) − t)/3 = [1, ~0, −0.5]/3; dW = Σ x·dz = (1 − 0 + 0)/3; db = (1 + 0 − 0.5)/3.
    close(r.grads[0]!, [1 / 3], 1e-6);
    close(r.grads[1]!, [0.5 / 3], 1e-6);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('binary CE on int32 labels works from the logits too', () => {
    const { ir, model } = denseModel(1, 'sigmoid', 1);
    model.layers.at(-1)!.setWeights([tf.tensor2d([[1]]), tf.zeros([1])]);
    const plan = lossPlan(ir, 'binary_crossentropy');
    const x = tf.tensor2d([[0], [0]]);
    const y = tf.tensor1d([0, 1], 'int32');
    const loss = withOutputLogits(() =>
      lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
    );
    close(loss.dataSync(), [Math.LN2], 1e-6);
    tf.dispose([loss, x, y]);
    model.dispose();
  });

  it('a linear output with a cross-entropy (from_logits) gets the unclipped loss and p − t', () => {
    const { ir, model } = denseModel(3, 'linear', 1);
    model.layers.at(-1)!.setWeights([tf.tensor2d([[0, 500, 0]]), tf.zeros([3])]);
    const plan = lossPlan(ir, 'sparse_categorical_crossentropy');
    expect(plan.fromLogits).toBe(true);
    const x = tf.tensor2d([[1]]);
    const y = tf.tensor1d([0]);
    // Outside withOutputLogits too: z = [0, 500, 0], label 0 → 500; dz = [−1, 1, 0].
    const r = gradsOf(model, () =>
      lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
    );
    expect(Math.abs(r.value - 500)).toBeLessThan(1e-3);
    close(r.grads[0]!, [-1, 1, 0], 1e-6);
    close(r.grads[1]!, [-1, 1, 0], 1e-6);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('a sigmoid output with a categorical CE (mismatch) still takes the clipped probabilities', () => {
    const { ir, model } = denseModel(2, 'sigmoid', 1);
    model.layers.at(-1)!.setWeights([tf.tensor2d([[0, 0]]), tf.zeros([2])]);
    const plan = lossPlan(ir, 'sparse_categorical_crossentropy');
    const x = tf.tensor2d([[1]]);
    const y = tf.tensor1d([1]);
    // σ(0) = [0.5, 0.5] divided by its sum → [0.5, 0.5]: −ln 0.5.
    const loss = withOutputLogits(() =>
      lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
    );
    close(loss.dataSync(), [Math.LN2], 1e-6);
    tf.dispose([loss, x, y]);
    model.dispose();
  });

  it('mse on a softmax output is unaffected by the kept logits (equals autodiff of the formula)', () => {
    const { ir, model } = denseModel(3, 'softmax', 2);
    const plan = lossPlan(ir, 'mse');
    const x = tf.randomNormal([4, 2], 0, 2, 'float32', 3);
    const y = tf.tensor1d([0, 1, 2, 1]);
    const ours = gradsOf(model, () =>
      withOutputLogits(() =>
        lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
      ),
    );
    const ref = gradsOf(model, () => {
      const p = model.apply(x, { training: true }) as tf.Tensor;
      return tf.mean(tf.square(tf.sub(p, tf.oneHot(y.toInt(), 3).toFloat()))) as tf.Scalar;
    });
    expect(Math.abs(ours.value - ref.value)).toBeLessThan(1e-6);
    ours.grads.forEach((g, i) => close(g, ref.grads[i]!, 1e-6));
    tf.dispose([x, y]);
    model.dispose();
  });

  it('moderate logits: value and gradients equal autodiff of the textbook formula (3 losses)', () => {
    for (const [activation, units, loss] of [
      ['softmax', 5, 'sparse_categorical_crossentropy'],
      ['softmax', 5, 'categorical_crossentropy'],
      ['sigmoid', 1, 'binary_crossentropy'],
      ['sigmoid', 3, 'binary_crossentropy'],
    ] as const) {
      const { ir, model } = denseModel(units, activation, 4);
      const plan = lossPlan(ir, loss);
      const x = tf.randomNormal([6, 4], 0, 1, 'float32', 7);
      const y = tf.tensor1d(
        Array.from({ length: 6 }, (_, i) => (activation === 'softmax' ? i % units : i % 2)),
      );
      const ours = gradsOf(model, () =>
        withOutputLogits(() =>
          lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
        ),
      );
      const ref = gradsOf(model, () => {
        const p = model.apply(x, { training: true }) as tf.Tensor;
        return activation === 'softmax'
          ? textbookCE(p, y, units)
          : textbookBCE(p, y.reshape([6, 1]));
      });
      expect(Math.abs(ours.value - ref.value)).toBeLessThan(1e-5);
      ours.grads.forEach((g, i) => close(g, ref.grads[i]!, 1e-5));
      tf.dispose([x, y]);
      model.dispose();
    }
  });

  it('a sigmoid Dense on a [3, 4] input ([B, 3, 1]) with binary CE: equals the textbook formula', () => {
    const ir = lower(
      graphOf(
        [
          ['in', 'Input', { shape: [3, 4] }],
          ['out', 'Dense', { units: 1, activation: 'sigmoid' }],
        ],
        ['in->out'],
      ),
    );
    const model = buildModel(tf, ir, { seed: 5 });
    const plan = lossPlan(ir, 'binary_crossentropy');
    const x = tf.randomNormal([5, 3, 4], 0, 1, 'float32', 2);
    const y = tf.tensor1d([0, 1, 1, 0, 1]);
    const ours = gradsOf(model, () =>
      withOutputLogits(() =>
        lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
      ),
    );
    const ref = gradsOf(model, () =>
      textbookBCE((model.apply(x) as tf.Tensor).reshape([5, 3]), y.reshape([5, 1])),
    );
    expect(Math.abs(ours.value - ref.value)).toBeLessThan(1e-5);
    ours.grads.forEach((g, i) => close(g, ref.grads[i]!, 1e-5));
    tf.dispose([x, y]);
    model.dispose();
  });

  // Was a bug: for an output of rank > 2 the cross-entropy from logits flattens it and treats the
  // flattened row as one distribution. losses.ts lossTensor passes `kept.logits.reshape([batch,
  // -1])` (and, for a linear output, `flat`) to softmaxCrossEntropy, which takes
  // `classes = z.shape[1]` (15 here, not 5) for its one-hot: the value is a softmax over all 15
  // entries while the gradient uses the model's per-position softmax (p·mass − t), so value and
  // gradient disagree, and no error is raised. Before the change (and outside withOutputLogits)
  // the same call throws "Operands could not be broadcast together with shapes 2,5 and 2,15", as
  // Keras's and PyTorch's sparse cross-entropies reject labels [B] for outputs [B, 3, 5].
  // (The app's checkDatasetFit refuses such outputs before training, so this is API-level.)
  for (const activation of ['softmax', 'linear'] as const) {
    it(`a ${activation} Dense giving [B, 3, 5] with a sparse CE throws as before, never a silent value`, () => {
      const ir = lower(
        graphOf(
          [
            ['in', 'Input', { shape: [3, 4] }],
            ['out', 'Dense', { units: 5, activation }],
          ],
          ['in->out'],
        ),
      );
      const model = buildModel(tf, ir, { seed: 5 });
      const plan = lossPlan(ir, 'sparse_categorical_crossentropy');
      const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 2);
      const y = tf.tensor1d([0, 1]);
      const before = tf.memory().numTensors;
      const attempt = (logits: boolean): string => {
        try {
          const f = () => lossTensor(tf, plan, model.apply(x) as tf.Tensor, y);
          const l = tf.tidy(() => (logits ? withOutputLogits(f) : f()));
          const v = l.dataSync()[0]!;
          l.dispose();
          return `value ${v}`;
        } catch {
          return 'throws';
        }
      };
      if (activation === 'softmax') expect(attempt(false)).toBe('throws');
      expect(attempt(true)).toBe('throws');
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, y]);
      model.dispose();
    });
  }
});

describe('which outputs hand their logits over', () => {
  it('a functional graph (Add of two branches) whose output op is a softmax Dense', () => {
    const ir = lower(
      graphOf(
        [
          ['in', 'Input', { shape: [2] }],
          ['a', 'Dense', { units: 2 }],
          ['b', 'Dense', { units: 2 }],
          ['add', 'Add', {}],
          ['out', 'Dense', { units: 3, activation: 'softmax' }],
        ],
        ['in->a', 'in->b', 'a->add', 'b->add', 'add->out'],
      ),
    );
    expect(ir.isChain).toBe(false);
    const model = buildModel(tf, ir, { seed: 1 });
    const set = (name: string, w: number[][], b: number[]) =>
      model.getLayer(name).setWeights([tf.tensor2d(w), tf.tensor1d(b)]);
    const names = ir.ops.map((op) => op.name);
    // a = x, b = 0 → add = x; out: z = [300·x0, 0, 0].
    set(
      names[1]!,
      [
        [1, 0],
        [0, 1],
      ],
      [0, 0],
    );
    set(
      names[2]!,
      [
        [0, 0],
        [0, 0],
      ],
      [0, 0],
    );
    set(
      names[4]!,
      [
        [300, 0, 0],
        [0, 0, 0],
      ],
      [0, 0, 0],
    );
    const plan = lossPlan(ir, 'auto');
    const x = tf.tensor2d([[1, 0]]);
    const y = tf.tensor1d([1]);
    // logsumexp([300, 0, 0]) − 0 = 300.
    const r = gradsOf(model, () =>
      withOutputLogits(() =>
        lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
      ),
    );
    expect(Math.abs(r.value - 300)).toBeLessThan(1e-3);
    // dz = p − t = [1, −1, 0]; the out kernel's gradient = addᵀ dz = [[1, −1, 0], [0, 0, 0]].
    const outIndex = model.trainableWeights.findIndex((w) => w.name.startsWith(names[4]!));
    close(r.grads[outIndex]!, [1, -1, 0, 0, 0, 0], 1e-6);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('a Conv2D with softmax (1×1 output) hands its logits over', () => {
    const ir = lower(
      graphOf(
        [
          ['in', 'Input', { shape: [1, 1, 1] }],
          ['out', 'Conv2D', { filters: 3, kernel_size: [1, 1], activation: 'softmax' }],
        ],
        ['in->out'],
      ),
    );
    const model = buildModel(tf, ir, { seed: 1 });
    model.layers.at(-1)!.setWeights([tf.tensor4d([[[[0, 0, 250]]]]), tf.zeros([3])]);
    const plan = lossPlan(ir, 'auto');
    const x = tf.ones([1, 1, 1, 1]);
    const y = tf.tensor1d([0]);
    const loss = withOutputLogits(() =>
      lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
    );
    close(loss.dataSync(), [250], 1e-3);
    tf.dispose([loss, x, y]);
    model.dispose();
  });

  it('the config still says softmax, weights and predictions are untouched, save/load round-trips', async () => {
    const ir = irOf('mnist-mlp');
    const model = buildModel(tf, ir, { seed: 1 });
    const last = model.layers.at(-1)!;
    expect((last.getConfig() as { activation: string }).activation).toBe('softmax');
    expect(model.getWeights().map((w) => w.shape)).toEqual([
      [784, 128],
      [128],
      [128, 64],
      [64],
      [64, 10],
      [10],
    ]);
    let artifacts: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const x = tf.randomUniform([3, 784], 0, 1, 'float32', 4);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    close(await b.data(), await a.data(), 1e-6);
    const sums = Array.from(await tf.sum(a, -1).data());
    close(sums, [1, 1, 1], 1e-5);
    tf.dispose([x, a, b]);
    loaded.dispose();
    model.dispose();
  });

  // Was a bug: Dense(softmax) → Activation(linear): Keras's linear activation returns its input, so the
  // model output still carries `_keras_logits` and Keras takes the loss from the logits; the
  // generated PyTorch drops the softmax and uses nn.CrossEntropyLoss (outputActivationOp in
  // shared/codegen/loss.ts looks through the linear Activation). Here only the output op's layer
  // is wrapped (build-model.ts:88, `isOutput`), and tfjs-layers clones an output that equals its
  // input (Layer.apply), so the app clips: 16.118 instead of 1000.
  it('Dense(softmax) → Activation(linear): the loss comes from the logits, as Keras and PyTorch', () => {
    const ir = lower(
      graphOf(
        [
          ['in', 'Input', { shape: [1] }],
          ['d', 'Dense', { units: 3, activation: 'softmax' }],
          ['lin', 'Activation', { activation: 'linear' }],
        ],
        ['in->d', 'd->lin'],
      ),
    );
    const model = buildModel(tf, ir, { seed: 1 });
    model.layers
      .find((l) => l.getClassName() === 'Dense')!
      .setWeights([tf.tensor2d([[1000, 0, 0]]), tf.zeros([3])]);
    const plan = lossPlan(ir, 'auto');
    expect(plan.loss).toBe('sparse_categorical_crossentropy');
    const x = tf.tensor2d([[1]]);
    const y = tf.tensor1d([1]);
    const loss = withOutputLogits(() =>
      lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
    );
    // logsumexp([1000, 0, 0]) − 0 = 1000.
    close(loss.dataSync(), [1000], 1e-3);
    tf.dispose([loss, x, y]);
    model.dispose();
  });

  // Was a bug: same root cause as the test above. Keras 3's Dropout returns its input unchanged in
  // inference, so an evaluated Dense(softmax) → Dropout output still carries `_keras_logits` and
  // Keras's evaluate takes the loss from the logits; the app's evaluate() (train.ts) clips:
  // the Dense is not the output op, so it is never wrapped (build-model.ts:88), and tfjs-layers'
  // Layer.apply clones an output equal to its input, so the WeakMap key would not match anyway.
  it('Dense(softmax) → Dropout, evaluated: the loss comes from the logits, as in Keras', async () => {
    const ir = lower(
      graphOf(
        [
          ['in', 'Input', { shape: [1] }],
          ['d', 'Dense', { units: 3, activation: 'softmax' }],
          ['drop', 'Dropout', { rate: 0.5 }],
        ],
        ['in->d', 'd->drop'],
      ),
    );
    const model = buildModel(tf, ir, { seed: 1 });
    model.layers
      .find((l) => l.getClassName() === 'Dense')!
      .setWeights([tf.tensor2d([[1000, 0, 0]]), tf.zeros([3])]);
    const plan = lossPlan(ir, 'auto');
    const split = { x: Float32Array.from([1]), y: Float32Array.from([1]), count: 1 };
    const ev = await evaluate(tf, model, plan, split, null, [1]);
    // logsumexp([1000, 0, 0]) − 0 = 1000.
    expect(Math.abs(ev!.loss - 1000)).toBeLessThan(1e-3);
    model.dispose();
  });
});

/** A learnable 10-class image set: class k lights up rows 2k..2k+2 of a 28×28 image, plus noise. */
function stripes(count: number, seed: number): Dataset {
  let s = seed >>> 0;
  const rand = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const x = new Float32Array(count * 784);
  const y = new Float32Array(count);
  for (let n = 0; n < count; n++) {
    const k = n % 10;
    y[n] = k;
    for (let i = 0; i < 784; i++) {
      const row = Math.floor(i / 28);
      x[n * 784 + i] = (row >= 2 * k + 2 && row < 2 * k + 5 ? 0.8 : 0) + 0.2 * rand();
    }
  }
  return {
    id: 'stripes',
    title: 'stripes',
    featureShape: [784],
    featureNames: [],
    task: { kind: 'classification', numClasses: 10, classNames: [...'0123456789'] },
    train: { x, y, count },
    test: null,
    notes: [],
  };
}

/** −mean log p[y] in float64 from the model's probabilities (an independent evaluation). */
async function meanNll(model: tf.LayersModel, data: Dataset, shape: number[]): Promise<number> {
  const x = tf.tensor(data.train.x, [data.train.count, ...shape]);
  const p = model.predict(x) as tf.Tensor;
  const probs = await p.data();
  tf.dispose([x, p]);
  let sum = 0;
  for (let n = 0; n < data.train.count; n++) sum -= Math.log(probs[n * 10 + data.train.y[n]!]!);
  return sum / data.train.count;
}

describe('the full train() loop from the logits', () => {
  for (const [template, shape] of [
    ['mnist-mlp', [784]],
    ['mnist-cnn', [28, 28, 1]],
  ] as const) {
    it(`${template}: finite decreasing losses, no leaks, evaluate = independent NLL, predict sums to 1`, async () => {
      const ir = irOf(template);
      const data = stripes(template === 'mnist-cnn' ? 60 : 200, 3);
      data.featureShape = [...shape];
      const model = buildModel(tf, ir, { seed: 1 });
      const before = tf.memory().numTensors;
      const counts: number[] = [];
      const losses: number[] = [];
      const result = await train(tf, model, ir, data, {
        settings: settings({
          epochs: template === 'mnist-cnn' ? 3 : 5,
          batchSize: 20,
          learningRate: 0.003,
          validationSplit: 0.2,
          seed: 1,
        }),
        onBatches: (p) => losses.push(...p.losses),
        onEpoch: () => void counts.push(tf.memory().numTensors),
      });
      expect(result.status).toBe('done');
      await result.settled;
      expect(new Set(counts).size).toBe(1);
      expect(tf.memory().numTensors).toBe(before);
      expect(losses.every(Number.isFinite)).toBe(true);
      const h = result.history;
      expect(h.at(-1)!.loss).toBeLessThan(h[0]!.loss);
      expect(h.every((e) => Number.isFinite(e.val_loss))).toBe(true);
      // evaluate (from the logits, unsaturated) = −mean log p[y] computed here in float64.
      const ev = await evaluate(tf, model, result.plan, data.train, null, shape, {
        batchSize: 64,
      });
      const nll = await meanNll(model, data, [...shape]);
      expect(Math.abs(ev!.loss - nll)).toBeLessThan(1e-4 * Math.max(1, nll));
      expect(tf.memory().numTensors).toBe(before);
      const x = tf.tensor(data.train.x.subarray(0, 5 * 784), [5, ...shape]);
      const p = model.predict(x) as tf.Tensor;
      close(await tf.sum(p, -1).data(), [1, 1, 1, 1, 1], 1e-5);
      tf.dispose([x, p]);
      model.dispose();
    });
  }

  it('evaluate of a saturated softmax output gives the logits loss (1000), not the clip (16.1)', async () => {
    const { ir, model } = denseModel(3, 'softmax', 1);
    model.layers.at(-1)!.setWeights([tf.tensor2d([[1000, 0, 0]]), tf.zeros([3])]);
    const plan = lossPlan(ir, 'auto');
    const split = { x: Float32Array.from([1, 0]), y: Float32Array.from([1, 0]), count: 2 };
    const before = tf.memory().numTensors;
    // Row 0 z = [1000, 0, 0], label 1: 1000. Row 1 z = 0, label 0: ln 3. Mean (1000 + ln 3)/2.
    const ev = await evaluate(tf, model, plan, split, null, [1], { batchSize: 1 });
    expect(Math.abs(ev!.loss - (1000 + Math.log(3)) / 2)).toBeLessThan(1e-3);
    expect(ev!.loss).toBeGreaterThan(CLIP_CEILING);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('Stop during the validation pass abandons it without leaking', async () => {
    const ir = irOf('mnist-mlp');
    // 1200 rows, half for validation: one training batch of 600, a validation pass of two
    // chunks (512 + 88). Stop comes at the yield after the first validation chunk.
    const data = stripes(1200, 5);
    const model = buildModel(tf, ir, { seed: 2 });
    const before = tf.memory().numTensors;
    const control = createControl();
    let yields = 0;
    let chunks = 0;
    const result = await train(tf, model, ir, data, {
      settings: settings({ epochs: 3, batchSize: 600, validationSplit: 0.5, seed: 1 }),
      control,
      yieldToEvents: async () => {
        yields++;
        if (yields === 2) {
          chunks = 1;
          control.requestStop();
        }
      },
      yieldEveryMs: 0,
    });
    await result.settled;
    expect(chunks).toBe(1);
    expect(result.status).toBe('stopped');
    expect(result.history).toHaveLength(1);
    expect(result.history[0]!.val_loss).toBeNull();
    expect(Number.isFinite(result.history[0]!.loss)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('probeSpeed / probeCheck on mnist-mlp train and leave no tensors behind', async () => {
    const ir = irOf('mnist-mlp');
    const data = stripes(64, 9);
    const before = tf.memory().numTensors;
    const s = settings({ batchSize: 16, seed: 1 });
    const r = await probeSpeed(tf, ir, data, s, { maxSteps: 3, budgetMs: 10_000 });
    expect(r.steps).toBe(3);
    expect(r.samplesPerSecond).toBeGreaterThan(0);
    await probeCheck(tf, ir, data, s);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('other backends: wasm and webgpu', () => {
  const moderate = async (backend: string) => {
    await tf.setBackend(backend);
    const ir = irOf('mnist-mlp');
    const model = buildModel(tf, ir, { seed: 4 });
    const plan = lossPlan(ir, 'auto');
    const x = tf.randomUniform([8, 784], 0, 1, 'float32', 6);
    const y = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7]);
    const ours = await gradsOfAsync(model, () =>
      withOutputLogits(() =>
        lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
      ),
    );
    const ref = await gradsOfAsync(model, () =>
      textbookCE(model.apply(x, { training: true }) as tf.Tensor, y, 10),
    );
    tf.dispose([x, y]);
    model.dispose();
    return { ours, ref };
  };
  const saturated = async (backend: string) => {
    await tf.setBackend(backend);
    const { ir, model } = denseModel(3, 'softmax', 1);
    model.layers.at(-1)!.setWeights([tf.tensor2d([[90, -90, 0]]), tf.zeros([3])]);
    const plan = lossPlan(ir, 'auto');
    const x = tf.tensor2d([[1], [-1]]);
    const y = tf.tensor1d([1, 0]);
    const r = await gradsOfAsync(model, () =>
      withOutputLogits(() =>
        lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
      ),
    );
    tf.dispose([x, y]);
    model.dispose();
    return r;
  };
  const check = async (backend: string) => {
    const { ours, ref } = await moderate(backend);
    expect(Math.abs(ours.value - ref.value)).toBeLessThan(1e-4);
    ours.grads.forEach((g, i) => close(g, ref.grads[i]!, 1e-4));
    // z = [90, −90, 0]·x: row 0 (x 1) label 1: 180; row 1 (x −1) z = [−90, 90, 0], label 0: 180.
    // dz = (p − t)/2: row 0 [1, −1, 0]/2, row 1 [−1, 1, 0]/2. dW = Σ x·dz = [1, −1, 0];
    // db = Σ dz = [0, 0, 0].
    const s = await saturated(backend);
    close([s.value], [180], 1e-2);
    close(s.grads[0]!, [1, -1, 0], 1e-5);
    close(s.grads[1]!, [0, 0, 0], 1e-5);
  };

  it('wasm: equals autodiff of the textbook formula, and the saturated hand case', async () => {
    await check('wasm');
  });

  it('wasm: training steps keep no tensors', async () => {
    await tf.setBackend('wasm');
    const ir = irOf('mnist-mlp');
    const model = buildModel(tf, ir, { seed: 1 });
    const plan = lossPlan(ir, 'auto');
    const optimizer = makeOptimizer(tf, { optimizer: 'adam', learningRate: 0.001 });
    const x = tf.randomUniform([8, 784], 0, 1, 'float32', 5);
    const y = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7]);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const step = () => {
      const l = optimizer.minimize(
        () =>
          withOutputLogits(() =>
            lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
          ),
        true,
        vars,
      )!;
      const v = l.dataSync()[0]!;
      l.dispose();
      return v;
    };
    const first = step();
    const before = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    const later = [step(), step(), step(), step()];
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.memory().numBytes).toBe(bytes);
    expect(later.every(Number.isFinite)).toBe(true);
    expect(later.at(-1)!).toBeLessThan(first);
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });

  webgpuDescribe(gpu, 'webgpu (Dawn)', () => {
    it('webgpu: equals autodiff of the textbook formula, and the saturated hand case', async () => {
      await check('webgpu');
    });

    it('webgpu: the softmax-CE kernels equal the composed ops on cpu (odd sizes, bad labels, saturation)', async () => {
      const rows = 131; // not a multiple of the workgroup (64)
      const classes = 7;
      const run = async (backend: string) => {
        await tf.setBackend(backend);
        const zData = new Float32Array(rows * classes).map(
          (_, i) => 4 * Math.sin(i * 1.7) + (i % 11 === 0 ? 900 : 0),
        );
        const z = tf.tensor2d(zData, [rows, classes]);
        // Labels: ordinary ids, −1 and 7 (outside: zero rows), 2.7 (truncated to 2).
        const labels = tf.tensor1d(
          Array.from({ length: rows }, (_, r) =>
            r % 13 === 0 ? -1 : r % 17 === 0 ? classes : r % 19 === 0 ? 2.7 : r % classes,
          ),
        );
        // The webgpu run goes through the two custom kernels, cpu through the composed ops.
        expect(hasWebGpuKernel(tf, SOFTMAX_CE)).toBe(backend === 'webgpu');
        if (backend === 'webgpu') expect(tf.getKernel(SOFTMAX_CE, 'webgpu')).toBeDefined();
        const f = (zz: tf.Tensor) => softmaxCrossEntropy(tf, zz, labels, null);
        const value = await f(z).data();
        const grad = await tf.grad(f)(z).data();
        tf.dispose([z, labels]);
        return { value: Array.from(value), grad: Array.from(grad) };
      };
      const cpu = await run('cpu');
      const gpuR = await run('webgpu');
      close(gpuR.value, cpu.value, 1e-3);
      close(gpuR.grad, cpu.grad, 1e-6);
      // Row 13 (label −1) and row 17 (label 7) have a zero gradient; row 19 (2.7) has −(1 − p)
      // at class 2 only if class 2 is its label: p_2 − 1 < 0.
      for (const r of [13, 17])
        close(gpuR.grad.slice(r * classes, (r + 1) * classes), new Array(classes).fill(0), 1e-9);
      expect(gpuR.grad[19 * classes + 2]!).toBeLessThan(0);
    });
  });
});
