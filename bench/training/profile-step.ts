/**
 * Where one training step's time goes, per TF.js kernel: the template trained with the same step
 * as the app's loop (`optimizer.minimize` over `model.apply`, `lossTensor`, `metricSumTensor` from
 * shared/training), `WARMUP` steps first, then `STEPS` steps under `tf.profile`. Prints one JSON
 * line: wall ms per step, the sum of kernel ms per step (`backend.time` around each kernel), the
 * rest (TF.js's JS side: engine, tape, dispatch), and the kernels by total time.
 *
 * `node bench/training/profile-step.ts [BACKEND=wasm] [BATCH=64] [TEMPLATE=mnist-mlp] [STEPS=20]`
 */
import { lossPlan } from '../../shared/codegen/loss.ts';
import { loadTemplate } from '../../shared/index.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { installCustomKernels } from '../../shared/tfjs/custom-kernels.ts';
import { setOptimizerFusion } from '../../shared/tfjs/fused-optimizers.ts';
import { withOutputLogits } from '../../shared/tfjs/output-logits.ts';
import { lossTensor, metricSumTensor } from '../../shared/training/losses.ts';
import { makeOptimizer } from '../../shared/training/optimizer.ts';

const [backend = 'wasm', batchArg = '64', template = 'mnist-mlp', stepsArg = '20'] =
  process.argv.slice(2);
const batch = Number(batchArg);
const steps = Number(stepsArg);
const tf = await import('@tensorflow/tfjs');
if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
if (process.env.STOCK !== '1') installCustomKernels(tf);
await tf.setBackend(backend);
await tf.ready();

const lowered = lowerGraph(loadTemplate(template).graph);
if (!lowered.ok) throw new Error(`${template} does not lower`);
const model = buildModel(tf, lowered.ir, { seed: 1 });
const plan = lossPlan(lowered.ir, 'auto');
const inputShape = lowered.ir.ops.find((op) => op.id === lowered.ir.inputId)!.outputShape;
const x = tf.randomUniform([batch, ...inputShape], 0, 1);
const y = tf.tensor1d(
  Array.from({ length: batch }, (_, i) => i % 10),
  'float32',
);
const optimizerName = (process.env.OPTIMIZER ?? 'adam') as 'adam' | 'sgd' | 'momentum' | 'rmsprop';
if (process.env.FUSED === '0') setOptimizerFusion(false);
const optimizer = makeOptimizer(tf, { optimizer: optimizerName, learningRate: 0.001 });
const vars = model.trainableWeights.map(
  (w) => w.read() as unknown as import('@tensorflow/tfjs').Variable,
);
const step = () => {
  const loss = optimizer.minimize(
    () =>
      withOutputLogits(() => {
        const out = model.apply(x, { training: true }) as import('@tensorflow/tfjs').Tensor;
        const m = metricSumTensor(tf, plan, out, y);
        m.dispose();
        return lossTensor(tf, plan, out, y);
      }),
    true,
    vars,
  )!;
  return loss;
};
for (let i = 0; i < Number(process.env.WARMUP ?? 5); i++) {
  const loss = step();
  await loss.data();
  loss.dispose();
}
const t0 = performance.now();
for (let i = 0; i < steps; i++) step().dispose();
await tf.zeros([1]).data();
const plainMs = (performance.now() - t0) / steps;
const info = await tf.profile(() => {
  for (let i = 0; i < steps; i++) step().dispose();
});
const byName = new Map<string, { ms: number; calls: number }>();
let kernelMs = 0;
for (const k of info.kernels) {
  const ms = Number(await k.kernelTimeMs) || 0;
  kernelMs += ms;
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  const e = byName.get(key) ?? { ms: 0, calls: 0 };
  e.ms += ms;
  e.calls += 1;
  byName.set(key, e);
}
const top = [...byName.entries()]
  .sort((a, b) => b[1].ms - a[1].ms)
  .slice(0, Number(process.env.TOP ?? 25))
  .map(([k, v]) => `${(v.ms / steps).toFixed(3)} ms  ×${v.calls / steps}  ${k}`);
console.log(
  JSON.stringify({
    backend,
    template,
    optimizer: optimizerName,
    fused: process.env.FUSED !== '0',
    batch,
    wall_ms_per_step: Number(plainMs.toFixed(3)),
    kernel_ms_per_step: Number((kernelMs / steps).toFixed(3)),
    kernels_per_step: info.kernels.length / steps,
  }),
);
console.log(top.join('\n'));
