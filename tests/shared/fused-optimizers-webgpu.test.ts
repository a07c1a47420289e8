import * as tf from '@tensorflow/tfjs';
import { afterAll, expect, it } from 'vitest';
import { rng } from '../../shared/datasets/random.ts';
import { makeOptimizer } from '../../shared/training/optimizer.ts';
import { stockOptimizer, type OptimizerKind } from '../support/optimizers.ts';
import { setWebGpuFlags } from '../../shared/tfjs/webgpu-flags.ts';
import { fuseOptimizer } from '../../shared/tfjs/fused-optimizers.ts';
import {
  countDispatches,
  startWebGpu,
  stopWebGpu,
  webgpuDescribe,
} from '../support/webgpu-node.ts';

const gpu = await startWebGpu(tf);
// The app's flags: with WEBGPU_CPU_FORWARD=false even TF.js's scalar updates stay on the GPU.
if (gpu.ok) setWebGpuFlags(tf);
afterAll(() => stopWebGpu(tf));

const SHAPES = [[7, 5], [5], [3, 1100]]; // the last spans several workgroups (3300 > 64)
const STEPS = 5;
const r = rng(11);
const init = SHAPES.map((s) =>
  Float32Array.from({ length: s.reduce((a, b) => a * b) }, () => r() - 0.5),
);
const grads = Array.from({ length: STEPS }, () =>
  SHAPES.map((s) =>
    Float32Array.from({ length: s.reduce((a, b) => a * b) }, () => (r() - 0.5) * 3),
  ),
);

type Kind = OptimizerKind;
let run = 0;
/** Trains the variables STEPS steps with the given gradients; returns variables + slot values. */
async function steps(
  backend: string,
  kind: Kind,
  fused: boolean,
  keepAlias = false,
  reloadAfter = -1,
) {
  await tf.setBackend(backend);
  run++;
  // Made in tidy so the initial tensors are disposed (a variable then owns its buffer alone).
  const vars = SHAPES.map((s, i) =>
    tf.tidy(() => tf.variable(tf.tensor(init[i]!, s), true, `opt${run}_${i}`)),
  );
  let opt = fused
    ? makeOptimizer(tf, { optimizer: kind, learningRate: 0.01 })
    : stockOptimizer(kind);
  const alias = keepAlias ? tf.reshape(vars[0]!, [35]) : null;
  const aliasBefore = alias ? await alias.data() : null;
  const perStep: number[] = [];
  for (const [step, g] of grads.entries()) {
    if (step === reloadAfter) {
      // Save and restore the optimizer state into a fresh optimizer, as a resumed run would.
      const saved = await opt.getWeights();
      const next = makeOptimizer(tf, { optimizer: kind, learningRate: 0.01 });
      await next.setWeights(saved);
      opt.dispose();
      opt = next;
    }
    const named = Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(g[i]!, SHAPES[i])]));
    const c = await countDispatches(() => opt.applyGradients(named));
    perStep.push(c.dispatches);
    tf.dispose(Object.values(named));
  }
  const values = await Promise.all(vars.map((v) => v.data()));
  const slots = await Promise.all((await opt.getWeights()).map((w) => w.tensor.data()));
  const aliasAfter = alias ? await alias.data() : null;
  alias?.dispose();
  opt.dispose();
  vars.forEach((v) => v.dispose());
  // The first step also fills the new slot variables with zeros.
  const dispatches = perStep.slice(1).reduce((a, b) => a + b, 0);
  return { values, slots, dispatches, aliasBefore, aliasAfter };
}

function maxDiff(a: ArrayLike<number>[], b: ArrayLike<number>[]) {
  expect(a.length).toBe(b.length);
  let worst = 0;
  a.forEach((x, i) => {
    expect(x.length).toBe(b[i]!.length);
    for (let j = 0; j < x.length; j++) worst = Math.max(worst, Math.abs(x[j]! - b[i]![j]!));
  });
  return worst;
}

webgpuDescribe(gpu, 'fused optimizer updates on webgpu', () => {
  for (const kind of ['sgd', 'momentum', 'rmsprop', 'adam'] as const) {
    it(`${kind}: ${STEPS} steps equal TF.js's ${kind} on cpu (1e-5), one dispatch per variable`, async () => {
      const want = await steps('cpu', kind, false);
      const got = await steps('webgpu', kind, true);
      expect(maxDiff(got.values, want.values)).toBeLessThan(1e-5);
      expect(maxDiff(got.slots, want.slots)).toBeLessThan(1e-5);
      expect(got.dispatches).toBe((STEPS - 1) * SHAPES.length);
      const unfused = await steps('webgpu', kind, false);
      expect(unfused.dispatches).toBeGreaterThan(got.dispatches);
    });
  }

  it('falls back to TF.js (never writes in place) when a variable’s buffer is shared', async () => {
    const want = await steps('cpu', 'adam', false);
    const got = await steps('webgpu', 'adam', true, true);
    expect(maxDiff(got.values, want.values)).toBeLessThan(1e-5);
    expect(Array.from(got.aliasAfter!)).toEqual(Array.from(got.aliasBefore!));
    // (TF.js's step gave the variable a buffer of its own: the later steps are fused again.)
    expect(got.dispatches).toBe((STEPS - 1) * SHAPES.length);
  });

  it('adam resumed from saved state (getWeights → setWeights) still equals TF.js', async () => {
    const want = await steps('cpu', 'adam', false);
    const got = await steps('webgpu', 'adam', true, false, 2);
    expect(maxDiff(got.values, want.values)).toBeLessThan(1e-5);
    expect(maxDiff(got.slots, want.slots)).toBeLessThan(1e-5);
  });

  it('leaves optimizers it cannot fuse as they are', () => {
    const o = tf.train.momentum(0.1, 0.9, true);
    const before = o.applyGradients;
    expect(fuseOptimizer(tf, o).applyGradients).toBe(before);
    o.dispose();
  });
});
