/**
 * Fused optimizer updates: one pass per variable per step instead of TF.js's ~2 (SGD) to ~14
 * (Adam) element-wise kernels per variable.
 *
 * - **webgpu**: the whole update of a variable and its slots (Adam's m and v, RMSprop's mean
 *   square and moment, momentum's accumulation) runs as ONE compute dispatch that rewrites their
 *   GPU buffers in place. On a real GPU the step of a small model is bound by the ~100 µs of CPU
 *   each dispatch costs (../gpu-bench/MEASURED.md: MLP batch 64, 132 dispatches, 41 of 45 ms
 *   issuing).
 * - **wasm** (Adam only): one WebAssembly SIMD pass per variable (shared/tfjs/simd/kernels.wat)
 *   on TF.js's wasm memory: m and v in place, the parameter into a new buffer. Adam's ~80 kernels
 *   per step of the MNIST MLP were 1.0–1.9 ms of a ~3.6 ms batch-64 step; the pass is 0.22 ms
 *   (`bench/training/profile-step.ts`). The other optimizers keep TF.js's kernels on wasm: a
 *   JavaScript loop was measured no faster there.
 * - **cpu**: one JavaScript loop per variable into new arrays (TF.js's cpu kernels are
 *   JavaScript too: Adam 25–35 → 1.1 ms per MLP step). Each operation is rounded to float32
 *   (`Math.fround`) as TF.js's kernels round it, so the result equals TF.js's own update on the
 *   cpu backend bit for bit.
 *
 * `fuseOptimizer(tf, optimizer)` patches a TF.js optimizer instance (`tf.train.sgd`, `momentum`
 * without Nesterov, `rmsprop` not centred, `adam`): while the current backend is webgpu, wasm or
 * cpu its `applyGradients` takes the fused path; on any other backend (webgl), while
 * `tf.profile`/`tf.time` run on webgpu, when a buffer written in place is shared with another
 * tensor, or when a slot's size differs from its gradient's, it calls TF.js's own
 * `applyGradients`. The optimizer keeps
 * TF.js's class, slot variables and their names, so `getWeights`/`setWeights`/`dispose` are
 * unchanged. The arithmetic is TF.js's, op for op (tfjs-core 4.22 src/optimizers/*_optimizer.ts),
 * in float32:
 *   sgd:      p ← (−lr)·g + p
 *   momentum: a ← m·a + g;  p ← (−lr)·a + p
 *   rmsprop:  s ← s·ρ + g²·(1−ρ);  μ ← μ·momentum + (g·lr)/√(s + ε);  p ← p − μ
 *   adam:     m ← m·β₁ + g·(1−β₁);  v ← v·β₂ + g²·(1−β₂);
 *             p ← ((m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε))·(−lr) + p
 * with β₁ᵗ kept as TF.js keeps it (the `accBeta1` variable, multiplied by β₁ in float32 after each
 * step); here it is mirrored on the CPU (Math.fround) so a step needs no read-back, and written
 * back to `accBeta1`/`accBeta2` after each fused step so saved optimizer state stays TF.js's.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';
import { simdKernels, wasmPointer, type WasmBackendInternals } from './simd/kernels.ts';

const FUSED = Symbol.for('netwright.fusedOptimizer');
let enabled = true;

/**
 * Turns the fused paths (webgpu, wasm, cpu) on or off for every patched optimizer (default on);
 * off, they run TF.js's own updates. For benchmarks that count what the fusion saves.
 */
export function setOptimizerFusion(on: boolean): void {
  enabled = on;
}
const WORKGROUP = 64;
/** Workgroups along x before the dispatch wraps into y (limit 65535 per dimension). */
const MAX_X = 32768;

type Uniform = { type: 'int32' | 'float32'; data: number[] };
interface TensorData {
  resource: unknown;
  values: unknown;
  refCount: number;
  dtype: string;
}
/** The internals of tfjs-backend-webgpu 4.22's WebGPUBackend that a raw dispatch needs. */
interface WebGpuInternals {
  device: GPUDevice;
  tensorMap: { get(dataId: object): TensorData | undefined };
  uploadToGPU(dataId: object): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  makeUniforms(u: Uniform[]): GPUBufferBinding;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<object>;
  activeTimers?: unknown;
}

