/**
 * The PyTorch hooks every layer kind provides (`LayerDef.torch`), and the kit kinds use to write
 * them. Kind modules import this file as a namespace (`import * as torch from '../backends/torch.ts'`)
 * and reach everything they need for this back-end through it. The driver,
 * `shared/codegen/pytorch.ts`, calls `getLayer(op.type)!.torch` for every op but the Input and
 * knows no layer kind by name.
 *
 * ## How the generated file holds tensors
 * Keras is channels last, PyTorch's convolutions channels first. The generated file holds every
 * value whose Keras per-example shape has 3 axes, `(H, W, C)`, as `(N, C, H, W)` (the Input of
 * such a model is permuted once in `main()`); every other value is held exactly as Keras holds it,
 * batch axis first: `(N, F)`, `(N, steps, F)`, …. `heldSpatialRank` is that rule, the only place
 * it is written; `PlanContext.inputs[i].spatialRank` / `.output.spatialRank` tell a kind how its
 * tensors are held (2: channels first with 2 spatial axes; 0: as Keras). A kind that works
 * channels first on a value held as Keras (Conv1D on `(N, steps, C)`) permutes in its own steps,
 * `permuteStep(toChannelsFirst(1))` … `permuteStep(toChannelsLast(1))`; one that works channels
 * last on a held-channels-first value (Dense on a map) does the reverse. Never decide "image"
 * from a rank yourself: read `spatialRank`.
 *
 * ## What a kind writes
 * `plan(ctx)` returns the op's `Plan`: ordered `steps` and comment `notes`. Each step is either
 * - a module (`module: 'nn.Linear(784, 128)'`): built in `__init__` and called in `forward`.
 *   All module steps of one op become ONE attribute `self.<op name>` (an `nn.Sequential` when
 *   there are several; they must then be consecutive), called once where the first one stands,
 *   as `self.<name>(v)`, or as `call(self.<name>, v, inputs)` when the step gives `call`
 *   (e.g. LSTM: `(m, v) => \`${m}(${v})[0][:, -1]\``; MultiHeadAttention:
 *   `(m, _, [q, v, k]) => \`${m}(${q}, ${k ?? v}, ${v}, need_weights=False)[0]\``);
 *   set `weights: true` on the module(s) holding the Keras arrays. nn.Sequential style calls
 *   each module on one tensor and uses its output as is, so a project with an op whose step has
 *   a `call` is written in module style even when `style: 'sequential'` is asked for; or
 * - a function (`fn: (v, inputs) => expr`) used in `forward` (module style), with `seq`, the
 *   modules that do the same inside `nn.Sequential` (sequential style, chains only).
 *   `v` is the value so far (the first input before any step), `inputs` every input of the op in
 *   port order, as Python expressions: a merge is one fn step, e.g. Add
 *   `(_, ins) => ins.join(' + ')`.
 * `forward` writes one line per op, `<out> = <expr>`; for more than an expression, put the code in
 * a helper class: a step's `helper` (a `Helper`: class name + a writer of its definition) is
 * written once near the top of the file, before the model, whenever a step that names it is used.
 * A step using `F.` (torch.nn.functional) sets `functional: true` so the file imports it.
 * Activations: `ctx.activation(name, channelsFirst)` gives the steps and notes of a Keras
 * activation (none for the output activation that the loss takes over, only a note).
 *
 * `weights(ctx)` (kinds with Keras weight arrays) says how each array of weights.npz, named as
 * `expectedWeights(op)` names it (`kernel`, `bias`, `gamma`, `recurrent_kernel`, …), fills the
 * module: a list of `WeightCopy` per array (several for one array split over two PyTorch tensors,
 * e.g. GRU's Keras bias `(2, 3·units)` → `bias_ih_l0` = row 0, `bias_hh_l0` = row 1), plus one
 * `note` said once in `load_weights` before the first op of the kind.
 *
 * Example, Dense on `(N, F)`:
 * ```ts
 * const torchHooks: torch.Hooks = {
 *   plan: (ctx) => {
 *     const lin = { module: `nn.Linear(${ctx.op.inputShapes[0]!.at(-1)}, ${ctx.op.params.units})`, weights: true } as const;
 *     return torch.join({ steps: [lin] }, ctx.activation(ctx.op.params.activation as string, false));
 *   },
 *   weights: () => ({
 *     note: 'Dense kernels: Keras [in, out] → nn.Linear [out, in].',
 *     arrays: { kernel: [{ attr: 'weight', axes: [1, 0] }], bias: [{ attr: 'bias' }] },
 *   }),
 * };
 * ```
 */
