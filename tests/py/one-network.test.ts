/**
 * Issue 11 (items 1 and 5): the network the app trains (TF.js) is the one it exports. For each
 * minimal graph of a finding, the TF.js model with random non-trivial weights, onnxruntime on the
 * ONNX export and the generated PyTorch module with `load_weights(weights.npz)` give the same
 * outputs (within 1e-4); where the function is simple enough, all three also equal a hand
 * computation written here in plain loops (independent of every back-end).
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePytorch } from '../../shared/codegen/pytorch.ts';
import { emptyProject } from '../../shared/graph/project.ts';
import type { Graph } from '../../shared/graph/types.ts';
import type { ModelIR } from '../../shared/ir/lower.ts';
import { weightsToNpz, writeNpz } from '../../shared/npz/npz.ts';
import { exportOnnx } from '../../shared/onnx/export.ts';
import { graphOf } from '../shared/graph-builder.ts';
import { lower, modelWithRandomWeights, randomArray, rng } from '../shared/onnx-helpers.ts';
import { PYTHON_MISSING, python } from './python.ts';

const RUNNER = new URL('./npz_parity.py', import.meta.url).pathname;
const BATCH = 2;

/** Per-example values of a row-major tensor: `at(x, n, [i, j, k])`. */
function indexer(shape: readonly number[]) {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const size = shape.reduce((a, b) => a * b, 1);
  return (data: ArrayLike<number>, n: number, idx: readonly number[]) =>
    data[n * size + idx.reduce((s, v, i) => s + v * strides[i]!, 0)]!;
}

interface Case {
  title: string;
  graph: Graph;
  /** Hand computation of the model output from the input batch, row-major; optional. */
  hand?: (x: Float32Array) => number[];
}

const seventeen = Array.from({ length: 16 }, (_, i) => `d${i}`);

