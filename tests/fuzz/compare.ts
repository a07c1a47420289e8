/**
 * Differential testing of the back-ends (issue 11, item 7): one project, one set of non-trivial
 * weights (BatchNorm moving statistics included), one input batch, and
 * - TF.js on the cpu backend (the reference: what the app trains and the CLI exports),
 * - TF.js on the wasm backend (what `netwright train` uses), with the app's custom kernels,
 * - TF.js on the webgpu backend (what the app trains on where there is a GPU) on Dawn, when asked
 *   (`CompareOptions.tfjs`) and started by the caller (tests/support/webgpu-node.ts),
 * - onnxruntime (onnxruntime-web in Node) on the ONNX export,
 * - the generated PyTorch code loading weights.npz (one Python process for every project),
 * must agree within `TOLERANCE`; and the parameter counts of `summary` must equal TF.js's
 * `countParams()` and PyTorch's parameters + BatchNorm running statistics.
 * When the cpu backend cannot run a graph, ONNX and PyTorch are compared with each other.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import * as ort from 'onnxruntime-web';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePytorch, torchTrainableCount } from '../../shared/codegen/pytorch.ts';
import {
  expectedWeights,
  setModelWeights,
  type ModelWeights,
} from '../../shared/export/weights.ts';
import type { Project } from '../../shared/graph/project.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { weightsToNpz, writeNpz } from '../../shared/npz/npz.ts';
import { exportOnnx } from '../../shared/onnx/export.ts';
import { summarizeModel } from '../../shared/summary.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { installCustomKernels } from '../../shared/tfjs/custom-kernels.ts';
import { rng } from '../../shared/datasets/random.ts';
import { PYTHON_MISSING, python } from '../py/python.ts';
import { LAYERS } from '../../shared/layers/registry.ts';
import { generateProject } from './generate.ts';

/** Largest allowed |difference| between two back-ends' outputs. */
export const TOLERANCE = 1e-4;
export const BATCH = 2;

export type Backend =
  'check' | 'tfjs-cpu' | 'tfjs-wasm' | 'tfjs-webgpu' | 'onnx' | 'torch' | 'params';

/** The TF.js backends the fuzzer can run. */
export type TfBackend = 'cpu' | 'wasm' | 'webgpu';
export const TF_BACKENDS: readonly TfBackend[] = ['cpu', 'wasm', 'webgpu'];

/** One disagreement: a back-end that crashed, computed other values, or counts otherwise. */
export interface Finding {
  backend: Backend;
  /** `refused`: the graph does not lower (`check` gives error diagnostics), nothing ran. */
  kind: 'refused' | 'crash' | 'mismatch' | 'count';
  detail: string;
  /** Largest |difference| for a mismatch. */
  worst?: number;
  /** The open issue item(s) (e.g. `11.3`) whose pattern the graph holds and that explain it. */
  known: string[];
}

export interface GraphResult {
  name: string;
  /** Ops of the graph, e.g. `Input[5,5,1] Conv2D[3,3,2] ...` (feature shapes). */
  ops: string;
  findings: Finding[];
  /** The back-ends that computed an output for the graph. */
  ran: Backend[];
}

/**
 * Patterns of known-open issue items (issue 11), each with the back-ends it breaks. A finding on
 * a back-end is "known" when the graph holds one of these patterns. When a fix merges, delete its
 * row: the fuzz test then requires those graphs to agree.
 */
export const KNOWN_OPEN: Record<
  string,
  { backends: Backend[]; kinds?: Finding['kind'][]; matches(ir: ModelIR): boolean }
> = {
  // Not a bug, float noise: LayerNormalization over a single feature gives beta exactly in
  // theory (x − mean = 0); PyTorch's layer_norm kernel leaves a residue (−2.7e-5 for x = −1.7,
  // ε = 1e-5) that γ/√ε-scaled and summed can pass 1e-4. TF.js and onnxruntime give beta.
  'noise.layernorm-one-feature': {
    backends: ['torch'],
    kinds: ['mismatch'],
    matches: (ir) =>
      ir.ops.some((op) => op.type === 'LayerNormalization' && op.inputShapes[0]!.at(-1) === 1),
  },
};

