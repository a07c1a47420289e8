/**
 * The onnx hooks every layer kind provides (`LayerDef.onnx`), and the helpers kinds use to write
 * them. Kind modules import this file as a namespace (`import * as onnx from '../backends/onnx.ts'`)
 * and reach everything they need for this back-end through it.
 *
 * ## Conventions (read before writing a hook)
 *
 * - Tensors in the exported graph stay channels-last, as in the app (Keras layout): a Dense reads
 *   `(N, features)`, a Conv2D `(N, H, W, C)`, a Conv1D `(N, steps, C)`. A kind whose ONNX operator
 *   wants channels-first (Conv, ConvTranspose, MaxPool, AveragePool, BatchNormalization on maps)
 *   wraps it in `Transpose` nodes with `layout.toChannelsFirst(spatialRank)` /
 *   `layout.toChannelsLast(spatialRank)` — the kind knows its spatial rank; never infer it from
 *   the tensor's rank.
 * - Naming (the importer relies on it to rebuild blocks exactly): every node and initializer a
 *   kind writes is named `<op.name>/<part>`, and the tensor the hook returns carries `op.name`
 *   itself (unless it returns an input unchanged, as Dropout does).
 * - The batch axis is symbolic; `op.inputShapes` / `op.outputShape` are per example (no batch).
 *
 * ## Patterns for the kinds still to come
 *
 * - Several nodes: chain `g.node` calls, intermediate outputs named `<op.name>/<part>`, the last
 *   one named `op.name` (see Conv2D: Transpose → Conv → Transpose → activation).
 * - Several inputs (Multiply, Dot, MultiHeadAttention): `ins[i]` with shape `op.inputShapes[i]`.
 * - Weights in another order or layout (LSTM: Keras gates i,f,c,o with kernel `(in, 4·units)`;
 *   ONNX `W` `(dirs, 4·hidden, in)` gates i,o,f,c; PyTorch's two biases ↔ ONNX `B` = Wb ‖ Rb):
 *   read `weight('kernel')` etc. in Keras layout, re-slice/transpose (`layout.transposeArray`)
 *   and write ONNX initializers; the import claim does the inverse and hands Keras-layout
 *   arrays to `ctx.addLayer`.
 * - Sequences: Conv1D / 1-D pooling use spatial rank 1 (`layout.toChannelsFirst(1)` =
 *   `[0, 2, 1]`, NWC → NCW). ONNX LSTM/GRU/RNN want `(steps, N, features)`: Transpose `[1, 0, 2]`
 *   first; their `Y` is `(steps, dirs, N, hidden)`, so `return_sequences=False` takes `Y_h`.
 * - Token ids (Embedding): the graph input is float32; `Cast` to INT64 (`to` = 7), then
 *   `Gather(embeddings, ids)` with the `(vocab, dim)` table as initializer.
 * - An op that changes no values at inference (Dropout, GaussianNoise, SpatialDropout2D):
 *   return `ins[0]` and write nothing; its `import` is then `claimsNothing('…')` (the block
 *   imports as nothing: its reader reads its input).
 * - Import of a pattern of several nodes: claim its first node (file order) and build the layer
 *   with `ctx.addLayer({ ...node, outputs: [<the pattern's last tensor>] }, …)`; nodes after it
 *   that read only the pattern's inner tensors are skipped by the importer (their input has no
 *   state), and `ctx.take(…)` hands the importer the others (those that read the block's inputs,
 *   or whose op type no kind claims). In Netwright's own files, `ctx.blockNodes(node)` lists the
 *   block's nodes by name; a claim that must run before other kinds' claims of the same op type
 *   (Dot's `Mul`, a merge's `Reshape`) sets `first: true` and declines everything but its block.
 *
 * ## Example: a kind whose ONNX form is one node with one weight (a made-up `Scale` layer)
 *
 * ```ts
 * const onnxHooks: onnx.Hooks = {
 *   export: ({ g, op, ins, weight }) => {
 *     const s = weight('scale'); // Keras layout, shape (C,)
 *     return g.node(`${op.name}/Mul`, 'Mul', [ins[0]!, g.floats(`${op.name}/scale`, s.shape, s.data)], op.name);
 *   },
 *   import: [{
 *     ops: ['Mul'],
 *     match: (node, ctx) => {
 *       const s = ctx.stateOf(node, node.inputs[0]);     // the data input (skips if unreachable)
 *       ctx.requireChannelsLast(s, 'Mul');
 *       const c = ctx.floatsOf(node.inputs[1], 'a scale'); // throws Unsupported when not constant
 *       ctx.addLayer(node, 'Scale', {}, [s], null, [{ name: 'scale', shape: [c.floats.length], data: c.floats }]);
 *     },
 *   }],
 * };
 * ```
 */