const CASES: Case[] = [
  {
    // tfjs-layers 4.22 ran any negative Concatenate axis as -1 (joining (1, 2, 1) tensors into
    // (1, 2, 2)) while reporting (1, 4, 1).
    title: 'Concatenate axis -2 on two (N, 1, 2, 1) tensors',
    graph: graphOf(
      [
        ['in', 'Input', { shape: [1, 2, 1] }],
        ['t', 'Activation', { activation: 'tanh' }],
        ['cat', 'Concatenate', { axis: -2 }],
      ],
      ['in->cat:0', 'in->t', 't->cat:1'],
    ),
    hand: (x) => {
      const at = indexer([1, 2, 1]);
      const out: number[] = [];
      for (let n = 0; n < BATCH; n++) {
        // Output (1, 4, 1): x[0, 0], x[0, 1], tanh(x[0, 0]), tanh(x[0, 1]).
        for (let j = 0; j < 4; j++)
          out.push(j < 2 ? at(x, n, [0, j, 0]) : Math.tanh(at(x, n, [0, j - 2, 0])));
      }
      return out;
    },
  },
  {
    title: 'Concatenate axis -2, then Flatten and Dense (weights after the join)',
    graph: graphOf(
      [
        ['in', 'Input', { shape: [1, 2, 1] }],
        ['t', 'Activation', { activation: 'tanh' }],
        ['cat', 'Concatenate', { axis: -2 }],
        ['fl', 'Flatten'],
        ['d', 'Dense', { units: 3 }],
      ],
      ['in->cat:0', 'in->t', 't->cat:1', 'cat->fl', 'fl->d'],
    ),
  },
  {
    title: 'Concatenate axis -3 on (2, 3, 2) maps',
    graph: graphOf(
      [
        ['in', 'Input', { shape: [2, 3, 2] }],
        ['c', 'Conv2D', { filters: 2, kernel_size: [1, 1] }],
        ['cat', 'Concatenate', { axis: -3 }],
      ],
      ['in->cat:0', 'in->c', 'c->cat:1'],
    ),
  },
  {
    title: 'Add (4, 4, 3) + (3) broadcasts as Keras',
    graph: graphOf(
      [
        ['in', 'Input', { shape: [4, 4, 3] }],
        ['gap', 'GlobalAveragePooling2D'],
        ['add', 'Add'],
      ],
      ['in->add:0', 'in->gap', 'gap->add:1'],
    ),
    hand: (x) => {
      const at = indexer([4, 4, 3]);
      const out: number[] = [];
      for (let n = 0; n < BATCH; n++) {
        const mean = [0, 1, 2].map((c) => {
          let s = 0;
          for (let h = 0; h < 4; h++) for (let w = 0; w < 4; w++) s += at(x, n, [h, w, c]);
          return s / 16;
        });
        for (let h = 0; h < 4; h++)
          for (let w = 0; w < 4; w++)
            for (let c = 0; c < 3; c++) out.push(at(x, n, [h, w, c]) + mean[c]!);
      }
      return out;
    },
  },
  {
    title: 'Add (4, 4, 3) + (4, 4, 1) broadcasts as Keras',
    graph: graphOf(
      [
        ['in', 'Input', { shape: [4, 4, 3] }],
        ['c', 'Conv2D', { filters: 1, kernel_size: [1, 1] }],
        ['add', 'Add'],
      ],
      ['in->add:0', 'in->c', 'c->add:1'],
    ),
  },
  {
    title: 'Add (4, 4, 3) + (4, 1) + (3): shorter inputs get axes after the batch axis',
    graph: graphOf(
      [
        ['in', 'Input', { shape: [4, 4, 3] }],
        ['gap', 'GlobalAveragePooling2D'],
        ['d', 'Dense', { units: 4 }],
        ['rs', 'Reshape', { target_shape: [4, 1] }],
        ['add', 'Add'],
      ],
      ['in->add:0', 'in->gap', 'gap->d', 'd->rs', 'rs->add:1', 'gap->add:2'],
    ),
  },
  {
    title: 'Add (2, 3) + (3) on vectors and matrices (no layout change)',
    graph: graphOf(
      [
        ['in', 'Input', { shape: [6] }],
        ['rs', 'Reshape', { target_shape: [2, 3] }],
        ['d', 'Dense', { units: 3 }],
        ['add', 'Add'],
        ['fl', 'Flatten'],
      ],
      ['in->rs', 'rs->add:0', 'in->d', 'd->add:1', 'add->fl'],
    ),
  },
  {
    title: 'Add with 17 inputs',
    graph: graphOf(
      [
        ['in', 'Input', { shape: [5] }],
        ...seventeen.map((id) => [id, 'Dense', { units: 5 }] as [string, string, object]),
        ['add', 'Add'],
      ] as [string, string, Record<string, unknown>][],
      ['in->add:0', ...seventeen.flatMap((id, i) => [`in->${id}`, `${id}->add:${i + 1}`])],
    ),
  },
  // Just inside the limits that analysis now enforces (E003 beyond them): these must run alike.
  {
    title: 'Dense with softmax on (2, 2, 2, 3), 4 axes per example',
    graph: graphOf(
      [
        ['in', 'Input', { shape: [2, 2, 2, 3] }],
        ['d', 'Dense', { units: 3, activation: 'softmax' }],
      ],
      ['in->d'],
    ),
  },
  {
    title: 'Dense relu, then Dense tanh without bias, on 5 axes per example',
    graph: graphOf(
      [
        ['in', 'Input', { shape: [2, 1, 2, 2, 3] }],
        ['d1', 'Dense', { units: 4, activation: 'relu' }],
        ['d2', 'Dense', { units: 2, activation: 'tanh', use_bias: false }],
      ],
      ['in->d1', 'd1->d2'],
    ),
  },
  {
    title: 'BatchNormalization and LayerNormalization on (3, 2, 4) maps, Flatten on a matrix',
    graph: graphOf(
      [
        ['in', 'Input', { shape: [3, 2, 4] }],
        ['bn', 'BatchNormalization', { momentum: 0.9, epsilon: 0.01 }],
        ['ln', 'LayerNormalization', {}],
        ['rs', 'Reshape', { target_shape: [6, 4] }],
        ['fl', 'Flatten'],
      ],
      ['in->bn', 'bn->ln', 'ln->rs', 'rs->fl'],
    ),
  },
];