function knownFor(ir: ModelIR | undefined, backend: Backend, kind: Finding['kind']): string[] {
  if (!ir) return [];
  return Object.entries(KNOWN_OPEN)
    .filter(
      ([, k]) =>
        k.backends.includes(backend) && (!k.kinds || k.kinds.includes(kind)) && k.matches(ir),
    )
    .map(([item]) => item);
}

function uniform(n: number, random: () => number, lo: number, hi: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * random();
  return out;
}

/** Seeded non-trivial weights for every op (kernels ±1/√fan-in, BatchNorm statistics too). */
export function randomWeights(ir: ModelIR, seed: number): ModelWeights {
  const random = rng(seed);
  const weights: ModelWeights = new Map();
  for (const op of ir.ops) {
    const list = expectedWeights(op);
    if (list.length === 0) continue;
    weights.set(
      op.name,
      list.map(({ name, shape }) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const fanIn = n / (shape[shape.length - 1] ?? 1);
        const bound = name === 'kernel' ? 1.5 / Math.sqrt(Math.max(fanIn, 1)) : 0.5;
        const [lo, hi] =
          name === 'gamma' ? [0.5, 1.5] : name === 'moving_variance' ? [0.5, 2] : [-bound, bound];
        return { name, shape: [...shape], data: uniform(n, random, lo, hi) };
      }),
    );
  }
  return weights;
}

const message = (e: unknown) => String(e instanceof Error ? e.message : e).split('\n')[0]!;

async function tfjsPredict(
  backend: TfBackend,
  ir: ModelIR,
  weights: ModelWeights,
  x: Float32Array,
  xShape: number[],
): Promise<Float32Array> {
  await tf.setBackend(backend);
  const model = buildModel(tf, ir, { seed: 1 });
  try {
    setModelWeights(tf, model, ir, weights);
    const y = tf.tidy(() => model.predict(tf.tensor(x, xShape)) as tf.Tensor);
    const data = (await y.data()) as Float32Array;
    y.dispose();
    return Float32Array.from(data);
  } finally {
    model.dispose();
  }
}

async function onnxPredict(
  ir: ModelIR,
  weights: ModelWeights,
  x: Float32Array,
  xShape: number[],
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(exportOnnx(ir, weights));
  try {
    const result = await session.run({
      [session.inputNames[0]!]: new ort.Tensor('float32', x, xShape),
    });
    return Float32Array.from(result[session.outputNames[0]!]!.data as Float32Array);
  } finally {
    await session.release();
  }
}

function worstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

let started = false;
async function start(): Promise<void> {
  if (started) return;
  installCustomKernels(tf);
  ort.env.wasm.numThreads = 1;
  started = true;
}

interface Pending {
  ir?: ModelIR;
  reference?: Float32Array;
  onnx?: Float32Array;
  outputs: Map<Backend, Float32Array>;
  result: GraphResult;
  total?: { trainable: number; nonTrainable: number };
}

export interface CompareOptions {
  /** Run the generated PyTorch code (default true; skipped anyway without torch). */
  torch?: boolean;
  /** Run TF.js on the wasm backend (default true; ignored when `tfjs` is given). */
  wasm?: boolean;
  /**
   * The TF.js backends to run (cpu always runs: it is the reference). Default cpu and wasm.
   * `webgpu` needs the backend registered first (`startWebGpu` in tests/support/webgpu-node.ts).
   */
  tfjs?: readonly TfBackend[];
  /** Which projects (by index) run on webgpu, when it is in `tfjs`; default every one. */
  webgpuOn?: (index: number) => boolean;
  /** Project `i` gets weights seeded `1000 + dataSeed + i` and inputs `5000 + dataSeed + i`. */
  dataSeed?: number;
}

/**
 * Compares every back-end on each project (see the module comment). Projects that do not lower
 * give one `check`/`refused` finding with the diagnostics. PyTorch is skipped (with no finding)
 * when /usr/bin/python3 has no torch.
 */