import type { IrOp } from '../../ir/lower.ts';
import type { WeightTensor } from '../../export/weights.ts';
import type { ImportedLayer } from '../../import/build.ts';
import type { DecodedAttr, DecodedNode, DecodedTensor } from '../../onnx/decode.ts';
import type { Shape } from '../../shape.ts';
import { OnnxExportError, int, ints, type GraphBuilder } from '../../onnx/graph.ts';
import {
  onnxPads,
  spatialPads,
  transposeArray,
  toChannelsFirst as layoutToChannelsFirst,
  toChannelsLast,
} from '../layout.ts';

export {
  GraphBuilder,
  OnnxExportError,
  float,
  int,
  ints,
  string,
  strings,
} from '../../onnx/graph.ts';
export * as layout from '../layout.ts';
export { LEAKY_RELU_SLOPE } from '../activations.ts';
export type { DecodedNode, DecodedTensor, WeightTensor };

/** What `Hooks.export` receives for one op of the model. */
export interface ExportContext {
  /** The graph being built: append nodes/initializers with `g.node`, `g.floats`, `g.int64s`. */
  g: GraphBuilder;
  /**
   * The op: `op.name` (prefix for every node/initializer name, and the output tensor's name),
   * `op.params` (resolved params), `op.inputShapes[i]` / `op.outputShape` (per example,
   * channels-last, batch axis not counted).
   */
  op: IrOp;
  /** Input tensor names, one per input port in port order; each is `(N, …shape)` channels-last. */
  ins: string[];
  /**
   * One of the op's weight arrays by its Keras name (`kernel`, `bias`, `gamma`, …), in Keras
   * layout and shape (e.g. Conv2D kernel `(kh, kw, in, out)`): re-lay it for ONNX yourself with
   * `layout.transposeArray`. Throws when the array is missing (the driver checks weights first).
   */
  weight(name: string): WeightTensor;
}

/**
 * One claim of the importer: a kind reads ONNX nodes whose `opType` is in `ops`.
 * For a node, the importer tries the claims of every kind in registry order; the first `match`
 * that does not return `false` handles it (so a kind may claim `Add` only when one input is a
 * constant, and return `false` to leave other `Add`s to the Add kind).
 */
export interface Importer {
  /** ONNX operator types this importer may handle, e.g. `['MatMul', 'Gemm']`. */
  ops: readonly string[];
  /**
   * Those of `ops` that read channels-first (NCHW/NCW) maps: a 4-D graph input read directly by
   * one of them is taken as NCHW and becomes a channels-last Input.
   */
  channelsFirst?: readonly string[];
  /**
   * Tried before every claim without it (then in registry order): a claim that recognises a whole
   * block of Netwright's own file by its node names (Dot's `Mul`, which the Multiply claim would
   * otherwise take) and declines everything else.
   */
  first?: boolean;
  /**
   * Turns `node` into layers with `ctx.addLayer` (params + Keras-layout weights), or into an
   * alias of its input with `ctx.alias`, or folds it into the layer before it. Throw
   * `new onnx.Unsupported(reason)` for a form Netwright cannot represent: the importer reports
   * `node "<name>" (<opType>): <reason>` and goes on with the next node. Return `false` to
   * decline (the next claim for the same op type is tried).
   */
  match(node: DecodedNode, ctx: ImportContext): boolean | void;
}

