/**
 * The cost model: what a model asks of the machine before it trains. Parameters, FLOPs per
 * example (forward and training), memory for weights, gradients, optimizer state and the
 * activations of one batch, and the time per epoch from a measured training rate.
 *
 * Conventions (the same ones the tests check by hand):
 * - 1 multiply-add = 2 FLOPs (a multiply and an add), as in Kaplan et al. 2020, "Scaling Laws for
 *   Neural Language Models", section 2.1, and every FLOP counter that reports "FLOPs = 2 × MACs".
 * - Each element-wise operation costs 1 FLOP per element: a bias add, a residual Add, an
 *   activation function (`linear` costs 0; `softmax` costs 3 per element: exp, sum, divide).
 * - Convolution and pooling count the full window at every output position (padding included),
 *   as an im2col implementation computes it.
 * - Training FLOPs = forward + backward, the backward pass ≈ 2 × forward for every layer
 *   (for a weighted layer the gradients with respect to the input and to the weights each cost one
 *   forward's multiply-adds): training = 3 × forward. This is the "6N" rule of Kaplan et al. 2020
 *   (C ≈ 6N per example: 2N forward, 4N backward) applied per layer. Dropout is the exception:
 *   0 FLOPs forward at inference, 1 FLOP per element forward and 1 backward while training.
 * - Memory is float32: 4 bytes per value. Activations kept for backprop: one tensor per block
 *   output (the Input included); Flatten and Reshape are views of their input and keep nothing.
 *
 * Units: FLOPs are counts per example; bytes are bytes (1 GiB = 2^30 bytes); time is seconds.
 */
import type { Diagnostic } from '../diagnostics.ts';
import { error } from '../diagnostics.ts';
import * as tfjsKit from '../layers/backends/tfjs.ts';
import { getLayer } from '../layers/registry.ts';
import type { ParamCount, ResolvedParams } from '../layers/types.ts';
import type { Shape } from '../shape.ts';
import { shapeSize } from '../shape.ts';

/** Bytes per float32 value. */
export const BYTES_PER_VALUE = 4;

/** The inputs a cost needs from one op; an `IrOp` of `shared/ir/lower.ts` is one. */
export interface CostOp {
  /** The graph node id. */
  id: string;
  /** Layer type, e.g. `Dense` (the catalogue's `LayerDef.type`). */
  type: string;
  /** What the user sees: the block's label or its type. */
  label: string;
  /** The layer name in generated code and summaries (`dense_1`), where one was assigned. */
  name?: string;
  params: ResolvedParams;
  /** Input shapes without the batch axis, channels-last (`(H, W, C)` for images). */
  inputShapes: readonly Shape[];
  /** Output shape without the batch axis, channels-last. */
  outputShape: Shape;
  /** Keras-exact parameter count from the layer's `paramCount`. */
  count: ParamCount;
}

/** The cost of one op, per example. */
export interface LayerCost {
  id: string;
  type: string;
  label: string;
  /** The op's layer name (`dense_1`), or its label when it has none. */
  name: string;
  /** Trainable + non-trainable parameters (Keras's count). */
  params: number;
  trainableParams: number;
  /** FLOPs of one example's forward pass (inference). */
  forwardFlops: number;
  /** FLOPs of one example's forward and backward pass while training. */
  trainingFlops: number;
  /** float32 values this op keeps for backprop, per example. */
  activationValues: number;
}

/** Optimizer names as in the project's training settings. */
export type OptimizerName = 'sgd' | 'momentum' | 'adam' | 'rmsprop';

/**
 * float32 slots of optimizer state per trainable weight, as TF.js keeps them: SGD none, momentum
 * one (the accumulation), Adam two (first and second moments), RMSprop two (mean square and
 * moment; TF.js's `RMSPropOptimizer` creates both even without momentum).
 */
export const OPTIMIZER_SLOTS: Record<OptimizerName, number> = {
  sgd: 0,
  momentum: 1,
  adam: 2,
  rmsprop: 2,
};

