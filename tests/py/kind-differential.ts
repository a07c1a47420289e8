/**
 * The differential harness for layer kinds (issue 12 "Tests"): one minimal graph per case, the
 * TF.js model (cpu backend) with random non-trivial weights, onnxruntime on the ONNX export
 * (after `onnx.checker`), and the generated PyTorch module after `load_weights(weights.npz)` must
 * give the same outputs within 1e-4; an optional `hand` computation written in the test (plain
 * loops, independent of every back-end) must agree within 1e-5. A second check trains the TF.js
 * model a few steps (Adam, MSE to random targets): the loss stays finite and every trainable array
 * changes.
 *
 * Usage, one file per group of kinds:
 *
 *   kindDifferential('Conv1D', [{ title: 'Conv1D valid stride 2 on (9, 3)', graph: graphOf(...) }]);
 *
 * Integer inputs (token ids for Embedding): set `intInput: { vocab }`; x is drawn from
 * `0..vocab-1`, fed to TF.js as int32, to onnxruntime as `onnxInputType` (default int32) and to
 * PyTorch as int64.
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
import { lower, modelWithRandomWeights, randomArray, rng } from '../shared/onnx-helpers.ts';
import { PYTHON, PYTHON_MISSING, python } from './python.ts';
import { execFileSync } from 'node:child_process';

const RUNNER = new URL('./npz_parity.py', import.meta.url).pathname;
const BATCH = 2;

export interface KindCase {
  title: string;
  graph: Graph;
  /** Range of the random float input; default [-1, 1]. */
  inputRange?: [number, number];
  /** Token-id input: integers in `0..vocab-1`. */
  intInput?: { vocab: number; onnxInputType?: 'int32' | 'int64' };
  /** Hand computation of the output batch from the input batch (row-major, channels last). */
  hand?: (x: Float32Array) => number[];
  /** Skip the few-steps training check (e.g. a kind with no trainable weights before it). */
  noTraining?: boolean;
}

interface Outcome {
  tfjs: Float32Array;
  onnx: Float32Array;
  torch?: { error?: string; y?: number[]; shape?: number[] };
  x: Float32Array;
  shape: number[];
  checker?: string;
}

function worstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

async function runOnnx(
  bytes: Uint8Array,
  x: Float32Array,
  shape: number[],
  int?: KindCase['intInput'],
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const type = int?.onnxInputType ?? 'int32';
  const feed = !int
    ? new ort.Tensor('float32', x, shape)
    : type === 'int64'
      ? new ort.Tensor(
          'int64',
          BigInt64Array.from(x, (v) => BigInt(Math.round(v))),
          shape,
        )
      : new ort.Tensor(
          'int32',
          Int32Array.from(x, (v) => Math.round(v)),
          shape,
        );
  const result = await session.run({ [session.inputNames[0]!]: feed });
  const data = Float32Array.from(result[session.outputNames[0]!]!.data as Float32Array);
  await session.release();
  return data;
}

/** `onnx.checker.check_model(path, full_check=True)`; '' when it passes, else the message. */
function onnxChecker(path: string): string {
  try {
    execFileSync(
      PYTHON,
      ['-c', 'import onnx,sys; onnx.checker.check_model(sys.argv[1], full_check=True)', path],
      { stdio: 'pipe', timeout: 60_000 },
    );
    return '';
  } catch (e) {
    return String((e as { stderr?: Buffer }).stderr ?? e).slice(-800);
  }
}

/**
 * Registers the differential suite for `kind`: per case, TF.js = onnxruntime = PyTorch within
 * 1e-4 (and = `hand` within 1e-5 when given), ONNX passes the checker, and the model trains.
 */
