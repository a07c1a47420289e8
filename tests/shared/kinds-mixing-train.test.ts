/**
 * The mixing kinds train on the wasm backend as on cpu (the reference): for a small graph per
 * kind, built by the app's `buildModel`, the gradients of a softmax cross-entropy for every
 * trainable weight, in training mode, equal the cpu backend's within 1e-4 + 1e-3·|cpu| (as
 * tests/shared/backends-train.test.ts does for the original kinds). Broadcasting merges are
 * included: tfjs-core's own Maximum/Minimum gradients fail on them.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { graphOf } from './graph-builder.ts';

type Block = [id: string, type: string, params?: Record<string, unknown>];

const head: Block[] = [
  ['flat', 'Flatten'],
  ['out', 'Dense', { units: 3, activation: 'softmax' }],
];

/** Input (3, 3, 2) → two Dense branches (4 and 1 units) → merge → head. */
function mergeCase(type: string, params: Record<string, unknown> = {}): [string, ModelIR] {
  return [
    `${type} with broadcasting`,
    irOf(
      [
        ['in', 'Input', { shape: [3, 3, 2] }],
        ['a', 'Dense', { units: 4, activation: 'tanh' }],
        ['b', 'Dense', { units: 1 }],
        ['m', type, params],
        ...head,
      ],
      ['in->a', 'in->b', 'a->m:0', 'b->m:1', 'm->flat', 'flat->out'],
    ),
  ];
}

/** Input (4, 3) → Dense 5 → the block → head. */
function chainCase(type: string, params: Record<string, unknown> = {}): [string, ModelIR] {
  const blocks: Block[] = [
    ['in', 'Input', { shape: [4, 3] }],
    ['d', 'Dense', { units: 5 }],
    ['k', type, params],
    ...head,
  ];
  return [
    `${type} ${JSON.stringify(params)}`,
    irOf(
      blocks,
      blocks.slice(1).map((b, i) => `${blocks[i]![0]}->${b[0]}`),
    ),
  ];
}

function irOf(blocks: Block[], wires: string[]): ModelIR {
  const r = lowerGraph(graphOf(blocks, wires));
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.ir;
}

const CASES: [string, ModelIR][] = [
  ...['Multiply', 'Subtract', 'Average', 'Maximum', 'Minimum'].map((t) => mergeCase(t)),
  [
    'Dot (4, 5)·(4, 5) normalized on axes 2',
    irOf(
      [
        ['in', 'Input', { shape: [4, 3] }],
        ['a', 'Dense', { units: 5 }],
        ['b', 'Dense', { units: 5, activation: 'tanh' }],
        ['m', 'Dot', { axes: [2, 2], normalize: true }],
        ...head,
      ],
      ['in->a', 'in->b', 'a->m:0', 'b->m:1', 'm->flat', 'flat->out'],
    ),
  ],
  chainCase('MultiHeadAttention', { num_heads: 2, key_dim: 3, value_dim: 2, output_shape: 4 }),
  chainCase('LeakyReLU', { negative_slope: 0.1 }),
  chainCase('PReLU', { shared_axes: [1] }),
  chainCase('ELU', { alpha: 0.5 }),
  chainCase('ReLU', { max_value: 1, negative_slope: 0.1, threshold: 0.1 }),
  chainCase('Softmax', { axis: 1 }),
];

/** Gradients of the loss on 8 fixed examples per trainable weight, training mode. */
async function gradients(backend: string, ir: ModelIR): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const model = buildModel(tf, ir, { seed: 1 });
  const shape = ir.ops[0]!.outputShape;
  const size = shape.reduce((a, b) => a * b, 1);
  const before = tf.memory().numTensors;
  const { value, grads } = tf.tidy(() => {
    const x = tf.tensor(
      Float32Array.from({ length: 8 * size }, (_, i) => Math.sin(i * 0.7) * 1.5),
      [8, ...shape],
    );
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);
    return tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
      model.trainableWeights.map((v) => v.read() as tf.Variable),
    );
  });
  const out = [
    await value.data(),
    ...(await Promise.all(Object.values(grads).map((g) => g.data()))),
  ];
  tf.dispose([value, ...Object.values(grads)]);
  expect(tf.memory().numTensors).toBe(before);
  model.dispose();
  return out as Float32Array[];
}

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('mixing kinds train on wasm as on cpu', () => {
  it.each(CASES)('%s: wasm gradients equal cpu gradients', async (_name, ir) => {
    const want = await gradients('cpu', ir);
    const got = await gradients('wasm', ir);
    expect(got.length).toBe(want.length);
    want.forEach((w, k) => {
      let worst = 0;
      for (let i = 0; i < w.length; i++) {
        expect(Number.isFinite(got[k]![i]!)).toBe(true);
        worst = Math.max(worst, Math.abs(got[k]![i]! - w[i]!) - 1e-3 * Math.abs(w[i]!));
      }
      expect(worst, `array ${k}`).toBeLessThanOrEqual(1e-4);
      // Not all zero: the weight takes part in the loss.
      if (k > 0)
        expect(
          w.some((v) => v !== 0),
          `array ${k} has zero gradient`,
        ).toBe(true);
    });
  });
});
