/// <reference lib="webworker" />
/**
 * The training Web Worker: owns TF.js, the model and the data; runs shared/training's loop and
 * reports over the protocol in shared/training/protocol.ts. The UI thread never touches tensors.
 */
import '../zod-csp.ts';
import { decodeText } from '../../shared/text/decode.ts';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '../../node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '../../node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '../../node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import {
  csvPreview,
  csvTableDataset,
  parseCsv,
  previewWithIgnored,
  type CsvPreview,
  type CsvResult,
  type CsvTable,
} from '../../shared/datasets/csv.ts';
import { checkDatasetFit, datasetInfo } from '../../shared/datasets/fit.ts';
import { mnistDataset } from '../../shared/datasets/mnist.ts';
import { syntheticDataset, type SyntheticSet } from '../../shared/datasets/synthetic.ts';
import type { Cell } from '../../shared/datasets/tabular.ts';
import type { Dataset } from '../../shared/datasets/types.ts';
import { carsDataset, penguinsDataset } from '../../shared/datasets/vega.ts';
import { DEFAULT_TOKENIZER, topicsDataset } from '../../shared/datasets/tokenizer.ts';
import { DEFAULT_WINDOW, SERIES_SETS, seriesDataset } from '../../shared/datasets/window.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { installCustomKernels } from '../../shared/tfjs/custom-kernels.ts';
import { setWebGpuFlags } from '../../shared/tfjs/webgpu-flags.ts';
import { watchWeights } from '../../shared/tfjs/watch.ts';
import type {
  BackendChoice,
  BackendName,
  BoundaryGrid,
  CsvSource,
  DataSource,
  FromWorker,
  ToWorker,
} from '../../shared/training/protocol.ts';
import { BACKENDS } from '../../shared/training/protocol.ts';
import {
  pickFastest,
  probeCheck,
  probeMode,
  probeSpeed,
  type ProbeEntry,
} from '../../shared/training/probe.ts';
import {
  epochsTrained,
  testResults,
  train,
  type BatchProgress,
  createControl,
  type Controller,
} from '../../shared/training/train.ts';
import type { TrainingSettings } from '../../shared/graph/project.ts';
import { exportWeights, importWeights } from '../../shared/training/weights.ts';
import { messageChannelYield } from './yield.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
// XNNPACK for the transposed products of backprop (6× faster on wasm; bench/README.md).
installCustomKernels(tf);
const post = (m: FromWorker) => scope.postMessage(m);

/** A turn of the event loop, so that Stop/Pause messages are received while the loop trains. */
const yieldToEvents = messageChannelYield();

/**
 * Runs (start, reset, dispose) one after another: a new Start waits for the previous run's
 * after-work (weights export, test pass), which it cancels first through `afterWorkCancelled`.
 */
let chain: Promise<void> = Promise.resolve();
let afterWorkCancelled = false;
function enqueue(job: () => Promise<void>) {
  afterWorkCancelled = true;
  chain = chain.then(job, job);
}

let backendReady: BackendName | null = null;
let model: tf.LayersModel | null = null;
let modelKey = '';
let control: Controller | null = null;
const datasets = new Map<string, Dataset>();

/**
 * Batch reports are merged and posted at most every REPORT_MS: a small model reports hundreds of
 * batches a second, and one message (one UI update) per report would flood the UI thread.
 */
const REPORT_MS = 100;
let pendingProgress: BatchProgress | null = null;
let lastReport = 0;

function reportBatches(progress: BatchProgress) {
  if (pendingProgress) {
    const losses = pendingProgress.losses;
    losses.push(...progress.losses);
    pendingProgress = { ...progress, losses };
  } else pendingProgress = { ...progress, losses: [...progress.losses] };
  if (performance.now() - lastReport >= REPORT_MS) flushReports();
}

function flushReports() {
  if (pendingProgress) post({ type: 'batches', progress: pendingProgress });
  pendingProgress = null;
  lastReport = performance.now();
}

/** Weight histograms ("watch the weights") are posted at most this often while training. */
const WATCH_MS = 1000;
let lastWatch = -Infinity;
let watching = false;

/** Posts the model's weight histograms: at most every WATCH_MS unless forced, one at a time. */
function postWatch(m: tf.LayersModel, epoch: number, batch: number, force = false) {
  if (watching || (!force && performance.now() - lastWatch < WATCH_MS)) return;
  watching = true;
  lastWatch = performance.now();
  watchWeights(tf, m)
    .then((watch) => post({ type: 'weightsWatch', watch, epoch, batch }))
    .catch(() => undefined)
    .finally(() => (watching = false));
}