export function kindDifferential(kind: string, cases: readonly KindCase[]): void {
  describe.skipIf(PYTHON_MISSING)(`${kind}: TF.js = ONNX = PyTorch`, () => {
    let dir: string;
    const outcomes: Outcome[] = [];

    beforeAll(async () => {
      await tf.setBackend('cpu');
      ort.env.wasm.numThreads = 1;
      dir = mkdtempSync(join(tmpdir(), `netwright-kind-${kind}-`));
      const manifest = [];
      for (const [i, c] of cases.entries()) {
        const ir: ModelIR = lower(c.graph);
        const { model, weights } = await modelWithRandomWeights(ir, 40 + i);
        const inShape = ir.ops[0]!.outputShape;
        const xShape = [BATCH, ...inShape];
        const n = BATCH * inShape.reduce((a, b) => a * b, 1);
        const random = rng(11 + i);
        const x = c.intInput
          ? Float32Array.from({ length: n }, () => Math.floor(random() * c.intInput!.vocab))
          : randomArray(n, random, ...(c.inputRange ?? [-1, 1]));
        const y = tf.tidy(
          () =>
            model.predict(
              c.intInput ? tf.tensor(Int32Array.from(x), xShape, 'int32') : tf.tensor(x, xShape),
            ) as tf.Tensor,
        );
        const tfjs = (await y.data()) as Float32Array;
        const shape = y.shape;
        y.dispose();
        model.dispose();
        const bytes = exportOnnx(ir, weights);
        const onnxPath = join(dir, `m${i}.onnx`);
        writeFileSync(onnxPath, bytes);
        const onnx = await runOnnx(bytes, x, xShape, c.intInput);
        outcomes.push({ tfjs, onnx, x, shape, checker: onnxChecker(onnxPath) });
        const project = emptyProject(c.title);
        project.graph = c.graph;
        const files = { weights: join(dir, `w${i}.npz`), x: join(dir, `x${i}.npz`) };
        writeFileSync(files.weights, weightsToNpz(weights));
        writeFileSync(files.x, writeNpz([{ name: 'x', shape: xShape, data: x }]));
        const torch = join(dir, `torch_${i}.py`);
        const source = { name: c.title, ir, training: project.training };
        writeFileSync(torch, generatePytorch(source, { includeTraining: false }).code);
        manifest.push({ ...files, torch, keras: null, intInput: Boolean(c.intInput) });
      }
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
      await python([RUNNER, join(dir, 'manifest.json'), join(dir, 'results.json')]);
      const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as {
        torch: Outcome['torch'];
      }[];
      results.forEach((r, i) => (outcomes[i]!.torch = r.torch));
    }, 600_000);

    afterAll(() => {
      tf.disposeVariables();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it.each(cases.map((c, i) => [c.title, i] as const))(
      '%s: onnx.checker passes; TF.js, onnxruntime and PyTorch agree within 1e-4',
      (_title, i) => {
        const o = outcomes[i]!;
        expect(o.checker).toBe('');
        expect(o.torch?.error ?? '').toBe('');
        expect(o.torch!.shape).toEqual(o.shape);
        expect(worstDiff(o.onnx, o.tfjs)).toBeLessThan(1e-4);
        expect(worstDiff(o.torch!.y!, o.tfjs)).toBeLessThan(1e-4);
        const hand = cases[i]!.hand;
        if (hand) expect(worstDiff(o.tfjs, hand(o.x))).toBeLessThan(1e-5);
      },
    );

    it.each(cases.filter((c) => !c.noTraining).map((c) => [c.title, c] as const))(
      '%s: trains 3 steps in TF.js (finite loss, every trainable array changes)',
      async (_title, c) => {
        const ir = lower(c.graph);
        const { model } = await modelWithRandomWeights(ir, 7);
        const inShape = ir.ops[0]!.outputShape;
        const outShape = ir.ops.at(-1)!.outputShape;
        const n = 4;
        const random = rng(5);
        const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
        const xs = c.intInput
          ? tf.tensor(
              Int32Array.from({ length: n * size(inShape) }, () =>
                Math.floor(random() * c.intInput!.vocab),
              ),
              [n, ...inShape],
              'int32',
            )
          : tf.tensor(randomArray(n * size(inShape), random), [n, ...inShape]);
        const ys = tf.tensor(randomArray(n * size(outShape), random), [n, ...outShape]);
        const before = model.trainableWeights.map((w) => w.read().dataSync().slice());
        model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
        const history = await model.fit(xs, ys, { epochs: 3, batchSize: n, verbose: 0 });
        const losses = history.history.loss as number[];
        expect(losses.every(Number.isFinite)).toBe(true);
        model.trainableWeights.forEach((w, k) => {
          const after = w.read().dataSync();
          expect(worstDiff(after, before[k]!), `${w.name} did not change`).toBeGreaterThan(0);
        });
        xs.dispose();
        ys.dispose();
        model.dispose();
      },
      120_000,
    );
  });
}
