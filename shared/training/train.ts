/**
 * The one training loop, used by the Web Worker and the CLI: a custom loop over
 * `optimizer.minimize` (not `model.fit`, which awaits every batch's loss and yields through
 * requestAnimationFrame). Losses stay on the device and are read asynchronously in groups of
 * `readEvery` batches, so the GPU pipeline is not stalled each batch; a NaN/Infinity loss is
 * caught at the next read and stops training with advice.
 *
 * Control that responds (issue 10): Stop and Pause are checked before every batch, and the loop
 * gives the event loop a turn at least every `yieldEveryMs` (so a worker receives Stop while it
 * trains), and reads losses at least every `readEveryMs` of work (so at most that much device work
 * is queued when Stop comes). A Stop mid-epoch ends the epoch as a partial one (`partial`,
 * `fraction`) with no validation pass; a Stop during a validation pass abandons it.
 * Every tensor made here is disposed, the optimizer included (its slots outlive `model.dispose`).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { lossPlan, type LossPlan } from '../codegen/loss.ts';
import type { TrainingSettings } from '../graph/project.ts';
import type { ModelIR } from '../ir/lower.ts';
import { permutation, rng } from '../datasets/random.ts';
import { featureSize, type Dataset, type Split } from '../datasets/types.ts';
import type { Tf } from '../tfjs/build-model.ts';
import { withOutputLogits } from '../tfjs/output-logits.ts';
import { lossTensor, metricSumTensor, predictedClasses } from './losses.ts';
import { makeOptimizer } from './optimizer.ts';

/** One epoch's numbers; `acc`/`val_*` are null when not applicable. Also the CLI's JSON line. */
export interface EpochLog {
  /** 1-based epoch number (for a partial epoch: the epoch it is part of). */
  epoch: number;
  /**
   * Set when Stop ended the epoch early: the statistics cover only the batches trained, and
   * `fraction` (0 < fraction < 1) is the share of the epoch's batches that were trained.
   */
  partial?: boolean;
  fraction?: number;
  loss: number;
  acc: number | null;
  /** Mean absolute error, for regression. */
  mae?: number | null;
  val_loss: number | null;
  val_acc: number | null;
  val_mae?: number | null;
  seconds: number;
}

export interface BatchProgress {
  epoch: number;
  /** 0-based index of the last batch in `losses`. */
  batch: number;
  batchesPerEpoch: number;
  /** Losses of the batches since the previous report, in order. */
  losses: number[];
  /** Training samples seen since the start. */
  samples: number;
  /**
   * Samples per second of training time (paused time and the first read, which includes
   * compilation and warm-up, left out); null until two reads have measured a rate.
   */
  samplesPerSecond: number | null;
  /** Seconds left at `samplesPerSecond`; null while there is no rate. */
  etaSeconds: number | null;
  /** Seconds from start to the first batch's loss being read (compile + warm-up). */
  firstBatchSeconds: number;
}

/** Set by the caller between batches. */
export interface TrainControl {
  stop: boolean;
  /** When set, the loop awaits it before the next batch. */
  paused: Promise<void> | null;
  /**
   * Optional: resolves at the next change of `stop`/`paused` (see `createControl`). With it,
   * Stop and Pause do not wait for the device to finish the batches in flight: Stop ends the
   * run at once (those batches are in the weights; their losses are not counted).
   */
  changed?: Promise<void>;
}

/** A TrainControl with methods that set it and wake the loop (`changed`). */
export interface Controller extends TrainControl {
  requestStop(): void;
  pause(): void;
  resume(): void;
}