/** The decision boundary is redrawn at most this often (it costs a forward pass and a read). */
const BOUNDARY_MS = 250;

/** Starts one backend and proves it with a real op; throws why it cannot. */
async function startBackend(name: BackendName): Promise<void> {
  if (name === 'webgl' && typeof OffscreenCanvas === 'undefined')
    throw new Error('no OffscreenCanvas');
  if (name === 'webgpu' && !('gpu' in navigator)) throw new Error('no navigator.gpu');
  if (name === 'webgpu') setWebGpuFlags(tf);
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error('did not initialise');
  await tf.ready();
  // A real op proves it works (some backends register but fail on first use).
  const probe = tf.add(tf.scalar(1), tf.scalar(1));
  await probe.data();
  probe.dispose();
}

function setupWasm() {
  setWasmPaths({
    'tfjs-backend-wasm.wasm': new URL(wasmPlain, self.location.href).href,
    'tfjs-backend-wasm-simd.wasm': new URL(wasmSimd, self.location.href).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreaded, self.location.href).href,
  });
  // Threads need cross-origin isolation and must be set before the backend starts.
  if (scope.crossOriginIsolated)
    setThreadsCount(Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)));
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The first backend of `order` that starts. */
async function firstThatStarts(order: readonly BackendName[]): Promise<BackendName> {
  const tried: { backend: BackendName; error?: string }[] = [];
  for (const name of order) {
    try {
      await startBackend(name);
      tried.push({ backend: name });
      backendReady = name;
      post({ type: 'backend', backend: name, tried });
      return name;
    } catch (e) {
      tried.push({ backend: name, error: message(e) });
    }
  }
  throw new Error(
    `no TF.js backend started: ${tried.map((t) => `${t.backend}: ${t.error}`).join('; ')}`,
  );
}

/** Milliseconds of timed steps per backend in the probe (a warm-up step comes before). */
const PROBE_BUDGET_MS = 250;

/**
 * "auto": trains a few steps of this model at this batch size on every backend that starts and
 * keeps the fastest (shared/training/probe.ts). TF.js's cpu backend is probed only when no other
 * backend trained: it is plain JavaScript, never faster than wasm. The last candidate before cpu,
 * when nothing else trained, only trains one small step (`probeMode` 'check': it is the pick
 * whatever its rate); a backend under half the best rate stops after one timed step. Posts
 * `probe` and `backend`.
 */
async function probeBackends(
  ir: ModelIR,
  data: Dataset,
  settings: TrainingSettings,
): Promise<BackendName> {
  const t0 = performance.now();
  const entries: ProbeEntry[] = [];
  for (const [index, name] of BACKENDS.entries()) {
    const mode = probeMode(BACKENDS, index, entries);
    const measured = entries.some((e) => e.samplesPerSecond !== undefined || e.checkOnly);
    if (mode === 'skip') {
      entries.push({ backend: name, error: 'skipped: plain JavaScript, slower than wasm' });
      continue;
    }
    if (control?.stop && measured) {
      entries.push({ backend: name, error: 'skipped: stopped' });
      continue;
    }
    const rates = entries.map((e) => e.samplesPerSecond ?? 0);
    try {
      await startBackend(name);
      const r =
        mode === 'check'
          ? await probeCheck(tf, ir, data, settings)
          : await probeSpeed(tf, ir, data, settings, {
              budgetMs: PROBE_BUDGET_MS,
              ...(rates.some((v) => v > 0) ? { rivalRate: Math.max(...rates) } : {}),
            });
      entries.push({ backend: name, ...r });
    } catch (e) {
      entries.push({ backend: name, error: message(e) });
    }
  }
  const pick = pickFastest(entries);
  if (!pick) {
    throw new Error(
      `no TF.js backend trained this model: ${entries.map((e) => `${e.backend}: ${e.error}`).join('; ')}`,
    );
  }
  const chosen = pick.backend as BackendName;
  await startBackend(chosen);
  backendReady = chosen;
  post({
    type: 'probe',
    entries,
    chosen,
    reason: pick.reason,
    batchSize: settings.batchSize,
    ms: performance.now() - t0,
  });
  post({
    type: 'backend',
    backend: chosen,
    tried: entries.map((e) => ({
      backend: e.backend as BackendName,
      ...(e.error ? { error: e.error } : {}),
    })),
  });
  return chosen;
}

async function chooseBackend(
  choice: BackendChoice,
  ir: ModelIR,
  data: Dataset,
  settings: TrainingSettings,
): Promise<BackendName> {
  if (backendReady && (choice === 'auto' || choice === backendReady)) return backendReady;
  setupWasm();
  if (choice === 'auto') return probeBackends(ir, data, settings);
  return firstThatStarts([choice, ...BACKENDS.filter((b) => b !== choice)]);
}