/**
 * The hooks of one layer kind for ONNX.
 * - `export` writes the op into the graph and returns the name of its output tensor
 *   (channels-last, `(N, …op.outputShape)`). Emit as many nodes as needed; multi-input kinds read
 *   `ins[1]`, `ins[2]`, …. Throw `OnnxExportError` (message naming `op.name`) when some param
 *   setting has no ONNX form.
 * - `import` (required, so that the compiler asks every kind for a decision): the ONNX node
 *   patterns that become this kind, or `claimsNothing(reason)` for a kind the importer never
 *   produces from its own claims (its export writes no node, or another kind's claims make it),
 *   with the reason.
 */
export interface Hooks {
  export(ctx: ExportContext): string;
  import: readonly Importer[] | NoImport;
}

/** The export half of `Hooks`, for helpers shared by kinds that each add their own `import`. */
export type ExportHooks = Omit<Hooks, 'import'>;

/** A kind's explicit decision to claim no ONNX node, with the reason (see `claimsNothing`). */
export interface NoImport {
  readonly claimsNothing: string;
}

/**
 * The `import` of a kind that claims no ONNX node itself; `reason` says why and what the importer
 * makes of its exported form instead (e.g. "writes no node at inference: imports as nothing").
 */
export const claimsNothing = (reason: string): NoImport => ({ claimsNothing: reason });

/** A kind's import claims: its `Importer`s, none for a `claimsNothing` kind. */
export const importersOf = (hooks: Hooks): readonly Importer[] =>
  'claimsNothing' in hooks.import ? [] : (hooks.import as readonly Importer[]);

/** A node form Netwright cannot represent; the message says what (`grouped Conv`). */
export class Unsupported extends Error {}

/** Where the importer is with one ONNX tensor. */
export interface TensorState {
  /** The layer whose output this is. */
  layer: string;
  /** Actual layout = channels-last layout transposed by `perm` (batch axis included). */
  perm: number[];
  /** Channels-last shape without batch. */
  shape: Shape;
  /**
   * An output with trailing axes of size 1 that ONNX keeps and the block has not (e.g.
   * GlobalAveragePool's `[N, C, 1, 1]`), waiting for the Flatten/Squeeze/Reshape that ends it.
   */
  gap4d?: boolean;
  /**
   * A vector flattened from a channels-first map (PyTorch's `nn.Flatten` after a conv): the
   * Netwright Flatten gives `(H, W, C)` order, so value `i` of the block's output is value
   * `torchIndex[i]` of the ONNX tensor. Only element-wise ops and a Dense (whose kernel rows are
   * reordered) may read it.
   */
  torchIndex?: Int32Array;
}

