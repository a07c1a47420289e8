/**
 * GPU dispatches and queue submits per training step on TF.js's webgpu backend, with the app's
 * own loop (shared/training/train.ts), MNIST MLP and CNN templates, batch 64, random data of MNIST
 * shape. Runs on Dawn for Node (npm `webgpu`); without a GPU on Mesa's lavapipe. Counts are facts
 * of the code path whatever the device; the seconds here are software-rendering seconds and say
 * nothing about a GPU (../gpu-bench/MEASURED.md has H200 times).
 *
 * Configurations, in order (custom kernels cannot be uninstalled, so "stock" runs first):
 *   stock            TF.js 4.22 as it comes: its optimizer ops and Conv2DDerFilterProgram
 *   stock+flags      the app's flags (shared/tfjs/webgpu-flags.ts): WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64,
 *                    WEBGPU_CPU_FORWARD=false
 *   netwright        installCustomKernels (tiled filter gradient) + fused optimizer update
 *   netwright+flags  both, as the app's worker starts webgpu
 * Per step = (count over 10 steps − count over 4 steps) / 6, so the first step's one-off work
 * (slot variables, the first loss read) cancels out. Prints one JSON object.
 *
 * Models: WEBGPU_BENCH_MODELS (default `mnist-mlp`, ~1 min on lavapipe; `mnist-mlp,mnist-cnn` for
 * the CNN too, ~15 min on lavapipe: the stock filter gradient is slow in software).
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../shared/datasets/types.ts';
import { rng } from '../shared/datasets/random.ts';
import { lowerGraph } from '../shared/ir/lower.ts';
import { loadTemplate } from '../shared/templates/index.ts';
import { buildModel } from '../shared/tfjs/build-model.ts';
import { installCustomKernels } from '../shared/tfjs/custom-kernels.ts';
import { WEBGPU_FLAGS } from '../shared/tfjs/webgpu-flags.ts';
import { setOptimizerFusion } from '../shared/tfjs/fused-optimizers.ts';
import { train } from '../shared/training/train.ts';

const log = (s: string) => process.stderr.write(`webgpu-dispatches: ${s}\n`);
const BATCH = 64;

function data(count: number): Dataset {
  const random = rng(7);
  const x = Float32Array.from({ length: count * 784 }, () => random());
  const y = Float32Array.from({ length: count }, () => Math.floor(random() * 10));
  return {
    id: 'synthetic-mnist-shape',
    title: 'random data of MNIST shape',
    featureShape: [28, 28, 1],
    featureNames: [],
    task: { kind: 'classification', numClasses: 10, classNames: [...Array(10).keys()].map(String) },
    train: { x, y, count },
    test: null,
    notes: [],
  };
}

let dispatches = 0;
let submits = 0;
function instrument() {
  const g = globalThis as unknown as {
    GPUComputePassEncoder: { prototype: GPUComputePassEncoder };
    GPUQueue: { prototype: GPUQueue };
  };
  const d = g.GPUComputePassEncoder.prototype;
  const dispatch = d.dispatchWorkgroups;
  d.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...a) {
    dispatches++;
    return dispatch.apply(this, a);
  };
  const q = g.GPUQueue.prototype;
  const submit = q.submit;
  q.submit = function (this: GPUQueue, ...a) {
    submits++;
    return submit.apply(this, a);
  };
}

async function count(modelId: string, steps: number) {
  const lowered = lowerGraph(loadTemplate(modelId).graph);
  if (!lowered.ok) throw new Error(`${modelId} does not lower`);
  const model = buildModel(tf, lowered.ir, { seed: 1 });
  const [d0, s0] = [dispatches, submits];
  const t0 = performance.now();
  await train(tf, model, lowered.ir, data(steps * BATCH), {
    settings: {
      dataset: 'mnist',
      epochs: 1,
      batchSize: BATCH,
      optimizer: 'adam',
      learningRate: 0.001,
      loss: 'auto',
      validationSplit: 0,
      shuffle: true,
      seed: 1,
    },
    readEvery: 16, // the worker's choice on webgpu
  });
  const seconds = (performance.now() - t0) / 1000;
  model.dispose();
  return { dispatches: dispatches - d0, submits: submits - s0, seconds };
}

async function main() {
  const dawn = (await import('webgpu')) as unknown as {
    create: (f: string[]) => GPU;
    globals: Record<string, unknown>;
  };
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true });
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    console.log(JSON.stringify({ bench: 'webgpu-dispatches', error: 'no WebGPU adapter' }));
    return;
  }
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('webgpu did not start');
  instrument();
  const info = adapter.info as unknown as Record<string, string>;
  const rows: Record<string, unknown>[] = [];
  const configs = [
    { name: 'stock', custom: false, flags: false },
    { name: 'stock+flags', custom: false, flags: true },
    { name: 'netwright', custom: true, flags: false },
    { name: 'netwright+flags', custom: true, flags: true },
  ];
  for (const c of configs) {
    if (c.custom) installCustomKernels(tf);
    setOptimizerFusion(c.custom);
    // TF.js's defaults, or the app's (shared/tfjs/webgpu-flags.ts).
    tf.env().set(
      'WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE',
      c.flags ? WEBGPU_FLAGS.WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE : 15,
    );
    tf.env().set('WEBGPU_CPU_FORWARD', c.flags ? WEBGPU_FLAGS.WEBGPU_CPU_FORWARD : true);
    for (const modelId of (process.env.WEBGPU_BENCH_MODELS ?? 'mnist-mlp').split(',')) {
      log(`${c.name} ${modelId}…`);
      const short = await count(modelId, 4);
      const long = await count(modelId, 10);
      const per = (k: 'dispatches' | 'submits') => Number(((long[k] - short[k]) / 6).toFixed(2));
      const row = {
        config: c.name,
        model: modelId,
        batch: BATCH,
        dispatches_per_step: per('dispatches'),
        submits_per_step: per('submits'),
        lavapipe_s_per_step: Number(((long.seconds - short.seconds) / 6).toFixed(3)),
      };
      log(JSON.stringify(row));
      rows.push(row);
    }
  }
  console.log(
    JSON.stringify({
      bench: 'webgpu-dispatches',
      adapter: [info.vendor, info.architecture, info.description].filter(Boolean).join(' '),
      rows,
    }),
  );
}

await main();
// dawn.node can keep the process alive while a GPU object lives.
process.exit(0);