interface Outcome {
  tfjs: Float32Array;
  onnx: Float32Array;
  torch?: { error?: string; y?: number[]; shape?: number[] };
  x: Float32Array;
  shape: number[];
}

let dir: string;
const outcomes: Outcome[] = [];

async function runOnnx(bytes: Uint8Array, x: Float32Array, xShape: number[]) {
  const session = await ort.InferenceSession.create(bytes);
  const result = await session.run({
    [session.inputNames[0]!]: new ort.Tensor('float32', x, xShape),
  });
  const data = Float32Array.from(result[session.outputNames[0]!]!.data as Float32Array);
  await session.release();
  return data;
}

function worstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe.skipIf(PYTHON_MISSING)('one network everywhere: TF.js = ONNX = PyTorch', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    ort.env.wasm.numThreads = 1;
    dir = mkdtempSync(join(tmpdir(), 'netwright-one-network-'));
    const manifest = [];
    for (const [i, c] of CASES.entries()) {
      const ir: ModelIR = lower(c.graph);
      const { model, weights } = await modelWithRandomWeights(ir, 40 + i);
      const inShape = ir.ops[0]!.outputShape;
      const xShape = [BATCH, ...inShape];
      const x = randomArray(BATCH * inShape.reduce((a, b) => a * b, 1), rng(11 + i));
      const y = tf.tidy(() => model.predict(tf.tensor(x, xShape)) as tf.Tensor);
      const tfjs = (await y.data()) as Float32Array;
      const shape = y.shape;
      y.dispose();
      model.dispose();
      const onnx = await runOnnx(exportOnnx(ir, weights), x, xShape);
      outcomes.push({ tfjs, onnx, x, shape });
      const project = emptyProject(c.title);
      project.graph = c.graph;
      const files = { weights: join(dir, `w${i}.npz`), x: join(dir, `x${i}.npz`) };
      writeFileSync(files.weights, weightsToNpz(weights));
      writeFileSync(files.x, writeNpz([{ name: 'x', shape: xShape, data: x }]));
      const torch = join(dir, `torch_${i}.py`);
      const source = { name: c.title, ir, training: project.training };
      writeFileSync(torch, generatePytorch(source, { includeTraining: false }).code);
      manifest.push({ ...files, torch, keras: null });
    }
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    await python([RUNNER, join(dir, 'manifest.json'), join(dir, 'results.json')]);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as {
      torch: Outcome['torch'];
    }[];
    results.forEach((r, i) => (outcomes[i]!.torch = r.torch));
  }, 300_000);

  afterAll(() => {
    tf.disposeVariables();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the minimal Concatenate graph has the shape Keras gives: (None, 1, 4, 1)', () => {
    const ir = lower(CASES[0]!.graph);
    expect(ir.ops.at(-1)!.outputShape).toEqual([1, 4, 1]);
    // The IR carries the positive axis every back-end reads.
    expect(ir.ops.at(-1)!.params.axis).toBe(2);
    expect(outcomes[0]!.shape).toEqual([BATCH, 1, 4, 1]);
  });

  it.each(CASES.map((c, i) => [c.title, i] as const))(
    '%s: TF.js, onnxruntime and PyTorch agree within 1e-4',
    (_title, i) => {
      const o = outcomes[i]!;
      expect(o.torch?.error ?? '').toBe('');
      expect(o.torch!.shape).toEqual(o.shape);
      expect(worstDiff(o.onnx, o.tfjs)).toBeLessThan(1e-4);
      expect(worstDiff(o.torch!.y!, o.tfjs)).toBeLessThan(1e-4);
      const hand = CASES[i]!.hand;
      if (hand) expect(worstDiff(o.tfjs, hand(o.x))).toBeLessThan(1e-5);
    },
  );
});