async function fetchBytes(url: string | undefined, what: string): Promise<Uint8Array> {
  if (!url) throw new Error(`no URL for ${what}`);
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${what}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

/** The last CSV file parsed (one at a time: a 100k-row table is worth keeping, not two). */
let csvParsed: {
  fileId: number | undefined;
  result: CsvResult<CsvTable>;
  preview: CsvPreview | null;
} | null = null;
/** The data set built from it with the last choices. */
let csvBuilt: { key: string; result: CsvResult<Dataset> } | null = null;

/** Reads, decodes and parses a CSV source here in the worker, once per picked file. */
async function csvTable(source: CsvSource): Promise<NonNullable<typeof csvParsed>> {
  if (csvParsed && source.fileId !== undefined && csvParsed.fileId === source.fileId)
    return csvParsed;
  let text: string;
  if (source.text !== undefined) text = source.text;
  else if (source.file) {
    // The same decoding as the CLI: UTF-8 (BOM dropped) or UTF-16 with a BOM, else a message.
    const decoded = decodeText(new Uint8Array(await source.file.arrayBuffer()));
    if (!decoded.ok)
      throw new Error(`${source.name}: ${decoded.error}; save the CSV as UTF-8 text and try again`);
    text = decoded.text;
  } else throw new Error(`${source.name}: choose the file again`);
  const parsed = parseCsv(text);
  const result: CsvResult<CsvTable> = parsed.ok
    ? parsed
    : { ok: false, errors: parsed.errors.map((e) => `${source.name}: ${e}`) };
  csvParsed = {
    fileId: source.fileId,
    result,
    preview: result.ok ? csvPreview(result.value, source.name) : null,
  };
  csvBuilt = null;
  return csvParsed;
}

/** The data set for a CSV source and its choices (cached for the same file, choices and seed). */
async function csvData(source: CsvSource, seed: number): Promise<CsvResult<Dataset>> {
  const { result: table, preview } = await csvTable(source);
  if (!table.ok) return table;
  if (!preview) throw new Error(`${source.name}: no preview`);
  // Defaults resolved first, so that implicit and explicit defaults share the cache.
  const target = source.target ?? preview.defaultTarget;
  const task = source.task ?? preview.defaultTasks[target];
  const normalization = source.normalization ?? 'standard';
  const ignore = source.ignore ?? [];
  const key = JSON.stringify([source.fileId, target, task, normalization, ignore, seed]);
  if (csvBuilt && csvBuilt.key === key && source.fileId !== undefined) return csvBuilt.result;
  const result = csvTableDataset(table.value, {
    name: source.name,
    target,
    ...(task ? { task } : {}),
    normalization,
    ignore,
    seed,
  });
  csvBuilt = { key, result };
  return result;
}

/** Answers a `csv` request: the preview, and the data set's shape or the errors. */
async function describeCsv(msg: Extract<ToWorker, { type: 'csv' }>) {
  const t0 = performance.now();
  const { result: table, preview } = await csvTable(msg.source);
  const data = table.ok ? await csvData(msg.source, msg.seed) : table;
  post({
    type: 'csv',
    request: msg.request,
    preview: preview && previewWithIgnored(preview, msg.source.ignore ?? []),
    info: data.ok
      ? {
          ...datasetInfo(data.value),
          trainCount: data.value.train.count,
          testCount: data.value.test?.count ?? 0,
          notes: data.value.notes,
        }
      : null,
    errors: data.ok ? [] : data.errors,
    ms: performance.now() - t0,
  });
}

async function loadData(source: DataSource, seed: number): Promise<Dataset> {
  const key = JSON.stringify([
    source.dataset,
    source.synthetic ?? null,
    source.csv?.name ?? null,
    source.csv?.target ?? null,
    source.window ?? null,
    source.tokenizer ?? null,
    seed,
  ]);
  const cached = datasets.get(key);
  if (cached && source.dataset !== 'csv') return cached;
  let d: Dataset;
  switch (source.dataset) {
    case 'mnist': {
      const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
        ['trainImages', 'trainLabels', 'testImages', 'testLabels'].map((k) =>
          fetchBytes(source.urls[k], `MNIST ${k}`),
        ),
      );
      d = mnistDataset({
        trainImages: trainImages!,
        trainLabels: trainLabels!,
        testImages: testImages!,
        testLabels: testLabels!,
      });
      break;
    }
    case 'penguins':
    case 'cars': {
      const r = await fetch(source.urls[source.dataset]!);
      const rows = (await r.json()) as Record<string, Cell>[];
      d = source.dataset === 'penguins' ? penguinsDataset(rows, seed) : carsDataset(rows, seed);
      break;
    }
    case 'co2':
    case 'seattle-weather': {
      const url = source.urls[source.dataset]!;
      const r = await fetch(url);
      if (!r.ok) throw new Error(`${SERIES_SETS[source.dataset].file}: HTTP ${r.status}`);
      d = seriesDataset(source.dataset, await r.text(), source.window ?? DEFAULT_WINDOW);
      break;
    }
    case 'topics':
      d = topicsDataset(source.tokenizer ?? DEFAULT_TOKENIZER);
      break;
    case 'csv': {
      if (!source.csv) throw new Error('Choose a CSV file first');
      const result = await csvData(source.csv, seed);
      if (!result.ok) throw new Error(result.errors.join('\n'));
      return result.value;
    }
    default:
      d = syntheticDataset(source.dataset as SyntheticSet, { ...source.synthetic, seed });
  }
  datasets.set(key, d);
  return d;
}

