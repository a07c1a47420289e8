import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { stepThrough, weightHistograms } from '../../shared/tfjs/inspect.ts';
import { assertKnownParams, graphOf } from './graph-builder.ts';
import { rng } from '../../shared/datasets/random.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function irOf(graph: ReturnType<typeof loadTemplate>['graph']) {
  const lowered = lowerGraph(assertKnownParams(graph));
  if (!lowered.ok) throw new Error('invalid');
  return lowered.ir;
}

function randomExample(size: number, seed: number): Float32Array {
  return Float32Array.from({ length: size }, rng(seed));
}

describe('step through a forward pass', () => {
  for (const id of ['mnist-cnn', 'residual-block']) {
    it(`${id}: each block's activations equal TF.js's intermediate outputs`, async () => {
      const ir = irOf(loadTemplate(id).graph);
      const model = buildModel(tf, ir, { seed: 3 });
      const inputShape = ir.ops[0]!.params.shape as number[];
      const example = randomExample(
        inputShape.reduce((a, b) => a * b, 1),
        7,
      );
      const before = tf.memory().numTensors;
      const steps = await stepThrough(tf, model, ir, example);
      expect(tf.memory().numTensors).toBe(before);
      expect(steps.map((s) => s.opId)).toEqual(ir.ops.map((op) => op.id));

      // Recompute layer by layer with the model's own layers, independently of stepThrough.
      const byOp = new Map<string, tf.Tensor>();
      byOp.set(ir.ops[0]!.id, tf.tensor(example, [1, ...inputShape]));
      for (const op of ir.ops.slice(1)) {
        const ins = op.inputs.map((i) => byOp.get(i)!);
        const layer = model.getLayer(op.name);
        byOp.set(
          op.id,
          layer.apply(ins.length === 1 ? ins[0]! : ins, { training: false }) as tf.Tensor,
        );
      }
      for (const step of steps) {
        const expected = byOp.get(step.opId)!.dataSync();
        expect(step.values.length).toBe(expected.length);
        expect(step.shape.reduce((a, b) => a * b, 1)).toBe(expected.length);
        for (let i = 0; i < expected.length; i++)
          expect(step.values[i]).toBeCloseTo(expected[i]!, 5);
      }
      // The last step is the model's prediction.
      const prediction = (
        model.predict(tf.tensor(example, [1, ...inputShape])) as tf.Tensor
      ).dataSync();
      expect(Array.from(steps.at(-1)!.values)).toEqual(Array.from(prediction));
      tf.dispose([...byOp.values()]);
      model.dispose();
    });
  }

  it('reports the op output for Dense + leaky_relu (two TF.js layers)', async () => {
    const ir = irOf(
      graphOf(
        [
          ['in', 'Input', { shape: [3] }],
          ['d', 'Dense', { units: 4, activation: 'leaky_relu' }],
        ],
        ['in->d'],
      ),
    );
    const model = buildModel(tf, ir, { seed: 1 });
    const steps = await stepThrough(tf, model, ir, new Float32Array([1, -2, 3]));
    const out = (model.predict(tf.tensor([[1, -2, 3]])) as tf.Tensor).dataSync();
    expect(Array.from(steps[1]!.values)).toEqual(Array.from(out));
    model.dispose();
  });
});

describe('weight histograms', () => {
  it('covers every weight with counts summing to its size', async () => {
    const ir = irOf(loadTemplate('mnist-mlp').graph);
    const model = buildModel(tf, ir, { seed: 1 });
    const histograms = await weightHistograms(model, 20);
    expect(histograms.map((h) => h.name)).toEqual([
      'dense_1/kernel',
      'dense_1/bias',
      'dense_2/kernel',
      'dense_2/bias',
      'dense_3/kernel',
      'dense_3/bias',
    ]);
    expect(histograms[0]!.counts.reduce((a, b) => a + b, 0)).toBe(784 * 128);
    // Glorot uniform on 784 → 128: limit √(6 / 912) ≈ 0.081.
    expect(histograms[0]!.max).toBeLessThanOrEqual(0.0812);
    expect(histograms[0]!.min).toBeGreaterThanOrEqual(-0.0812);
    expect(Math.abs(histograms[0]!.mean)).toBeLessThan(0.002);
    expect(histograms[1]!).toMatchObject({ min: 0, max: 0, std: 0 });
    model.dispose();
  });
});
