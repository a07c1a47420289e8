/**
 * weights.npz into the generated code: for every template, projects using every catalogue entry
 * and a graph of every block with weights, the TF.js model gets random non-trivial weights
 * (BatchNorm moving stats included), `weightsToNpz` writes them, and
 * - the generated PyTorch file's `load_weights(build_model(), path)` reads exactly the npz keys
 *   and, in eval mode, gives TF.js's `model.predict` outputs within 1e-4 (probabilities through
 *   predict_proba where forward() returns logits); both nn.Module and nn.Sequential styles;
 * - the generated Keras file compiles, and its `load_weights` (run against a stand-in model, as
 *   there is no TensorFlow here) reads exactly the npz keys and hands each layer the arrays of
 *   the TF.js layer of that name, in Keras order and shapes.
 * One Python process runs every file.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKeras } from '../../shared/codegen/keras.ts';
import { generatePytorch } from '../../shared/codegen/pytorch.ts';
import { emptyProject, type Project } from '../../shared/graph/project.ts';
import { npzKey, weightsToNpz, writeNpz } from '../../shared/npz/npz.ts';
import { TEMPLATES, loadTemplate } from '../../shared/templates/index.ts';
import {
  everyOpGraph,
  lower,
  modelWithRandomWeights,
  randomArray,
  rng,
} from '../shared/onnx-helpers.ts';
import { CATALOGUE_PROJECTS } from './graphs.ts';
import { python, withPython } from './python.ts';

const RUNNER = new URL('./npz_parity.py', import.meta.url).pathname;
const BATCH = 3;

function everyOpProject(): Project {
  const project = emptyProject('Every block with weights');
  project.graph = everyOpGraph();
  return project;
}

interface Case {
  title: string;
  project: Project;
  style: 'module' | 'sequential';
}

const projects = [
  ...TEMPLATES.map((t) => loadTemplate(t.id)),
  ...CATALOGUE_PROJECTS,
  everyOpProject(),
];
const cases: Case[] = projects.flatMap((project) => {
  const styles: Case['style'][] = lower(project.graph).isChain
    ? ['module', 'sequential']
    : ['module'];
  return styles.map((style) => ({ title: `${project.name} (${style})`, project, style }));
});

interface TorchResult {
  error?: string;
  keys?: string[];
  returnsModel?: boolean;
  shape?: number[];
  y?: number[];
}
interface KerasResult {
  error?: string;
  keys?: string[];
  returnsModel?: boolean;
  layers?: Record<string, number[][]>;
}
interface Expected {
  keys: string[];
  layers: Record<string, number[][]>;
  shape: number[];
  y: Float32Array;
}

let dir: string;
const expected: Expected[] = [];
let results: { torch?: TorchResult; keras?: KerasResult }[] = [];

withPython.describe('weights.npz loads into the generated code', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(join(tmpdir(), 'netwright-npz-parity-'));
    const manifest = [];
    for (const [i, c] of cases.entries()) {
      const { project } = c;
      const ir = lower(project.graph);
      const { model, weights } = await modelWithRandomWeights(ir, 100 + i);
      const inShape = ir.ops[0]!.outputShape;
      const n = BATCH * inShape.reduce((a, b) => a * b, 1);
      // Token ids (an int32 Input): ids below the smallest Embedding vocabulary, fed as int32.
      const ids = ir.ops[0]!.params.dtype === 'int32';
      const vocab = Math.min(
        ...ir.ops.filter((o) => o.type === 'Embedding').map((o) => o.params.input_dim as number),
      );
      const x = ids
        ? Float32Array.from(randomArray(n, rng(7 + i), 0, vocab), Math.floor)
        : randomArray(n, rng(7 + i));
      const xShape = [BATCH, ...inShape];
      const y = tf.tidy(
        () =>
          model.predict(
            ids ? tf.tensor(Int32Array.from(x), xShape, 'int32') : tf.tensor(x, xShape),
          ) as tf.Tensor,
      );
      expected.push({
        keys: [...weights].flatMap(([layer, list]) => list.map((w) => npzKey(layer, w.name))),
        layers: Object.fromEntries(
          [...weights].map(([layer, list]) => [layer, list.map((w) => w.shape)]),
        ),
        shape: y.shape,
        y: (await y.data()) as Float32Array,
      });
      y.dispose();
      model.dispose();

      const source = { name: project.name, ir, training: project.training };
      const files = { weights: join(dir, `weights_${i}.npz`), x: join(dir, `x_${i}.npz`) };
      writeFileSync(files.weights, weightsToNpz(weights));
      writeFileSync(files.x, writeNpz([{ name: 'x', shape: xShape, data: x }]));
      const torch = join(dir, `torch_${i}.py`);
      writeFileSync(torch, generatePytorch(source, { style: c.style }).code);
      let keras: string | null = null;
      if (c.style === 'module') {
        keras = join(dir, `keras_${i}.py`);
        writeFileSync(keras, generateKeras(source).code);
      }
      manifest.push({ ...files, torch, keras, intInput: ids });
    }
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    await python([RUNNER, join(dir, 'manifest.json'), join(dir, 'results.json')]);
    results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as typeof results;
  }, 300_000);

  afterAll(() => {
    tf.disposeVariables();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('covers every block type with weights, BatchNorm on vectors and on maps', () => {
    const ops = projects.flatMap((p) => lower(p.graph).ops);
    const types = new Set(ops.map((op) => op.type));
    for (const t of [
      'Dense',
      'Conv2D',
      'BatchNormalization',
      'LayerNormalization',
      'Concatenate',
      'Add',
      'Reshape',
      'Flatten',
      'GlobalAveragePooling2D',
      'MaxPooling2D',
      'AveragePooling2D',
    ])
      expect(types).toContain(t);
    const bnRanks = new Set(
      ops.filter((op) => op.type === 'BatchNormalization').map((op) => op.inputShapes[0]!.length),
    );
    expect([...bnRanks].sort()).toEqual([1, 2, 3]);
    expect(
      ops.some(
        (op) =>
          op.type === 'Conv2D' &&
          op.params.padding === 'same' &&
          (op.params.strides as number[]).includes(2),
      ),
    ).toBe(true);
  });

  it.each(cases.map((c, i) => [c.title, i] as const))(
    '%s: PyTorch with load_weights matches TF.js within 1e-4',
    (_title, i) => {
      const r = results[i]!.torch!;
      expect(r.error ?? '').toBe('');
      expect(r.returnsModel).toBe(true);
      // Every key read (one array may fill two tensors: an LSTM bias → bias_ih and bias_hh).
      expect([...new Set(r.keys!)].sort()).toEqual([...expected[i]!.keys].sort());
      expect(r.shape).toEqual(expected[i]!.shape);
      const want = expected[i]!.y;
      expect(r.y).toHaveLength(want.length);
      let worst = 0;
      r.y!.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - want[j]!))));
      expect(worst).toBeLessThan(1e-4);
    },
  );

  it.each(cases.flatMap((c, i) => (c.style === 'module' ? [[c.project.name, i] as const] : [])))(
    '%s: Keras load_weights sets every layer from exactly the npz keys',
    (_title, i) => {
      const r = results[i]!.keras!;
      expect(r.error ?? '').toBe('');
      expect(r.returnsModel).toBe(true);
      // Every key read (one array may fill two tensors: an LSTM bias → bias_ih and bias_hh).
      expect([...new Set(r.keys!)].sort()).toEqual([...expected[i]!.keys].sort());
      expect(r.layers).toEqual(expected[i]!.layers);
    },
  );
});
