/**
 * Issue 11 item 4: the logits decision follows the real last activation, for every (activation,
 * loss) pair. For each pair, on one Dense output with random weights and fixed labels:
 * - the generated PyTorch file's own criterion on its forward() outputs,
 * - the in-app TF.js loss (`lossTensor`) on the TF.js model's outputs, and
 * - a reference written out in tests/py/loss_pairs.py (Keras's formulas on x @ W + b)
 * agree within 1e-5; and the generated Keras code says from_logits=True exactly for logits.
 * Pairs that make no sense get W110 from `check`; a cross-entropy on a regression target gets
 * W107 from `check` and `train` refuses it (exit 1) instead of crashing in tf.oneHot.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeras } from '../../shared/codegen/keras.ts';
import { lossPlan, type Loss } from '../../shared/codegen/loss.ts';
import { generatePytorch } from '../../shared/codegen/pytorch.ts';
import { emptyProject, type Project } from '../../shared/graph/project.ts';
import { lintGraph } from '../../shared/lint/index.ts';
import { weightsToNpz, writeNpz } from '../../shared/npz/npz.ts';
import { withOutputLogits } from '../../shared/tfjs/output-logits.ts';
import { lossTensor } from '../../shared/training/losses.ts';
import { cli } from '../cli/run-cli.ts';
import { graphOf } from '../shared/graph-builder.ts';
import { lower, modelWithRandomWeights, randomArray, rng } from '../shared/onnx-helpers.ts';
import { PYTHON_MISSING, python } from './python.ts';

const RUNNER = new URL('./loss_pairs.py', import.meta.url).pathname;
const BATCH = 6;

interface Pair {
  activation: string;
  loss: Loss;
  units: number;
  /** What the outputs are to the loss, as Keras would be told. */
  logits: boolean;
  /** Expect the W110 warning. */
  warns: boolean;
  /** A block after the Dense that passes its values on at inference. */
  after?: [type: string, params: Record<string, unknown>];
  /**
   * Inputs scaled so far that the probabilities saturate: clipping at 1e-7 then changes the loss,
   * and only a loss taken from the logits matches the generated PyTorch (and Keras's TensorFlow
   * backend, which takes the softmax/sigmoid's logits: shared/tfjs/output-logits.ts).
   */
  saturated?: boolean;
}

const CE = 'sparse_categorical_crossentropy' as const;
const PAIRS: Pair[] = [
  { activation: 'softmax', loss: CE, units: 4, logits: false, warns: false },
  { activation: 'linear', loss: CE, units: 4, logits: true, warns: false },
  { activation: 'sigmoid', loss: CE, units: 4, logits: false, warns: true },
  { activation: 'relu', loss: CE, units: 4, logits: true, warns: false },
  { activation: 'tanh', loss: CE, units: 4, logits: true, warns: false },
  {
    activation: 'softmax',
    loss: 'categorical_crossentropy',
    units: 4,
    logits: false,
    warns: false,
  },
  { activation: 'sigmoid', loss: 'categorical_crossentropy', units: 4, logits: false, warns: true },
  { activation: 'linear', loss: 'categorical_crossentropy', units: 4, logits: true, warns: false },
  { activation: 'sigmoid', loss: 'binary_crossentropy', units: 1, logits: false, warns: false },
  { activation: 'linear', loss: 'binary_crossentropy', units: 1, logits: true, warns: false },
  { activation: 'softmax', loss: 'binary_crossentropy', units: 2, logits: false, warns: true },
  // The real last activation is found through Dropout and Activation linear.
  {
    activation: 'softmax',
    loss: CE,
    units: 4,
    logits: false,
    warns: false,
    after: ['Dropout', { rate: 0.3 }],
  },
  {
    activation: 'sigmoid',
    loss: 'binary_crossentropy',
    units: 1,
    logits: false,
    warns: false,
    after: ['Activation', { activation: 'linear' }],
  },
  { activation: 'softmax', loss: CE, units: 4, logits: false, warns: false, saturated: true },
  {
    activation: 'softmax',
    loss: 'categorical_crossentropy',
    units: 3,
    logits: false,
    warns: false,
    saturated: true,
  },
  {
    activation: 'sigmoid',
    loss: 'binary_crossentropy',
    units: 1,
    logits: false,
    warns: false,
    saturated: true,
  },
  { activation: 'linear', loss: CE, units: 4, logits: true, warns: false, saturated: true },
  {
    activation: 'linear',
    loss: 'binary_crossentropy',
    units: 1,
    logits: true,
    warns: false,
    saturated: true,
  },
];

