/**
 * The tfjs hooks every layer kind provides (`LayerDef.tfjs`), and the helpers kinds use to write
 * them. Kind modules import this file as a namespace (`import * as tfjs from '../backends/tfjs.ts'`)
 * and reach everything they need for this back-end through it.
 *
 * Three drivers read these hooks through `getLayer(op.type)!.tfjs`:
 * - `shared/tfjs/build-model.ts` (IR → TF.js `LayersModel`) calls `layers`;
 * - `shared/export/weights.ts` (trained weights for every exporter/importer) calls `weights`;
 * - `shared/cost/cost.ts` (FLOPs and memory before training) calls `forwardFlops`,
 *   `trainingFlops` and `keptValues`;
 * and `shared/ir/lower.ts` reads `axisParams` to make negative Keras axes positive.
 *
 * All shapes an op carries (`op.inputShapes[i]`, `op.outputShape`) are per example, batch axis
 * not counted, channels-last as Keras has them: `(features)` for vectors, `(steps, channels)` for
 * sequences, `(H, W, C)` for images. `op.params` are the resolved params (defaults filled in,
 * axes positive). This file must not import `../registry.ts` (kinds import this file).
 */
import type * as tfjsLib from '@tensorflow/tfjs';
import type { CostOp } from '../../cost/cost.ts';
import type { IrOp } from '../../ir/lower.ts';
import { shapeSize, type Shape } from '../../shape.ts';
import type { ResolvedParams } from '../types.ts';
import { LEAKY_RELU_SLOPE, type ActivationName } from '../activations.ts';

/** The `tf` namespace of `@tensorflow/tfjs`, passed in by the caller (the kit stays pure). */
export type Tf = typeof tfjsLib;
/** A TF.js layer (`tf.layers.Layer`). */
export type Layer = tfjsLib.layers.Layer;
/** An activation name TF.js layers accept (`'relu'`, `'softmax'`, …; not `'leaky_relu'`). */
export type ActivationIdentifier = NonNullable<Parameters<Tf['layers']['dense']>[0]['activation']>;

/** What `layers` gets besides `tf` and the op. */
export interface LayerContext {
  /**
   * Seed for this op's random initialisers and random layers (e.g. Dropout's mask): the build's
   * seed plus the op's index, so that two builds with one seed start alike. `undefined`: random.
   * Pass it on with `kernelInit(tf, ctx)` or `{ seed: ctx.seed }`.
   */
  seed: number | undefined;
}

/** One weight array of a layer: its Keras name and shape (the Keras layout). */
export interface WeightSpec {
  /** Keras's name for the array: `kernel`, `bias`, `gamma`, `moving_mean`, … */
  name: string;
  /** Shape in the Keras layout, e.g. Dense `kernel` `[in, units]`, Conv2D `[kh, kw, in, out]`. */
  shape: number[];
}

/** The parts of an op the weight and cost hooks read (an `IrOp` and a `CostOp` are both one). */
export interface OpShapes {
  params: ResolvedParams;
  /** Per-example input shapes in port order, channels-last. */
  inputShapes: readonly Shape[];
  /** Per-example output shape, channels-last. */
  outputShape: Shape;
}

/**
 * The TF.js back-end of one layer kind. Only `layers` is required; every other hook has the
 * default written on it.
 *
 * Example (Dense, in `kinds/dense.ts`):
 * ```ts
 * const tfjsHooks: tfjs.Hooks = {
 *   layers: (tf, op, ctx) =>
 *     tfjs.withActivation(tf, op, (activation) =>
 *       tf.layers.dense({ name: op.name, units: op.params.units as number, activation,
 *                         useBias: op.params.use_bias as boolean, ...tfjs.kernelInit(tf, ctx) })),
 *   weights: (op) => tfjs.kernelAndBias(op, [tfjs.lastAxis(op), op.params.units as number]),
 *   forwardFlops: (op) => 2 * tfjs.lastAxis(op) * tfjs.outSize(op) + tfjs.biasAndActivationFlops(op),
 * };
 * ```
 */
export interface Hooks {
  /**
   * The TF.js layers that compute this op, in order: the first is applied to the op's inputs
   * (one `SymbolicTensor`, or an array of them in port order when the kind takes several inputs,
   * e.g. Add, MultiHeadAttention's `[query, value, key]`), each later one to the previous
   * output; the last one's output is the op's output. Usually one layer. The layer that holds
   * the weights must be named `op.name` (weights are read and set with `model.getLayer(op.name)`);
   * extra layers are named `<op.name>.<something>` (the dot cannot occur in an op name; see
   * `leakyReluLayerName`). Throw an `Error` naming `op.label` for params TF.js cannot run.
   */
  layers(tf: Tf, op: IrOp, ctx: LayerContext): Layer[];
  /**
   * The arrays the layer named `op.name` holds, in the order `layer.getWeights()` returns them,
   * named and shaped as Keras names and shapes them (Keras and TF.js agree on both), e.g. Dense
   * `[{ name: 'kernel', shape: [in, units] }, { name: 'bias', shape: [units] }]`. Exporters
   * (PyTorch, ONNX) transpose from this layout themselves. Names must be unique within the op
   * (`weightOf` finds an array by name): a layer holding two sets prefixes them as Keras's
   * weight paths do, e.g. Bidirectional `forward_lstm/kernel`, `backward_lstm/kernel`.
   * The sizes must add up to the kind's `paramCount` (a test checks every kind).
   * Default: none (a weightless kind).
   */
  weights?(op: OpShapes): WeightSpec[];
  /**
   * FLOPs of one example's forward pass: 1 multiply-add = 2 FLOPs, 1 element-wise op = 1 FLOP
   * per element (see `shared/cost/cost.ts`). Default 0 (data movement: Flatten, Reshape, …).
   */
  forwardFlops?(op: CostOp): number;
  /**
   * FLOPs of one example's forward + backward pass, given `forward` from `forwardFlops`.
   * Default `3 * forward` (backward ≈ 2 × forward; Kaplan et al. 2020). Dropout: `2 * out`.
   */
  trainingFlops?(op: CostOp, forward: number): number;
  /**
   * float32 values this op keeps for backprop per example. Default the output size
   * (`shapeSize(op.outputShape)`); 0 for kinds whose output is a view of the input (Reshape).
   */
  keptValues?(op: CostOp): number;
  /**
   * Params holding a Keras axis (axis 0 = batch), e.g. Concatenate `['axis']`, Softmax
   * `['axis']`: `normaliseAxes` in `shared/ir/lower.ts` makes them positive before any back-end
   * sees them (tfjs-layers runs some negative axes wrongly). Default: none.
   */
  axisParams?: readonly string[];
}