type Kind = 'sgd' | 'momentum' | 'rmsprop' | 'adam';
/** Number of written buffers (parameter + slots) and the update, per optimizer kind. */
const KERNELS: Record<Kind, { writes: number; uniforms: string[]; body: string }> = {
  sgd: { writes: 1, uniforms: ['c'], body: 'w0[i] = u.c * g[i] + w0[i];' },
  momentum: {
    writes: 2,
    uniforms: ['m', 'c'],
    body: 'let a = u.m * w1[i] + g[i]; w1[i] = a; w0[i] = u.c * a + w0[i];',
  },
  rmsprop: {
    writes: 3,
    uniforms: ['decay', 'oneMinusDecay', 'momentum', 'lr', 'epsilon'],
    body: `let gi = g[i];
      let s = w1[i] * u.decay + (gi * gi) * u.oneMinusDecay;
      let mu = w2[i] * u.momentum + (gi * u.lr) / sqrt(s + u.epsilon);
      w1[i] = s; w2[i] = mu; w0[i] = w0[i] - mu;`,
  },
  adam: {
    writes: 3,
    uniforms: [
      'beta1',
      'oneMinusBeta1',
      'beta2',
      'oneMinusBeta2',
      'oneMinusAccBeta1',
      'oneMinusAccBeta2',
      'epsilon',
      'negLr',
    ],
    body: `let gi = g[i];
      let m = w1[i] * u.beta1 + gi * u.oneMinusBeta1;
      let v = w2[i] * u.beta2 + (gi * gi) * u.oneMinusBeta2;
      w1[i] = m; w2[i] = v;
      let mHat = m / u.oneMinusAccBeta1;
      let vHat = v / u.oneMinusAccBeta2;
      w0[i] = ((mHat / (sqrt(vHat) + u.epsilon)) * u.negLr) + w0[i];`,
  },
};

function shader(kind: Kind): string {
  const k = KERNELS[kind];
  const writes = Array.from(
    { length: k.writes },
    (_, j) => `@group(0) @binding(${j}) var<storage, read_write> w${j} : array<f32>;`,
  ).join('\n');
  return `
${writes}
@group(0) @binding(${k.writes}) var<storage, read> g : array<f32>;
struct U { ${k.uniforms.map((n) => `${n} : f32,`).join(' ')} size : i32, };
@group(0) @binding(${k.writes + 1}) var<uniform> u : U;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid : vec3<u32>,
        @builtin(num_workgroups) nwg : vec3<u32>) {
  let i = i32(gid.y * nwg.x * ${WORKGROUP}u + gid.x);
  if (i < u.size) {
    ${k.body}
  }
}`;
}

const pipelines = new WeakMap<GPUDevice, Map<Kind, GPUComputePipeline>>();
function pipeline(device: GPUDevice, kind: Kind): GPUComputePipeline {
  let byKind = pipelines.get(device);
  if (!byKind) pipelines.set(device, (byKind = new Map()));
  let p = byKind.get(kind);
  if (!p) {
    p = device.createComputePipeline({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code: shader(kind) }), entryPoint: 'main' },
    });
    byKind.set(kind, p);
  }
  return p;
}

/** Whether every written tensor owns its buffer alone (else an in-place write would leak). */
function writable(b: WebGpuInternals, targets: tfjs.Tensor[]): boolean {
  return targets.every((t) => {
    const d = b.tensorMap.get(t.dataId);
    return d !== undefined && d.refCount === 1 && d.dtype === 'float32';
  });
}

/** Records one dispatch of `kind` into the backend's current compute pass, as TF.js does. */
function dispatch(
  tf: Tf,
  b: WebGpuInternals,
  kind: Kind,
  targets: tfjs.Tensor[],
  grad: tfjs.Tensor,
  values: number[],
): void {
  const size = grad.size;
  for (const t of [...targets, grad]) b.uploadToGPU(t.dataId);
  const uniforms = b.makeUniforms([
    ...values.map((v): Uniform => ({ type: 'float32', data: [v] })),
    { type: 'int32', data: [size] },
  ]);
  const p = pipeline(b.device, kind);
  const entries = [...targets, grad].map((t, j) => ({
    binding: j,
    resource: { buffer: b.tensorMap.get(t.dataId)!.resource as GPUBuffer },
  }));
  entries.push({ binding: entries.length, resource: uniforms as { buffer: GPUBuffer } });
  const group = b.device.createBindGroup({ layout: p.getBindGroupLayout(0), entries });
  for (const t of [...targets, grad]) b.commandQueueOwnedIds.add(t.dataId);
  b.ensureCommandEncoderReady();
  b.computePassEncoder ??= b.commandEncoder!.beginComputePass({});
  const groups = Math.ceil(size / WORKGROUP);
  const x = Math.min(groups, MAX_X);
  b.computePassEncoder.setPipeline(p);
  b.computePassEncoder.setBindGroup(0, group);
  b.computePassEncoder.dispatchWorkgroups(x, Math.ceil(groups / x), 1);
  b.dispatchCountInPass++;
  if (tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') <= b.dispatchCountInPass) {
    b.endComputePassEncoder();
    b.submitQueue();
  }
  // The buffers changed under any copy TF.js cached on the CPU after a read.
  for (const t of targets) b.tensorMap.get(t.dataId)!.values = null;
}