import type { IrOp } from '../../ir/lower.ts';
import type { PyWriter } from '../../codegen/py-writer.ts';
import { pyFloat, pyNumber, pyTuple } from '../../codegen/py-writer.ts';
import type { Shape } from '../../shape.ts';
import { LEAKY_RELU_SLOPE } from '../activations.ts';
import {
  channelsFirstShape,
  spatialPads,
  symmetricPads,
  toChannelsFirst,
  toChannelsLast,
  torchPads,
} from '../layout.ts';

export {
  channelsFirstShape,
  kernelToChannelsFirst,
  samePadding,
  spatialPads,
  symmetricPads,
  toChannelsFirst,
  toChannelsLast,
  torchPads,
} from '../layout.ts';
export { pyFloat, pyNumber, pyString, pyTuple } from '../../codegen/py-writer.ts';
export type { PyWriter } from '../../codegen/py-writer.ts';

/** Python code written once into the generated file, before the model (e.g. a helper class). */
export interface Helper {
  /** The name the code defines, e.g. `AvgPool2dSame`; also the key that makes it written once. */
  name: string;
  /** True when the code uses `F` (torch.nn.functional), so the file imports it. */
  functional?: boolean;
  /** Writes the definition at the writer's current indentation (no blank lines around it). */
  write(w: PyWriter): void;
}

/** One step of an op's computation in PyTorch (see the file docstring). */
export interface Step {
  /** A module with parameters or state, e.g. `nn.Linear(784, 128)`. */
  module?: string;
  /** How `forward` calls the op's module (`m`, e.g. `self.lstm_1`) on `v`; default `m(v)`. */
  call?: (m: string, v: string, inputs: readonly string[]) => string;
  /** A functional expression on the value `v` (module style; `inputs`: every input) ... */
  fn?: (v: string, inputs: readonly string[]) => string;
  /** ... and the modules that do the same inside `nn.Sequential`. */
  seq?: string[];
  /** The module holds Keras weight arrays (`weights(ctx)` copies them into it). */
  weights?: true;
  /** The step's code uses `F.` (torch.nn.functional). */
  functional?: true;
  /** Helper code the step's module or expression needs in the file. */
  helper?: Helper;
}

/** The PyTorch computation of one op. */
export interface Plan {
  steps: Step[];
  /** Comment lines explaining a Keras → PyTorch difference; empty strings are dropped. */
  notes?: string[];
}

/** How a value is held in the generated file (see "How the generated file holds tensors"). */
export interface Held {
  /** Keras per-example shape (no batch axis), channels last. */
  shape: Shape;
  /** 0: held as Keras, `(N, …shape)`; S > 0: held channels first, `(N, C, spatial…)`. */
  spatialRank: number;
}

/** What a kind's hooks receive. */
export interface PlanContext {
  /** The op: `params` resolved, `inputShapes`/`outputShape` in Keras layout without batch. */
  op: IrOp;
  /** Every input as held, in port order. */
  inputs: readonly Held[];
  output: Held;
  /**
   * The steps of a Keras activation applied on a value held channels first (`softmax` then
   * runs over dim 1) or last (dim -1). For the op whose activation the loss takes over (softmax
   * before CrossEntropyLoss, sigmoid before BCEWithLogitsLoss) no step, only a note. `linear`
   * gives nothing. Throws for an activation this back-end does not know.
   */
  activation(name: string, channelsFirst: boolean): Plan;
}

