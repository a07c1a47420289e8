/**
 * Review tests (second round) of the webgpu step kernels and the fused Conv2D:
 *
 * - `Sum` over leading axes (shared/tfjs/webgpu-reduce.ts) against the cpu backend's `Sum`, on
 *   boundary row counts, odd column counts, ranks 1–5, keepDims, negative and unsorted axes, empty
 *   tensors, NaN/±Infinity, very wide rows, inside `tf.grad`, without leaks;
 * - `NetwrightSoftmaxCrossEntropy(Grad)` (shared/tfjs/webgpu-softmax-ce.ts) through
 *   `softmaxCrossEntropy` (shared/training/losses.ts) against an independent cpu computation
 *   (`tf.logSoftmax`, `tf.grad`) and hand values;
 * - `NetwrightCorrectCount` and `NetwrightReluGrad` (shared/tfjs/webgpu-step-kernels.ts) against
 *   the cpu backend's ops;
 * - the fused Conv2D (shared/tfjs/fused-conv.ts) against the plain `tf.layers.conv2d` on cpu,
 *   wasm and webgpu, and the MNIST CNN template built by `buildModel` and trained by `train`.
 *
 * Every expected value is written by hand or computed with TF.js's own ops on the cpu backend.
 * Tests marked `// Was a bug:` failed when the review was written (fixed: the column sum numbers
 * its workgroups over the whole dispatch grid; the composed cross-entropy takes the label's
 * column with `where` instead of multiplying by the one-hot).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../shared/datasets/types.ts';
import { trainingSchema } from '../../shared/graph/project.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { fuseConv2DLayer } from '../../shared/tfjs/fused-conv.ts';
import { setWebGpuFlags } from '../../shared/tfjs/webgpu-flags.ts';
import { SOFTMAX_CE } from '../../shared/tfjs/webgpu-softmax-ce.ts';
import { CORRECT_COUNT, RELU_GRAD } from '../../shared/tfjs/webgpu-step-kernels.ts';
import type { LossPlan } from '../../shared/codegen/loss.ts';
import { metricSumTensor, softmaxCrossEntropy } from '../../shared/training/losses.ts';
import { train } from '../../shared/training/train.ts';
import {
  countDispatches,
  startWebGpu,
  stopWebGpu,
  webgpuDescribe,
} from '../support/webgpu-node.ts';

const gpu = await startWebGpu(tf);
// The app's webgpu flags (renderer/training/worker.ts): small ops stay on the GPU.
if (gpu.ok) setWebGpuFlags(tf);
afterAll(() => stopWebGpu(tf));

function random(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** |got − want| ≤ tol · max(1, |want|) elementwise; NaN where want is NaN; ±Infinity exactly. */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what = '') {
  expect(got.length, what).toBe(want.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (Number.isNaN(w)) {
      expect(g, `${what}[${i}]`).toBeNaN();
      continue;
    }
    if (!Number.isFinite(w)) {
      expect(g, `${what}[${i}]`).toBe(w);
      continue;
    }
    const e = Math.abs(g - w) / Math.max(1, Math.abs(w));
    if (!(e <= worst)) {
      worst = e;
      at = i;
    }
  }
  expect(worst, `${what} worst at ${at}: got ${got[at]} want ${want[at]}`).toBeLessThanOrEqual(tol);
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Sum over leading axes
// ─────────────────────────────────────────────────────────────────────────────────────────────

async function sumOn(
  backend: string,
  values: Float32Array,
  shape: number[],
  axis: number | number[] | null,
  keepDims: boolean,
) {
  await tf.setBackend(backend);
  const x = tf.tensor(values, shape);
  const y = axis === null ? tf.sum(x, undefined, keepDims) : tf.sum(x, axis, keepDims);
  const a = tf.abs(x);
  const scale = axis === null ? tf.sum(a, undefined, keepDims) : tf.sum(a, axis, keepDims);
  const out = {
    shape: y.shape,
    dtype: y.dtype,
    data: Array.from(await y.data()),
    absSum: Array.from(await scale.data()),
  };
  tf.dispose([x, y, a, scale]);
  return out;
}

/** Per entry |got − want| ≤ 1e-5 · Σ|x| over what was summed (f32 summation error). */
function expectSumClose(got: number[], want: { data: number[]; absSum: number[] }) {
  expect(got.length).toBe(want.data.length);
  for (let i = 0; i < got.length; i++)
    expect(Math.abs(got[i]! - want.data[i]!), `entry ${i}`).toBeLessThanOrEqual(
      1e-5 * want.absSum[i]! + 1e-30,
    );
}

webgpuDescribe(gpu, 'review: webgpu Sum over leading axes', () => {
  it.each([
    // rows exactly MAX_ROWS (kernel) and one more (TF.js's own)
    [[16384, 3], 0, false],
    [[16385, 3], 0, false],
    [[128, 128, 1], [0, 1], true],
    // columns not a multiple of 16, 1 column, > 16 columns per workgroup
    [[37, 1], 0, false],
    [[37, 17], 0, true],
    [[4097, 33], [0], false],
    // rank 5: leading 3 axes, keepDims; axes unsorted and negative
    [[3, 5, 7, 2, 4], [0, 1, 2], true],
    [[2, 3, 4, 5, 6], [1, 0], true],
    [[2, 3, 4, 5, 6], [-5, -4, -3], false],
    [[6, 7], [-2], true],
    [[4, 6, 8], [1, 0], false],
    // not leading, rank 1, all axes, duplicate-free but not a prefix: TF.js's kernel
    [[100], 0, false],
    [[100], 0, true],
    [[4, 6, 8], [1, 2], false],
    [[4, 6, 8], [0, 2], true],
    [[4, 6, 8], null, false],
    [[4, 6, 8], null, true],
    // batch 1
    [[1, 10], 0, false],
    [[1, 1, 1, 10], [0, 1, 2], false],
  ] as [number[], number | number[] | null, boolean][])(
    '%j over %j (keepDims %s) equals cpu',
    async (shape, axis, keep) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = random(n, n + 11);
      const cpu = await sumOn('cpu', values, shape, axis, keep);
      const webgpu = await sumOn('webgpu', values, shape, axis, keep);
      expect(webgpu.shape).toEqual(cpu.shape);
      expect(webgpu.dtype).toBe('float32');
      expectSumClose(webgpu.data, cpu);
    },
  );

  it('16,384 rows of 1000 + noise: as accurate as float32 allows (relative 1e-5)', async () => {
    const rows = 16384;
    const noise = random(rows * 5, 77);
    const values = noise.map((v) => 1000 + v);
    const cpu = await sumOn('cpu', values, [rows, 5], 0, false);
    const webgpu = await sumOn('webgpu', values, [rows, 5], 0, false);
    expectSumClose(webgpu.data, cpu);
  });

  it('a hand case with NaN and ±Infinity: [[1, NaN, Inf, Inf], [2, 3, 5, -Inf]] over rows', async () => {
    const values = Float32Array.from([1, NaN, Infinity, Infinity, 2, 3, 5, -Infinity]);
    const out = await sumOn('webgpu', values, [2, 4], 0, false);
    expect(out.data[0]).toBe(3);
    expect(out.data[1]).toBeNaN();
    expect(out.data[2]).toBe(Infinity);
    expect(out.data[3]).toBeNaN();
  });

  it('empty tensors: [5, 0] and [4, 3, 0] over leading axes give cpu’s shape (empty)', async () => {
    // ([0, 5] over axis 0 is not here: TF.js's own webgpu Sum, which it falls back to, throws
    // in createBuffer for any empty input with a non-empty output, e.g. [5, 0] over axis 1.)
    for (const [shape, axis] of [
      [[5, 0], 0],
      [
        [4, 3, 0],
        [0, 1],
      ],
    ] as [number[], number | number[]][]) {
      const cpu = await sumOn('cpu', new Float32Array(0), shape, axis, true);
      const webgpu = await sumOn('webgpu', new Float32Array(0), shape, axis, true);
      expect(webgpu.shape).toEqual(cpu.shape);
      expect(webgpu.data).toEqual([]);
    }
  });

  it('int32 over a leading axis keeps TF.js’s kernel: exact, int32, keepDims', async () => {
    // (A 2-D case: with the app's WEBGPU_CPU_FORWARD=false, TF.js 4.22's own webgpu int32 Sum
    // fails to compile for some shapes, e.g. [2, 4] over axis 1 — not this module's code.)
    await tf.setBackend('webgpu');
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
    const y = tf.sum(x, 0, true);
    expect(y.dtype).toBe('int32');
    expect(y.shape).toEqual([1, 2]);
    expect(Array.from(await y.data())).toEqual([9, 12]);
    tf.dispose([x, y]);
  });

  // Was a bug: webgpu-reduce.ts sets `dispatch: [ceil(cols / 16), 1, 1]` (line 34, columnSumProgram) and the
  // shader takes its column from `workgroupId.x` alone. Above 65535 workgroups
  // (cols > 1,048,560) TF.js's runWebGPUProgram reshapes the dispatch to [√n, √n, 1]
  // (backend_webgpu.js `reshapeDispatch`: 65,537 → [257, 257, 1]), so workgroupId.x only reaches
  // 256 and every column from 4,112 on is never written: tf.sum(ones([2, 1048592]), 0) returns 0
  // for 1,044,480 of its columns, silently.
  // A bias-like gradient of a [batch, 1024, 1024, 1] tensor is that shape. The kernel should
  // fall back to TF.js's Sum (or use the flat index) when ceil(cols / 16) exceeds
  // device.limits.maxComputeWorkgroupsPerDimension.
  it('a very wide sum (2 × 1,048,592 columns) over axis 0: every column is 2', async () => {
    await tf.setBackend('webgpu');
    const cols = 1048576 + 16;
    const x = tf.ones([2, cols]);
    const y = tf.sum(x, 0);
    const d = await y.data();
    tf.dispose([x, y]);
    let wrong = 0;
    let first = -1;
    for (let i = 0; i < d.length; i++)
      if (d[i] !== 2) {
        wrong++;
        if (first < 0) first = i;
      }
    expect(wrong, `first wrong column ${first}`).toBe(0);
  });

  it('inside tf.grad: the gradient of a broadcast bias add (a column sum) equals cpu', async () => {
    const rows = 300;
    const cols = 45;
    const xv = random(rows * cols, 1);
    const rv = random(rows * cols, 2);
    const bv = random(cols, 3);
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.tensor2d(xv, [rows, cols]);
      const r = tf.tensor2d(rv, [rows, cols]);
      const b = tf.tensor1d(bv);
      const g = tf.grad((bb: tf.Tensor) => tf.sum(tf.mul(tf.tanh(tf.add(x, bb)), r)))(b);
      const out = Array.from(await g.data());
      tf.dispose([x, r, b, g]);
      return out;
    };
    const cpu = await run('cpu');
    const webgpu = await run('webgpu');
    expectClose(webgpu, cpu, 1e-4, 'grad');
  });

  it('no tensor or byte leaks across repeated calls, kernel, reshape and fallback paths', async () => {
    await tf.setBackend('webgpu');
    const x2 = tf.randomNormal([64, 40]);
    const x4 = tf.randomNormal([2, 5, 5, 7]);
    const big = tf.randomNormal([16385, 2]);
    const once = async () => {
      const ys = [
        tf.sum(x2, 0),
        tf.sum(x2, 0, true),
        tf.sum(x4, [0, 1, 2]),
        tf.sum(x4, [1, 0], true),
        tf.sum(x4, [0, 2]),
        tf.sum(big, 0),
        tf.tidy(() => tf.sum(tf.mul(x2, 2), [0])),
      ];
      await Promise.all(ys.map((y) => y.data()));
      tf.dispose(ys);
    };
    await once();
    const before = tf.memory();
    for (let i = 0; i < 10; i++) await once();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    tf.dispose([x2, x4, big]);
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Softmax cross-entropy
// ─────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Independent reference on cpu: per-row −Σ onehot·logSoftmax(z), mean over rows, and its
 * gradient by tf.grad. Labels truncated as toInt; outside [0, classes) a zero row.
 */
async function cpuCrossEntropy(z: Float32Array, labels: number[], classes: number) {
  await tf.setBackend('cpu');
  const batch = labels.length;
  const logits = tf.tensor2d(z, [batch, classes]);
  const t = tf.oneHot(tf.tensor1d(labels).toInt(), classes).toFloat();
  const f = (l: tf.Tensor) => tf.mean(tf.neg(tf.sum(tf.mul(t, tf.logSoftmax(l)), -1))) as tf.Scalar;
  const { value, grad } = tf.valueAndGrad(f)(logits);
  const out = { loss: (await value.data())[0]!, grad: Array.from(await grad.data()) };
  tf.dispose([logits, t, value, grad]);
  return out;
}

/** `softmaxCrossEntropy` on `backend` (from logits only, or with p = softmax(z)). */
async function lossOn(
  backend: string,
  z: Float32Array,
  labels: number[],
  classes: number,
  withP = false,
) {
  await tf.setBackend(backend);
  const batch = labels.length;
  const logits = tf.tensor2d(z, [batch, classes]);
  const y = tf.tensor1d(labels);
  const { value, grad } = tf.valueAndGrad((l: tf.Tensor) =>
    softmaxCrossEntropy(tf, l, y, withP ? tf.softmax(l) : null),
  )(logits);
  const out = { loss: (await value.data())[0]!, grad: Array.from(await grad.data()) };
  tf.dispose([logits, y, value, grad]);
  return out;
}

webgpuDescribe(gpu, 'review: webgpu softmax cross-entropy', () => {
  // (One class is not here: the reference's tf.oneHot refuses depth 1; see the hand case below.)
  it.each([
    [1, 10],
    [3, 7],
    [64, 1000],
    [4097, 10],
  ])(
    '%i rows × %i classes: loss and gradient equal an independent cpu computation',
    async (rows, classes) => {
      const z = random(rows * classes, rows * 31 + classes, 4);
      // Labels: ordinary, fractional (truncated), −0.5 (→ 0), and out of range (−1, classes).
      const labels = Array.from({ length: rows }, (_, i) => {
        const k = i % 6;
        if (k === 0) return (i * 7) % classes;
        if (k === 1) return ((i * 3) % classes) + 0.75;
        if (k === 2) return -0.5;
        if (k === 3) return -1;
        if (k === 4) return classes;
        return classes - 1;
      });
      const want = await cpuCrossEntropy(z, labels, classes);
      for (const withP of [false, true]) {
        const got = await lossOn('webgpu', z, labels, classes, withP);
        expect(Math.abs(got.loss - want.loss)).toBeLessThanOrEqual(1e-5 * Math.max(1, want.loss));
        expectClose(got.grad, want.grad, 1e-6, `grad (p given: ${withP})`);
      }
    },
  );

  it('a scaled upstream gradient (d(2.5 · loss)/dz) is 2.5 × the reference gradient', async () => {
    const rows = 6;
    const classes = 4;
    const z = random(rows * classes, 99, 3);
    const labels = [0, 1, 2, 3, 5, 1.5];
    const want = await cpuCrossEntropy(z, labels, classes);
    await tf.setBackend('webgpu');
    const logits = tf.tensor2d(z, [rows, classes]);
    const y = tf.tensor1d(labels);
    const g = tf.grad((l: tf.Tensor) => tf.mul(softmaxCrossEntropy(tf, l, y, null), 2.5))(logits);
    expectClose(
      Array.from(await g.data()),
      want.grad.map((v) => 2.5 * v),
      1e-6,
      'grad',
    );
    tf.dispose([logits, y, g]);
  });

  it('the kernel is what runs: one SOFTMAX_CE forward, and one class gives loss 0, gradient 0', async () => {
    await tf.setBackend('webgpu');
    const z = tf.tensor2d([[3], [-1e30], [NaN]]);
    const y = tf.tensor1d([0, 0, 0]);
    const perRow = tf.engine().runKernel(SOFTMAX_CE, { logits: z, labels: y }) as tf.Tensor;
    const d = Array.from(await perRow.data());
    // log(exp(0)) − 0 = 0 for a finite logit; NaN logit → NaN.
    expect(d.slice(0, 2)).toEqual([0, 0]);
    expect(d[2]).toBeNaN();
    const g = tf.grad((l: tf.Tensor) => softmaxCrossEntropy(tf, l, y, null))(z.slice(0, 2));
    expect(Array.from(await g.data())).toEqual([0, 0]);
    tf.dispose([z, y, perRow, g]);
  });

  // Row [0, −∞, 0], label 0 → log 2; row [3e38, −3e38, 0], label 0 → 0 (z − max overflows to
  // −∞ in float32). Gradient (softmax − onehot) / batch.
  const HAND: [string, number[], number, number[]][] = [
    ['a −Infinity logit', [0, -Infinity, 0], Math.log(2), [-0.5, 0, 0.5]],
    ['logits ±3e38', [3e38, -3e38, 0], 0, [0, 0, 0]],
  ];

  it.each(HAND)('hand values on webgpu: %s gives a finite loss', async (_, row, loss, grad) => {
    const got = await lossOn('webgpu', Float32Array.from(row), [0], 3);
    expect(got.loss).toBeCloseTo(loss, 6);
    expectClose(got.grad, grad, 1e-7, 'grad');
  });

  // Was a bug: the composed path of softmaxCrossEntropy (cpu, wasm; shared/training/losses.ts:64,
  // `tf.sum(tf.mul(t, tf.sub(logSumExp, shifted)), -1)`) multiplies the zero one-hot entries by
  // `logSumExp − shifted`, which is +Infinity where a logit is −Infinity or more than ~3.4e38
  // below the row's maximum: 0 · ∞ = NaN, so the batch's loss is NaN (and the trainer stops as
  // "diverged"), while the webgpu kernel (and TensorFlow's sparse_softmax_cross_entropy_with_logits,
  // PyTorch's CrossEntropyLoss) give log 2 and 0 here. The gradient is right. Taking only the
  // label's column (gather, or `where(t > 0, …, 0)`) instead of multiplying by the one-hot fixes it.
  it.each(['cpu', 'wasm'].flatMap((b) => HAND.map((h) => [b, ...h] as const)))(
    'hand values on %s: %s gives a finite loss',
    async (backend, _, row, loss, grad) => {
      const got = await lossOn(backend, Float32Array.from(row), [0], 3);
      expect(got.loss).toBeCloseTo(loss, 6);
      expectClose(got.grad, grad, 1e-7, 'grad');
    },
  );

  it('NaN and +Infinity logits give NaN rows, as cpu (in range labels)', async () => {
    const z = Float32Array.from([NaN, 1, 2, 1, Infinity, 2, 1, 2, 3]);
    const labels = [1, 0, 2];
    const perRow = async (backend: string) => {
      await tf.setBackend(backend);
      const l = tf.tensor2d(z, [3, 3]);
      const y = tf.tensor1d(labels);
      const v =
        backend === 'webgpu'
          ? (tf.engine().runKernel(SOFTMAX_CE, { logits: l, labels: y }) as tf.Tensor)
          : tf.neg(tf.sum(tf.mul(tf.oneHot(y.toInt(), 3), tf.logSoftmax(l)), -1));
      const out = Array.from(await v.data());
      tf.dispose([l, y, v]);
      return out;
    };
    const cpu = await perRow('cpu');
    const webgpu = await perRow('webgpu');
    expect(cpu[0]).toBeNaN();
    expect(cpu[1]).toBeNaN();
    expect(webgpu[0]).toBeNaN();
    expect(webgpu[1]).toBeNaN();
    expect(webgpu[2]).toBeCloseTo(cpu[2]!, 6);
  });

  it('a gradient over more than 65535 workgroups (65,537 × 64) equals cpu (dispatch reshaped)', async () => {
    const rows = 65537;
    const classes = 64;
    const z = random(rows * classes, 5, 3);
    const labels = Array.from({ length: rows }, (_, i) => (i * 13) % classes);
    const want = await cpuCrossEntropy(z, labels, classes);
    const got = await lossOn('webgpu', z, labels, classes, true);
    expect(Math.abs(got.loss - want.loss)).toBeLessThan(1e-4);
    expectClose(got.grad, want.grad, 1e-8, 'grad');
  });

  it('no tensor or byte leaks across repeated value-and-gradient calls, in tf.tidy', async () => {
    await tf.setBackend('webgpu');
    const z = tf.randomNormal([32, 10]);
    const y = tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 11));
    const once = async () => {
      const [v, g] = tf.tidy(() => {
        const { value, grad } = tf.valueAndGrad((l: tf.Tensor) =>
          softmaxCrossEntropy(tf, l, y, tf.softmax(l)),
        )(z);
        return [value, grad];
      });
      await Promise.all([v!.data(), g!.data()]);
      tf.dispose([v!, g!]);
    };
    await once();
    const before = tf.memory();
    for (let i = 0; i < 10; i++) await once();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    tf.dispose([z, y]);
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Correct count and ReLU gradient
// ─────────────────────────────────────────────────────────────────────────────────────────────

async function countOn(backend: string, probs: Float32Array, labels: number[], classes: number) {
  await tf.setBackend(backend);
  const p = tf.tensor2d(probs, [labels.length, classes]);
  const y = tf.tensor1d(labels);
  const c =
    backend === 'webgpu'
      ? (tf.engine().runKernel(CORRECT_COUNT, { probs: p, labels: y }) as tf.Tensor)
      : tf.sum(tf.equal(tf.argMax(p, -1), y.toInt()).toFloat());
  const shape = c.shape;
  const v = (await c.data())[0]!;
  tf.dispose([p, y, c]);
  return { v, shape };
}

webgpuDescribe(gpu, 'review: webgpu correct count and ReLU gradient', () => {
  it('adversarial rows: NaN first, all NaN, ±Infinity, all equal, negative zero', async () => {
    const I = Infinity;
    const probs = Float32Array.from([
      ...[NaN, 0.9, 0.1], // NaN first stays: arg 0, label 0 → right
      ...[NaN, NaN, NaN], // arg 0, label 0 → right
      ...[-I, -I, -I], // arg 0, label 1 → wrong
      ...[1, I, I], // first +∞: arg 1, label 1 → right
      ...[-I, -5, -I], // arg 1, label 1 → right
      ...[0, -0, 0], // −0 == 0: arg 0, label 1 → wrong
      ...[0.2, 0.2, 0.2], // tie: arg 0, label 0 → right
      ...[0.1, NaN, 0.7], // later NaN never wins: arg 2, label 2 → right
    ]);
    const labels = [0, 0, 1, 1, 1, 1, 0, 2];
    expect((await countOn('cpu', probs, labels, 3)).v).toBe(6);
    const webgpu = await countOn('webgpu', probs, labels, 3);
    expect(webgpu.shape).toEqual([]);
    expect(webgpu.v).toBe(6);
  });

  it.each([
    [1, 1],
    [1, 1000],
    [255, 3],
    [256, 3],
    [4099, 7],
    [70000, 2],
  ])(
    '%i rows × %i classes (labels incl. −1, fractional, out of range) equals cpu',
    async (rows, classes) => {
      const probs = random(rows * classes, rows ^ classes);
      const labels = Array.from({ length: rows }, (_, i) =>
        i % 5 === 4 ? -1 : i % 5 === 3 ? classes : ((i * 7) % classes) + (i % 2 ? 0.5 : 0),
      );
      expect((await countOn('webgpu', probs, labels, classes)).v).toBe(
        (await countOn('cpu', probs, labels, classes)).v,
      );
    },
  );

  it('metricSumTensor (the trainer’s accuracy count) on webgpu equals cpu, [B, C] and [B, 1, C]', async () => {
    const plan = {
      loss: 'sparse_categorical_crossentropy',
      targets: 'class_ids',
      units: 5,
      metric: 'accuracy',
      logitsActivation: 'softmax',
      fromLogits: false,
      mismatch: null,
    } as unknown as LossPlan;
    const rows = 301;
    const probs = random(rows * 5, 12);
    const labels = Array.from({ length: rows }, (_, i) => (i * 3) % 5);
    const run = async (backend: string, shape: number[]) => {
      await tf.setBackend(backend);
      const out = tf.tensor(probs, shape);
      const y = tf.tensor1d(labels);
      const c = metricSumTensor(tf, plan, out, y);
      const v = (await c.data())[0];
      tf.dispose([out, y, c]);
      return v;
    };
    for (const shape of [
      [rows, 5],
      [rows, 1, 5],
    ]) {
      const want = await run('cpu', shape);
      expect(want).toBeGreaterThan(0);
      expect(await run('webgpu', shape)).toBe(want);
    }
  });

  it('ReLU gradient over more than 65535 × 64 elements equals cpu (dispatch reshaped)', async () => {
    const n = 65536 * 64 + 100;
    const dyv = random(n, 7);
    const yv = random(n, 8);
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const dy = tf.tensor1d(dyv);
      const y = tf.tensor1d(yv);
      const g =
        backend === 'cpu'
          ? tf.mul(dy, tf.step(y))
          : (tf.engine().runKernel(RELU_GRAD, { dy, y }) as tf.Tensor);
      const out = await g.data();
      tf.dispose([dy, y, g]);
      return out;
    };
    const cpu = await run('cpu');
    const webgpu = await run('webgpu');
    let wrong = 0;
    for (let i = 0; i < n; i++)
      if (webgpu[i] !== cpu[i] && !(webgpu[i] === 0 && cpu[i] === 0)) wrong++;
    expect(wrong).toBe(0);
  });

  it('no leaks across repeated calls of both kernels', async () => {
    await tf.setBackend('webgpu');
    const p = tf.randomUniform([50, 10]);
    const y = tf.tensor1d(Array.from({ length: 50 }, (_, i) => i % 10));
    const d = tf.randomNormal([7, 9]);
    const h = tf.randomNormal([7, 9]);
    const once = async () => {
      const a = tf.engine().runKernel(CORRECT_COUNT, { probs: p, labels: y }) as tf.Tensor;
      const b = tf.engine().runKernel(RELU_GRAD, { dy: d, y: h }) as tf.Tensor;
      await Promise.all([a.data(), b.data()]);
      tf.dispose([a, b]);
    };
    await once();
    const before = tf.memory();
    for (let i = 0; i < 10; i++) await once();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    tf.dispose([p, y, d, h]);
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Fused Conv2D
// ─────────────────────────────────────────────────────────────────────────────────────────────

interface ConvCase {
  name: string;
  activation: 'relu' | 'elu' | 'sigmoid';
  xShape: [number, number, number, number];
  filters: number;
  kernel: [number, number];
  strides: [number, number];
  padding: 'same' | 'valid';
  useBias: boolean;
}

const CONV_CASES: ConvCase[] = [
  {
    name: 'same, stride 2, odd 9×7',
    activation: 'relu',
    xShape: [2, 9, 7, 3],
    filters: 4,
    kernel: [3, 3],
    strides: [2, 2],
    padding: 'same',
    useBias: true,
  },
  {
    name: '1×1 kernel, stride 2, same, batch 1',
    activation: 'relu',
    xShape: [1, 5, 7, 3],
    filters: 6,
    kernel: [1, 1],
    strides: [2, 2],
    padding: 'same',
    useBias: true,
  },
  {
    name: '1×1 kernel, stride 1, valid, no bias',
    activation: 'sigmoid',
    xShape: [2, 4, 4, 5],
    filters: 3,
    kernel: [1, 1],
    strides: [1, 1],
    padding: 'valid',
    useBias: false,
  },
  {
    name: 'even 4×2 kernel, stride [3, 2], same, odd 11×6, elu, batch 1, no bias',
    activation: 'elu',
    xShape: [1, 11, 6, 2],
    filters: 5,
    kernel: [4, 2],
    strides: [3, 2],
    padding: 'same',
    useBias: false,
  },
  {
    name: 'kernel [1, 2] narrower than stride 3, same, 4×7 (wasm’s XNNPACK SAME case)',
    activation: 'relu',
    xShape: [2, 4, 7, 2],
    filters: 3,
    kernel: [1, 2],
    strides: [3, 3],
    padding: 'same',
    useBias: true,
  },
  {
    name: 'kernel larger than the input (5×5 on 3×4), same',
    activation: 'relu',
    xShape: [2, 3, 4, 2],
    filters: 3,
    kernel: [5, 5],
    strides: [1, 1],
    padding: 'same',
    useBias: true,
  },
  {
    name: 'valid, stride 2, 8×8 → 3×3, sigmoid, 17 filters',
    activation: 'sigmoid',
    xShape: [3, 8, 8, 2],
    filters: 17,
    kernel: [3, 3],
    strides: [2, 2],
    padding: 'valid',
    useBias: true,
  },
];

const freeLayer = (layer: tf.layers.Layer) =>
  layer.weights.forEach((w) => (w as unknown as { dispose(): void }).dispose());

function makeConv(c: ConvCase, activation: string = c.activation) {
  const layer = tf.layers.conv2d({
    filters: c.filters,
    kernelSize: c.kernel,
    strides: c.strides,
    padding: c.padding,
    activation: activation as 'relu',
    useBias: c.useBias,
  });
  layer.build([null, ...c.xShape.slice(1)]);
  const inC = c.xShape[3];
  const kSize = c.kernel[0] * c.kernel[1] * inC * c.filters;
  layer.setWeights([
    tf.tensor(random(kSize, 21, 0.5), [...c.kernel, inC, c.filters]),
    ...(c.useBias ? [tf.tensor(random(c.filters, 22, 0.3), [c.filters])] : []),
  ]);
  return layer;
}

/** Output, dx and the weights' gradients of sum(layer(x) · r). */
async function convRun(layer: tf.layers.Layer, xShape: number[]) {
  const x = tf.tensor(
    random(
      xShape.reduce((a, b) => a * b),
      23,
      1.5,
    ),
    xShape,
  );
  const y0 = tf.tidy(() => layer.apply(x) as tf.Tensor);
  const r = tf.tensor(random(y0.size, 24), y0.shape);
  const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const f = (xi: tf.Tensor) => tf.sum(tf.mul(layer.apply(xi) as tf.Tensor, r)) as tf.Scalar;
  const { grads } = tf.variableGrads(() => f(x), weights);
  const dx = tf.grad(f)(x);
  const out = {
    shape: y0.shape,
    y: Array.from(await y0.data()),
    dx: Array.from(await dx.data()),
    dw: await Promise.all(weights.map(async (w) => Array.from(await grads[w.name]!.data()))),
  };
  tf.dispose([x, y0, r, dx, ...Object.values(grads)]);
  return out;
}

/** The plain layer on cpu: the reference. */
async function convReference(c: ConvCase, activation: string = c.activation) {
  await tf.setBackend('cpu');
  const layer = makeConv(c, activation);
  const out = await convRun(layer, c.xShape);
  freeLayer(layer);
  return out;
}

async function convFused(backend: string, c: ConvCase) {
  await tf.setBackend(backend);
  const layer = fuseConv2DLayer(tf, makeConv(c));
  const out = await convRun(layer, c.xShape);
  freeLayer(layer);
  return out;
}

function compareConv(
  got: Awaited<ReturnType<typeof convRun>>,
  want: Awaited<ReturnType<typeof convRun>>,
  tol: number,
) {
  expect(got.shape).toEqual(want.shape);
  expect(want.dx.some((v) => Math.abs(v) > 1e-3)).toBe(true);
  expectClose(got.y, want.y, tol, 'y');
  expectClose(got.dx, want.dx, tol, 'dx');
  expect(got.dw.length).toBe(want.dw.length);
  got.dw.forEach((g, i) => expectClose(g, want.dw[i]!, tol, `dw${i}`));
}

describe('review: fused Conv2D against the plain layer on cpu', () => {
  it.each(CONV_CASES.map((c) => [c.name, c] as const))('%s: cpu and wasm', async (_, c) => {
    const want = await convReference(c);
    compareConv(await convFused('cpu', c), want, 1e-5);
    compareConv(await convFused('wasm', c), want, 1e-4);
  });

  it('an activation changed after fusing is honoured at the next call (linear → relu, relu → tanh)', async () => {
    const c = CONV_CASES[0]!;
    // tfjs-layers keeps an activation object on the layer; an unbuilt layer (no weights) lends one.
    const activationOf = (name: string) =>
      (
        tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: name as 'relu' }) as unknown as {
          activation: unknown;
        }
      ).activation;
    for (const [built, switched] of [
      ['linear', 'relu'],
      ['relu', 'tanh'],
      ['sigmoid', 'elu'],
    ]) {
      const want = await convReference(c, switched);
      await tf.setBackend('cpu');
      const layer = fuseConv2DLayer(tf, makeConv(c, built));
      (layer as unknown as { activation: unknown }).activation = activationOf(switched!);
      compareConv(await convRun(layer, c.xShape), want, 1e-5);
      freeLayer(layer);
    }
  });

  it('no leaks: forward under tf.tidy, training gradients, repeated', async () => {
    await tf.setBackend('cpu');
    const c = CONV_CASES[0]!;
    const layer = fuseConv2DLayer(tf, makeConv(c));
    const x = tf.randomNormal(c.xShape);
    const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const once = async () => {
      const y = tf.tidy(() => layer.apply(x) as tf.Tensor);
      const { value, grads } = tf.variableGrads(
        () => tf.sum(layer.apply(x) as tf.Tensor) as tf.Scalar,
        weights,
      );
      await value.data();
      tf.dispose([y, value, ...Object.values(grads)]);
    };
    await once();
    const before = tf.memory();
    for (let i = 0; i < 5; i++) await once();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    x.dispose();
    freeLayer(layer);
  });
});

webgpuDescribe(gpu, 'review: fused Conv2D on webgpu', () => {
  it.each(CONV_CASES.map((c) => [c.name, c] as const))(
    '%s equals the plain cpu layer',
    async (_, c) => {
      const want = await convReference(c);
      compareConv(await convFused('webgpu', c), want, 2e-4);
    },
  );

  it('no tensor or byte leaks in repeated training steps', async () => {
    await tf.setBackend('webgpu');
    const c = CONV_CASES[1]!;
    const layer = fuseConv2DLayer(tf, makeConv(c));
    const x = tf.randomNormal(c.xShape);
    const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const once = async () => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(layer.apply(x) as tf.Tensor) as tf.Scalar,
        weights,
      );
      await Promise.all([value.data(), ...Object.values(grads).map((g) => g.data())]);
      tf.dispose([value, ...Object.values(grads)]);
    };
    await once();
    const before = tf.memory();
    for (let i = 0; i < 5; i++) await once();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    x.dispose();
    freeLayer(layer);
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
// MNIST CNN template: buildModel + train
// ─────────────────────────────────────────────────────────────────────────────────────────────

function cnnIr(): ModelIR {
  const r = lowerGraph(loadTemplate('mnist-cnn').graph);
  if (!r.ok) throw new Error('mnist-cnn did not lower');
  return r.ir;
}

/** 28×28×1 images; the class (of 10) is the brightest of 10 horizontal bands. */
function bandsDataset(count: number, seed: number): Dataset {
  const x = new Float32Array(count * 784);
  const y = new Float32Array(count);
  const noise = random(count * 784, seed, 0.3);
  for (let n = 0; n < count; n++) {
    const label = n % 10;
    y[n] = label;
    for (let i = 0; i < 784; i++) {
      const row = Math.floor(i / 28);
      const band = Math.min(9, Math.floor((row * 10) / 28));
      x[n * 784 + i] = 0.3 + noise[n * 784 + i]! + (band === label ? 0.7 : 0);
    }
  }
  return {
    id: 'bands',
    title: 'brightest band',
    featureShape: [28, 28, 1],
    featureNames: [],
    task: {
      kind: 'classification',
      numClasses: 10,
      classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    },
    train: { x, y, count },
    test: null,
    notes: [],
  };
}

async function trainCnn(backend: string) {
  await tf.setBackend(backend);
  const ir = cnnIr();
  const before = tf.memory().numTensors;
  const model = buildModel(tf, ir, { seed: 3 });
  const losses: number[] = [];
  const result = await train(tf, model, ir, bandsDataset(64, 9), {
    settings: trainingSchema.parse({
      dataset: 'csv',
      epochs: 4,
      batchSize: 16,
      learningRate: 0.003,
      optimizer: 'adam',
      validationSplit: 0,
      seed: 1,
    }),
    readEvery: 4,
    onBatches: (p) => losses.push(...p.losses),
  });
  return { model, result, losses, before };
}

describe('review: the MNIST CNN template trains with fused Conv2D layers', () => {
  it('on wasm: finite falling loss, no leaks; saved and reloaded as plain Conv2D', async () => {
    const { model, result, losses, before } = await trainCnn('wasm');
    expect(result.status).toBe('done');
    expect(losses.every(Number.isFinite)).toBe(true);
    const epochLoss = result.history.map((h) => h.loss);
    expect(epochLoss.at(-1)!).toBeLessThan(epochLoss[0]!);
    // Saved config: plain conv2d layers with their activation.
    const convs = model.layers.filter((l) => l.getClassName() === 'Conv2D');
    expect(convs.length).toBe(2);
    convs.forEach((l) => expect(l.getConfig().activation).toBe('relu'));
    let artifacts: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const json = JSON.stringify(artifacts!.modelTopology);
    expect(json).toContain('"class_name":"Conv2D"');
    expect(json).not.toContain('Fused');
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const x = tf.tensor4d(bandsDataset(4, 2).train.x, [4, 28, 28, 1]);
    const a = model.predict(x) as tf.Tensor;
    const b = reloaded.predict(x) as tf.Tensor;
    expectClose(Array.from(await b.data()), Array.from(await a.data()), 1e-5, 'reloaded');
    tf.dispose([x, a, b]);
    reloaded.dispose();
    model.dispose();
    expect(tf.memory().numTensors, 'no tensor leaks').toBe(before);
  });
});

webgpuDescribe(gpu, 'review: the MNIST CNN template trains on webgpu', () => {
  it('finite falling loss over 4 epochs, no tensor leaks', async () => {
    const { model, result, losses, before } = await trainCnn('webgpu');
    expect(result.status).toBe('done');
    expect(losses.every(Number.isFinite)).toBe(true);
    const epochLoss = result.history.map((h) => h.loss);
    expect(epochLoss.at(-1)!).toBeLessThan(epochLoss[0]!);
    model.dispose();
    expect(tf.memory().numTensors, 'no tensor leaks').toBe(before);
  });

  it('a training step’s loss and gradients equal the cpu backend’s (fused vs fused)', async () => {
    const ir = cnnIr();
    const data = bandsDataset(8, 4);
    const grads = async (backend: string, weights: tf.Tensor[] | null) => {
      await tf.setBackend(backend);
      const model = buildModel(tf, ir, { seed: 5 });
      if (weights) model.setWeights(weights);
      const x = tf.tensor4d(data.train.x, [8, 28, 28, 1]);
      const y = tf.oneHot(tf.tensor1d(data.train.y, 'int32'), 10);
      const { value, grads: g } = tf.variableGrads(() => {
        const p = model.apply(x, { training: false }) as tf.Tensor;
        return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.add(p, 1e-7))), -1))) as tf.Scalar;
      });
      const names = model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
      const out = {
        loss: (await value.data())[0]!,
        grads: await Promise.all(names.map(async (n) => Array.from(await g[n]!.data()))),
        weights: await Promise.all(
          model.getWeights().map(async (w) => ({ v: await w.data(), s: w.shape })),
        ),
      };
      tf.dispose([x, y, value, ...Object.values(g)]);
      model.dispose();
      return out;
    };
    const want = await grads('cpu', null);
    await tf.setBackend('webgpu');
    const ws = want.weights.map((w) => tf.tensor(w.v as Float32Array, w.s));
    const got = await grads('webgpu', ws);
    tf.dispose(ws);
    expect(Math.abs(got.loss - want.loss)).toBeLessThan(1e-4);
    got.grads.forEach((g, i) => expectClose(g, want.grads[i]!, 2e-3, `grad ${i}`));
  });

  it('dispatch count sanity: one column-sum dispatch for a [64, 32] bias gradient', async () => {
    await tf.setBackend('webgpu');
    const x = tf.randomNormal([64, 32]);
    const c = await countDispatches(async () => {
      const y = tf.sum(x, 0);
      await y.data();
      y.dispose();
    });
    expect(c.dispatches).toBe(1);
    x.dispose();
  });
});