const f32 = Math.fround;
/**
 * The KERNELS updates on float32 arrays, in place: `w` the parameter and its slots (as the
 * shader's w0, w1, w2), `g` the gradient, `u` the uniforms in KERNELS' order. Every operation is
 * rounded to float32; a sum stored straight into a Float32Array needs no `f32` (rounding the
 * exact double sum of two floats gives the float32 sum).
 */
const HEAP_UPDATES: Record<Kind, (w: Float32Array[], g: Float32Array, u: number[]) => void> = {
  sgd: ([p], g, [c]) => {
    for (let i = 0; i < g.length; i++) p![i] = f32(c! * g[i]!) + p![i]!;
  },
  momentum: ([p, a], g, [m, c]) => {
    for (let i = 0; i < g.length; i++) {
      const acc = f32(f32(m! * a![i]!) + g[i]!);
      a![i] = acc;
      p![i] = f32(c! * acc) + p![i]!;
    }
  },
  rmsprop: ([p, ms, mom], g, [decay, oneMinusDecay, momentum, lr, epsilon]) => {
    for (let i = 0; i < g.length; i++) {
      const gi = g[i]!;
      const s = f32(f32(ms![i]! * decay!) + f32(f32(gi * gi) * oneMinusDecay!));
      const mu = f32(
        f32(mom![i]! * momentum!) + f32(f32(gi * lr!) / f32(Math.sqrt(f32(s + epsilon!)))),
      );
      ms![i] = s;
      mom![i] = mu;
      p![i] = p![i]! - mu;
    }
  },
  adam: ([p, m1, m2], g, [b1, ob1, b2, ob2, c1, c2, epsilon, negLr]) => {
    for (let i = 0; i < g.length; i++) {
      const gi = g[i]!;
      const m = f32(f32(m1![i]! * b1!) + f32(gi * ob1!));
      const v = f32(f32(m2![i]! * b2!) + f32(f32(gi * gi) * ob2!));
      m1![i] = m;
      m2![i] = v;
      const mHat = f32(m / c1!);
      const vHat = f32(v / c2!);
      p![i] = f32(f32(mHat / f32(f32(Math.sqrt(vHat)) + epsilon!)) * negLr!) + p![i]!;
    }
  },
};

/** The internals of tfjs-backend-cpu 4.22's backend the cpu update reads. */
interface CpuBackendInternals {
  data: { get(id: object): { refCount: number; dtype: string; values: unknown } | undefined };
}

/**
 * Float32 views of the tensors' memory on the wasm or cpu backend, or null when one is not a
 * float32 array or (for the first `owned` tensors, which are written) shares its memory.
 */
function heapViews(tf: Tf, tensors: tfjs.Tensor[], owned: number): Float32Array[] | null {
  const views: Float32Array[] = [];
  const name = tf.getBackend();
  for (const [j, t] of tensors.entries()) {
    let view: Float32Array | null = null;
    let refCount = 0;
    if (name === 'wasm') {
      const b = tf.backend() as unknown as WasmBackendInternals;
      const d = b.dataIdMap.get(t.dataId);
      if (d?.dtype === 'float32') {
        refCount = d.refCount;
        view = b.typedArrayFromHeap(t);
      }
    } else if (name === 'cpu') {
      const d = (tf.backend() as unknown as CpuBackendInternals).data.get(t.dataId);
      if (d?.dtype === 'float32' && d.values instanceof Float32Array) {
        refCount = d.refCount;
        view = d.values;
      }
    }
    if (!view || view.length !== t.size || (j < owned && refCount !== 1)) return null;
    views.push(view);
  }
  return views;
}