/** What an `Importer.match` may read and do (the generic parts of the importer). */
export interface ImportContext {
  /** True when the file was written by Netwright (node names `<layer>/<part>` are trusted). */
  ours: boolean;
  /** The model's default-domain opset (0 when absent). */
  opset: number;
  /** Constant tensors (initializers and Constant outputs) by name. */
  inits: ReadonlyMap<string, DecodedTensor>;
  /** The node's attribute `name` (`.i`, `.f`, `.s`, `.ints`, `.floats`), undefined if absent. */
  attr(node: DecodedNode, name: string): DecodedAttr | undefined;
  /**
   * The state of a data input; throws Unsupported for a constant or missing input (and skips
   * the node quietly when its input comes from a node already reported).
   */
  stateOf(node: DecodedNode, tensor: string | undefined): TensorState;
  /** A constant float tensor; throws Unsupported(`${what} that is not a constant float tensor`). */
  floatsOf(tensor: string | undefined, what: string): DecodedTensor & { floats: Float32Array };
  /** A constant int tensor's values, or undefined. */
  intsOf(tensor: string | undefined): number[] | undefined;
  /**
   * Creates a layer of kind `type` reading `ins`; `node.outputs[0]` becomes its tensor, laid out
   * by `perm` (null: channels-last). `weights` in Keras layout and shape. Throws Unsupported
   * when shape inference rejects it.
   */
  addLayer(
    node: DecodedNode,
    type: string,
    params: Record<string, unknown>,
    ins: TensorState[],
    perm: number[] | null,
    weights?: WeightTensor[],
  ): ImportedLayer;
  /** The state `node.outputs[0]` got (after `addLayer` or `alias`). */
  outputState(node: DecodedNode): TensorState;
  /** `node.outputs[0]` is the same tensor as `s`. */
  alias(node: DecodedNode, s: TensorState): void;
  /** An element-wise op on a torch-ordered vector: its output keeps the order. */
  keepTorchIndex(node: DecodedNode, s: TensorState): void;
  /** The block name a node of this file belongs to (`<layer>/<part>` in Netwright's files). */
  layerNameOf(node: DecodedNode): string;
  /**
   * Every node of `node`'s block in file order: in Netwright's own files the nodes named
   * `<layer>/…`, in other files only `node`.
   */
  blockNodes(node: DecodedNode): readonly DecodedNode[];
  /**
   * Marks `nodes` as handled: the importer skips them. For a kind whose export writes several
   * nodes that read the block's inputs (Dot, MultiHeadAttention): the claim reads the whole block
   * at its first node, makes the layer with `ctx.addLayer({ ...node, outputs: [<block output>] },
   * …)` and takes the block's nodes.
   */
  take(nodes: readonly DecodedNode[]): void;
  /** The imported layer called `name`. */
  layer(name: string): ImportedLayer | undefined;
  /** True while nothing has read the layer's output yet (a bias or activation may fold in). */
  isOpen(name: string): boolean;
  /** How many node inputs (and graph outputs) read `tensor`. */
  consumers(tensor: string | undefined): number;
  /** The nodes that read `tensor`, in file order. */
  readers(tensor: string): readonly DecodedNode[];
  /**
   * ONNX operators that read channels-first (NCHW / NCW) maps (every claim's `channelsFirst`):
   * a Transpose feeding one of them is a layout change, not a Permute block.
   */
  channelsFirstOps: ReadonlySet<string>;
  /** May an activation or bias on `s` fold into its producing layer (one of `types`)? */
  foldable(node: DecodedNode, s: TensorState, types: string[]): ImportedLayer | undefined;
  /** Throws Unsupported unless `s` is in Keras layout (and not a torch-ordered flatten). */
  requireChannelsLast(s: TensorState, what: string): void;
  /** Throws Unsupported unless `s` is laid out channels-first (NCHW for an `(H, W, C)` map). */
  requireChannelsFirst(s: TensorState, what: string): void;
  /**
   * 'valid' or 'same' from a window op's `auto_pad`/`pads` on the channels-last map `s`
   * (`(spatial…, C)`), for window `k` and `strides` of one entry per spatial axis (`k.length` is
   * the spatial rank); Unsupported for other pads.
   */
  windowPadding(
    node: DecodedNode,
    s: TensorState,
    k: number[],
    strides: number[],
  ): 'valid' | 'same';
}

/** Approximate equality used to recognise constants (`|a - b| <= tol · max(1, |b|)`). */
export const near = (a: number | undefined, b: number, tol = 1e-5): boolean =>
  a !== undefined && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

/** Export hook for a kind that is never an op of its own in the graph (the Input op). */
export const notAnOp = ({ op }: ExportContext): string => {
  throw new OnnxExportError(`ONNX export: ${op.type} (${op.name}) is not an operator`);
};

/**
 * A depthwise `Conv` (`group` = input channels C, kernel `(C·M, 1, kh, kw)`) on an NCHW map, read
 * for DepthwiseConv2D and SeparableConv2D: the Keras `depthwise_kernel` `(kh, kw, C, M)` (the
 * kernel seen as `(C, M, kh, kw)`, transposed), window, strides and TF padding. Unsupported for
 * another grouping, dilations, or pads that are neither 'valid' nor TF's 'same'.
 */
