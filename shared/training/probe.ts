/**
 * The backend probe behind "auto" (issue 10): a few training steps of the actual model with the
 * actual batch size on the current TF.js backend, timed, so that the fastest backend for this
 * model on this machine can be picked. The caller (the worker) switches backends and calls
 * `probeSpeed` on each; `pickFastest` chooses and says why.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { TrainingSettings } from '../graph/project.ts';
import type { ModelIR } from '../ir/lower.ts';
import { lossPlan } from '../codegen/loss.ts';
import type { Dataset } from '../datasets/types.ts';
import { buildModel, type Tf } from '../tfjs/build-model.ts';
import { withOutputLogits } from '../tfjs/output-logits.ts';
import { lossTensor } from './losses.ts';
import { makeOptimizer } from './optimizer.ts';
import { batchTensors, modelInputDtype } from './train.ts';

/** One backend's probe: `samplesPerSecond` when it trained, else `error` (or why it was skipped). */
export interface ProbeEntry {
  backend: string;
  /** Training samples per second over the timed steps (warm-up step left out). */
  samplesPerSecond?: number;
  /** Timed steps behind the rate. */
  steps?: number;
  /** Milliseconds the first (warm-up: compile, upload) step took. */
  warmupMs?: number;
  /** The warm-up step was so slow (over `maxWarmupMs`) that the rate comes from it alone. */
  warmupOnly?: boolean;
  /** Timing stopped after one step: the rate was under half the best other backend's. */
  clearlySlower?: boolean;
  /**
   * Trained one small step (it works) but was not timed: no backend but cpu was left to compare
   * with (`probeMode` 'check'). No `samplesPerSecond`.
   */
  checkOnly?: boolean;
  error?: string;
}

export interface ProbeOptions {
  /** Milliseconds of timed steps at most (default 400); at least one timed step always runs. */
  budgetMs?: number;
  /** Timed steps at most (default 5). */
  maxSteps?: number;
  /**
   * A warm-up step slower than this (default 2,000 ms) ends the probe of this backend: the rate
   * is taken from the warm-up step alone (a lower bound; `warmupOnly`), which keeps the probe short.
   */
  maxWarmupMs?: number;
  /** Clock in milliseconds; default `performance.now`. */
  now?: () => number;
  /**
   * The best rate (samples/s) measured on another backend: a timed rate under half of it after
   * any timed step ends the timing there (`clearlySlower`), since the pick cannot change.
   */
  rivalRate?: number;
}

/** Rows of the one step a 'check' probe trains (`probeCheck`). */
export const CHECK_ROWS = 2;

/**
 * How the worker probes backend `order[index]` given the entries so far (issue 10: the probe
 * took 4–8 s): 'skip' TF.js's cpu backend once another backend trained (plain JavaScript, never
 * faster than wasm); 'check' (one step of `CHECK_ROWS` rows, untimed, to see that it trains)
 * when nothing has trained yet and every later candidate is cpu, because the pick is then this
 * backend whatever its rate; else 'time' (`probeSpeed`).
 */
export function probeMode(
  order: readonly string[],
  index: number,
  entries: readonly ProbeEntry[],
): 'time' | 'check' | 'skip' {
  const trained = entries.some((e) => e.samplesPerSecond !== undefined || e.checkOnly);
  if (order[index] === 'cpu' && trained) return 'skip';
  if (!trained && order.slice(index + 1).every((b) => b === 'cpu')) return 'check';
  return 'time';
}

/**
 * Times training steps of a fresh copy of the model (built from `ir` with the settings' seed) on
 * the current backend: one warm-up step, then timed steps of `settings.batchSize` rows of
 * `dataset.train` (the first rows; fewer when the set is smaller) until `budgetMs` or `maxSteps`.
 * A warm-up slower than `maxWarmupMs` ends the probe there (rate from that step, `warmupOnly`).
 * With `rivalRate`, a rate under half of it after any timed step ends the timing
 * (`clearlySlower`). Each step ends with a read of its loss, so the time includes the device work. The model and
 * optimizer are disposed; no tensors are left behind. Errors (a kernel the backend lacks) are
 * thrown to the caller.
 * @returns samples per second (rows per second of wall time over the timed steps), the number of
 *   timed steps, and the warm-up step's milliseconds.
 */
