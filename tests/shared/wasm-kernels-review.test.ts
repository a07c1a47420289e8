/**
 * Review of the wasm SIMD kernels (shared/tfjs/simd), the wasm MaxPoolGrad / Sum / Identity
 * (shared/tfjs/wasm-pool.ts, wasm-reduce.ts) and the fused optimizer updates
 * (shared/tfjs/fused-optimizers.ts) against TF.js's cpu backend (TF.js's own kernels and
 * optimizers), the reference. Expected values come from the cpu backend or from hand arithmetic.
 *
 * Written by a reviewer who did not write the kernels; its six failing tests found the slot-size,
 * cpu aliasing and NaN-window problems fixed with it. The last test would corrupt the wasm heap
 * if the slot-size check were lost; keep it last.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../../shared/datasets/random.ts';
import { installCustomKernels } from '../../shared/tfjs/custom-kernels.ts';
import { KERNELS_WASM_SHARED } from '../../shared/tfjs/simd/kernels.generated.ts';
import type { SimdKernels } from '../../shared/tfjs/simd/kernels.ts';
import { makeOptimizer } from '../../shared/training/optimizer.ts';
import { mseLosses, stockOptimizer, type OptimizerKind } from '../support/optimizers.ts';

type Kind = OptimizerKind;
const random = rng(4242);
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

const fused = (kind: Kind, learningRate = 0.01) =>
  makeOptimizer(tf, { optimizer: kind, learningRate });

/** Runs `f` on a backend; returns the output's shape, dtype and values. */
function on(backend: string, f: () => tf.Tensor) {
  tf.setBackend(backend);
  const t = tf.tidy(f);
  const out = { shape: t.shape, dtype: t.dtype, data: Array.from(t.dataSync() as Float32Array) };
  t.dispose();
  return out;
}