type Slot = { originalName: string; variable: tfjs.Variable };
type NamedGrads = Parameters<tfjs.Optimizer['applyGradients']>[0];
type NamedWeights = Parameters<tfjs.Optimizer['setWeights']>[0];
interface OptimizerFields {
  learningRate: number;
  // sgd
  c?: tfjs.Scalar;
  // momentum (`momentum` is also RMSprop's)
  useNesterov?: boolean;
  accumulations?: Slot[];
  // rmsprop
  decay?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
  accumulatedMeanSquares?: Slot[];
  accumulatedMoments?: Slot[];
  // adam
  beta1?: number;
  beta2?: number;
  accBeta1?: tfjs.Variable;
  accBeta2?: tfjs.Variable;
  accumulatedFirstMoment?: Slot[];
  accumulatedSecondMoment?: Slot[];
  incrementIterations(): void;
}

function kindOf(o: tfjs.Optimizer): Kind | null {
  const f = o as unknown as OptimizerFields;
  // By class name: TF.js's optimizer classes answer `instanceof` by duck typing (any optimizer
  // is an `instanceof tf.AdamOptimizer`).
  switch (o.getClassName()) {
    case 'Adam':
      return 'adam';
    case 'RMSProp':
      return f.centered ? null : 'rmsprop';
    case 'Momentum':
      return f.useNesterov ? null : 'momentum';
    case 'SGD':
      return 'sgd';
    default:
      return null;
  }
}

/**
 * Makes `optimizer.applyGradients` take one fused update per variable (one dispatch on webgpu,
 * a SIMD pass on wasm for Adam, a loop into new arrays on cpu; see the file comment); returns
 * the same instance. Optimizers it cannot fuse (AdaGrad, Nesterov momentum, centred RMSprop, …)
 * are returned unchanged. Idempotent.
 */