export function readDepthwiseConv(
  node: DecodedNode,
  ctx: ImportContext,
  s: TensorState,
): {
  kernel: WeightTensor;
  multiplier: number;
  kernelSize: number[];
  strides: number[];
  padding: 'valid' | 'same';
} {
  ctx.requireChannelsFirst(s, 'Conv');
  const c = s.shape[2]!;
  const w = ctx.floatsOf(node.inputs[1], 'a kernel');
  const group = ctx.attr(node, 'group')?.i ?? 1;
  if (w.dims.length !== 4 || s.shape.length !== 3) throw new Unsupported('Conv that is not 2-D');
  const [cm, one, kh, kw] = w.dims as [number, number, number, number];
  if (group !== c || one !== 1 || cm % c !== 0)
    throw new Unsupported(
      `grouped Conv with ${group} groups on ${c} channels (only depthwise: one group per channel)`,
    );
  if ((ctx.attr(node, 'dilations')?.ints ?? [1, 1]).some((d) => d !== 1))
    throw new Unsupported('dilated Conv');
  const m = cm / c;
  const strides = ctx.attr(node, 'strides')?.ints ?? [1, 1];
  const padding = ctx.windowPadding(node, s, [kh, kw], strides);
  // (C·M, 1, kh, kw) = (C, M, kh, kw) in memory; Keras's (kh, kw, C, M) is its [2, 3, 0, 1].
  const data = transposeArray(w.floats, [c, m, kh, kw], [2, 3, 0, 1]);
  return {
    kernel: { name: 'depthwise_kernel', shape: [kh, kw, c, m], data },
    multiplier: m,
    kernelSize: [kh, kw],
    strides,
    padding,
  };
}

/** True when two permutations are the same. */
export const samePerm = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Export hook for a 2-D pooling kind (`opType` `MaxPool` or `AveragePool`): Transpose to NCHW,
 * the pool with TF's padding (`count_include_pad` 0 for averages: TF averages over the window's
 * valid cells only), Transpose back. Reads `pool_size`, `strides` (null → pool_size), `padding`.
 */
export function exportPool2D(opType: 'MaxPool' | 'AveragePool'): Hooks['export'] {
  return ({ g, op, ins }) => {
    const n = op.name;
    const p = op.params;
    const pool = p.pool_size as number[];
    const strides = (p.strides as number[] | null) ?? pool;
    const t = g.node(`${n}/ToNCHW`, 'Transpose', [ins[0]!], `${n}/ToNCHW`, [
      ints('perm', layoutToChannelsFirst(2)),
    ]);
    const pads = onnxPads(spatialPads(op.inputShapes[0]!, 2, pool, strides, p.padding as string));
    const attrs = [ints('kernel_shape', pool), ints('strides', strides), ints('pads', pads)];
    if (opType === 'AveragePool') attrs.push(int('count_include_pad', 0));
    const y = g.node(`${n}/${opType}`, opType, [t], `${n}/${opType}`, attrs);
    return g.node(`${n}/ToNHWC`, 'Transpose', [y], n, [ints('perm', toChannelsLast(2))]);
  };
}

/**
 * Import claim for a 2-D pooling kind: ONNX `opType` on an NCHW map → block `type` with
 * `pool_size`, `strides` (null when equal to the pool), `padding`.
 */
export function importPool2D(opType: 'MaxPool' | 'AveragePool', type: string): Importer {
  return {
    ops: [opType],
    channelsFirst: [opType],
    match: (node, ctx) => {
      const s = ctx.stateOf(node, node.inputs[0]);
      if (s.shape.length === 2) return false; // 1-D pooling: the 1-D kinds' claims
      ctx.requireChannelsFirst(s, node.opType);
      if (s.shape.length !== 3) throw new Unsupported(`${node.opType} that is not 2-D`);
      const k = ctx.attr(node, 'kernel_shape')?.ints ?? [];
      const strides = ctx.attr(node, 'strides')?.ints ?? [1, 1];
      if (ctx.attr(node, 'ceil_mode')?.i) throw new Unsupported(`${node.opType} with ceil_mode`);
      if ((ctx.attr(node, 'dilations')?.ints ?? [1, 1]).some((d) => d !== 1))
        throw new Unsupported(`dilated ${node.opType}`);
      if (node.outputs[1] && ctx.consumers(node.outputs[1]))
        throw new Unsupported('MaxPool indices');
      const padding = ctx.windowPadding(node, s, k, strides);
      if (
        node.opType === 'AveragePool' &&
        padding === 'same' &&
        ctx.attr(node, 'count_include_pad')?.i
      )
        throw new Unsupported('AveragePool that counts padding (TensorFlow does not)');
      const same = k.length === strides.length && k.every((v, i) => v === strides[i]);
      ctx.addLayer(
        node,
        type,
        { pool_size: k, strides: same ? null : strides, padding },
        [s],
        layoutToChannelsFirst(2),
      );
    },
  };
}