/** float32 bit patterns, every NaN as 'NaN' (payloads are not compared). */
function bits(values: ArrayLike<number>): (number | string)[] {
  const u = new Uint32Array(Float32Array.from(values).buffer);
  return Array.from(u, (b) =>
    (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0 ? 'NaN' : b,
  );
}

beforeAll(async () => {
  installCustomKernels(tf);
  await tf.setBackend('wasm');
  await tf.setBackend('cpu');
});

describe('review: wasm MaxPoolGrad', () => {
  // FINDING: the "windows apart" paths (SIMD and JS) give the gradient to the position equal to
  // the pooled y; TF.js's stock wasm MaxPool forward returns a wrong y when a window holds a NaN
  // (measured: [1, 3, 2, NaN] → 2, [NaN, 1, 3, 2] → −∞), so the gradient goes to a position that
  // is not the window's first maximum (cpu: 3), or nowhere. The overlapping-window path, which
  // reads x only, matches cpu.
  it('a window with one NaN: the gradient goes to the first maximum of the rest, as on cpu', () => {
    for (const x of [
      [1, 3, 2, NaN],
      [NaN, 1, 3, 2],
    ]) {
      for (const c of [1, 3, 4]) {
        const xs = x.flatMap((v) => Array<number>(c).fill(v));
        const f = () =>
          tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid').sum())(
            tf.tensor4d(xs, [1, 2, 2, c]),
          );
        // Hand arithmetic: NaN is never `>` the running maximum, so 3 (position 1 or 2) wins.
        const want = (x[1] === 3 ? [0, 1, 0, 0] : [0, 0, 1, 0]).flatMap((v) =>
          Array<number>(c).fill(v),
        );
        expect(on('cpu', f).data).toEqual(want);
        expect({ x, c, dx: on('wasm', f).data }).toEqual({ x, c, dx: want });
      }
    }
  });

  it('the MaxPoolGrad kernel alone (y from cpu): numeric pads with every rounding, explicit pads, channels 1–13, windows larger than the input', () => {
    const bad: string[] = [];
    let checked = 0;
    for (let i = 0; i < 400; i++) {
      const [n, h, w, c] = [between(1, 2), between(1, 8), between(1, 8), between(1, 13)];
      const k: [number, number] = [between(1, 5), between(1, 5)];
      const s: [number, number] = [between(1, 5), between(1, 5)];
      let pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding = 'same';
      let mode: 'floor' | 'round' | 'ceil' | undefined;
      if (i % 4 === 1 && k[0] <= h && k[1] <= w) pad = 'valid';
      else if (i % 4 === 2) {
        pad = between(0, 2);
        mode = (['floor', 'round', 'ceil'] as const)[i % 3];
      } else if (i % 4 === 3)
        pad = [
          [0, 0],
          [between(0, 3), between(0, 3)],
          [between(0, 3), between(0, 3)],
          [0, 0],
        ];
      const info = tf.backend_util.computePool2DInfo([n, h, w, c], k, s, 1, pad, mode);
      if (info.outHeight <= 0 || info.outWidth <= 0) continue;
      // Values on a grid of thirds: many ties, negatives and zeros.
      const x = Float32Array.from({ length: n * h * w * c }, () =>
        Math.fround(Math.round((random() * 2 - 1) * 3) / 3),
      );
      const attrs = { filterSize: k, strides: s, pad, dimRoundingMode: mode } as never;
      tf.setBackend('cpu');
      const xc = tf.tensor4d(x, [n, h, w, c]);
      const yc = tf.engine().runKernel('MaxPool', { x: xc }, attrs) as tf.Tensor;
      const y = yc.dataSync().slice() as Float32Array;
      const dyv = Float32Array.from({ length: yc.size }, () => random() + 0.5);
      const dyc = tf.tensor(dyv, yc.shape);
      const dxc = tf.engine().runKernel('MaxPoolGrad', { dy: dyc, input: xc, output: yc }, attrs);
      const want = (dxc as tf.Tensor).dataSync().slice();
      tf.dispose([xc, yc, dyc, dxc as tf.Tensor]);
      tf.setBackend('wasm');
      const xw = tf.tensor4d(x, [n, h, w, c]);
      const yw = tf.tensor(y, [n, info.outHeight, info.outWidth, c]);
      const dyw = tf.tensor(dyv, yw.shape);
      const dxw = tf.engine().runKernel('MaxPoolGrad', { dy: dyw, input: xw, output: yw }, attrs);
      const got = (dxw as tf.Tensor).dataSync().slice();
      tf.dispose([xw, yw, dyw, dxw as tf.Tensor]);
      checked++;
      let err = 0;
      for (let j = 0; j < want.length; j++) err = Math.max(err, Math.abs(want[j]! - got[j]!));
      if (!(err <= 1e-5) || got.length !== want.length)
        bad.push(`n${n} ${h}×${w}×${c} k${k} s${s} ${JSON.stringify(pad)} ${mode}: ${err}`);
    }
    expect(checked).toBeGreaterThan(300);
    expect(bad).toEqual([]);
  });

  it('through tf.grad: stride > window with same padding, windows larger than the input, batch 1, ReLU ties', () => {
    const bad: string[] = [];
    for (let i = 0; i < 150; i++) {
      const [n, h, w, c] = [between(1, 2), between(1, 7), between(1, 7), between(1, 13)];
      const k: [number, number] = [between(1, 6), between(1, 6)];
      const s: [number, number] = [between(1, 6), between(1, 6)];
      const pad = i % 3 === 0 && k[0] <= h && k[1] <= w ? 'valid' : 'same';
      const relu = i % 2 === 0;
      const x = Float32Array.from({ length: n * h * w * c }, () => {
        const v = random() * 2 - 1;
        return relu ? Math.max(0, v) : v;
      });
      const scale = Float32Array.from({ length: 7 * 7 * 13 * 2 }, () => random() + 0.5);
      const f = () =>
        tf.grad((t: tf.Tensor) => {
          const y = tf.maxPool(t as tf.Tensor4D, k, s, pad);
          return y.mul(tf.tensor(scale.subarray(0, y.size), y.shape)).sum();
        })(tf.tensor4d(x, [n, h, w, c]));
      const want = on('cpu', f).data;
      const got = on('wasm', f).data;
      const err = Math.max(0, ...want.map((v, j) => Math.abs(v - got[j]!)));
      if (!(err <= 1e-5)) bad.push(`n${n} ${h}×${w}×${c} k${k} s${s} ${pad}: ${err}`);
    }
    expect(bad).toEqual([]);
  });

  it('a large input (the heap grows while the gradient is allocated) equals cpu, SIMD and JS paths', () => {
    for (const [shape, k, s] of [
      [[2, 130, 130, 16], 2, 2],
      [[2, 97, 101, 6], 3, 3],
      [[1, 64, 64, 8], 3, 2],
    ] as [number[], number, number][]) {
      const x = Float32Array.from({ length: sizeOf(shape) }, () => random() * 2 - 1);
      const f = () =>
        tf.grad((t: tf.Tensor) => {
          const y = tf.maxPool(t as tf.Tensor4D, k, s, 'same');
          return y.mul(y).sum();
        })(tf.tensor4d(x, shape as [number, number, number, number]));
      const want = on('cpu', f).data;
      const got = on('wasm', f).data;
      expect(got.length).toBe(want.length);
      let err = 0;
      for (let j = 0; j < want.length; j++) err = Math.max(err, Math.abs(want[j]! - got[j]!));
      expect(err).toBeLessThanOrEqual(1e-6);
    }
  });
});