/** What `modelCost` needs beyond the ops: the training settings and an optional measured rate. */
export interface CostOptions {
  /** Examples per batch (≥ 1). */
  batchSize: number;
  optimizer: OptimizerName;
  /** Measured training rate in examples per second (from the backend probe or a run). */
  samplesPerSecond?: number;
  /** Training examples per epoch (after the validation split). */
  samplesPerEpoch?: number;
}

/** The whole model's cost. */
export interface ModelCost {
  layers: LayerCost[];
  params: { trainable: number; nonTrainable: number; total: number };
  /** FLOPs per example, forward (inference). */
  forwardFlops: number;
  /** FLOPs per example, forward + backward while training. */
  trainingFlops: number;
  /** All parameters × 4 bytes. */
  weightBytes: number;
  /** Trainable parameters × 4 bytes: one gradient per weight during a step. */
  gradientBytes: number;
  /** Trainable parameters × optimizer slots × 4 bytes. */
  optimizerStateBytes: number;
  /** Activations kept for backprop × batch size × 4 bytes. */
  activationBytesPerBatch: number;
  /** weights + gradients + optimizer state + activations of one batch, in bytes. */
  trainingBytes: number;
  batchSize: number;
  optimizer: OptimizerName;
  /** The rate the time is predicted from, examples per second; null when none was measured. */
  samplesPerSecond: number | null;
  /** samplesPerEpoch / samplesPerSecond; null without both. */
  secondsPerEpoch: number | null;
}

/** FLOPs per element of an activation function under this module's convention. */
export const activationFlopsPerElement: (activation: unknown) => number =
  tfjsKit.activationFlopsPerElement;

/**
 * Forward FLOPs of one example through one op, and its training FLOPs (see module notes), from
 * the kind's `tfjs` cost hooks (`forwardFlops`, default 0; `trainingFlops`, default 3 × forward).
 */
function opFlops(op: CostOp): { forward: number; training: number } {
  const hooks = getLayer(op.type)?.tfjs;
  const forward = hooks?.forwardFlops?.(op) ?? 0;
  const training = hooks?.trainingFlops ? hooks.trainingFlops(op, forward) : 3 * forward;
  return { forward, training };
}

/**
 * Values an op keeps for backprop per example: its output (the kind's `tfjs.keptValues` hook
 * says otherwise for views of the input, e.g. Flatten, Reshape).
 */
function keptValues(op: CostOp): number {
  const hook = getLayer(op.type)?.tfjs.keptValues;
  return hook ? hook(op) : shapeSize(op.outputShape);
}

/** The per-example cost of one op (see the module notes for the conventions). */
export function layerCost(op: CostOp): LayerCost {
  const flops = opFlops(op);
  return {
    id: op.id,
    type: op.type,
    label: op.label,
    name: op.name ?? op.label,
    params: op.count.trainable + op.count.nonTrainable,
    trainableParams: op.count.trainable,
    forwardFlops: flops.forward,
    trainingFlops: flops.training,
    activationValues: keptValues(op),
  };
}

/**
 * The cost of a whole model from its ops (e.g. `ModelIR.ops`), for one batch size and optimizer.
 * `secondsPerEpoch` is given only when both a measured `samplesPerSecond` and `samplesPerEpoch`
 * are passed and positive; the model never guesses a speed. Never throws; an unknown optimizer
 * counts no state.
 */
export function modelCost(ops: readonly CostOp[], options: CostOptions): ModelCost {
  const layers = ops.map(layerCost);
  const sum = (f: (l: LayerCost) => number) => layers.reduce((a, l) => a + f(l), 0);
  const trainable = sum((l) => l.trainableParams);
  const total = sum((l) => l.params);
  const weightBytes = total * BYTES_PER_VALUE;
  const gradientBytes = trainable * BYTES_PER_VALUE;
  const optimizerStateBytes =
    trainable * (OPTIMIZER_SLOTS[options.optimizer] ?? 0) * BYTES_PER_VALUE;
  const activationBytesPerBatch =
    sum((l) => l.activationValues) * options.batchSize * BYTES_PER_VALUE;
  const rate = options.samplesPerSecond;
  const measured = rate !== undefined && Number.isFinite(rate) && rate > 0 ? rate : null;
  const epoch = options.samplesPerEpoch;
  return {
    layers,
    params: { trainable, nonTrainable: total - trainable, total },
    forwardFlops: sum((l) => l.forwardFlops),
    trainingFlops: sum((l) => l.trainingFlops),
    weightBytes,
    gradientBytes,
    optimizerStateBytes,
    activationBytesPerBatch,
    trainingBytes: weightBytes + gradientBytes + optimizerStateBytes + activationBytesPerBatch,
    batchSize: options.batchSize,
    optimizer: options.optimizer,
    samplesPerSecond: measured,
    secondsPerEpoch:
      measured !== null && epoch !== undefined && epoch > 0 ? epoch / measured : null,
  };
}

