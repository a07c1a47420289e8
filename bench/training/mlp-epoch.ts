/**
 * The measurement both halves of bench/training.bench.ts make (Node in node-run.ts, Chromium in
 * browser-worker.ts): the MNIST MLP (or another MNIST template, `template`: `mnist-cnn`) trained
 * with the app's loop for one epoch (or `limit` samples), timed, with the first batch's time and
 * the epoch's loss.
 */
import type { Dataset } from '../../shared/datasets/types.ts';
import { loadTemplate } from '../../shared/index.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { buildModel, type Tf } from '../../shared/tfjs/build-model.ts';
import { train } from '../../shared/training/train.ts';

export interface EpochTiming {
  samples: number;
  seconds: number;
  samples_per_s: number;
  first_batch_s: number;
  /** Process CPU time (user + system) of the run: less sensitive to other work on the machine. */
  cpu_seconds: number;
  loss: number;
  params: number;
}

export async function timeMlpEpoch(
  tf: Tf,
  data: Dataset,
  options: {
    batchSize: number;
    limit: number;
    readEvery: number;
    yieldToEvents?: () => Promise<void>;
    /** Template id; default `mnist-mlp`. */
    template?: string;
  },
): Promise<EpochTiming> {
  const template = options.template ?? 'mnist-mlp';
  const lowered = lowerGraph(loadTemplate(template).graph);
  if (!lowered.ok) throw new Error(`${template} template does not lower`);
  const model = buildModel(tf, lowered.ir, { seed: 1 });
  let firstBatch = -1;
  const start = performance.now();
  const cpuStart = typeof process === 'undefined' ? null : process.cpuUsage();
  const result = await train(tf, model, lowered.ir, data, {
    settings: {
      dataset: 'mnist',
      epochs: 1,
      batchSize: options.batchSize,
      optimizer: 'adam',
      learningRate: 0.001,
      loss: 'auto',
      validationSplit: 0, // no validation pass inside the timed epoch
      shuffle: true,
      seed: 1,
    },
    limit: options.limit,
    readEvery: options.readEvery,
    onBatches: (p) => {
      if (firstBatch < 0) firstBatch = p.firstBatchSeconds;
    },
    ...(options.yieldToEvents ? { yieldToEvents: options.yieldToEvents } : {}),
  });
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuStart ? process.cpuUsage(cpuStart) : null;
  const samples = Math.min(options.limit, data.train.count);
  const params = model.countParams();
  model.dispose();
  return {
    samples,
    seconds: Number(seconds.toFixed(3)),
    samples_per_s: Math.round(samples / seconds),
    first_batch_s: Number(firstBatch.toFixed(3)),
    cpu_seconds: cpu ? Number(((cpu.user + cpu.system) / 1e6).toFixed(3)) : NaN,
    loss: Number(result.history[0]?.loss.toFixed(4)),
    params,
  };
}