export async function compareProjects(
  projects: readonly Project[],
  options: CompareOptions = {},
): Promise<GraphResult[]> {
  await start();
  const pending: Pending[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'netwright-fuzz-'));
  const manifest: { torch: string; weights: string; x: string }[] = [];
  const manifestIndex: number[] = [];
  try {
    for (const [index, project] of projects.entries()) {
      const lowered = lowerGraph(project.graph);
      const result: GraphResult = { name: project.name, ops: '', findings: [], ran: [] };
      const entry: Pending = { outputs: new Map(), result };
      pending.push(entry);
      const add = (f: Omit<Finding, 'known'>) =>
        result.findings.push({ ...f, known: knownFor(entry.ir, f.backend, f.kind) });
      if (!lowered.ok) {
        const detail = lowered.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ');
        add({ backend: 'check', kind: 'refused', detail });
        continue;
      }
      const ir = lowered.ir;
      entry.ir = ir;
      result.ops = ir.ops.map((op) => `${op.type}[${op.outputShape.join(',')}]`).join(' ');
      const summary = summarizeModel(lowered.analysis);
      entry.total = { trainable: summary.trainable, nonTrainable: summary.nonTrainable };
      const dataSeed = (options.dataSeed ?? 0) + index;
      const weights = randomWeights(ir, 1000 + dataSeed);
      const inShape = ir.ops[0]!.outputShape;
      const xShape = [BATCH, ...inShape];
      const x = uniform(
        xShape.reduce((a, b) => a * b, 1),
        rng(5000 + dataSeed),
        -2,
        2,
      );

      try {
        await tf.setBackend('cpu');
        const model = buildModel(tf, ir, { seed: 1 });
        const count = model.countParams();
        model.dispose();
        if (count !== summary.total)
          add({
            backend: 'params',
            kind: 'count',
            detail: `summary says ${summary.total} parameters, TF.js countParams() ${count}`,
          });
      } catch {
        // reported by the cpu run below
      }
      const asked = options.tfjs ?? (options.wasm === false ? ['cpu'] : ['cpu', 'wasm']);
      const tfBackends = TF_BACKENDS.filter(
        (b) =>
          b === 'cpu' ||
          (asked.includes(b) && (b !== 'webgpu' || (options.webgpuOn?.(index) ?? true))),
      );
      for (const backend of tfBackends) {
        try {
          entry.outputs.set(`tfjs-${backend}`, await tfjsPredict(backend, ir, weights, x, xShape));
        } catch (e) {
          add({ backend: `tfjs-${backend}`, kind: 'crash', detail: message(e) });
        }
      }
      try {
        entry.outputs.set('onnx', await onnxPredict(ir, weights, x, xShape));
      } catch (e) {
        add({ backend: 'onnx', kind: 'crash', detail: message(e) });
      }
      if (options.torch !== false && !PYTHON_MISSING) {
        const files = {
          torch: join(dir, `torch_${index}.py`),
          weights: join(dir, `weights_${index}.npz`),
          x: join(dir, `x_${index}.npz`),
        };
        writeFileSync(files.weights, weightsToNpz(weights));
        writeFileSync(files.x, writeNpz([{ name: 'x', shape: xShape, data: x }]));
        try {
          const source = { name: 'Fuzz', ir, training: project.training };
          writeFileSync(files.torch, generatePytorch(source, { includeTraining: false }).code);
          manifest.push(files);
          manifestIndex.push(index);
        } catch (e) {
          add({ backend: 'torch', kind: 'crash', detail: `codegen: ${message(e)}` });
        }
      }
    }
    await tf.setBackend('cpu');

    if (manifest.length > 0) {
      const runner = new URL('./fuzz_runner.py', import.meta.url).pathname;
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
      await python([runner, join(dir, 'manifest.json'), join(dir, 'results.json')], {
        timeout: 600_000,
      });
      const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as {
        error?: string;
        y?: number[];
        trainable?: number;
        nonTrainable?: number;
      }[];
      results.forEach((r, k) => {
        const entry = pending[manifestIndex[k]!]!;
        const add = (f: Omit<Finding, 'known'>) =>
          entry.result.findings.push({ ...f, known: knownFor(entry.ir, f.backend, f.kind) });
        if (r.error) {
          const lines = r.error.trim().split('\n');
          add({ backend: 'torch', kind: 'crash', detail: lines[lines.length - 1]! });
          return;
        }
        entry.outputs.set('torch', Float32Array.from(r.y!));
        const want = entry.total!;
        // PyTorch's own count where it differs from Keras's by design (LSTM/GRU/SimpleRNN's two
        // bias vectors): the count the generated file documents (torch.paramCount hooks).
        const torchTrainable = torchTrainableCount(entry.ir!);
        if (r.trainable !== torchTrainable || r.nonTrainable !== want.nonTrainable)
          add({
            backend: 'params',
            kind: 'count',
            detail: `summary says ${want.trainable} trainable + ${want.nonTrainable} non-trainable (PyTorch counts ${torchTrainable} trainable), PyTorch has ${r.trainable} + ${r.nonTrainable}`,
          });
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  for (const entry of pending) {
    const cpu = entry.outputs.get('tfjs-cpu');
    const reference = cpu ?? entry.outputs.get('torch');
    const referenceName = cpu ? 'tfjs-cpu' : 'torch';
    if (!reference) continue;
    entry.result.ran = [...entry.outputs.keys()];
    for (const backend of ['tfjs-wasm', 'tfjs-webgpu', 'onnx', 'torch'] as const) {
      const got = entry.outputs.get(backend);
      if (!got || backend === referenceName) continue;
      const worst = worstDiff(got, reference);
      if (worst > TOLERANCE) {
        // With the cpu backend as reference, a wrong cpu result shows on both exports: blame it.
        const blame: Backend =
          cpu && !backend.startsWith('tfjs-') && exportsAgree(entry) ? 'tfjs-cpu' : backend;
        if (entry.result.findings.some((f) => f.backend === blame && f.kind === 'mismatch'))
          continue;
        entry.result.findings.push({
          backend: blame,
          kind: 'mismatch',
          detail:
            blame === 'tfjs-cpu'
              ? `ONNX and PyTorch agree; TF.js cpu differs by ${worst.toPrecision(3)}`
              : `${backend} differs from ${referenceName} by ${worst.toPrecision(3)}`,
          worst,
          known: knownFor(entry.ir, blame, 'mismatch'),
        });
      }
    }
  }
  return pending.map((p) => p.result);
}

function exportsAgree(entry: Pending): boolean {
  const onnx = entry.outputs.get('onnx');
  const torch = entry.outputs.get('torch');
  return !!onnx && !!torch && worstDiff(onnx, torch) <= TOLERANCE;
}

/** Findings that no known-open issue item explains. */
export function unexplained(results: readonly GraphResult[]): (Finding & { graph: string })[] {
  return results.flatMap((r) =>
    r.findings.filter((f) => f.known.length === 0).map((f) => ({ ...f, graph: r.name })),
  );
}

/**
 * `count` projects for `seed`: generated by `generateProject`, where about `knownShare` of them
 * may hold a known-open pattern (KNOWN_OPEN) and the others are redrawn until they hold none, so
 * that known bugs do not hide new ones. Deterministic.
 */
/**
 * The kinds the fuzzer draws (round robin, one per graph): every kind that takes inputs, except
 * those that read integer token ids (Embedding) — the comparer feeds random float inputs, and an
 * int32 Input may feed only token-id kinds. Embedding is compared across back-ends with integer
 * ids in tests/py/kinds-sequence.test.ts.
 */
export const FUZZ_KINDS: readonly string[] = LAYERS.filter(
  (l) => l.inputs.max > 0 && !l.readsTokenIds,
).map((l) => l.type);

export function fuzzProjects(count: number, seed: number, knownShare = 0.2): Project[] {
  const random = rng(seed);
  const out: Project[] = [];
  let next = seed * 100_003;
  // Graph i holds kind i (round robin over the catalogue), so every kind is drawn.
  const kinds = FUZZ_KINDS;
  while (out.length < count) {
    const allowKnown = random() < knownShare;
    const focus = kinds[out.length % kinds.length];
    const before = out.length;
    for (let attempt = 0; attempt < 50; attempt++) {
      const project = generateProject(next++, focus ? { focus } : {});
      const lowered = lowerGraph(project.graph);
      if (!lowered.ok) continue;
      const known = Object.values(KNOWN_OPEN).some((k) => k.matches(lowered.ir));
      if (known && !allowKnown && attempt < 49) continue;
      out.push(project);
      break;
    }
    // Fail loudly rather than loop for ever on a kind the generator cannot place.
    if (out.length === before)
      throw new Error(`fuzz: no valid graph holding ${focus} in 50 attempts (seed ${seed})`);
  }
  return out;
}

/** The project cut so that `output` (a node id) is its output: nodes that do not lead to it go. */
export function truncateProject(project: Project, output: string): Project {
  const keep = new Set([output]);
  for (let grew = true; grew;) {
    grew = false;
    for (const e of project.graph.edges) {
      if (keep.has(e.target) && !keep.has(e.source)) {
        keep.add(e.source);
        grew = true;
      }
    }
  }
  return {
    ...project,
    name: `${project.name} cut at ${output}`,
    graph: {
      nodes: project.graph.nodes.filter((n) => keep.has(n.id)),
      edges: project.graph.edges.filter((e) => keep.has(e.source) && keep.has(e.target)),
    },
  };
}

const sameFinding = (a: Finding, b: Finding) => a.backend === b.backend && a.kind === b.kind;

/**
 * A smaller project with the same finding (back-end and kind): the graph cut at the earliest op
 * whose sub-graph still shows it, then with each remaining non-Input block bypassed where the
 * graph stays valid and the finding stays. Runs the comparer a few times.
 */
export async function minimise(
  project: Project,
  finding: Finding,
  options: CompareOptions = {},
): Promise<{ project: Project; finding: Finding }> {
  const lowered = lowerGraph(project.graph);
  if (!lowered.ok) return { project, finding };
  const cuts = lowered.ir.ops.slice(1).map((op) => truncateProject(project, op.id));
  const results = await compareProjects(cuts, options);
  let best = { project, finding };
  for (const [i, r] of results.entries()) {
    const f = r.findings.find((g) => sameFinding(g, finding));
    if (f) {
      best = { project: cuts[i]!, finding: f };
      break;
    }
  }
  // Bypass single-input blocks one at a time (their consumers read their input instead).
  for (let changed = true; changed;) {
    changed = false;
    const candidates = best.project.graph.nodes
      .filter((n) => n.type !== 'Input')
      .map((n) => bypass(best.project, n.id))
      .filter((p): p is Project => p !== null && lowerGraph(p.graph).ok);
    if (candidates.length === 0) break;
    const tried = await compareProjects(candidates, options);
    const hit = tried.findIndex((r) => r.findings.some((g) => sameFinding(g, finding)));
    if (hit >= 0) {
      best = {
        project: candidates[hit]!,
        finding: tried[hit]!.findings.find((g) => sameFinding(g, finding))!,
      };
      changed = true;
    }
  }
  return best;
}

/** `project` without block `id`: its one input feeds its consumers; null when not possible. */
function bypass(project: Project, id: string): Project | null {
  const ins = project.graph.edges.filter((e) => e.target === id);
  const outs = project.graph.edges.filter((e) => e.source === id);
  if (ins.length !== 1 || outs.length === 0) return null;
  return {
    ...project,
    graph: {
      nodes: project.graph.nodes.filter((n) => n.id !== id),
      edges: project.graph.edges
        .filter((e) => e.target !== id)
        .map((e) => (e.source === id ? { ...e, source: ins[0]!.source } : e)),
    },
  };
}