describe('review: wasm Sum and Identity', () => {
  it('Sum over leading axes equals the stock wasm reduction bit for bit (float32, rows in order)', () => {
    // The stock kernel reduces the innermost axis; transposing first makes it take that path.
    for (const [rows, c] of [
      [1, 4],
      [3, 8],
      [1000, 4],
      [4097, 12],
      [7, 5],
    ]) {
      const x = Float32Array.from(
        { length: rows! * c! },
        () => (random() - 0.5) * 10 ** between(-3, 3),
      );
      const mine = on('wasm', () => tf.sum(tf.tensor2d(x, [rows!, c!]), 0)).data;
      const theirs = on('wasm', () => tf.sum(tf.transpose(tf.tensor2d(x, [rows!, c!])), 1)).data;
      if (c! % 4 === 0) expect(bits(mine)).toEqual(bits(theirs));
      // Without SIMD: float64 accumulation, equal to cpu exactly.
      else expect(mine).toEqual(on('cpu', () => tf.sum(tf.tensor2d(x, [rows!, c!]), 0)).data);
    }
  });

  it('Sum: keepDims, negative and unordered axes, ranks 2–5, int32/bool, empty, NaN/Inf: shapes and values of cpu', () => {
    const cases: [
      number[],
      number | number[] | undefined,
      boolean,
      'float32' | 'int32' | 'bool',
    ][] = [
      [[2, 3, 4], [-3, -2], true, 'float32'],
      [[2, 3, 4], [1, 0], false, 'float32'],
      [[5, 1], 0, true, 'float32'],
      [[1, 1, 1, 4], [2, 0, 1], true, 'float32'],
      [[3, 4], 0, false, 'int32'],
      [[3, 4], 0, true, 'bool'],
      [[3, 5], -2, true, 'int32'],
      [[2, 2, 2, 2, 8], [0, 1, 2, 3], false, 'float32'],
      [[2, 2, 2, 2, 3], [3, 2, 1, 0], true, 'float32'],
      [[3, 0, 4], [0, 1], true, 'float32'],
      [[3, 4, 0], [0, 1], false, 'float32'],
      [[0, 4], [0], false, 'int32'],
    ];
    for (const [shape, axis, keepDims, dtype] of cases) {
      const size = sizeOf(shape);
      // Small integers and halves: every sum is exact in float32, so any order gives cpu's value.
      const values = Array.from({ length: size }, (_, i) =>
        dtype === 'bool' ? i % 2 : dtype === 'int32' ? i * 3 - 7 : (i % 9) * 0.5 - 2,
      );
      const f = () => tf.sum(tf.tensor(values, shape, dtype), axis, keepDims);
      expect({ inShape: shape, axis, ...on('wasm', f) }).toEqual({
        inShape: shape,
        axis,
        ...on('cpu', f),
      });
    }
    const special = () =>
      tf.sum(tf.tensor2d([Infinity, 1, NaN, 2, -Infinity, 1, 3, -0], [2, 4]), 0);
    expect(on('wasm', special).data).toEqual([NaN, 2, NaN, 2]);
    expect(on('cpu', special).data).toEqual([NaN, 2, NaN, 2]);
    // −0 rows: cpu's accumulator starts at +0, so the sum is +0 (Object.is in toEqual).
    for (const c of [4, 6]) {
      const zeros = () => tf.sum(tf.tensor2d(new Array(3 * c).fill(-0), [3, c]), 0);
      expect(on('wasm', zeros).data).toEqual(on('cpu', zeros).data);
    }
  });

  it('Identity of int32, bool, string and float32: the copy outlives the original, nothing leaks, it survives a move to cpu and back', async () => {
    await tf.setBackend('wasm');
    const before = { ...tf.memory(), buffers: tf.backend().numDataIds() };
    for (const [values, dtype] of [
      [[1, -2, 3], 'int32'],
      [[1, 0, 1], 'bool'],
      [['a', 'bc'], 'string'],
      [[1.5, -0, NaN], 'float32'],
    ] as const) {
      const a = tf.tensor(values as never, undefined, dtype);
      const b = a.clone();
      const c = tf.clone(b);
      a.dispose();
      expect(await b.array()).toEqual(values);
      b.dispose();
      expect(await c.array()).toEqual(values);
      c.dispose();
    }
    const a = tf.tensor([1, 2, 3]);
    const b = a.clone();
    await tf.setBackend('cpu');
    const plus = b.add(1);
    expect(Array.from(await plus.data())).toEqual([2, 3, 4]);
    await tf.setBackend('wasm');
    const times = a.mul(2);
    expect(Array.from(await times.data())).toEqual([2, 4, 6]);
    expect(Array.from(await b.data())).toEqual([1, 2, 3]);
    tf.dispose([a, b, plus, times]);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(tf.backend().numDataIds()).toBe(before.buffers);
  });
});