/** Name of the extra LeakyReLU layer that follows a Dense/Conv2D with `leaky_relu`. */
export function leakyReluLayerName(opName: string): string {
  return `${opName}.leaky_relu`;
}

/** `{ kernelInitializer: glorotUniform({ seed }) }` when the build is seeded, else `{}`. */
export function kernelInit(
  tf: Tf,
  ctx: LayerContext,
): { kernelInitializer?: ReturnType<Tf['initializers']['glorotUniform']> } {
  return ctx.seed === undefined
    ? {}
    : { kernelInitializer: tf.initializers.glorotUniform({ seed: ctx.seed }) };
}

/**
 * A layer with a fused `activation` param, made TF.js-safe: TF.js has no `leaky_relu` activation
 * string, so for `op.params.activation === 'leaky_relu'` it builds the layer with `linear` and
 * appends `LeakyReLU({ alpha: LEAKY_RELU_SLOPE })` named `leakyReluLayerName(op.name)`.
 * `make` gets the activation to pass on.
 */
export function withActivation(
  tf: Tf,
  op: Pick<IrOp, 'name' | 'params'>,
  make: (activation: ActivationIdentifier) => Layer,
): Layer[] {
  const act = op.params.activation as string;
  if (act !== 'leaky_relu') return [make(act as ActivationIdentifier)];
  return [
    make('linear'),
    tf.layers.leakyReLU({ alpha: LEAKY_RELU_SLOPE, name: leakyReluLayerName(op.name) }),
  ];
}

/** `LEAKY_RELU_SLOPE` (0.2, Keras's LeakyReLU default) for kinds that build a LeakyReLU. */
export { LEAKY_RELU_SLOPE };

/** Size of the last axis of the first input (features / channels), 0 when unknown. */
export function lastAxis(op: Pick<OpShapes, 'inputShapes'>): number {
  const input = op.inputShapes[0] ?? [];
  return input[input.length - 1] ?? 0;
}

/** Number of values in the op's output per example. */
export function outSize(op: Pick<OpShapes, 'outputShape'>): number {
  return shapeSize(op.outputShape);
}

/** `kernel` of `kernelShape`, then `bias` `[last of kernelShape]` when `op.params.use_bias`. */
export function kernelAndBias(op: Pick<OpShapes, 'params'>, kernelShape: number[]): WeightSpec[] {
  const out = [{ name: 'kernel', shape: kernelShape }];
  const units = kernelShape[kernelShape.length - 1]!;
  return op.params.use_bias ? [...out, { name: 'bias', shape: [units] }] : out;
}

/** FLOPs per element of an activation function: `linear` 0, `softmax` 3, any other 1. */
export function activationFlopsPerElement(activation: unknown): number {
  const name = activation as ActivationName | undefined;
  if (name === undefined || name === 'linear') return 0;
  return name === 'softmax' ? 3 : 1;
}

/** The bias add (1 per output value, when `use_bias`) plus the fused activation's FLOPs. */
export function biasAndActivationFlops(op: Pick<CostOp, 'params' | 'outputShape'>): number {
  const out = shapeSize(op.outputShape);
  return (op.params.use_bias ? out : 0) + activationFlopsPerElement(op.params.activation) * out;
}

/** `[a, b]` from a pair param, or `fallback` when the param is not an array. */
export function pair(value: unknown, fallback: readonly number[]): [number, number] {
  const v = (Array.isArray(value) ? value : fallback) as number[];
  return [v[0]!, v[1]!];
}

/** Values in a shape (`shapeSize` of `shared/shape.ts`), e.g. `(4, 4, 8)` → 128. */
export { shapeSize };

/**
 * The config of `tf.layers.maxPooling2d` / `averagePooling2d` from Keras-style pooling params:
 * `pool_size`, `strides` (null → `pool_size`, as Keras), `padding`.
 */
export function pooling2dArgs(op: Pick<IrOp, 'name' | 'params'>): {
  name: string;
  poolSize: [number, number];
  strides: [number, number];
  padding: 'valid' | 'same';
} {
  const p = op.params;
  return {
    name: op.name,
    poolSize: p.pool_size as [number, number],
    strides: ((p.strides as [number, number] | null) ?? p.pool_size) as [number, number],
    padding: p.padding as 'valid' | 'same',
  };
}