const BOUNDARY_SIZE = 40;
const BOUNDARY_RANGE: [number, number] = [-1.5, 1.5];

async function boundary(m: tf.LayersModel, ir: ModelIR): Promise<BoundaryGrid | undefined> {
  const input = ir.ops[0]!.outputShape;
  if (input.length !== 1 || input[0] !== 2) return undefined;
  const n = BOUNDARY_SIZE;
  const [lo, hi] = BOUNDARY_RANGE;
  const xs = new Float32Array(n * n * 2);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      xs[2 * (r * n + c)] = lo + ((c + 0.5) / n) * (hi - lo);
      xs[2 * (r * n + c) + 1] = hi - ((r + 0.5) / n) * (hi - lo);
    }
  const p = tf.tidy(() => {
    const out = m.apply(tf.tensor2d(xs, [n * n, 2]), { training: false }) as tf.Tensor;
    const flat = out.reshape([n * n, -1]);
    return flat.shape[1] === 1
      ? flat.reshape([n * n])
      : flat.slice([0, 1], [n * n, 1]).reshape([n * n]);
  });
  const values = Array.from(await p.data());
  p.dispose();
  return { size: n, range: BOUNDARY_RANGE, values };
}

function disposeModel() {
  model?.dispose();
  model = null;
  modelKey = '';
}

