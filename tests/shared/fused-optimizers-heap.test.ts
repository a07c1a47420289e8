/**
 * The fused optimizer updates on the wasm and cpu backends (shared/tfjs/fused-optimizers.ts): on
 * cpu one JavaScript loop per variable over its memory, rounded to float32 op by op; on wasm
 * Adam's SIMD kernel (shared/tfjs/simd/kernels.wat). After several steps the variables and slots
 * must equal TF.js's own optimizer on the cpu backend bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../../shared/datasets/random.ts';
import { installCustomKernels } from '../../shared/tfjs/custom-kernels.ts';
import { makeOptimizer } from '../../shared/training/optimizer.ts';
import { mseLosses, stockOptimizer, type OptimizerKind } from '../support/optimizers.ts';

const SHAPES = [[7, 5], [5], [3, 1100]];
const STEPS = 6;
const r = rng(12);
const init = SHAPES.map((s) =>
  Float32Array.from({ length: s.reduce((a, b) => a * b) }, () => r() - 0.5),
);
// Gradients over several orders of magnitude, zeros included, so every rounding step matters.
const grads = Array.from({ length: STEPS }, (_, step) =>
  SHAPES.map((s) =>
    Float32Array.from({ length: s.reduce((a, b) => a * b) }, (_, i) =>
      i % 17 === 0 ? 0 : (r() - 0.5) * 10 ** (((i + step) % 7) - 4),
    ),
  ),
);

type Kind = OptimizerKind;
let run = 0;

/** Trains the variables STEPS steps; returns variables, slots and kernels run per step. */
async function steps(
  backend: string,
  kind: Kind,
  fused: boolean,
  options: { alias?: boolean; reloadAfter?: number } = {},
) {
  await tf.setBackend(backend);
  run++;
  const vars = SHAPES.map((s, i) =>
    tf.tidy(() => tf.variable(tf.tensor(init[i]!, s), true, `heap${run}_${i}`)),
  );
  const make = () =>
    fused ? makeOptimizer(tf, { optimizer: kind, learningRate: 0.01 }) : stockOptimizer(kind);
  let opt = make();
  const alias = options.alias ? tf.reshape(vars[0]!, [35]) : null;
  const aliasBefore = alias ? Array.from(await alias.data()) : null;
  const kernels: number[] = [];
  for (const [step, g] of grads.entries()) {
    if (step === options.reloadAfter) {
      const saved = await opt.getWeights();
      const next = make();
      await next.setWeights(saved);
      opt.dispose();
      opt = next;
    }
    const named = Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(g[i]!, SHAPES[i])]));
    const info = await tf.profile(() => opt.applyGradients(named));
    kernels.push(info.kernels.length);
    tf.dispose(Object.values(named));
  }
  const values = await Promise.all(vars.map(async (v) => Array.from(await v.data())));
  const slots = await Promise.all(
    (await opt.getWeights()).map(async (w) => [w.name, Array.from(await w.tensor.data())]),
  );
  const aliasAfter = alias ? Array.from(await alias.data()) : null;
  alias?.dispose();
  opt.dispose();
  vars.forEach((v) => v.dispose());
  return { values, slots, kernels, aliasBefore, aliasAfter };
}

beforeAll(async () => {
  installCustomKernels(tf); // the wasm conv gradients the model test needs
  await tf.setBackend('wasm');
});

describe('fused optimizer updates on wasm and cpu', () => {
  for (const backend of ['wasm', 'cpu'])
    for (const kind of ['sgd', 'momentum', 'rmsprop', 'adam'] as const) {
      it(`${kind} on ${backend}: ${STEPS} steps equal TF.js's ${kind} on cpu exactly, without its kernels`, async () => {
        const want = await steps('cpu', kind, false);
        const got = await steps(backend, kind, true);
        expect(got.values).toEqual(want.values);
        // Same slot names (…/m, …/v, iter, accBeta) and values: saved state stays TF.js's.
        expect(got.slots.map((s) => s[0]!.toString().replace(/heap\d+_/, ''))).toEqual(
          want.slots.map((s) => s[0]!.toString().replace(/heap\d+_/, '')),
        );
        expect(got.slots.map((s) => s[1])).toEqual(want.slots.map((s) => s[1]));
        // TF.js's update runs at least two kernels per variable; the fused one none after the
        // first step (which creates the slots). On wasm only Adam is fused (the SIMD kernel);
        // the others run TF.js's kernels, as many as TF.js's own optimizer.
        expect(want.kernels.slice(1).every((k) => k >= 2 * SHAPES.length)).toBe(true);
        expect(got.kernels.slice(1)).toEqual(
          backend === 'wasm' && kind !== 'adam' ? want.kernels.slice(1) : Array(STEPS - 1).fill(0),
        );
      });
    }

  it('never writes in place into a buffer another tensor shares (falls back to TF.js)', async () => {
    const want = await steps('cpu', 'adam', false);
    const got = await steps('wasm', 'adam', true, { alias: true });
    expect(got.values).toEqual(want.values);
    expect(got.aliasAfter).toEqual(got.aliasBefore);
  });

  it('a Conv2D + Dense model trained with it on wasm follows the cpu run (new weights are used)', async () => {
    // tfjs-backend-wasm caches XNNPACK operators with packed weights by tensor id: an in-place
    // write of a weight would leave convolutions and matrix products on the old weights.
    const trainOn = async (backend: string) => {
      await tf.setBackend(backend);
      const before = { ...tf.memory(), buffers: tf.backend().numDataIds() };
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape: [6, 6, 2],
            filters: 3,
            kernelSize: 3,
            activation: 'relu',
            kernelInitializer: tf.initializers.randomUniform({
              minval: -0.5,
              maxval: 0.5,
              seed: 1,
            }),
          }),
          tf.layers.flatten(),
          tf.layers.dense({
            units: 4,
            kernelInitializer: tf.initializers.randomUniform({
              minval: -0.5,
              maxval: 0.5,
              seed: 2,
            }),
          }),
        ],
      });
      const opt = makeOptimizer(tf, { optimizer: 'adam', learningRate: 0.05 });
      const xr = rng(3);
      const x = tf.tensor4d(
        Array.from({ length: 8 * 72 }, () => xr()),
        [8, 6, 6, 2],
      );
      const y = tf.tensor2d(
        Array.from({ length: 32 }, () => xr()),
        [8, 4],
      );
      const losses = await mseLosses(opt, model, x, y, 8);
      tf.dispose([x, y]);
      opt.dispose();
      model.dispose();
      // Nothing leaks: no tensor, and no wasm buffer (the parameters' old buffers are freed).
      expect(tf.memory().numTensors).toBe(before.numTensors);
      expect(tf.backend().numDataIds()).toBe(before.buffers);
      return losses;
    };
    const want = await trainOn('cpu');
    const got = await trainOn('wasm');
    expect(want.at(-1)!).toBeLessThan(want[0]! * 0.8); // it learns
    got.forEach((l, i) => expect(Math.abs(l - want[i]!)).toBeLessThan(1e-4 * want[0]!));
  });

  it('adam resumed from saved state (getWeights → setWeights) still equals TF.js', async () => {
    const want = await steps('cpu', 'adam', false);
    const got = await steps('wasm', 'adam', true, { reloadAfter: 3 });
    expect(got.values).toEqual(want.values);
    expect(got.slots.map((s) => s[1])).toEqual(want.slots.map((s) => s[1]));
  });
});
