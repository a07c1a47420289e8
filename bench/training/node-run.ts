/**
 * One TF.js configuration in this Node process: the MNIST MLP trained with the app's loop
 * (shared/training/train.ts) for one epoch (or `limit` samples) at one batch size. Prints one
 * JSON line. `node bench/training/node-run.ts BACKEND BATCH LIMIT [THREADS]`; `TEMPLATE=mnist-cnn`
 * trains the CNN template instead; `STOCK=1` leaves out Netwright's kernels, `FUSED=0` its fused
 * optimizer updates.
 */
import { loadMnist } from '../../cli/datasets.ts';
import { installCustomKernels } from '../../shared/tfjs/custom-kernels.ts';
import { simdKernels } from '../../shared/tfjs/simd/kernels.ts';
import { setOptimizerFusion } from '../../shared/tfjs/fused-optimizers.ts';
import { timeMlpEpoch } from './mlp-epoch.ts';

const [backend = 'wasm', batchArg = '64', limitArg = '60000', threadsArg] = process.argv.slice(2);
const batchSize = Number(batchArg);
const limit = Number(limitArg);
const readEvery = Number(process.env.READ_EVERY ?? 4);
/** `STOCK=1`: TF.js's own wasm BatchMatMul (slow with transposed operands), for comparison. */
const stock = process.env.STOCK === '1';
const template = process.env.TEMPLATE ?? 'mnist-mlp';
/** `FUSED=0`: TF.js's own optimizer updates instead of the fused ones, for comparison. */
if (process.env.FUSED === '0') setOptimizerFusion(false);

const tf = await import('@tensorflow/tfjs');
let threads = 1;
if (backend === 'wasm') {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (threadsArg) wasm.setThreadsCount(Number(threadsArg));
  if (!stock) installCustomKernels(tf);
  await tf.setBackend('wasm');
  threads = wasm.getThreadsCount();
} else await tf.setBackend(backend);
await tf.ready();

const data = await loadMnist();
const timing = await timeMlpEpoch(tf, data, {
  batchSize,
  limit,
  readEvery,
  yieldToEvents: () => Promise.resolve(),
  template,
});
console.log(
  JSON.stringify({
    backend: `${backend}-node${backend === 'wasm' && stock ? '-stock' : ''}`,
    ...(process.env.FUSED === '0' ? { fused_optimizer: false } : {}),
    model: template,
    read_every: readEvery,
    threads,
    /** Whether Netwright's SIMD kernels (shared/tfjs/simd) run on this wasm backend. */
    simd_kernels: backend === 'wasm' ? simdKernels(tf) !== null : null,
    batch: batchSize,
    ...timing,
  }),
);