/** One PyTorch tensor filled from one Keras array. */
export interface WeightCopy {
  /**
   * Attribute of the module holding the tensor, written after `<module>.`: a name
   * (`weight`, `weight_ih_l0`), a dotted path (`forward_layer.bias`), or a slice of one when
   * several Keras arrays fill one PyTorch tensor (`in_proj_weight[0:64]`: MultiHeadAttention's
   * query, key and value kernels fill thirds of `nn.MultiheadAttention.in_proj_weight`).
   */
  attr: string;
  /** Which module step with `weights: true`, counted from 0 (default 0). */
  module?: number;
  /** numpy `transpose` axes applied to the Keras array, e.g. `[1, 0]` for a Dense kernel. */
  axes?: readonly number[];
  /**
   * A numpy expression on the array `a` (after `axes`), for anything beyond a transpose:
   * a slice (`a[0]`), a gate reorder (`np.concatenate([a[u:2*u], a[:u], a[2*u:]])`), a reshape.
   */
  expr?: (a: string) => string;
}

/** How an op's Keras arrays fill its PyTorch module. */
export interface WeightLayout {
  /** Said once in `load_weights`, before the first op of this kind. */
  note: string;
  /** Keras array name (as `expectedWeights(op)` names it) → the tensors it fills. */
  arrays: Record<string, readonly WeightCopy[]>;
}

/** The PyTorch hooks of one layer kind. */
export interface Hooks {
  /** The op's steps and notes. Called for every op but the model's Input. */
  plan(ctx: PlanContext): Plan;
  /** Kinds with Keras weight arrays: where each goes. Required when `expectedWeights` lists any. */
  weights?(ctx: PlanContext): WeightLayout;
  /**
   * Only where PyTorch's module counts other trainable parameters than Keras (`op.count`): its
   * count and why, e.g. LSTM `{ trainable: 4·u·(in + u) + 8·u, why: 'PyTorch keeps two bias
   * vectors per gate' }` against Keras's `4·u·(in + u + 1)`. The generated file says so in a
   * comment by the module, and `torchTrainableCount` adds it up.
   */
  paramCount?(ctx: PlanContext): { trainable: number; why: string };
  /**
   * Reading PyTorch source back into a block of this kind (`shared/import/python/torch-source*.ts`):
   * which `nn.X(…)` modules, `F.x(…)`/`torch.x(…)` functions and generator helper classes make
   * this kind, and how their arguments become block params. Absent: the kind is not read back.
   */
  source?: SourceReader;
}

/**
 * What a kind's `source.read` receives: the call's arguments by PyTorch parameter name (literal
 * values as JSON: numbers, strings, booleans, `null`, arrays for tuples; positional arguments
 * named after the signature), the callee as written (`nn.Conv2d`, `F.max_pool2d`), and the Keras
 * per-example shape of the input when it is known (`(H, W, C)` for a map held `(N, C, H, W)`).
 */
export interface SourceContext {
  args: Readonly<Record<string, unknown>>;
  /** For a module with a `call` (several tensors): each tensor's Keras shape, by parameter name. */
  tensors?: Readonly<Record<string, Shape | undefined>>;
  /** For a `sequence` reader: each module's arguments, by parameter name, in order. */
  items?: readonly Readonly<Record<string, unknown>>[];
  callee: string;
  input?: Shape;
}

/** What a kind's `source.read` gives. */
export interface SourceRead {
  /** The block params (Keras names); params left out take their defaults. */
  params: Record<string, unknown>;
  /**
   * The size of the input's last Keras axis the module fixes (`nn.Linear` in_features,
   * `nn.Conv2d` in_channels, `nn.LSTM` input_size, `nn.BatchNorm2d` num_features): checked
   * against the graph's shapes.
   */
  inFeatures?: number;
  /**
   * The input's per-example shape as far as this module fixes it when it comes first, Keras
   * order, `null` where unknown: `nn.Linear(784, …)` → `[784]`; `nn.Conv2d(1, …)` →
   * `[null, null, 1]`; `nn.Embedding` → `[null]` (and `inputDtype` `int32`).
   */
  inputShape?: (number | null)[];
  inputDtype?: 'int32';
  /**
   * The module returns `(output, state)` as nn.LSTM does: `forward` takes `[0]` or unpacks it,
   * and `output[:, -1]` / `h[-1]` set `return_sequences` false.
   */
  returnsState?: true;
  /**
   * The module returns `(output, attention weights)` as nn.MultiheadAttention does: `forward`
   * takes `[0]` or unpacks `out, _ = …`; the weights are not read.
   */
  returnsWeights?: true;
  /**
   * The call gives one number per example, `(N,)`, which the block gives as `(N, 1)` (Keras's
   * Dot of two vectors): the code must add the axis, `.unsqueeze(1)` (or `.unsqueeze(-1)`).
   */
  noFeatureAxis?: true;
  /**
   * The module keeps axes of size 1 that the block drops (`nn.AdaptiveAvgPool2d(1)` gives
   * `(N, C, 1, 1)`, GlobalAveragePooling2D `(C)`): the flatten that follows adds no block.
   */
  keepsDims?: true;
}