describe('review: the SIMD module', () => {
  it('the shared-memory variant (threaded browser build) instantiates on a 4 GiB-maximum shared memory and computes', () => {
    const bytes = Uint8Array.from(atob(KERNELS_WASM_SHARED), (ch) => ch.charCodeAt(0));
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true });
    const k = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } })
      .exports as unknown as SimdKernels;
    const f = new Float32Array(memory.buffer);
    f.set([1, 2, 3, 4, 10, 20, 30, 40], 0);
    k.sum_rows(0, 64, 2, 4);
    // Hand arithmetic: column sums.
    expect(Array.from(f.subarray(16, 20))).toEqual([11, 22, 33, 44]);
  });
});

/** Variables of odd sizes (scalar, empty, 1, tails of the SIMD loop). */
const SHAPES = [[], [1], [3], [5], [2, 3], [9], [0, 3], [4, 4], [3, 37]];
const SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 1e-40, -1e-45, 3e38, 1e-20, -3e38];
const STEPS = 5;
const initial = SHAPES.map((s) =>
  Float32Array.from({ length: sizeOf(s) }, (_, i) => (i === 1 ? -0 : random() - 0.5)),
);
const gradients = Array.from({ length: STEPS }, (_, step) =>
  SHAPES.map((s) =>
    Float32Array.from({ length: sizeOf(s) }, (_, i) =>
      (i + step) % 4 === 0 ? SPECIAL[(i + 3 * step) % SPECIAL.length]! : random() - 0.5,
    ),
  ),
);
let run = 0;

