/**
 * The TF.js half of the GPU benchmark, run in a child process per configuration (so a crash or a
 * hung GPU loses one cell, not the run): the app's own loop (shared/training/train.ts) trains a
 * template built by the app's builder (shared/tfjs/build-model.ts) on TF.js's WebGPU backend
 * (Dawn for Node, npm `webgpu`) or WASM backend, with the app's custom kernels
 * (installCustomKernels), on synthetic MNIST-shaped data (throughput does not depend on the
 * values). Prints one `RESULT {json}` line on stdout. On webgpu, dawn.ts's installDawn must
 * have run before this module is imported (see main.ts).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Dataset } from '../../shared/datasets/types.ts';
import { rng } from '../../shared/datasets/random.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { installCustomKernels } from '../../shared/tfjs/custom-kernels.ts';
import { train, type TrainControl } from '../../shared/training/train.ts';
import type { AdapterSummary } from './dawn.ts';
import type { GpuBackend, GpuModel } from './options.ts';
import { TEMPLATE_OF } from './options.ts';
import type { GpuResult } from './report.ts';

/** What the parent asks one child to run. */
export interface ConfigRequest {
  backend: GpuBackend;
  model: GpuModel;
  batch: number;
  samples: number;
  maxSeconds: number;
}

export function emit(kind: string, value: unknown): void {
  process.stdout.write(`${kind} ${JSON.stringify(value)}\n`);
}

export function errText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Starts `backend`; returns what the result should record about it. */
async function startBackend(
  tf: typeof tfjs,
  backend: GpuBackend,
  adapter: AdapterSummary | null,
  gpuErrors: string[],
) {
  if (backend === 'webgpu') {
    if (!adapter) throw new Error('no WebGPU adapter');
    await import('@tensorflow/tfjs-backend-webgpu');
    installCustomKernels(tf);
    if (!(await tf.setBackend('webgpu'))) throw new Error('tf.setBackend("webgpu") returned false');
    await tf.ready();
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    device.addEventListener('uncapturederror', (ev) =>
      gpuErrors.push(String((ev as GPUUncapturedErrorEvent).error.message)),
    );
    void device.lost.then((info) => gpuErrors.push(`device lost: ${info.message}`));
    return { adapter, threads: null };
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dir = process.env.BENCH_GPU_WASM_DIR;
  if (dir) wasm.setWasmPaths(dir.endsWith('/') ? dir : `${dir}/`);
  installCustomKernels(tf);
  if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
  await tf.ready();
  return { adapter: null, threads: wasm.getThreadsCount() };
}

/** `count` random MNIST-shaped examples (28×28×1 pixels in [0, 1), labels 0..9), seeded. */
export function syntheticMnist(count: number): Dataset {
  const random = rng(7);
  const x = new Float32Array(count * 784);
  for (let i = 0; i < x.length; i++) x[i] = random();
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) y[i] = Math.floor(random() * 10);
  return {
    id: 'synthetic-mnist',
    title: 'random data of MNIST shape',
    featureShape: [28, 28, 1],
    featureNames: [],
    task: { kind: 'classification', numClasses: 10, classNames: [...Array(10).keys()].map(String) },
    train: { x, y, count },
    test: null,
    notes: [],
  };
}

/**
 * `config` mode: trains one configuration with the app's loop (Adam 1e-3, no validation split,
 * the worker's read interval: every 16 batches on webgpu, 4 on wasm) until `samples` are done or
 * `maxSeconds` have passed, and prints one `RESULT {…}` line. Returns the exit code.
 */
export async function runConfig(
  req: ConfigRequest,
  adapter: AdapterSummary | null,
): Promise<number> {
  const base = { impl: 'tfjs' as const, backend: req.backend, model: req.model, batch: req.batch };
  const gpuErrors: string[] = [];
  let result: GpuResult;
  try {
    const tf = await import('@tensorflow/tfjs');
    const started = await startBackend(tf, req.backend, adapter, gpuErrors);
    const lowered = lowerGraph(loadTemplate(TEMPLATE_OF[req.model]).graph);
    if (!lowered.ok) throw new Error(`the ${TEMPLATE_OF[req.model]} template does not lower`);
    const data = syntheticMnist(req.samples);
    const tensorsBefore = tf.memory().numTensors;
    const model = buildModel(tf, lowered.ir, { seed: 1 });
    const params = model.countParams();
    const readEvery = req.backend === 'webgpu' ? 16 : 4;
    const control: TrainControl = { stop: false, paused: null };
    let tFirst = -1;
    let firstSamples = 0;
    let firstBatchS = -1;
    let samples = 0;
    let stopped: string | null = null;
    const start = performance.now();
    const trained = await train(tf, model, lowered.ir, data, {
      settings: {
        dataset: 'mnist',
        epochs: 1,
        batchSize: req.batch,
        optimizer: 'adam',
        learningRate: 0.001,
        loss: 'auto',
        validationSplit: 0,
        shuffle: true,
        seed: 1,
      },
      limit: req.samples,
      readEvery,
      control,
      yieldToEvents: () => Promise.resolve(),
      onBatches: (p) => {
        const now = performance.now();
        if (tFirst < 0) {
          tFirst = now;
          firstSamples = p.samples;
          firstBatchS = p.firstBatchSeconds;
        }
        samples = p.samples;
        if (samples < req.samples && (now - start) / 1000 > req.maxSeconds) {
          stopped = `time cap ${req.maxSeconds}s`;
          control.stop = true;
        }
      },
    });
    const end = performance.now();
    model.dispose();
    const steadySamples = samples - firstSamples;
    const steadySeconds = (end - tFirst) / 1000;
    const loss = trained.history[0]?.loss ?? NaN;
    result = {
      ...base,
      threads: started.threads,
      adapter: started.adapter,
      tfjs: tf.version.tfjs,
      read_every: readEvery,
      params,
      samples,
      samples_requested: req.samples,
      seconds: round((end - start) / 1000, 3),
      samples_per_s: Math.round(samples / ((end - start) / 1000)),
      steady_samples_per_s:
        steadySamples > 0 && steadySeconds > 0 ? Math.round(steadySamples / steadySeconds) : null,
      first_batch_s: round(firstBatchS, 3),
      loss: round(loss, 4),
      status: trained.status,
      stopped,
      leaked_tensors: tf.memory().numTensors - tensorsBefore,
      ...(gpuErrors.length ? { gpu_errors: gpuErrors.slice(0, 5) } : {}),
    };
    if (trained.status === 'diverged') result.error = trained.message ?? 'the loss diverged';
  } catch (e) {
    result = { ...base, error: errText(e), ...(gpuErrors.length ? { gpu_errors: gpuErrors } : {}) };
  }
  emit('RESULT', result);
  return result.error === undefined ? 0 : 1;
}

function round(n: number, digits: number): number {
  return Number(n.toFixed(digits));
}