async function start(msg: Extract<ToWorker, { type: 'start' }>) {
  post({ type: 'status', state: 'loading' });
  // Stop is heard while the data loads and the backends are probed, too.
  const run = createControl();
  control = run;
  const stoppedEarly = () => {
    if (!run.stop) return false;
    control = null;
    post({ type: 'status', state: 'idle', message: 'Stopped before training began' });
    return true;
  };
  const lowered = lowerGraph(msg.graph);
  if (!lowered.ok) {
    post({ type: 'problems', messages: lowered.diagnostics.map((d) => d.message) });
    control = null;
    post({ type: 'status', state: 'idle' });
    return;
  }
  const ir = lowered.ir;
  const data = await loadData(msg.source, msg.settings.seed);
  post({
    type: 'dataset',
    title: data.title,
    trainCount: data.train.count,
    testCount: data.test?.count ?? 0,
    notes: data.notes,
  });
  const problems = checkDatasetFit(ir, datasetInfo(data), msg.settings.loss);
  if (problems.length > 0) {
    post({ type: 'problems', messages: problems.map((p) => p.message) });
    control = null;
    post({ type: 'status', state: 'idle' });
    return;
  }
  if (stoppedEarly()) return;
  await chooseBackend(msg.backend, ir, data, msg.settings);
  if (stoppedEarly()) return;
  const key = JSON.stringify(ir.ops.map((op) => [op.name, op.type, op.params, op.inputs]));
  let continued = true;
  if (!msg.keepWeights || key !== modelKey || !model) {
    disposeModel();
    model = buildModel(tf, ir, { seed: msg.settings.seed });
    modelKey = key;
    continued = false;
    if (msg.initialWeights) {
      const problems = importWeights(tf, model, msg.initialWeights);
      continued = problems.length === 0;
      post({
        type: 'weights',
        loaded: continued,
        message: continued
          ? "Started from the project's saved weights"
          : `The project's saved weights do not fit this graph; starting from fresh weights (${problems[0]})`,
      });
    }
  }
  const m = model;
  afterWorkCancelled = false;
  post({ type: 'status', state: 'training' });
  let lastBoundary = -Infinity;
  pendingProgress = null;
  lastReport = 0;
  lastWatch = -Infinity;
  postWatch(m, 0, 0, true);
  const result = await train(tf, m, ir, data, {
    settings: msg.settings,
    ...(msg.limit ? { limit: msg.limit } : {}),
    control: run,
    readEvery: backendReady === 'webgpu' || backendReady === 'webgl' ? 16 : 4,
    yieldToEvents,
    onBatches: (progress) => {
      reportBatches(progress);
      postWatch(m, progress.epoch, progress.batch);
    },
    onPause: () => {
      flushReports();
      post({ type: 'status', state: 'paused' });
    },
    onEpoch: async (log) => {
      flushReports();
      let grid: BoundaryGrid | undefined;
      if (!run.stop && performance.now() - lastBoundary >= BOUNDARY_MS) {
        grid = await boundary(m, ir);
        lastBoundary = performance.now();
      }
      post({ type: 'epoch', log, ...(grid ? { boundary: grid } : {}) });
    },
  });
  flushReports();
  const stopped = result.status === 'stopped';
  // Stopped: say so at once; the weights and test results follow (the test pass is abandoned
  // when the next command comes).
  if (stopped) {
    control = null;
    post({
      type: 'status',
      state: 'stopped',
      ...(result.message ? { message: result.message } : {}),
    });
  }
  const cancelled = () => afterWorkCancelled || (!stopped && run.stop);
  if (result.status === 'diverged')
    post({ type: 'diverged', message: result.message ?? 'The loss diverged' });
  if (result.status !== 'diverged')
    post({
      type: 'trained',
      weights: await exportWeights(m, {
        dataset: data.id,
        epochs: epochsTrained(result.history),
      }),
      history: result.history,
      continued,
    });
  if (!cancelled())
    post({
      type: 'weightsWatch',
      watch: await watchWeights(tf, m),
      epoch: result.history.length,
      batch: 0,
    });
  const test = cancelled()
    ? null
    : await testResults(tf, m, ir, data, msg.settings, 36, Infinity, {
        cancelled,
        yieldToEvents,
        changed: () => run.changed,
      });
  if (!cancelled()) {
    const classNames = data.task.kind === 'classification' ? data.task.classNames : [];
    let samples: { pixels: number[][]; labels: number[] } | undefined;
    if (data.id === 'mnist' && data.test) {
      const pixels: number[][] = [];
      for (let i = 0; i < 36; i++)
        pixels.push(
          Array.from(data.test.x.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255)),
        );
      samples = { pixels, labels: Array.from(data.test.y.subarray(0, 36)) };
    }
    let points: { x: number[]; y: number[] } | undefined;
    if (data.featureShape.length === 1 && data.featureShape[0] === 2) {
      const n = Math.min(data.train.count, 600);
      points = {
        x: Array.from(data.train.x.subarray(0, 2 * n)),
        y: Array.from(data.train.y.subarray(0, n)),
      };
    }
    const grid = await boundary(m, ir);
    post({
      type: 'results',
      test,
      classNames,
      ...(samples ? { samples } : {}),
      ...(points ? { points } : {}),
      ...(grid ? { boundary: grid } : {}),
    });
  }
  if (!stopped) {
    control = null;
    post({
      type: 'status',
      state: result.status === 'done' ? 'done' : 'stopped',
      ...(result.message
        ? { message: result.message }
        : run.stop
          ? { message: 'Stopped during the test pass; no test results' }
          : {}),
    });
  }
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'csv':
      describeCsv(msg).catch((e: unknown) =>
        post({
          type: 'csv',
          request: msg.request,
          preview: null,
          info: null,
          errors: [`${msg.source.name}: ${e instanceof Error ? e.message : String(e)}`],
          ms: 0,
        }),
      );
      break;
    case 'start':
      enqueue(() =>
        start(msg).catch((e: unknown) => {
          control = null;
          post({ type: 'error', message: message(e) });
          post({ type: 'status', state: 'idle' });
        }),
      );
      break;
    case 'pause':
      // The status turns `paused` when the loop has actually stopped (onPause).
      control?.pause();
      break;
    case 'resume':
      if (control?.paused) {
        control.resume();
        post({ type: 'status', state: 'training' });
      }
      break;
    case 'stop':
      control?.requestStop();
      break;
    case 'reset':
      enqueue(async () => {
        disposeModel();
        post({ type: 'status', state: 'idle', message: 'Weights reset' });
      });
      break;
    case 'dispose':
      control?.requestStop();
      enqueue(async () => {
        disposeModel();
        datasets.clear();
        csvParsed = null;
        csvBuilt = null;
        tf.disposeVariables();
      });
      break;
  }
};