export async function probeSpeed(
  tf: Tf,
  ir: ModelIR,
  dataset: Dataset,
  settings: TrainingSettings,
  options: ProbeOptions = {},
): Promise<{
  samplesPerSecond: number;
  steps: number;
  warmupMs: number;
  warmupOnly?: true;
  clearlySlower?: true;
}> {
  const now = options.now ?? (() => performance.now());
  const budgetMs = options.budgetMs ?? 400;
  const maxSteps = Math.max(1, options.maxSteps ?? 5);
  return withProbeModel(tf, ir, dataset, settings, settings.batchSize, async (step, rows) => {
    const t0 = now();
    await step();
    const warmupMs = now() - t0;
    if (warmupMs > (options.maxWarmupMs ?? 2000))
      return {
        samplesPerSecond: (rows * 1000) / Math.max(warmupMs, 1e-3),
        steps: 0,
        warmupMs,
        warmupOnly: true as const,
      };
    const t1 = now();
    let steps = 0;
    let clearlySlower = false;
    while (steps < maxSteps && (steps === 0 || now() - t1 < budgetMs)) {
      await step();
      steps++;
      if (options.rivalRate !== undefined && steps < maxSteps) {
        const rate = (steps * rows * 1000) / Math.max(now() - t1, 1e-3);
        if (rate < options.rivalRate / 2) {
          clearlySlower = true;
          break;
        }
      }
    }
    const ms = Math.max(now() - t1, 1e-3);
    return {
      samplesPerSecond: (steps * rows * 1000) / ms,
      steps,
      warmupMs,
      ...(clearlySlower ? { clearlySlower: true as const } : {}),
    };
  });
}

/**
 * One untimed training step of `CHECK_ROWS` rows of a fresh copy of the model on the current
 * backend: resolves when the backend trains the model, throws TF.js's error when it does not
 * (a kernel it lacks). Frees everything. Returns the step's milliseconds.
 */
export async function probeCheck(
  tf: Tf,
  ir: ModelIR,
  dataset: Dataset,
  settings: TrainingSettings,
): Promise<{ checkOnly: true; warmupMs: number }> {
  return withProbeModel(tf, ir, dataset, settings, CHECK_ROWS, async (step) => {
    const t0 = performance.now();
    await step();
    return { checkOnly: true as const, warmupMs: performance.now() - t0 };
  });
}

/** Builds the model and one batch of `batchRows` rows, runs `body(step, rows)`, frees all. */
async function withProbeModel<T>(
  tf: Tf,
  ir: ModelIR,
  dataset: Dataset,
  settings: TrainingSettings,
  batchRows: number,
  body: (step: () => Promise<void>, rows: number) => Promise<T>,
): Promise<T> {
  const plan = lossPlan(ir, settings.loss);
  const inputShape = ir.ops.find((op) => op.id === ir.inputId)!.outputShape;
  const rows = Math.max(1, Math.min(batchRows, dataset.train.count));
  const indices = Uint32Array.from({ length: rows }, (_, i) => i);
  const model = buildModel(tf, ir, { seed: settings.seed });
  const optimizer = makeOptimizer(tf, settings);
  const [x, y] = batchTensors(tf, dataset.train, indices, inputShape, modelInputDtype(model));
  try {
    const vars = model.trainableWeights.map((w) => w.read() as tfjs.Variable);
    const step = async () => {
      const loss = optimizer.minimize(
        () =>
          withOutputLogits(() =>
            lossTensor(tf, plan, model.apply(x, { training: true }) as tfjs.Tensor, y),
          ),
        true,
        vars,
      )!;
      await loss.data();
      loss.dispose();
    };
    return await body(step, rows);
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}

/**
 * The fastest probed backend and the reason in words, e.g. "wasm: 12,300 samples/s, 3.1× webgl".
 * Ties go to the earlier entry. Without any rate, the first `checkOnly` entry (trained, untimed:
 * the only candidate besides cpu). Null when no entry has a rate or a check.
 */
export function pickFastest(
  entries: readonly ProbeEntry[],
): { backend: string; reason: string } | null {
  let best: ProbeEntry | null = null;
  for (const e of entries)
    if (e.samplesPerSecond !== undefined && (!best || e.samplesPerSecond > best.samplesPerSecond!))
      best = e;
  if (!best) {
    const checked = entries.find((e) => e.checkOnly);
    return checked
      ? {
          backend: checked.backend,
          reason:
            'the only backend to try besides cpu (plain JavaScript, slower): it trained one step, so it was not timed',
        }
      : null;
  }
  const rate = (v: number) => Math.round(v).toLocaleString('en-US');
  const others = entries.filter((e) => e !== best && e.samplesPerSecond !== undefined);
  const runnerUp = others.sort((a, b) => b.samplesPerSecond! - a.samplesPerSecond!)[0];
  // A warm-up-only rate is a lower bound (the step included compiling/uploading): say so, and a
  // ratio against it is then only an upper bound.
  const bestRate = `${best.warmupOnly ? '≥' : ''}${rate(best.samplesPerSecond!)}`;
  let ratio = '';
  if (runnerUp) {
    const x = (best.samplesPerSecond! / Math.max(runnerUp.samplesPerSecond!, 1e-9)).toFixed(1);
    if (best.warmupOnly) ratio = `, ${runnerUp.backend} ${rate(runnerUp.samplesPerSecond!)}`;
    else if (runnerUp.warmupOnly)
      ratio = `, up to ${x}× ${runnerUp.backend} (it only finished its warm-up step)`;
    else ratio = `, ${x}× ${runnerUp.backend}`;
  }
  const reason = runnerUp
    ? `fastest for this model and batch size: ${bestRate} samples/s${ratio}`
    : `the only backend that trained this model (${bestRate} samples/s)`;
  return { backend: best.backend, reason };
}