/** A fresh Controller: not stopped, not paused. */
export function createControl(): Controller {
  let fire: () => void = () => undefined;
  let resumeLoop: (() => void) | null = null;
  const bump = () => {
    const f = fire;
    c.changed = new Promise<void>((r) => (fire = r));
    f();
  };
  const c: Controller = {
    stop: false,
    paused: null,
    changed: new Promise<void>((r) => (fire = r)),
    requestStop() {
      c.stop = true;
      c.paused = null;
      resumeLoop?.();
      bump();
    },
    pause() {
      if (c.paused || c.stop) return;
      c.paused = new Promise<void>((r) => (resumeLoop = r));
      bump();
    },
    resume() {
      if (!c.paused) return;
      c.paused = null;
      resumeLoop?.();
      bump();
    },
  };
  return c;
}

const INTERRUPTED = Symbol('interrupted');

export interface TrainOptions {
  settings: TrainingSettings;
  /** Cap on training samples (before the validation split). */
  limit?: number;
  /** Most batches between asynchronous loss reads (default 8). */
  readEvery?: number;
  /**
   * Milliseconds of training between loss reads at most (default 250): when batches are slow,
   * reads come more often than `readEvery`, so Stop never waits for more queued device work.
   */
  readEveryMs?: number;
  /** Milliseconds between turns given to the event loop at most (default 50). */
  yieldEveryMs?: number;
  control?: TrainControl;
  onBatches?: (p: BatchProgress) => void;
  onEpoch?: (log: EpochLog) => void | Promise<void>;
  /** Called when the loop has stopped at a pause (all batches so far reported). */
  onPause?: () => void;
  /** Gives the event loop a turn (worker messages); default a zero timeout. */
  yieldToEvents?: () => Promise<void>;
  /** Clock in milliseconds; default `performance.now`. */
  now?: () => number;
}

export interface TrainResult {
  status: 'done' | 'stopped' | 'diverged';
  /** Why it stopped early, in words (diverged: the NaN advice). */
  message?: string;
  history: EpochLog[];
  plan: LossPlan;
  /** Resolves when loss reads left in flight by a Stop have finished and freed their tensors. */
  settled?: Promise<void>;
}

const defaultYield = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Splits the (limited) training split into train/validation index lists, shuffled by seed; for
 * `chronological` data (windows of a time series) in time order instead: the validation rows are
 * the last `floor(count × validationSplit)` rows, as Keras's `validation_split` takes them, so no
 * shuffle mixes later steps into training.
 */
export function splitIndices(
  count: number,
  validationSplit: number,
  seed: number,
  chronological = false,
) {
  const order = chronological
    ? Uint32Array.from({ length: count }, (_, i) => i)
    : permutation(count, rng(seed));
  const valCount = Math.floor(count * validationSplit);
  return { train: order.subarray(0, count - valCount), val: order.subarray(count - valCount) };
}

/** The dtype the model's (first) Input takes: `int32` for token ids, else `float32`. */
export function modelInputDtype(model: tfjs.LayersModel): 'int32' | 'float32' {
  return model.inputs[0]?.dtype === 'int32' ? 'int32' : 'float32';
}

/** Copies rows `indices` of a split into a batch tensor pair. */
export function batchTensors(
  tf: Tf,
  split: Split,
  indices: ArrayLike<number>,
  inputShape: readonly number[],
  dtype: 'int32' | 'float32' = 'float32',
): [tfjs.Tensor, tfjs.Tensor] {
  const size = featureSize(inputShape);
  const n = indices.length;
  const x = new Float32Array(n * size);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = indices[i]!;
    x.set(split.x.subarray(r * size, (r + 1) * size), i * size);
    y[i] = split.y[r]!;
  }
  const xs = dtype === 'int32' ? Int32Array.from(x) : x;
  return [tf.tensor(xs, [n, ...inputShape], dtype), tf.tensor1d(y)];
}

/** How long an evaluation may run: `cancelled` is asked between chunks. */
export interface EvaluateOptions {
  /** Rows per chunk (default 512). */
  batchSize?: number;
  /** Asked before every chunk; when true the pass is abandoned and resolves to null. */
  cancelled?: () => boolean;
  /** Awaited between chunks (gives a worker's message loop a turn). */
  yieldToEvents?: () => Promise<void>;
  /**
   * A control change to wake on (TrainControl.changed): then a chunk in flight is not waited
   * for when `cancelled` says so (its tensors are freed when the device is done).
   */
  changed?: () => Promise<void> | undefined;
}