/**
 * One tensor argument of a `tensorCalls` function, as `forward` passes it: the Keras per-example
 * shape of the value (unknown while the input shape is not), whether the code passes it with
 * its two per-example axes swapped (`k.transpose(1, 2)` of a sequence held `(N, steps, F)`), and
 * `F.normalize(x, dim=d)` (p = 2) around it: `d`, the dim as written.
 */
export interface TensorOperand {
  shape?: Shape;
  swapped: boolean;
  normalizeDim?: number;
}

/** What a `tensorCalls` reader receives: the literal arguments first (einsum's equation), then the tensors. */
export interface TensorCallContext {
  callee: string;
  literals: readonly unknown[];
  operands: readonly TensorOperand[];
}

/**
 * How `forward` calls a module of this kind on several tensors (nn.MultiheadAttention's
 * `attn(query, key, value, need_weights=False)`): `tensors`, the call's tensor parameters in
 * order; `ports`, the block's input ports in order, as names among `tensors` (Keras's
 * `mha(query, value, key)`): a trailing port whose tensor is the same value as the port before
 * it is left unwired (Keras: key = value when not given; self-attention is one wire);
 * `keywords`, the other arguments `forward` may pass by name, with the values that change
 * nothing (`'any'`: every value).
 */
export interface ModuleCall {
  tensors: readonly string[];
  ports: readonly string[];
  keywords?: Readonly<Record<string, readonly unknown[] | 'any'>>;
  /** Tensors that may be left out, and the tensor each then is (Keras: `key` = `value`). */
  defaults?: Readonly<Record<string, string>>;
}

/** How a kind is read from PyTorch source (see `Hooks.source`). */
export interface SourceReader {
  /** `torch.nn` module classes (name without `nn.`) → constructor parameter names in order. */
  modules?: Readonly<Record<string, readonly string[]>>;
  /**
   * `torch.nn.functional` / `torch` functions (`max_pool2d`, written `F.max_pool2d`) → their
   * parameter names in order, the tensor (first) excluded.
   */
  functions?: Readonly<Record<string, readonly string[]>>;
  /**
   * `channels-first-1d`: the module takes and gives sequences `(N, channels, steps)` (nn.Conv1d,
   * nn.MaxPool1d), which Netwright holds `(N, steps, channels)`: its input must be permuted by
   * `x.permute(0, 2, 1)` (or `x.transpose(1, 2)`) first, and its output is permuted back.
   * `channels-last`: the module acts on the last axis (nn.Linear, nn.LayerNorm); on a map held
   * `(N, C, H, W)` its input must be `x.permute(0, 2, 3, 1)` and its output is permuted back.
   */
  layout?: 'channels-first-1d' | 'channels-last';
  /**
   * An `nn.Sequential` of exactly these modules (names without `nn.`, with their constructor
   * parameters) that is one block of this kind when `read` accepts it (`ctx.items`), e.g.
   * SeparableConv2D's depthwise + pointwise `nn.Conv2d` pair; otherwise its items are read one
   * by one.
   */
  sequence?: readonly { module: string; signature: readonly string[] }[];
  /** The generator's helper classes of this kind (`GaussianNoise`) → constructor params. */
  helpers?: Readonly<Record<string, readonly string[]>>;
  /** Modules called on several tensors (see `ModuleCall`); by module or helper class name. */
  calls?: Readonly<Record<string, ModuleCall>>;
  /**
   * Functions of several tensors that make this kind, by canonical name (`torch.einsum`,
   * `torch.bmm`, `torch.matmul`; `a @ b` is read as `torch.matmul`): the block params from the
   * call; throws `Error` with a sentence when the call is not exactly this kind.
   */
  tensorCalls?: Readonly<Record<string, (ctx: TensorCallContext) => SourceRead>>;
  /**
   * The block params from the call. Throws `Error` with a sentence for an argument Keras cannot
   * say (e.g. `dilation=2`), shown at the call's place.
   */
  read(ctx: SourceContext): SourceRead;
}