const title = (p: Pair) =>
  `${p.activation}${p.after ? ` → ${p.after[0]}` : ''} + ${p.loss} (${p.units} units)${p.saturated ? ', saturated' : ''}`;

function projectFor(p: Pair): Project {
  const project = emptyProject(title(p));
  project.graph = graphOf(
    [
      ['in', 'Input', { shape: [5] }],
      ['out', 'Dense', { units: p.units, activation: p.activation }],
      ...(p.after ? [['next', p.after[0], p.after[1]] as [string, string, object]] : []),
    ] as [string, string, Record<string, unknown>][],
    ['in->out', ...(p.after ? ['out->next'] : [])],
  );
  project.training = { ...project.training, dataset: 'blobs', loss: p.loss };
  return project;
}

interface Result {
  error?: string;
  generated?: number;
  reference?: number;
  criterion?: string;
}

let dir: string;
const tfjsLoss: number[] = [];
/** The loss as the app's loop takes it: inside `withOutputLogits` (evaluation mode). */
const appLoss: number[] = [];
let results: Result[] = [];

describe.skipIf(PYTHON_MISSING)('output activation vs loss: every back-end, every pair', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(join(tmpdir(), 'netwright-loss-pairs-'));
    const manifest = [];
    for (const [i, pair] of PAIRS.entries()) {
      const project = projectFor(pair);
      const ir = lower(project.graph);
      const { model, weights } = await modelWithRandomWeights(ir, 60 + i);
      const x = randomArray(BATCH * 5, rng(21 + i), -2, 2).map((v) =>
        pair.saturated ? v * 60 : v,
      );
      const classes = pair.loss === 'binary_crossentropy' ? 2 : pair.units;
      const y = Float32Array.from({ length: BATCH }, (_, n) => (n * 7 + i) % classes);
      const loss = tf.tidy(() =>
        lossTensor(
          tf,
          lossPlan(ir, pair.loss),
          model.predict(tf.tensor(x, [BATCH, 5])) as tf.Tensor,
          tf.tensor(y),
        ),
      );
      tfjsLoss.push((await loss.data())[0]!);
      loss.dispose();
      const inApp = tf.tidy(() =>
        withOutputLogits(() =>
          lossTensor(
            tf,
            lossPlan(ir, pair.loss),
            model.apply(tf.tensor(x, [BATCH, 5]), { training: false }) as tf.Tensor,
            tf.tensor(y),
          ),
        ),
      );
      appLoss.push((await inApp.data())[0]!);
      inApp.dispose();
      model.dispose();
      const files = { weights: join(dir, `w${i}.npz`), x: join(dir, `x${i}.npz`) };
      writeFileSync(files.weights, weightsToNpz(weights));
      writeFileSync(
        files.x,
        writeNpz([
          { name: 'x', shape: [BATCH, 5], data: x },
          { name: 'y', shape: [BATCH], data: y },
        ]),
      );
      const torch = join(dir, `torch_${i}.py`);
      const source = { name: project.name, ir, training: project.training };
      writeFileSync(torch, generatePytorch(source).code);
      manifest.push({ ...files, torch, activation: pair.activation, loss: pair.loss });
    }
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    await python([RUNNER, join(dir, 'manifest.json'), join(dir, 'results.json')]);
    results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Result[];
  }, 300_000);

  afterAll(() => {
    tf.disposeVariables();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(PAIRS.map((p, i) => [title(p), i] as const))(
    '%s: generated PyTorch = TF.js = Keras formula',
    (_t, i) => {
      const r = results[i]!;
      expect(r.error ?? '').toBe('');
      // The probabilities with Keras's clipping (from_logits=False) = plain lossTensor.
      expect(Math.abs(tfjsLoss[i]! - r.reference!)).toBeLessThan(1e-5);
      if (!PAIRS[i]!.saturated) {
        expect(Math.abs(r.generated! - r.reference!)).toBeLessThan(1e-5);
        expect(Math.abs(appLoss[i]! - r.reference!)).toBeLessThan(1e-5);
        return;
      }
      // Saturated: the app's loop, from the logits, is the generated PyTorch criterion.
      expect(Math.abs(appLoss[i]! - r.generated!)).toBeLessThan(1e-5 * Math.max(1, r.generated!));
      // Linear outputs are logits either way; for softmax/sigmoid the clip made a difference.
      if (PAIRS[i]!.logits) expect(Math.abs(r.generated! - r.reference!)).toBeLessThan(1e-4);
      else expect(r.generated! - r.reference!).toBeGreaterThan(1);
    },
  );

  it.each(PAIRS.map((p, i) => [title(p), i] as const))(
    '%s: Keras from_logits and the W110 warning follow the activation',
    (_t, i) => {
      const pair = PAIRS[i]!;
      const project = projectFor(pair);
      const ir = lower(project.graph);
      const keras = generateKeras({ name: project.name, ir, training: project.training }).code;
      expect(keras.includes('from_logits=True')).toBe(pair.logits);
      const w110 = lintGraph(project.graph, { training: project.training }).filter(
        (f) => f.code === 'W110',
      );
      expect(w110.length).toBe(pair.warns ? 1 : 0);
      if (pair.warns) expect(w110[0]!.nodeId).toBe('out');
      // The sigmoid + categorical pairs offer softmax, after which the warning is gone.
      const fix = w110[0]?.fix;
      expect(fix !== undefined).toBe(pair.warns && pair.activation === 'sigmoid');
      if (fix) {
        const fixed = fix.apply({ graph: project.graph, training: project.training });
        expect(fixed.graph.nodes.find((n) => n.id === 'out')!.params.activation).toBe('softmax');
        const after = lintGraph(fixed.graph, { training: fixed.training });
        expect(after.filter((f) => f.code === 'W110')).toEqual([]);
      }
    },
  );

  it('sigmoid outputs are no longer given to nn.CrossEntropyLoss as logits', () => {
    const sigmoid = PAIRS.findIndex((p) => p.activation === 'sigmoid' && p.loss === CE);
    expect(results[sigmoid]!.criterion).toMatch(/^ProbabilityCrossEntropy\(\)/);
    const py = generatePytorch({
      name: 'x',
      ir: lower(projectFor(PAIRS[sigmoid]!).graph),
      training: projectFor(PAIRS[sigmoid]!).training,
    }).code;
    expect(py).toMatch(/torch\.sigmoid\(/);
    expect(py).not.toMatch(/nn\.CrossEntropyLoss/);
  });
});

describe('a cross-entropy on a regression target', () => {
  const dir2 = mkdtempSync(join(tmpdir(), 'netwright-loss-task-'));
  const project = emptyProject('cars with a classification loss');
  project.graph = graphOf(
    [
      ['in', 'Input', { shape: [9] }],
      ['out', 'Dense', { units: 1 }],
    ],
    ['in->out'],
  );
  project.training = { ...project.training, dataset: 'cars', loss: CE };
  const path = join(dir2, 'cars.netwright.json');
  writeFileSync(path, JSON.stringify(project));
  const message =
    'The loss sparse_categorical_crossentropy needs class labels, but cars predicts a number (Miles_per_Gallon): set the loss to mse (or auto) in the training settings';

  it('check warns on the output block (W107) with the fix to make', async () => {
    const result = await cli('check', path);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toContain(`W107 [node out] ${message}`);
  }, 60_000);

  it('train refuses it with that message (exit 1), not a tf.oneHot stack trace', async () => {
    const result = await cli('train', path, '--epochs', '1', '--limit', '50');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/oneHot|\n\s+at /);
  }, 120_000);
  // Removed after both tests, whatever order they ran in (the unit tests are shuffled under CI).
  afterAll(() => rmSync(dir2, { recursive: true, force: true }));
});