export function fuseOptimizer<O extends tfjs.Optimizer>(tf: Tf, optimizer: O): O {
  const kind = kindOf(optimizer);
  const o = optimizer as unknown as OptimizerFields & {
    applyGradients(g: NamedGrads): void;
    setWeights(w: NamedWeights): Promise<void>;
    [FUSED]?: boolean;
  };
  if (!kind || o[FUSED]) return optimizer;
  o[FUSED] = true;
  const base = o.applyGradients.bind(o);
  const baseSetWeights = o.setWeights.bind(o);
  // Adam's β₁ᵗ and β₂ᵗ, mirrored in float32 so a step never reads the GPU. Read once here (the
  // optimizer is fresh from tf.train.adam: its accBeta scalars still live on the CPU) and after
  // setWeights (asynchronously); every step, fused or TF.js's, multiplies them as TF.js does.
  let acc: [number, number] =
    kind === 'adam' ? [o.accBeta1!.dataSync()[0]!, o.accBeta2!.dataSync()[0]!] : [1, 1];
  const advance = () => {
    acc = [f32(acc[0] * f32(o.beta1 ?? 1)), f32(acc[1] * f32(o.beta2 ?? 1))];
  };
  o.setWeights = async (w) => {
    await baseSetWeights(w);
    if (kind === 'adam') acc = [(await o.accBeta1!.data())[0]!, (await o.accBeta2!.data())[0]!];
  };
  const tfjsStep = (g: NamedGrads) => {
    base(g);
    advance();
  };
  const slot = (slots: Slot[], i: number, name: string, suffix: string): tfjs.Variable => {
    slots[i] ??= {
      originalName: `${name}/${suffix}`,
      variable: tf.tidy(() => tf.zerosLike(tf.engine().registeredVariables[name]!).variable(false)),
    };
    return slots[i].variable;
  };
  o.applyGradients = (variableGradients: NamedGrads) => {
    const b = tf.backend() as unknown as WebGpuInternals;
    const backend = tf.getBackend();
    const onHeap = backend === 'wasm' || backend === 'cpu';
    if (!enabled || !(onHeap || (backend === 'webgpu' && b.activeTimers == null))) {
      return tfjsStep(variableGradients);
    }
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    const gradOf = (name: string, i: number) =>
      Array.isArray(variableGradients)
        ? variableGradients[i]!.tensor
        : (variableGradients as tfjs.NamedTensorMap)[name];
    // Plan every variable first: fall back to TF.js for the whole step if any cannot be fused.
    const plan: { targets: tfjs.Tensor[]; grad: tfjs.Tensor }[] = [];
    for (const [i, name] of names.entries()) {
      const value = tf.engine().registeredVariables[name]!;
      let targets: tfjs.Tensor[] = [value];
      if (kind === 'momentum') targets = [value, slot(o.accumulations!, i, name, 'momentum')];
      else if (kind === 'rmsprop')
        targets = [
          value,
          slot(o.accumulatedMeanSquares!, i, name, 'rms'),
          slot(o.accumulatedMoments!, i, name, 'momentum'),
        ];
      else if (kind === 'adam')
        targets = [
          value,
          slot(o.accumulatedFirstMoment!, i, name, 'm'),
          slot(o.accumulatedSecondMoment!, i, name, 'v'),
        ];
      const grad = gradOf(name, i);
      if (grad == null) continue;
      // A slot of another size than its gradient (slots are matched by position, as TF.js
      // does): TF.js's step throws its broadcast error; a fused loop would run off the buffer.
      if (
        grad.dtype !== 'float32' ||
        targets.some((t) => t.size !== grad.size) ||
        (!onHeap && !writable(b, targets))
      ) {
        return tfjsStep(variableGradients);
      }
      plan.push({ targets, grad });
    }
    let values: number[];
    if (kind === 'sgd') values = [-o.learningRate];
    else if (kind === 'momentum') values = [o.momentum!, -o.learningRate];
    else if (kind === 'rmsprop')
      values = [o.decay!, 1 - o.decay!, o.momentum!, o.learningRate, o.epsilon!];
    else {
      values = [
        o.beta1!,
        1 - o.beta1!,
        o.beta2!,
        1 - o.beta2!,
        f32(1 - acc[0]),
        f32(1 - acc[1]),
        o.epsilon!,
        -o.learningRate,
      ];
    }
    if (onHeap) {
      // wasm: Adam only, in SIMD (kernels.wat); JavaScript loops were no faster than TF.js there.
      const simd = backend === 'wasm' ? (kind === 'adam' ? simdKernels(tf) : null) : undefined;
      if (simd === null) return tfjsStep(variableGradients);
      const checked = plan.map(({ targets, grad }) =>
        heapViews(tf, [...targets, grad], targets.length),
      );
      if (checked.some((v) => v === null)) return tfjsStep(variableGradients);
      const u = values.map(f32);
      if (simd) {
        // The parameter gets a NEW buffer, written by the kernel: tfjs-backend-wasm caches
        // XNNPACK operators with the weights packed inside, keyed by the weight tensor's id, so
        // a conv or matmul would keep using the old weights after an in-place write (measured:
        // the CNN template stopped learning). Slots feed no such kernel.
        const wasm = tf.backend() as unknown as WasmBackendInternals;
        const engine = tf.engine() as unknown as {
          makeTensorFromTensorInfo(info: tfjs.TensorInfo): tfjs.Tensor;
        };
        const fresh = plan.map(({ targets }) =>
          engine.makeTensorFromTensorInfo(wasm.makeOutput(targets[0]!.shape, 'float32')),
        );
        // Pointers after every allocation (they do not move, but the heap may grow).
        plan.forEach(({ targets, grad }, i) => {
          const [p, pOut, m, v, g] = [targets[0]!, fresh[i]!, targets[1]!, targets[2]!, grad].map(
            (t) => wasmPointer(tf, t.dataId)!,
          );
          simd.adam(
            p!,
            pOut!,
            m!,
            v!,
            g!,
            grad.size,
            ...(u as [number, number, number, number, number, number, number, number]),
          );
        });
        fresh.forEach((t, i) => {
          (plan[i]!.targets[0] as tfjs.Variable).assign(t);
          t.dispose();
        });
      } else {
        // cpu: the update goes into NEW arrays, assigned to the variables. A cpu tensor's array
        // can be shared without sharing its data id (a contiguous slice is a subarray of its
        // source, `tf.tensor(array)` keeps the caller's array, `data()` returns the array
        // itself), so an in-place write could change values TF.js never changes.
        plan.forEach(({ targets }, i) => {
          const v = checked[i]!;
          const next = v.slice(0, -1).map((a) => new Float32Array(a));
          HEAP_UPDATES[kind](next, v.at(-1)!, u);
          targets.forEach((t, k) => {
            const fresh = tf.tensor(next[k]!, t.shape, 'float32');
            (t as tfjs.Variable).assign(fresh);
            fresh.dispose();
          });
        });
      }
    } else {
      for (const { targets, grad } of plan) dispatch(tf, b, kind, targets, grad, values);
    }
    if (kind === 'adam') {
      advance();
      const [a1, a2] = acc;
      tf.tidy(() => {
        o.accBeta1!.assign(tf.scalar(a1));
        o.accBeta2!.assign(tf.scalar(a2));
      });
    }
    o.incrementIterations();
  };
  return optimizer;
}