/** An int or a pair of ints (`3`, `(3, 5)`) as a pair; throws for anything else. */
export function readPair(value: unknown, what: string): [number, number] {
  if (typeof value === 'number' && Number.isInteger(value)) return [value, value];
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => typeof v === 'number' && Number.isInteger(v))
  )
    return [value[0] as number, value[1] as number];
  throw new Error(`${what} must be an int or a pair of ints, not ${JSON.stringify(value)}`);
}

/** An int, or a 1-tuple of one, for 1-D windows; throws for anything else. */
export function readInt(value: unknown, what: string): number {
  const v = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new Error(`${what} must be an int, not ${JSON.stringify(value)}`);
}

/**
 * A PyTorch `padding=` argument as Keras's `'valid'` / `'same'`: `0`, `'valid'` → valid;
 * `'same'` → same; `p` (or per-axis `(p, q)`) → same when it equals the symmetric padding
 * TensorFlow's 'same' gives this window on `input` (`windowPads`; `2p = k - 1` at stride 1 when
 * the input is not known). Throws for any other padding (Keras has no such layer option).
 */
export function readPadding(
  padding: unknown,
  window: readonly number[],
  strides: readonly number[],
  input: Shape | undefined,
  spatialRank: number,
): 'valid' | 'same' {
  if (padding === undefined || padding === 'valid') return 'valid';
  if (padding === 'same') return 'same';
  const per =
    typeof padding === 'number'
      ? Array<number>(spatialRank).fill(padding)
      : Array.isArray(padding) && padding.every((v) => typeof v === 'number')
        ? (padding as number[])
        : undefined;
  if (!per || per.length !== spatialRank)
    throw new Error(`padding=${JSON.stringify(padding)} is not a padding Netwright reads`);
  if (per.every((p) => p === 0)) return 'valid';
  const same = input
    ? spatialPads(input, spatialRank, window, strides, 'same')
    : window.map((k, i) =>
        strides[i] === 1 && k % 2 === 1 ? [(k - 1) / 2, (k - 1) / 2] : [-1, -1],
      );
  if (same.every(([a, b], i) => a === b && a === per[i])) return 'same';
  throw new Error(
    `padding=${JSON.stringify(padding)} is not Keras's 'valid' or 'same' for this window; add an nn.ZeroPad2d block instead`,
  );
}

/** `bias=` (default True) as a boolean; throws for anything else. */
export function readBool(value: unknown, what: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw new Error(`${what} must be True or False, not ${JSON.stringify(value)}`);
}

/** A required int argument; throws naming it when missing or not an int. */
export function needInt(args: Readonly<Record<string, unknown>>, name: string): number {
  const v = args[name];
  if (v === undefined) throw new Error(`${name} is missing`);
  return readInt(v, name);
}

/** Throws when an argument is given with another value than the one Keras's layer has. */
export function onlyDefault(
  args: Readonly<Record<string, unknown>>,
  name: string,
  ...allowed: unknown[]
): void {
  const v = args[name];
  if (v === undefined) return;
  if (!allowed.some((a) => JSON.stringify(a) === JSON.stringify(v)))
    throw new Error(`${name}=${JSON.stringify(v)} has no Keras equivalent in Netwright`);
}

/** Hooks of a kind with nothing to do in PyTorch (the model's Input: the driver handles it). */
export const NOTHING: Hooks = { plan: () => ({ steps: [] }) };