export interface Evaluation {
  loss: number;
  acc: number | null;
  mae: number | null;
}

/**
 * Loss and metric over some rows of a split (all rows when `indices` is null), in chunks of
 * `batchSize` rows, read after each chunk so that `cancelled` (asked between chunks) can abandon
 * the pass promptly; resolves to null when there are no rows or the pass was abandoned.
 */
export async function evaluate(
  tf: Tf,
  model: tfjs.LayersModel,
  plan: LossPlan,
  split: Split,
  indices: ArrayLike<number> | null,
  inputShape: readonly number[],
  options: EvaluateOptions = {},
): Promise<Evaluation | null> {
  const batchSize = options.batchSize ?? 512;
  const n = indices ? indices.length : split.count;
  if (n === 0) return null;
  const all = indices ?? Uint32Array.from({ length: n }, (_, i) => i);
  let lossSum = 0;
  let metricSum = 0;
  for (let start = 0; start < n; start += batchSize) {
    if (options.cancelled?.()) return null;
    const idx = Array.prototype.slice.call(all, start, Math.min(n, start + batchSize)) as number[];
    const [x, y] = batchTensors(tf, split, idx, inputShape, modelInputDtype(model));
    const both = tf.tidy(() =>
      // The output's logits reach the loss as in training (shared/tfjs/output-logits.ts).
      withOutputLogits(() => {
        const out = model.apply(x, { training: false }) as tfjs.Tensor;
        return tf.stack([
          tf.mul(lossTensor(tf, plan, out, y), idx.length),
          metricSumTensor(tf, plan, out, y),
        ]);
      }),
    );
    tf.dispose([x, y]);
    const read = both.data();
    for (;;) {
      const changed = options.changed?.();
      if (changed && options.cancelled?.()) {
        void read.finally(() => both.dispose()).catch(() => undefined);
        return null;
      }
      const r = changed
        ? await Promise.race([read, changed.then((): typeof INTERRUPTED => INTERRUPTED)])
        : await read;
      if (r !== INTERRUPTED) break;
      if (options.cancelled?.()) {
        void read.finally(() => both.dispose()).catch(() => undefined);
        return null;
      }
    }
    const [l, m] = await read;
    both.dispose();
    lossSum += l!;
    metricSum += m!;
    if (options.yieldToEvents) await options.yieldToEvents();
  }
  if (options.cancelled?.()) return null;
  const metric = metricSum / n;
  return {
    loss: lossSum / n,
    acc: plan.metric === 'accuracy' ? metric : null,
    mae: plan.metric === 'mae' ? metric : null,
  };
}

/** The learning rate to suggest after a divergence. */
export function lowerLearningRate(lr: number): number {
  return Number((lr / 10).toPrecision(2));
}

/**
 * Trains `model` (built from `ir`) on `dataset.train` with `settings`. Resolves when the epochs
 * are done, stop is requested (weights trained so far are kept; an epoch cut short is logged with
 * `partial: true` and its `fraction`, without a validation pass), or the loss diverges.
 */