/** Trains fresh variables STEPS steps, the backend of step i being schedule[i % length]. */
async function train(schedule: string[], opt: () => tf.Optimizer) {
  run++;
  await tf.setBackend(schedule[0]!);
  // Copies: on cpu a tensor keeps the array it is given (see the in-place findings below).
  const vars = SHAPES.map((s, i) =>
    tf.tidy(() => tf.variable(tf.tensor(initial[i]!.slice(), s), true, `review${run}_${i}`)),
  );
  const o = opt();
  for (let step = 0; step < STEPS; step++) {
    await tf.setBackend(schedule[step % schedule.length]!);
    const named = Object.fromEntries(
      vars.map((v, i) => [v.name, tf.tensor(gradients[step]![i]!.slice(), SHAPES[i])]),
    );
    o.applyGradients(named);
    tf.dispose(Object.values(named));
  }
  const values = await Promise.all(vars.map(async (v) => bits(await v.data())));
  const slots = await Promise.all(
    (await o.getWeights()).map(async (w) => bits(await w.tensor.data())),
  );
  o.dispose();
  vars.forEach((v) => v.dispose());
  return { values, slots };
}

describe('review: fused optimizers', () => {
  for (const kind of ['adam', 'sgd', 'momentum', 'rmsprop'] as const)
    it(`${kind}: NaN/±Inf/−0/subnormal gradients, scalar and empty variables, backends switched mid-training: bit for bit TF.js on cpu`, async () => {
      const want = await train(['cpu'], () => stockOptimizer(kind));
      for (const schedule of [['wasm'], ['wasm', 'cpu'], ['cpu', 'wasm', 'wasm']]) {
        const got = await train(schedule, () => fused(kind));
        expect({ schedule, ...got }).toEqual({ schedule, ...want });
      }
    });

  it('several optimizers at once (two Adams and an SGD, on shared and separate variables) equal TF.js on cpu', async () => {
    const trainAll = async (backend: string, isFused: boolean) => {
      await tf.setBackend(backend);
      const before = { ...tf.memory(), buffers: tf.backend().numDataIds() };
      run++;
      const vars = [0, 1, 2].map((i) =>
        tf.tidy(() =>
          tf.variable(tf.tensor(initial[8]!.slice(), [3, 37]), true, `multi${run}_${i}`),
        ),
      );
      const make = (k: Kind) => (isFused ? fused(k) : stockOptimizer(k));
      const [a1, a2, s] = [make('adam'), make('adam'), make('sgd')];
      for (let step = 0; step < 4; step++) {
        const g = () => tf.tensor(gradients[step]![8]!.slice(), [3, 37]);
        const gs = [g(), g(), g(), g()];
        a1.applyGradients({ [vars[0]!.name]: gs[0]!, [vars[1]!.name]: gs[1]! });
        a2.applyGradients({ [vars[1]!.name]: gs[2]! });
        s.applyGradients({ [vars[2]!.name]: gs[3]! });
        tf.dispose(gs);
      }
      const out = await Promise.all(vars.map(async (v) => bits(await v.data())));
      [a1, a2, s].forEach((o) => o.dispose());
      vars.forEach((v) => v.dispose());
      expect(tf.memory().numTensors).toBe(before.numTensors);
      expect(tf.backend().numDataIds()).toBe(before.buffers);
      return out;
    };
    const want = await trainAll('cpu', false);
    expect(await trainAll('wasm', true)).toEqual(want);
    expect(await trainAll('cpu', true)).toEqual(want);
  });

  it('Adam on wasm: a reshape alias of a slot (m) keeps its value; tf.profile and tf.time around steps; nothing leaks', async () => {
    const trainAdam = async (backend: string, isFused: boolean) => {
      await tf.setBackend(backend);
      run++;
      const v = tf.tidy(() =>
        tf.variable(tf.tensor(initial[8]!.slice(), [3, 37]), true, `al${run}`),
      );
      const opt = isFused ? fused('adam') : stockOptimizer('adam');
      const before = { ...tf.memory(), buffers: tf.backend().numDataIds() };
      const step = async (i: number) => {
        const g = tf.tensor(gradients[i]![8]!.slice(), [3, 37]);
        if (i % 2 === 0) await tf.profile(() => opt.applyGradients({ [v.name]: g }));
        else await tf.time(() => opt.applyGradients({ [v.name]: g }));
        g.dispose();
      };
      await step(0);
      const m = (await opt.getWeights()).find((w) => w.name.endsWith('/m'))!.tensor;
      const alias = tf.reshape(m, [111]);
      const aliasBefore = bits(await alias.data());
      for (let i = 1; i < 4; i++) await step(i);
      const aliasAfter = bits(await alias.data());
      alias.dispose();
      await step(4);
      const out = bits(await v.data());
      const weights = await opt.getWeights();
      const slots = await Promise.all(weights.map(async (w) => bits(await w.tensor.data())));
      tf.dispose(weights.filter((w) => w.name === 'iter').map((w) => w.tensor));
      // What stays (the slots m and v, the `iter` of the first getWeights) must be TF.js's.
      const kept = {
        tensors: tf.memory().numTensors - before.numTensors,
        buffers: tf.backend().numDataIds() - before.buffers,
      };
      opt.dispose();
      v.dispose();
      return { out, slots, kept, aliasChanged: aliasBefore.some((x, j) => x !== aliasAfter[j]) };
    };
    const want = await trainAdam('cpu', false);
    const got = await trainAdam('wasm', true);
    expect(got).toEqual(want);
    expect(got.aliasChanged).toBe(false);
  });

  it('a small CNN with MaxPooling2D (4 channels: the SIMD gradient) and BatchNorm trained with Adam on wasm follows cpu, without leaks', async () => {
    const trainOn = async (backend: string) => {
      await tf.setBackend(backend);
      const before = { ...tf.memory(), buffers: tf.backend().numDataIds() };
      const init = (seed: number) =>
        tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed });
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape: [8, 8, 2],
            filters: 4,
            kernelSize: 3,
            kernelInitializer: init(1),
          }),
          tf.layers.batchNormalization(),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 3, kernelSize: 1, kernelInitializer: init(2) }),
          tf.layers.maxPooling2d({ poolSize: 3, strides: 1 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 2, kernelInitializer: init(3) }),
        ],
      });
      const opt = fused('adam', 0.03);
      const xr = rng(9);
      const x = tf.tensor4d(
        Array.from({ length: 6 * 128 }, () => xr() - 0.5),
        [6, 8, 8, 2],
      );
      const y = tf.tensor2d(
        Array.from({ length: 12 }, () => xr()),
        [6, 2],
      );
      const losses = await mseLosses(opt, model, x, y, 8, true);
      tf.dispose([x, y]);
      opt.dispose();
      model.dispose();
      expect(tf.memory().numTensors).toBe(before.numTensors);
      expect(tf.backend().numDataIds()).toBe(before.buffers);
      return losses;
    };
    const want = await trainOn('cpu');
    const got = await trainOn('wasm');
    expect(want.at(-1)!).toBeLessThan(want[0]!);
    got.forEach((l, i) => expect(Math.abs(l - want[i]!)).toBeLessThan(1e-4 * want[0]!));
  });

  // FINDING: on cpu the fused update writes the variable's Float32Array in place after checking
  // only the cpu backend's reference count of the variable's dataId. But cpu tensors share
  // arrays WITHOUT sharing a dataId: a contiguous `slice` (and so `split`) is a `subarray` of its
  // source, `tf.tensor(float32Array)` keeps the caller's array, and `data()`/`dataSync()` return
  // the backing array itself. TF.js's own optimizer never writes an array in place (it assigns
  // a new tensor), so none of these ever changes with it.
  it('cpu: training a variable sliced from a live tensor leaves that tensor unchanged', async () => {
    for (const kind of ['sgd', 'adam'] as const) {
      await tf.setBackend('cpu');
      run++;
      const source = tf.tensor1d([1, 2, 3, 4, 5, 6]);
      const v = tf.tidy(() => tf.variable(source.slice(0, 3), true, `slice${run}`));
      const opt = fused(kind, 0.5);
      opt.applyGradients({ [v.name]: tf.ones([3]) });
      opt.applyGradients({ [v.name]: tf.ones([3]) });
      expect({ kind, source: Array.from(await source.data()) }).toEqual({
        kind,
        source: [1, 2, 3, 4, 5, 6],
      });
      opt.dispose();
      tf.dispose([v, source]);
    }
  });

  it('cpu: training leaves the Float32Array a variable was made from unchanged', async () => {
    await tf.setBackend('cpu');
    run++;
    const values = new Float32Array([1, 2, 3]);
    const v = tf.tidy(() => tf.variable(tf.tensor1d(values), true, `array${run}`));
    const opt = fused('sgd', 0.5);
    opt.applyGradients({ [v.name]: tf.ones([3]) });
    // Hand arithmetic: w − 0.5·1.
    expect(Array.from(await v.data())).toEqual([0.5, 1.5, 2.5]);
    expect(Array.from(values)).toEqual([1, 2, 3]);
    opt.dispose();
    v.dispose();
  });

  it('cpu: values read with data() before a step do not change after it', async () => {
    await tf.setBackend('cpu');
    run++;
    const v = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3]), true, `read${run}`));
    const opt = fused('sgd', 0.5);
    opt.applyGradients({ [v.name]: tf.ones([3]) });
    const read = await v.data();
    const copy = Array.from(read);
    opt.applyGradients({ [v.name]: tf.ones([3]) });
    expect(Array.from(read)).toEqual(copy); // [0.5, 1.5, 2.5]
    opt.dispose();
    v.dispose();
  });

  // FINDING: slots are found by the variable's POSITION in the gradient map (as TF.js does),
  // but the fused update never checks that a slot has the gradient's size. TF.js's own update
  // then throws ("Operands could not be broadcast together with shapes 4 and 4096"); the fused
  // one reads and writes `grad.size` elements of a 4-element slot: on cpu the parameter silently
  // becomes NaN; on wasm the SIMD kernel writes past the slot's heap buffer (measured: a
  // "memory access out of bounds" trap, or silent corruption of whatever lies after it).
  it('cpu: a gradient whose slot has another size throws, as TF.js does, instead of writing NaN', async () => {
    await tf.setBackend('cpu');
    run++;
    const a = tf.tidy(() => tf.variable(tf.ones([4]), true, `small${run}`));
    const b = tf.tidy(() => tf.variable(tf.ones([64]), true, `big${run}`));
    const mine = fused('adam', 0.1);
    mine.applyGradients({ [a.name]: tf.ones([4]) });
    const theirs = stockOptimizer('adam');
    theirs.applyGradients({ [a.name]: tf.ones([4]) });
    expect(() => theirs.applyGradients({ [b.name]: tf.ones([64]) })).toThrow(/broadcast/);
    let error: unknown = null;
    try {
      mine.applyGradients({ [b.name]: tf.ones([64]) });
    } catch (e) {
      error = e;
    }
    expect({ nan: Array.from(await b.data()).some(Number.isNaN), error: String(error) }).toEqual({
      nan: false,
      error: expect.stringMatching(/broadcast/),
    });
    tf.dispose([a, b]);
  });

  it('wasm (LAST: may corrupt the heap): a gradient whose slot has another size throws, as TF.js does', async () => {
    await tf.setBackend('wasm');
    run++;
    const a = tf.tidy(() => tf.variable(tf.ones([4]), true, `small${run}`));
    const b = tf.tidy(() => tf.variable(tf.ones([4096]), true, `big${run}`));
    const mine = fused('adam', 0.1);
    mine.applyGradients({ [a.name]: tf.ones([4]) });
    let error: unknown = null;
    try {
      mine.applyGradients({ [b.name]: tf.ones([4096]) });
    } catch (e) {
      error = e;
    }
    expect(String(error)).toMatch(/broadcast/);
  });
});