/**
 * How the generated file holds a value of Keras per-example shape `shape`: `(H, W, C)` channels
 * first with 2 spatial axes, anything else as Keras (0). The one statement of the convention.
 */
export function heldSpatialRank(shape: Shape): number {
  return shape.length === 3 ? 2 : 0;
}

/** `shape` (Keras, no batch) as the generated file holds it: `(H, W, C)` → `(C, H, W)`. */
export function torchShape(shape: Shape): number[] {
  return channelsFirstShape(shape, heldSpatialRank(shape));
}

/** The Python argument list of a permutation: `[0, 2, 3, 1]` → `'0, 2, 3, 1'`. */
export function dims(perm: readonly number[]): string {
  return perm.join(', ');
}

/** A step permuting the whole tensor by `perm` (batch axis included): `v.permute(…)`. */
export function permuteStep(perm: readonly number[]): Step {
  const d = dims(perm);
  return { fn: (v) => `${v}.permute(${d})`, seq: [`Permute(${d})`] };
}

/** Steps `a` then `b` …, notes likewise. */
export function join(...plans: Plan[]): Plan {
  return {
    steps: plans.flatMap((p) => p.steps),
    notes: plans.flatMap((p) => p.notes ?? []),
  };
}

/**
 * The step of a Keras activation (no loss handling: see `PlanContext.activation`); null for
 * `linear`. Throws for an unknown name.
 */
export function activationStep(act: string, channelsFirst: boolean): Step | null {
  const dim = channelsFirst ? 1 : -1;
  const f = (expr: (v: string) => string, seq: string, functional = false): Step =>
    functional ? { fn: expr, seq: [seq], functional: true } : { fn: expr, seq: [seq] };
  switch (act) {
    case 'linear':
      return null;
    case 'relu':
      return f((v) => `torch.relu(${v})`, 'nn.ReLU()');
    case 'sigmoid':
      return f((v) => `torch.sigmoid(${v})`, 'nn.Sigmoid()');
    case 'tanh':
      return f((v) => `torch.tanh(${v})`, 'nn.Tanh()');
    case 'softmax':
      return f((v) => `torch.softmax(${v}, dim=${dim})`, `nn.Softmax(dim=${dim})`);
    case 'elu':
      return f((v) => `F.elu(${v})`, 'nn.ELU()', true);
    case 'selu':
      return f((v) => `F.selu(${v})`, 'nn.SELU()', true);
    case 'gelu':
      return f((v) => `F.gelu(${v})`, 'nn.GELU()', true);
    case 'softplus':
      return f((v) => `F.softplus(${v})`, 'nn.Softplus()', true);
    case 'leaky_relu':
      return f(
        (v) => `F.leaky_relu(${v}, ${pyFloat(LEAKY_RELU_SLOPE)})`,
        `nn.LeakyReLU(${pyFloat(LEAKY_RELU_SLOPE)})`,
        true,
      );
    default:
      throw new Error(`PyTorch back-end: unknown activation "${act}"`);
  }
}

/** A size argument: `3` when every entry is the same, else a tuple `(3, 5)`. */
export function size(values: readonly number[]): string {
  return values.every((v) => v === values[0]) ? pyNumber(values[0]!) : pyTuple(values);
}

/** Rounds away float noise: 1 - 0.99 → 0.01. */
export function clean(n: number): number {
  return Number(n.toPrecision(12));
}

/**
 * A window (conv or pooling) over a channels-last input `(spatial…, C)` with `spatialRank`
 * spatial axes: the TensorFlow pads per axis (`[before, after]`, zeros for 'valid'), whether
 * they are symmetric (PyTorch's `padding=` can take them), that padding as a `size` argument
 * (`(top, left)` order: first spatial axis first), and as `F.pad`'s tuple (last axis first,
 * `(left, right, top, bottom)` for 2-D). Source: layout.ts `spatialPads`.
 */
export function windowPads(
  input: Shape,
  spatialRank: number,
  window: readonly number[],
  strides: readonly number[],
  padding: string,
): {
  pads: Array<[number, number]>;
  symmetric: boolean;
  any: boolean;
  padding: string;
  fPad: string;
} {
  const pads = spatialPads(input, spatialRank, window, strides, padding);
  return {
    pads,
    symmetric: symmetricPads(pads),
    any: pads.some((p) => p[0] + p[1] > 0),
    padding: size(pads.map((p) => p[0])),
    fPad: pyTuple(torchPads(pads)),
  };
}