export async function train(
  tf: Tf,
  model: tfjs.LayersModel,
  ir: ModelIR,
  dataset: Dataset,
  options: TrainOptions,
): Promise<TrainResult> {
  const { settings } = options;
  const plan = lossPlan(ir, settings.loss);
  const inputShape = ir.ops.find((op) => op.id === ir.inputId)!.outputShape;
  const now = options.now ?? (() => performance.now());
  const yieldToEvents = options.yieldToEvents ?? defaultYield;
  const maxReadEvery = Math.max(1, options.readEvery ?? 8);
  const readEveryMs = options.readEveryMs ?? 250;
  const yieldEveryMs = options.yieldEveryMs ?? 50;
  const control = options.control ?? { stop: false, paused: null };
  const count = Math.min(dataset.train.count, options.limit ?? Infinity);
  const { train: trainIdx, val: valIdx } = splitIndices(
    count,
    settings.validationSplit,
    settings.seed,
    dataset.chronological === true,
  );
  const xDtype = modelInputDtype(model);
  const batchSize = Math.max(1, settings.batchSize);
  const batches = Math.ceil(trainIdx.length / batchSize);
  const history: TrainResult['history'] = [];
  if (trainIdx.length === 0) {
    return {
      status: 'stopped',
      message: 'No training samples left after the validation split',
      history,
      plan,
    };
  }
  const optimizer = makeOptimizer(tf, settings);
  const vars = model.trainableWeights.map((w) => w.read() as tfjs.Variable);
  const start = now();
  /** Milliseconds spent paused, left out of the rate. */
  let pausedMs = 0;
  const active = () => now() - start - pausedMs;
  let lastYield = now();
  const maybeYield = async () => {
    if (now() - lastYield < yieldEveryMs) return;
    await yieldToEvents();
    lastYield = now();
  };
  /** Samples whose losses have been read (the rate counts work the device has finished). */
  let samplesRead = 0;
  /** Loss reads not finished yet (a Stop may leave some in flight; see `TrainResult.settled`). */
  const reads = new Set<Promise<unknown>>();
  let firstBatchSeconds = -1;
  /** Samples and active milliseconds at the first read: the rate is measured from there. */
  let rateFrom: { samples: number; ms: number } | null = null;
  /** Batches between reads, adapted so that a read comes at least every `readEveryMs`. */
  let readEvery = maxReadEvery;
  const totalSamples = trainIdx.length * settings.epochs;
  const shuffleRandom = rng(settings.seed + 1);
  const stopped = () => control.stop;
  const pausedBy = () => control.paused;

  try {
    for (let epoch = 1; epoch <= settings.epochs; epoch++) {
      const epochStart = now();
      const order = settings.shuffle
        ? permutation(trainIdx.length, shuffleRandom).map((i) => trainIdx[i]!)
        : trainIdx;
      let lossSum = 0;
      let metricSum = 0;
      let seen = 0;
      let batchesDone = 0;
      // Per-batch [loss, metricSum] pairs not read yet, with their batch sizes.
      let pending: tfjs.Tensor[] = [];
      let pendingSizes: number[] = [];
      let lastBatch = -1;
      let lastRead = active();
      /** The reads started and not yet processed, chained in order; null when none. */
      let inFlight: Promise<string | null> | null = null;
      /** Set when Stop gives up on the reads in flight: their numbers are not counted. */
      let abandoned = false;

      /** Starts reading the pending batches' losses; the values are counted when they come. */
      const startRead = () => {
        if (pending.length === 0) return;
        const stacked = tf.stack(pending);
        tf.dispose(pending);
        const sizes = pendingSizes;
        const last = lastBatch;
        pending = [];
        pendingSizes = [];
        const before = inFlight;
        const read = (async (): Promise<string | null> => {
          try {
            const earlier = before ? await before : null;
            const values = await stacked.data();
            if (earlier) return earlier;
            if (abandoned) return null;
            return count(values, sizes, last);
          } finally {
            stacked.dispose();
          }
        })();
        inFlight = read;
        reads.add(read);
        void read.finally(() => reads.delete(read)).catch(() => undefined);
      };

      const count = (values: ArrayLike<number>, sizes: number[], last: number): string | null => {
        const losses: number[] = [];
        for (let k = 0; k < sizes.length; k++) {
          const l = values[2 * k]!;
          if (!Number.isFinite(l)) {
            const lr = settings.learningRate;
            return `The loss became ${Number.isNaN(l) ? 'NaN' : 'infinite'} at epoch ${epoch}, batch ${last - sizes.length + k + 2}: training stopped. The learning rate ${lr} is probably too high; try ${lowerLearningRate(lr)}.`;
          }
          losses.push(l);
          lossSum += l * sizes[k]!;
          metricSum += values[2 * k + 1]!;
          seen += sizes[k]!;
        }
        const ms = active();
        const perBatchMs = (ms - lastRead) / sizes.length;
        lastRead = ms;
        readEvery = Math.max(
          1,
          Math.min(maxReadEvery, Math.floor(readEveryMs / Math.max(perBatchMs, 1e-3))),
        );
        if (firstBatchSeconds < 0) firstBatchSeconds = (now() - start) / 1000;
        const done = samplesRead + sizes.reduce((a, n) => a + n, 0);
        samplesRead = done;
        let speed: number | null = null;
        if (!rateFrom) rateFrom = { samples: done, ms };
        else if (done > rateFrom.samples && ms > rateFrom.ms)
          speed = ((done - rateFrom.samples) * 1000) / (ms - rateFrom.ms);
        options.onBatches?.({
          epoch,
          batch: last,
          batchesPerEpoch: batches,
          losses,
          samples: done,
          samplesPerSecond: speed,
          etaSeconds: speed ? (totalSamples - done) / speed : null,
          firstBatchSeconds,
        });
        return null;
      };

      /**
       * Waits for the reads in flight; resolves to INTERRUPTED instead when Stop or Pause comes
       * first (a control with `changed` wakes it), leaving them in flight.
       */
      const settle = async (): Promise<string | null | typeof INTERRUPTED> => {
        for (;;) {
          const reading = inFlight;
          if (!reading) return null;
          const changed = control.changed;
          if (changed && (stopped() || pausedBy())) return INTERRUPTED;
          const r = changed
            ? await Promise.race([reading, changed.then((): typeof INTERRUPTED => INTERRUPTED)])
            : await reading;
          if (r !== INTERRUPTED) {
            if (inFlight === reading) inFlight = null;
            if (r) return r;
            continue;
          }
          if (stopped() || pausedBy()) return INTERRUPTED;
        }
      };

      for (let b = 0; b < batches; b++) {
        if (pausedBy() && !stopped()) {
          // The batches so far are read (and reported) when the device has done them.
          startRead();
          const problem = await settle();
          if (typeof problem === 'string')
            return { status: 'diverged', message: problem, history, plan };
          options.onPause?.();
          const pausedAt = now();
          for (let wait = pausedBy(); wait && !stopped(); wait = pausedBy()) await wait;
          pausedMs += now() - pausedAt;
          lastYield = now();
        }
        if (stopped()) break;
        const idx = order.subarray(b * batchSize, Math.min(order.length, (b + 1) * batchSize));
        const [x, y] = batchTensors(tf, dataset.train, idx, inputShape, xDtype);
        let metric: tfjs.Scalar | null = null;
        const loss = optimizer.minimize(
          () =>
            // Keras's rule: a softmax/sigmoid output's loss is taken from its logits
            // (shared/tfjs/output-logits.ts).
            withOutputLogits(() => {
              const out = model.apply(x, { training: true }) as tfjs.Tensor;
              metric = tf.keep(metricSumTensor(tf, plan, out, y));
              return lossTensor(tf, plan, out, y);
            }),
          true,
          vars,
        )!;
        pending.push(tf.tidy(() => tf.stack([loss, metric!])));
        tf.dispose([x, y, loss, metric!]);
        pendingSizes.push(idx.length);
        lastBatch = b;
        batchesDone = b + 1;
        if (pending.length >= readEvery || b === 0) {
          startRead();
          const problem = await settle();
          if (typeof problem === 'string')
            return { status: 'diverged', message: problem, history, plan };
        }
        await maybeYield();
      }
      startRead();
      const problem = await settle();
      if (typeof problem === 'string')
        return { status: 'diverged', message: problem, history, plan };
      // Stopped with reads in flight: the batches are in the weights, their losses not counted.
      if (problem === INTERRUPTED) abandoned = true;
      if (seen === 0) break;
      const partial = batchesDone < batches;
      const val =
        partial || stopped()
          ? null
          : await evaluate(tf, model, plan, dataset.train, valIdx, inputShape, {
              cancelled: stopped,
              changed: () => control.changed,
              yieldToEvents,
            });
      const log: EpochLog = {
        epoch,
        ...(partial ? { partial: true, fraction: batchesDone / batches } : {}),
        loss: lossSum / seen,
        acc: plan.metric === 'accuracy' ? metricSum / seen : null,
        val_loss: val ? val.loss : null,
        val_acc: val ? val.acc : null,
        seconds: (now() - epochStart) / 1000,
      };
      if (plan.metric === 'mae') {
        log.mae = metricSum / seen;
        log.val_mae = val ? val.mae : null;
      }
      history.push(log);
      await options.onEpoch?.(log);
      if (stopped()) break;
    }
  } finally {
    optimizer.dispose();
  }
  const settled = Promise.allSettled([...reads]).then(() => undefined);
  return control.stop
    ? {
        status: 'stopped',
        message: 'Stopped; the weights trained so far are kept',
        history,
        plan,
        settled,
      }
    : { status: 'done', history, plan, settled };
}

