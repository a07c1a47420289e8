import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainingSchema } from '../../shared/graph/project.ts';
import { syntheticDataset } from '../../shared/datasets/synthetic.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { base64ToBytes, bytesToBase64 } from '../../shared/training/base64.ts';
import { testResults, train } from '../../shared/training/train.ts';
import { exportWeights, importWeights } from '../../shared/training/weights.ts';

const irOf = (id: string): ModelIR => {
  const r = lowerGraph(loadTemplate(id).graph);
  if (!r.ok) throw new Error('bad template');
  return r.ir;
};
const settings = (over: Record<string, unknown>) => trainingSchema.parse(over);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('training loop', () => {
  it('a small model learns XOR to more than 95% test accuracy, without leaking tensors', async () => {
    const ir = irOf('toy-2d-classifier');
    const data = syntheticDataset('xor', { size: 400, noise: 0, seed: 1 });
    const model = buildModel(tf, ir, { seed: 1 });
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const batchLosses: number[] = [];
    const result = await train(tf, model, ir, data, {
      settings: settings({
        dataset: 'xor',
        epochs: 40,
        batchSize: 16,
        learningRate: 0.03,
        validationSplit: 0.2,
        seed: 1,
      }),
      onBatches: (p) => batchLosses.push(...p.losses),
      onEpoch: () => void counts.push(tf.memory().numTensors),
    });
    expect(result.status).toBe('done');
    expect(result.plan.loss).toBe('binary_crossentropy');
    expect(result.history).toHaveLength(40);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    expect(batchLosses.length).toBe(40 * 20);
    const last = result.history.at(-1)!;
    expect(last.acc!).toBeGreaterThan(0.95);
    expect(last.val_acc!).toBeGreaterThan(0.95);
    const test = await testResults(tf, model, ir, data, { loss: 'auto' });
    expect(test!.acc!).toBeGreaterThan(0.95);
    expect(test!.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(100);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a NaN loss stops training with advice to lower the learning rate', async () => {
    const ir = irOf('regression-mlp');
    const x = new Float32Array(64 * 9).map((_, i) => (i % 9) * 1000);
    const y = new Float32Array(64).map((_, i) => i * 1e6);
    const data = {
      id: 'big',
      title: 'big',
      featureShape: [9],
      featureNames: [],
      task: { kind: 'regression' as const, targetName: 'y' },
      train: { x, y, count: 64 },
      test: null,
      notes: [],
    };
    const model = buildModel(tf, ir, { seed: 2 });
    const before = tf.memory().numTensors;
    const result = await train(tf, model, ir, data, {
      settings: settings({
        epochs: 50,
        batchSize: 8,
        optimizer: 'sgd',
        learningRate: 10,
        validationSplit: 0,
      }),
    });
    expect(result.status).toBe('diverged');
    expect(result.message).toMatch(
      /The loss became (NaN|infinite) at epoch \d+, batch \d+: training stopped\. The learning rate 10 is probably too high; try 1\./,
    );
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('stop keeps the weights; pause waits', async () => {
    const ir = irOf('toy-2d-classifier');
    const data = syntheticDataset('spiral', { size: 200, seed: 1 });
    const model = buildModel(tf, ir, { seed: 3 });
    const control = { stop: false, paused: null as Promise<void> | null };
    let reports = 0;
    let resume: () => void = () => {};
    const result = await train(tf, model, ir, data, {
      settings: settings({ epochs: 100, batchSize: 10, validationSplit: 0 }),
      readEvery: 1,
      control,
      onBatches: () => {
        reports++;
        if (reports === 3) {
          control.paused = new Promise((r) => (resume = r));
          setTimeout(() => {
            control.paused = null;
            control.stop = true;
            resume();
          }, 50);
        }
      },
    });
    expect(result.status).toBe('stopped');
    expect(reports).toBeLessThan(10);
    model.dispose();
  });
});

describe('weights section', () => {
  it('base64 round trip for every length mod 3', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 1000]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255);
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64ToBytes(text)).toEqual(bytes);
    }
  });

  it('exports and re-imports every weight of the MNIST CNN', async () => {
    const ir = irOf('mnist-cnn');
    const a = buildModel(tf, ir, { seed: 1 });
    const b = buildModel(tf, ir, { seed: 2 });
    const section = await exportWeights(a, { dataset: 'mnist', epochs: 1 });
    expect(section.layers.map((l) => l.layer)).toEqual(
      a.layers.filter((l) => l.weights.length).map((l) => l.name),
    );
    expect(section.layers[0]!.tensors).toEqual([
      { name: 'kernel', shape: [3, 3, 1, 32] },
      { name: 'bias', shape: [32] },
    ]);
    const json = JSON.parse(JSON.stringify(section));
    expect(importWeights(tf, b, json)).toEqual([]);
    const wa = a.getWeights().map((w) => Array.from(w.dataSync()));
    const wb = b.getWeights().map((w) => Array.from(w.dataSync()));
    expect(wb).toEqual(wa);
    // A mismatching model gets problems and keeps its weights.
    const other = buildModel(tf, irOf('mnist-mlp'));
    expect(importWeights(tf, other, json)[0]).toMatch(/no saved weights for layer|has shape/);
    expect(importWeights(tf, other, { format: 'x' })).toEqual([
      'weights: not a netwright.weights version 1 section',
    ]);
    a.dispose();
    b.dispose();
    other.dispose();
  });
});