/**
 * One operand of an element-wise merge as PyTorch must see it to broadcast as Keras does: an
 * input of lower rank than the output gets size-1 axes after the batch axis (Keras's rule), and
 * the layouts are reconciled (values held channels first are moved last and back). E.g. a `(3)`
 * operand of a `(4, 4, 3)` sum: `v.reshape(-1, 1, 1, 3).permute(0, 3, 1, 2)` → `(N, 3, 1, 1)`.
 * Operands of the output's rank are returned unchanged (same layout, PyTorch broadcasts them).
 */
export function broadcastOperand(v: string, shape: Shape, outShape: Shape): string {
  if (shape.length === outShape.length) return v;
  const expanded = [...Array<number>(outShape.length - shape.length).fill(1), ...shape];
  const inRank = heldSpatialRank(shape);
  const outRank = heldSpatialRank(outShape);
  const last = inRank > 0 ? `${v}.permute(${dims(toChannelsLast(inRank))})` : v;
  const reshaped = `${last}.reshape(-1, ${expanded.join(', ')})`;
  return outRank > 0 ? `${reshaped}.permute(${dims(toChannelsFirst(outRank))})` : reshaped;
}

/**
 * `torch.cat` dimension (batch axis 0) for a Keras Concatenate `axis` (batch axis 0, negative
 * from the end) on inputs of Keras per-example shape `shape`, held as `heldSpatialRank` says:
 * channels-last axis `C` of `(H, W, C)` is dim 1, `H` dim 2, `W` dim 3.
 */
export function torchConcatDim(axis: number, shape: Shape): number {
  const rank = shape.length;
  const featureAxis = axis < 0 ? rank + axis : axis - 1;
  const s = heldSpatialRank(shape);
  if (s === 0) return featureAxis + 1;
  return toChannelsFirst(s).indexOf(featureAxis + 1);
}

/**
 * The source reader of a recurrent kind from `nn.LSTM` / `nn.GRU` / `nn.RNN(input_size,
 * hidden_size, num_layers=1, [nonlinearity='tanh',] bias=True, batch_first=False, dropout=0,
 * bidirectional=False)` (pytorch.org/docs/stable/generated/torch.nn.LSTM.html). Netwright holds
 * sequences `(N, steps, features)`: `batch_first=True` is required. `return_sequences` is read as
 * true here; the importer sets it false when `forward` keeps the last step only.
 */
export function recurrentSource(module: 'LSTM' | 'GRU' | 'RNN'): SourceReader {
  const signature =
    module === 'RNN'
      ? ['input_size', 'hidden_size', 'num_layers', 'nonlinearity', 'bias', 'batch_first']
      : ['input_size', 'hidden_size', 'num_layers', 'bias', 'batch_first'];
  return {
    modules: { [module]: [...signature, 'dropout', 'bidirectional', 'proj_size'] },
    read: ({ args }) => {
      if (args.batch_first !== true)
        throw new Error(
          'Netwright holds sequences batch first, (N, steps, features): write batch_first=True',
        );
      onlyDefault(args, 'num_layers', 1);
      onlyDefault(args, 'proj_size', 0);
      onlyDefault(args, 'dropout', 0, 0.0);
      // bidirectional=True is the Bidirectional kind's (kinds/bidirectional.ts).
      onlyDefault(args, 'bidirectional', false);
      const inFeatures = needInt(args, 'input_size');
      const params: Record<string, unknown> = {
        units: needInt(args, 'hidden_size'),
        use_bias: readBool(args.bias, 'bias', true),
        return_sequences: true,
      };
      if (module === 'RNN') {
        onlyDefault(args, 'nonlinearity', 'tanh', 'relu');
        params.activation = args.nonlinearity ?? 'tanh';
      }
      return { params, inFeatures, inputShape: [null, inFeatures], returnsState: true };
    },
  };
}