/** Epochs trained in a history: whole epochs count 1, a partial one its `fraction`. */
export function epochsTrained(history: readonly Pick<EpochLog, 'partial' | 'fraction'>[]): number {
  return history.reduce((sum, e) => sum + (e.partial ? (e.fraction ?? 0) : 1), 0);
}

/** Test-set results: loss/metric, a confusion matrix, and per-example predictions. */
export interface TestResults extends Evaluation {
  /** `matrix[true][predicted]`, classification only. */
  confusion: number[][] | null;
  /** Predicted class of the first `predictionCount` test examples. */
  predictions: number[];
}

/**
 * Test-set results of `model` on `dataset.test` (first `limit` rows); null without a test split or
 * when `options.cancelled` (asked between chunks) abandons the pass.
 */
export async function testResults(
  tf: Tf,
  model: tfjs.LayersModel,
  ir: ModelIR,
  dataset: Dataset,
  settings: Pick<TrainingSettings, 'loss'>,
  predictionCount = 64,
  limit = Infinity,
  options: Pick<EvaluateOptions, 'cancelled' | 'yieldToEvents' | 'changed'> = {},
): Promise<TestResults | null> {
  const split = dataset.test;
  if (!split) return null;
  const plan = lossPlan(ir, settings.loss);
  const inputShape = ir.ops.find((op) => op.id === ir.inputId)!.outputShape;
  const n = Math.min(split.count, limit);
  const indices = Uint32Array.from({ length: n }, (_, i) => i);
  const ev = await evaluate(tf, model, plan, split, indices, inputShape, options);
  if (!ev) return null;
  let confusion: number[][] | null = null;
  const predictions: number[] = [];
  if (dataset.task.kind === 'classification') {
    const k = dataset.task.numClasses;
    confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let s = 0; s < n; s += 1024) {
      if (options.cancelled?.()) return null;
      const idx = Array.from({ length: Math.min(1024, n - s) }, (_, i) => s + i);
      const [x, y] = batchTensors(tf, split, idx, inputShape, modelInputDtype(model));
      const cls = tf.tidy(() =>
        predictedClasses(tf, plan, model.apply(x, { training: false }) as tfjs.Tensor),
      );
      const values = await cls.data();
      tf.dispose([x, y, cls]);
      values.forEach((p, i) => {
        const t = split.y[s + i]!;
        const row = confusion![t];
        if (row && p < k) row[p] = (row[p] ?? 0) + 1;
        if (s + i < predictionCount) predictions.push(p);
      });
      if (options.yieldToEvents) await options.yieldToEvents();
    }
  }
  return { ...ev, confusion, predictions };
}
