/**
 * One TF.js configuration in this Node process: the MNIST MLP trained with the app's loop
 * (shared/training/train.ts) for one epoch (or `limit` samples) at one batch size. Prints one
 * JSON line. `node bench/training/node-run.ts BACKEND BATCH LIMIT [THREADS]`.
 */
import { loadMnist } from '../../cli/datasets.ts';
import { loadTemplate } from '../../shared/index.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { installFastWasmMatMul } from '../../shared/tfjs/wasm-matmul.ts';
import { train } from '../../shared/training/train.ts';

const [backend = 'wasm', batchArg = '64', limitArg = '60000', threadsArg] = process.argv.slice(2);
const batchSize = Number(batchArg);
const limit = Number(limitArg);
const readEvery = Number(process.env.READ_EVERY ?? 4);
/** `STOCK=1`: TF.js's own wasm BatchMatMul (slow with transposed operands), for comparison. */
const stock = process.env.STOCK === '1';

const tf = await import('@tensorflow/tfjs');
let threads = 1;
if (backend === 'wasm') {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (threadsArg) wasm.setThreadsCount(Number(threadsArg));
  if (!stock) installFastWasmMatMul(tf);
  await tf.setBackend('wasm');
  threads = wasm.getThreadsCount();
} else await tf.setBackend(backend);
await tf.ready();

const data = await loadMnist();
const lowered = lowerGraph(loadTemplate('mnist-mlp').graph);
if (!lowered.ok) throw new Error('mnist-mlp template does not lower');
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
  readEvery,
  onBatches: (p) => {
    if (firstBatch < 0) firstBatch = p.firstBatchSeconds;
  },
  yieldToEvents: () => Promise.resolve(),
});
const seconds = (performance.now() - start) / 1000;
const samples = Math.min(limit, data.train.count);
// Seconds for the epoch without its validation pass (none here: validationSplit 0).
console.log(
  JSON.stringify({
    backend: `${backend}-node${backend === 'wasm' && stock ? '-stock' : ''}`,
    read_every: readEvery,
    threads,
    batch: batchSize,
    samples,
    seconds: Number(seconds.toFixed(3)),
    samples_per_s: Math.round(samples / seconds),
    first_batch_s: Number(firstBatch.toFixed(3)),
    loss: Number(result.history[0]?.loss.toFixed(4)),
    params: model.countParams(),
  }),
);
model.dispose();