/**
 * `1234567` → `1.23 M`: FLOPs and counts with SI prefixes (k, M, G, T, P, E; powers of 1000),
 * 3 significant digits; below 1000 the whole number.
 */
export function formatSi(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const units = ['', ' k', ' M', ' G', ' T', ' P', ' E'];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? String(Math.round(v)) : `${v.toPrecision(3)}${units[i]}`;
}

/** Bytes in binary units: `1536` → `1.50 KiB`; below 1 KiB as `N B`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let i = 0;
  let v = bytes;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${Math.round(v)} B` : `${v.toPrecision(3)} ${units[i]}`;
}

/** Seconds as `42 s`, `3 min 5 s` or `2 h 4 min`. */
export function formatSeconds(s: number): string {
  if (s < 60) return `${s < 10 ? s.toPrecision(2) : Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** Exact integer with thousands separators, e.g. `109,386` (Keras's style for counts). */
const exact = (n: number) => n.toLocaleString('en-US');

/**
 * The cost as text lines for the CLI: totals with exact counts, then a per-layer table. Counts
 * are exact integers; FLOPs also with an SI prefix; bytes in KiB/MiB/GiB.
 */
export function formatCost(cost: ModelCost): string {
  const lines = [
    `Parameters: ${exact(cost.params.total)} (trainable ${exact(cost.params.trainable)}, non-trainable ${exact(cost.params.nonTrainable)})`,
    `FLOPs per example, forward: ${exact(cost.forwardFlops)} (${formatSi(cost.forwardFlops)}FLOPs)`,
    `FLOPs per example, training (forward + backward): ${exact(cost.trainingFlops)} (${formatSi(cost.trainingFlops)}FLOPs)`,
    `Weight memory: ${formatBytes(cost.weightBytes)} (float32)`,
    `Gradients: ${formatBytes(cost.gradientBytes)}; optimizer state (${cost.optimizer}): ${formatBytes(cost.optimizerStateBytes)}`,
    `Activation memory per batch of ${cost.batchSize}: ${formatBytes(cost.activationBytesPerBatch)}`,
    `Training memory, total: ${formatBytes(cost.trainingBytes)}`,
    cost.secondsPerEpoch !== null && cost.samplesPerSecond !== null
      ? `Time per epoch: ${formatSeconds(cost.secondsPerEpoch)} at ${exact(Math.round(cost.samplesPerSecond))} samples/s (measured)`
      : 'Time per epoch: not predicted (no measured samples/s)',
    'Convention: 1 multiply-add = 2 FLOPs; training = 3 × forward (Kaplan et al. 2020, "6N").',
    '',
  ];
  const widths = [28, 14, 16, 16, 14];
  const row = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('');
  lines.push(row(['Layer (type)', 'Params', 'Forward FLOPs', 'Training FLOPs', 'Kept values']));
  for (const l of cost.layers) {
    const name = `${l.name} (${l.type})`;
    lines.push(
      row([
        name.length >= widths[0]! ? `${name.slice(0, widths[0]! - 2)}… ` : name,
        exact(l.params),
        exact(l.forwardFlops),
        exact(l.trainingFlops),
        exact(l.activationValues),
      ]),
    );
  }
  return lines.join('\n');
}

/**
 * Limits checked before any tensor is allocated. `weightBytes`: all float32 parameters of the
 * model (2^31 bytes = 2 GiB = 536,870,912 parameters; TF.js and the ONNX/weights exporters hold
 * them in single ArrayBuffers several times over). `activationBytesPerBatch`: the activations one
 * batch keeps for backprop (2^31 bytes).
 */
export interface ModelBudget {
  weightBytes: number;
  activationBytesPerBatch: number;
}

/** The default budget: 2 GiB of float32 weights, 2 GiB of activations per batch. */
export const MODEL_BUDGET: ModelBudget = {
  weightBytes: 2 ** 31,
  activationBytesPerBatch: 2 ** 31,
};

/**
 * E017 diagnostics for a model over the budget, each on the block that makes it too big: the block
 * with the most weights (when all weights exceed `budget.weightBytes`) and the block with the
 * largest kept activation (when activations × `batchSize` exceed `budget.activationBytesPerBatch`).
 * Pure arithmetic on shapes and counts: nothing is allocated. `batchSize` defaults to 1 (the
 * smallest batch must fit whatever the training settings say). Never throws.
 */
export function budgetDiagnostics(
  ops: readonly CostOp[],
  options: { batchSize?: number; budget?: ModelBudget } = {},
): Diagnostic[] {
  const batch = options.batchSize ?? 1;
  const budget = options.budget ?? MODEL_BUDGET;
  const layers = ops.map(layerCost);
  if (layers.length === 0) return [];
  const out: Diagnostic[] = [];
  const weightBytes = layers.reduce((a, l) => a + l.params, 0) * BYTES_PER_VALUE;
  if (!(weightBytes <= budget.weightBytes)) {
    const worst = layers.reduce((a, l) => (l.params > a.params ? l : a));
    out.push(
      error(
        'E017',
        `${worst.label} has ${exact(worst.params)} parameters (${formatBytes(worst.params * BYTES_PER_VALUE)} of float32 weights); ` +
          `the model's ${formatBytes(weightBytes)} of weights is over the ${formatBytes(budget.weightBytes)} limit ` +
          `(${exact(Math.floor(budget.weightBytes / BYTES_PER_VALUE))} parameters): make this block smaller`,
        { nodeId: worst.id },
      ),
    );
  }
  const activationBytes =
    layers.reduce((a, l) => a + l.activationValues, 0) * batch * BYTES_PER_VALUE;
  if (!(activationBytes <= budget.activationBytesPerBatch)) {
    const worst = layers.reduce((a, l) => (l.activationValues > a.activationValues ? l : a));
    const per = batch === 1 ? 'one example' : `a batch of ${batch}`;
    out.push(
      error(
        'E017',
        `${worst.label} outputs ${exact(worst.activationValues)} values per example; the activations of ${per} ` +
          `need ${formatBytes(activationBytes)}, over the ${formatBytes(budget.activationBytesPerBatch)} limit: ` +
          `make this block's output smaller${batch > 1 ? ' or the batch size smaller' : ''}`,
        { nodeId: worst.id },
      ),
    );
  }
  return out;
}

/** The analysis's view of a block that `budgetDiagnosticsForNodes` reads (a `NodeInfo`). */
export interface AnalysedBlock {
  node: { id: string; type: string; label?: string };
  params: ResolvedParams;
  inputs: readonly { source: string }[];
  shape?: Shape;
  count?: ParamCount;
}

/**
 * `budgetDiagnostics` over the blocks of a graph analysis (those whose shape is known), at batch
 * size 1; called by `analyzeGraph` so that every command and the UI refuse a model too big to
 * allocate.
 */
export function budgetDiagnosticsForNodes(
  nodes: ReadonlyMap<string, AnalysedBlock>,
  order: readonly string[],
): Diagnostic[] {
  const ops: CostOp[] = [];
  for (const id of order) {
    const info = nodes.get(id);
    if (!info?.shape || !info.count) continue;
    const inputShapes = info.inputs.map((e) => nodes.get(e.source)?.shape);
    if (inputShapes.some((s) => s === undefined)) continue;
    ops.push({
      id,
      type: info.node.type,
      label: info.node.label?.trim() || info.node.type,
      params: info.params,
      inputShapes: inputShapes as Shape[],
      outputShape: info.shape,
      count: info.count,
    });
  }
  return budgetDiagnostics(ops);
}
