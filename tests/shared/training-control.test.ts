/**
 * Stop, Pause, partial epochs, the ETA and the backend probe (issue 10, "control that responds"
 * and "auto picks the fastest backend"), on TF.js's cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainingSchema } from '../../shared/graph/project.ts';
import { syntheticDataset } from '../../shared/datasets/synthetic.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import {
  CHECK_ROWS,
  pickFastest,
  probeCheck,
  probeMode,
  probeSpeed,
} from '../../shared/training/probe.ts';
import {
  createControl,
  epochsTrained,
  testResults,
  train,
  type BatchProgress,
  type TrainControl,
} from '../../shared/training/train.ts';

const irOf = (id: string): ModelIR => {
  const r = lowerGraph(loadTemplate(id).graph);
  if (!r.ok) throw new Error('bad template');
  return r.ir;
};
const settings = (over: Record<string, unknown>) => trainingSchema.parse(over);

/** Counts the model's forward passes by mode (training steps vs evaluation chunks). */
function countApplies(model: tf.LayersModel, onEval?: () => void) {
  const counts = { train: 0, eval: 0 };
  const apply = model.apply.bind(model);
  model.apply = ((x: tf.Tensor, kwargs?: { training?: boolean }) => {
    if (kwargs?.training) counts.train++;
    else {
      counts.eval++;
      onEval?.();
    }
    return apply(x, kwargs);
  }) as typeof model.apply;
  return counts;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('stop', () => {
  it('mid-epoch: the epoch is logged as partial (4 of 16 batches = 0.25), with no validation pass and no leaks', async () => {
    const ir = irOf('toy-2d-classifier');
    // 200 points, 20% validation → 160 training rows → 16 batches of 10 per epoch.
    const data = syntheticDataset('spiral', { size: 200, seed: 1 });
    const model = buildModel(tf, ir, { seed: 3 });
    const counts = countApplies(model);
    const before = tf.memory().numTensors;
    const control: TrainControl = { stop: false, paused: null };
    const epoch2Losses: number[] = [];
    const result = await train(tf, model, ir, data, {
      settings: settings({ epochs: 3, batchSize: 10, validationSplit: 0.2, seed: 1 }),
      readEvery: 1,
      control,
      onBatches: (p) => {
        if (p.epoch === 2) epoch2Losses.push(...p.losses);
        if (p.epoch === 2 && p.batch === 3) control.stop = true;
      },
    });
    expect(result.status).toBe('stopped');
    expect(result.history).toHaveLength(2);
    const [first, cut] = result.history as [(typeof result.history)[0], (typeof result.history)[0]];
    expect(first.partial).toBeUndefined();
    expect(first.val_loss).not.toBeNull();
    expect(cut.epoch).toBe(2);
    expect(cut.partial).toBe(true);
    expect(cut.fraction).toBe(0.25);
    expect(cut.val_loss).toBeNull();
    expect(cut.val_acc).toBeNull();
    // The partial epoch's loss is the mean of its 4 trained batches (all of 10 rows).
    expect(epoch2Losses).toHaveLength(4);
    expect(cut.loss).toBeCloseTo(epoch2Losses.reduce((a, b) => a + b, 0) / 4, 5);
    expect(epochsTrained(result.history)).toBe(1.25);
    // 16 + 4 training steps; the only evaluation is epoch 1's validation (40 rows, one chunk).
    expect(counts.train).toBe(20);
    expect(counts.eval).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('during the validation pass abandons it between chunks', async () => {
    const ir = irOf('toy-2d-classifier');
    // 1,500 validation rows → chunks of 512, 512, 476.
    const data = syntheticDataset('spiral', { size: 3000, seed: 2 });
    const model = buildModel(tf, ir, { seed: 3 });
    const control: TrainControl = { stop: false, paused: null };
    const counts = countApplies(model, () => (control.stop = true));
    const before = tf.memory().numTensors;
    const result = await train(tf, model, ir, data, {
      settings: settings({ epochs: 2, batchSize: 500, validationSplit: 0.5, seed: 1 }),
      control,
    });
    expect(result.status).toBe('stopped');
    expect(counts.eval).toBe(1);
    expect(result.history).toHaveLength(1);
    expect(result.history[0]!.partial).toBeUndefined();
    expect(result.history[0]!.val_loss).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a Stop sent as a task (like a worker message) lands before the next batch, not the next read', async () => {
    const ir = irOf('toy-2d-classifier');
    const data = syntheticDataset('xor', { size: 400, seed: 1 });
    const model = buildModel(tf, ir, { seed: 3 });
    const control: TrainControl = { stop: false, paused: null };
    let sent = false;
    const result = await train(tf, model, ir, data, {
      // 400 batches of 1; reads only every 64 batches.
      settings: settings({ epochs: 1, batchSize: 1, validationSplit: 0, seed: 1 }),
      readEvery: 64,
      yieldEveryMs: 0,
      control,
      onBatches: () => {
        if (sent) return;
        sent = true;
        setTimeout(() => (control.stop = true), 0);
      },
    });
    expect(result.status).toBe('stopped');
    const cut = result.history[0]!;
    expect(cut.partial).toBe(true);
    // The first batch is read at once; Stop comes with the next turn of the event loop.
    expect(cut.fraction! * 400).toBeLessThanOrEqual(3);
    model.dispose();
  });

  it('with a Controller, Stop ends the run without waiting for the device (a read held forever)', async () => {
    const ir = irOf('toy-2d-classifier');
    const data = syntheticDataset('spiral', { size: 200, seed: 1 });
    const model = buildModel(tf, ir, { seed: 3 });
    const control = createControl();
    // A device that never finishes: every read after the first is held until released here.
    const held: (() => void)[] = [];
    const data_ = tf.Tensor.prototype.data;
    let reads = 0;
    tf.Tensor.prototype.data = function (this: tf.Tensor) {
      const p: Promise<unknown> = data_.call(this);
      if (reads++ === 0) return p;
      return new Promise((resolve) => held.push(() => resolve(p)));
    } as unknown as typeof data_;
    const before = tf.memory().numTensors;
    let result;
    let first: number[] = [];
    try {
      result = await train(tf, model, ir, data, {
        settings: settings({ epochs: 1, batchSize: 10, validationSplit: 0.2, seed: 1 }),
        readEvery: 1,
        control,
        onBatches: (p) => {
          first = p.losses;
          setTimeout(() => control.requestStop(), 0);
        },
      });
    } finally {
      tf.Tensor.prototype.data = data_;
    }
    // Returned while the second batch's read is still held.
    expect(held).toHaveLength(1);
    expect(result.status).toBe('stopped');
    const cut = result.history[0]!;
    // Two of 16 batches trained (both are in the weights); only the first's loss was read.
    expect(cut.partial).toBe(true);
    expect(cut.fraction).toBe(2 / 16);
    expect(cut.loss).toBeCloseTo(first[0]!, 6);
    for (const release of held) release();
    await result.settled;
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('the test pass is abandoned when cancelled and leaks nothing', async () => {
    const ir = irOf('toy-2d-classifier');
    const data = syntheticDataset('spiral', { size: 10_000, seed: 1 });
    const model = buildModel(tf, ir, { seed: 3 });
    let chunks = 0;
    const counts = countApplies(model, () => chunks++);
    const before = tf.memory().numTensors;
    const r = await testResults(tf, model, ir, data, { loss: 'auto' }, 0, Infinity, {
      cancelled: () => chunks >= 2,
    });
    expect(r).toBeNull();
    expect(counts.eval).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('pause and the ETA', () => {
  it('the rate leaves out paused time and the first read; no ETA before there is a rate', async () => {
    const ir = irOf('toy-2d-classifier');
    const data = syntheticDataset('spiral', { size: 200, seed: 1 });
    const model = buildModel(tf, ir, { seed: 3 });
    // A fake clock: every training step takes 10 ms; the first one 500 ms (compile, warm-up).
    let clock = 0;
    const apply = model.apply.bind(model);
    let steps = 0;
    model.apply = ((x: tf.Tensor, kwargs?: { training?: boolean }) => {
      if (kwargs?.training) clock += steps++ === 0 ? 500 : 10;
      return apply(x, kwargs);
    }) as typeof model.apply;
    const control: TrainControl = { stop: false, paused: null };
    const reports: BatchProgress[] = [];
    let pauses = 0;
    let resume: () => void = () => {};
    const result = await train(tf, model, ir, data, {
      // 160 training rows, 16 batches of 10, 2 epochs: 320 samples in all.
      settings: settings({ epochs: 2, batchSize: 10, validationSplit: 0.2, seed: 1 }),
      readEvery: 1,
      control,
      now: () => clock,
      onPause: () => {
        pauses++;
        // Paused for 60 s of clock time.
        setTimeout(() => {
          clock += 60_000;
          control.paused = null;
          resume();
        }, 10);
      },
      onBatches: (p) => {
        reports.push(p);
        if (p.samples === 50) control.paused = new Promise((r) => (resume = r));
      },
    });
    expect(result.status).toBe('done');
    expect(pauses).toBe(1);
    expect(reports).toHaveLength(32);
    expect(reports[0]!.samplesPerSecond).toBeNull();
    expect(reports[0]!.etaSeconds).toBeNull();
    // 10 rows per 10 ms = 1,000 samples/s, before and after the pause.
    for (const p of reports.slice(1)) expect(p.samplesPerSecond!).toBeCloseTo(1000, 6);
    const at50 = reports.find((p) => p.samples === 50)!;
    expect(at50.etaSeconds!).toBeCloseTo((320 - 50) / 1000, 6);
    expect(reports.at(-1)!.etaSeconds).toBe(0);
    model.dispose();
  });
});

describe('backend probe', () => {
  it('times a few steps of the real model on the current backend without leaking', async () => {
    const ir = irOf('toy-2d-classifier');
    const data = syntheticDataset('spiral', { size: 200, seed: 1 });
    const before = tf.memory().numTensors;
    const r = await probeSpeed(tf, ir, data, settings({ batchSize: 32 }), {
      budgetMs: 50,
      maxSteps: 3,
    });
    expect(r.steps).toBeGreaterThanOrEqual(1);
    expect(r.steps).toBeLessThanOrEqual(3);
    expect(Number.isFinite(r.samplesPerSecond) && r.samplesPerSecond > 0).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('with a clock: rows × steps / time', async () => {
    const ir = irOf('toy-2d-classifier');
    const data = syntheticDataset('spiral', { size: 200, seed: 1 });
    // Each clock read advances 20 ms: t0, warm-up end (+20), t1 (+20), then per step one budget
    // check and, after the loop, the end; 3 steps of 32 rows.
    let clock = 0;
    const r = await probeSpeed(tf, ir, data, settings({ batchSize: 32 }), {
      budgetMs: 1e9,
      maxSteps: 3,
      now: () => (clock += 20),
    });
    expect(r.warmupMs).toBe(20);
    expect(r.steps).toBe(3);
    // t1 = 60; checks at steps 1 and 2 (80, 100; step 0 needs no check); end = 120 → 60 ms.
    expect(r.samplesPerSecond).toBeCloseTo((3 * 32 * 1000) / 60, 6);
  });

  it('a warm-up slower than maxWarmupMs ends the probe with the rate of that step alone', async () => {
    const ir = irOf('toy-2d-classifier');
    const data = syntheticDataset('spiral', { size: 200, seed: 1 });
    let clock = 0;
    // t0 = 0, warm-up end = 4,000 ms: 32 rows in 4 s = 8 samples/s.
    const r = await probeSpeed(tf, ir, data, settings({ batchSize: 32 }), {
      maxWarmupMs: 2000,
      now: () => (clock += 4000) - 4000,
    });
    expect(r).toEqual({ samplesPerSecond: 8, steps: 0, warmupMs: 4000, warmupOnly: true });
  });

  it('a rival twice as fast ends the timing after one step (clearlySlower)', async () => {
    const ir = irOf('toy-2d-classifier');
    const data = syntheticDataset('spiral', { size: 200, seed: 1 });
    // Each clock read advances 100 ms: t0 0, warm-up end 100, t1 200, after step 1: 300, so
    // 32 rows in 0.1 s = 320/s, under half the rival's 1,000/s: stop. The end read is 400: the
    // rate reported is 32 rows over the 200 ms since t1 = 160/s.
    let clock = -100;
    const slow = await probeSpeed(tf, ir, data, settings({ batchSize: 32 }), {
      budgetMs: 1e9,
      maxSteps: 5,
      rivalRate: 1000,
      now: () => (clock += 100),
    });
    expect(slow.steps).toBe(1);
    expect(slow.clearlySlower).toBe(true);
    expect(slow.samplesPerSecond).toBeCloseTo(160, 6);
    // A rival under twice the rate lets all the steps run: 320/s after step 1 (read 300), then
    // 64 rows by read 500 = 213/s, both over half of 300/s.
    clock = -100;
    const close = await probeSpeed(tf, ir, data, settings({ batchSize: 32 }), {
      budgetMs: 1e9,
      maxSteps: 3,
      rivalRate: 300,
      now: () => (clock += 100),
    });
    expect(close.steps).toBe(3);
    expect(close.clearlySlower).toBeUndefined();
  });

  it('probeCheck trains one step of CHECK_ROWS rows without leaking, and throws what TF.js throws', async () => {
    const ir = irOf('toy-2d-classifier');
    const data = syntheticDataset('spiral', { size: 200, seed: 1 });
    const before = tf.memory().numTensors;
    const r = await probeCheck(tf, ir, data, settings({ batchSize: 128 }));
    expect(r.checkOnly).toBe(true);
    expect(r.warmupMs).toBeGreaterThan(0);
    expect(CHECK_ROWS).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
    const matMul = tf.getKernel('_FusedMatMul', 'cpu')!;
    tf.unregisterKernel('_FusedMatMul', 'cpu');
    try {
      await expect(probeCheck(tf, ir, data, settings({ batchSize: 128 }))).rejects.toThrow(
        /_FusedMatMul/,
      );
    } finally {
      tf.registerKernel(matMul);
    }
  });

  it('probeMode: time while rivals remain, check the last one before cpu, skip cpu after a success', () => {
    const order = ['webgpu', 'webgl', 'wasm', 'cpu'];
    expect(probeMode(order, 0, [])).toBe('time');
    // No GPU (Node, a browser without adapters): wasm is the pick whatever its rate.
    const noGpu = [
      { backend: 'webgpu', error: 'no navigator.gpu' },
      { backend: 'webgl', error: 'no WebGL' },
    ];
    expect(probeMode(order, 2, noGpu)).toBe('check');
    // webgl trained: wasm must be timed against it; cpu is skipped.
    const webgl = [noGpu[0]!, { backend: 'webgl', samplesPerSecond: 900 }];
    expect(probeMode(order, 2, webgl)).toBe('time');
    expect(probeMode(order, 3, [...webgl, { backend: 'wasm', error: 'x' }])).toBe('skip');
    expect(probeMode(order, 3, [...noGpu, { backend: 'wasm', checkOnly: true }])).toBe('skip');
    // wasm failed too: cpu is the only one left, a check suffices.
    expect(probeMode(order, 3, [...noGpu, { backend: 'wasm', error: 'x' }])).toBe('check');
    // With fake timings the pick follows the rates, and a check-only entry is picked alone.
    expect(
      pickFastest([...webgl, { backend: 'wasm', samplesPerSecond: 400, clearlySlower: true }])!
        .backend,
    ).toBe('webgl');
    const only = pickFastest([...noGpu, { backend: 'wasm', checkOnly: true, warmupMs: 30 }])!;
    expect(only.backend).toBe('wasm');
    expect(only.reason).toContain('the only backend to try besides cpu');
    expect(pickFastest(noGpu)).toBeNull();
  });

  it('picks the fastest and says by how much; ties go to the first; none without a rate', () => {
    const pick = pickFastest([
      { backend: 'webgpu', error: 'no navigator.gpu' },
      { backend: 'webgl', samplesPerSecond: 4000 },
      { backend: 'wasm', samplesPerSecond: 12000 },
    ]);
    expect(pick!.backend).toBe('wasm');
    expect(pick!.reason).toContain('12,000 samples/s, 3.0× webgl');
    expect(
      pickFastest([
        { backend: 'webgl', samplesPerSecond: 5 },
        { backend: 'wasm', samplesPerSecond: 5 },
      ])!.backend,
    ).toBe('webgl');
    expect(pickFastest([{ backend: 'cpu', error: 'x' }])).toBeNull();
    expect(pickFastest([{ backend: 'cpu', samplesPerSecond: 9 }])!.reason).toContain(
      'the only backend',
    );
  });

  it('a warm-up-only rate is a lower bound: no false-precision ratio against it', () => {
    // wasm 2,960/s measured; webgl only finished its warm-up (≥ 18/s): 2960/18 = 164.4 at most.
    const vsWarmup = pickFastest([
      { backend: 'webgl', samplesPerSecond: 18, warmupOnly: true },
      { backend: 'wasm', samplesPerSecond: 2960 },
    ])!;
    expect(vsWarmup.backend).toBe('wasm');
    expect(vsWarmup.reason).toContain('2,960 samples/s, up to 164.4× webgl');
    expect(vsWarmup.reason).not.toMatch(/, 164\.4×/);
    const bestWarmup = pickFastest([
      { backend: 'webgl', samplesPerSecond: 50, warmupOnly: true },
      { backend: 'wasm', samplesPerSecond: 20 },
    ])!;
    expect(bestWarmup.reason).toContain('≥50 samples/s, wasm 20');
    expect(bestWarmup.reason).not.toContain('×');
  });

  it('epochsTrained counts a partial epoch by its fraction', () => {
    expect(epochsTrained([{}, {}, { partial: true, fraction: 0.1 }])).toBeCloseTo(2.1, 12);
  });
});
