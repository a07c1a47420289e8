/**
 * ONNX model → Netwright graph. Each layer kind's `onnx.import` claims (see
 * `shared/layers/backends/onnx.ts`) turn ONNX nodes into blocks; this driver reads initializers,
 * tracks layouts through Transpose, ends GlobalAveragePool's `[N, C, 1, 1]` at its squeeze, and
 * reports every unsupported node by name. Reads models made of the operators the exporter writes (and the
 * common equivalents other exporters use): MatMul(+Add)/Gemm → Dense, Conv → Conv2D,
 * MaxPool/AveragePool, GlobalAveragePool or ReduceMean over H,W → GlobalAveragePooling2D,
 * BatchNormalization, LayerNormalization, Flatten, Reshape, Add/Sum, Concat, Dropout, Identity,
 * activations (Relu, Sigmoid, Tanh, Softmax, Elu, Selu, Softplus, LeakyRelu 0.2, Gelu or its Erf
 * form), a depthwise Conv (group = channels) → DepthwiseConv2D; in any file also a Transpose of a
 * channels-last tensor → Permute, MatMul of `(N, a, k)` and `(N, k, b)` → Dot, chains of
 * Add/Mul/Max/Min → one merge block, `(a + b + … ) / n` → Average (see the kinds' claims; attention
 * from another exporter is refused with a message saying so); in Netwright's own files also the
 * multi-node blocks its export writes, recognised by their node names (SeparableConv2D, Permute,
 * RepeatVector, Rescaling, Dot, MultiHeadAttention, merges that broadcast or take three inputs,
 * the recurrent layers). GaussianNoise and SpatialDropout2D write no node and import as nothing. Layouts are tracked through Transpose nodes, so NCHW islands around Conv/Pool/BatchNorm
 * become channels-last blocks. A 4-D input `[N, C, H, W]` read directly by Conv, pooling or
 * BatchNormalization (a plain `torch.onnx.export` of a CNN) becomes an Input of shape
 * `(H, W, C)`: the imported model takes channels-last data (transpose NCHW batches with
 * perm `[0, 2, 3, 1]`), and a Flatten of a channels-first map followed by Gemm/MatMul keeps
 * PyTorch's results by reordering the Dense kernel's rows from `(C, H, W)` to `(H, W, C)` order. An activation right after a Dense/Conv2D is folded into it (in
 * Netwright's own files only when the node names say it belongs to that layer).
 */
import {
  importersOf,
  near,
  samePerm,
  Unsupported,
  type ImportContext,
  type Importer,
  type TensorState,
} from '../layers/backends/onnx.ts';
import { onnxPads, spatialPads } from '../layers/layout.ts';
import { getLayer, LAYERS, resolveParams } from '../layers/registry.ts';
import type { Shape } from '../shape.ts';
import type { WeightTensor } from '../export/weights.ts';
import { ONNX_PRODUCER } from '../onnx/graph.ts';
import {
  decodeOnnx,
  OnnxDecodeError,
  type DecodedNode,
  type DecodedTensor,
} from '../onnx/decode.ts';
import {
  buildImportedProject,
  unsupportedMessage,
  type ImportedLayer,
  type ImportResult,
} from './build.ts';

const identity = (r: number) => Array.from({ length: r }, (_, i) => i);
const isIdentity = (p: readonly number[]) => p.every((v, i) => v === i);
const channelFirst = (r: number) =>
  r === 2 ? [0, 1] : [0, r - 1, ...identity(r - 2).map((i) => i + 1)];

/**
 * Every kind's import claims by ONNX operator type: those marked `first`, then the others, each
 * in registry order (the first claim whose `match` does not return `false` handles a node).
 */
function claimsByOp(): Map<string, Importer[]> {
  const out = new Map<string, Importer[]>();
  const all = LAYERS.flatMap((def) => importersOf(def.onnx));
  for (const imp of [...all.filter((i) => i.first), ...all.filter((i) => !i.first)])
    for (const op of imp.ops) out.set(op, [...(out.get(op) ?? []), imp]);
  return out;
}

/** ONNX operators that read NCHW maps: an input read by one of them is taken as NCHW. */
function channelsFirstOps(): Set<string> {
  return new Set(LAYERS.flatMap((d) => importersOf(d.onnx).flatMap((i) => i.channelsFirst ?? [])));
}

/** ONNX tensor element types of integers (INT8, UINT8 … INT64, UINT64): token-id inputs. */
const INT_ELEM_TYPES = new Set([2, 3, 4, 5, 6, 7, 12, 13]);

/** The Flatten, Squeeze or Reshape that ends a `gap4d` output (`[N, C, 1, 1]` → `[N, C]`). */
const SQUEEZES = new Set(['Flatten', 'Squeeze', 'Reshape']);

/**
 * Imports ONNX bytes. On failure, `error` lists every unsupported node at once. Never throws: a
 * broken or hostile file is `{ ok: false }` with a message, whatever part of it is wrong.
 */
export function importOnnx(bytes: Uint8Array, name = 'Imported model'): ImportResult {
  try {
    return importOnnxModel(bytes, name);
  } catch (e) {
    return {
      ok: false,
      error: `Cannot import this file as ONNX: ${e instanceof Error ? e.message : String(e)}.`,
    };
  }
}

function importOnnxModel(bytes: Uint8Array, name: string): ImportResult {
  let model;
  try {
    model = decodeOnnx(bytes);
  } catch (e) {
    if (e instanceof OnnxDecodeError)
      return { ok: false, error: `Cannot import this file as ONNX: ${e.message}.` };
    throw e;
  }
  const g = model.graph;
  const ours = model.producerName === ONNX_PRODUCER;
  // `Constant` nodes (PyTorch writes Pad's pads, Reshape's shape, … as these from opset 11) are
  // initializers by another name: read them as such, so that every claim sees one kind of constant.
  const inits = new Map(g.initializers);
  for (const n of g.nodes) {
    const t = n.opType === 'Constant' && n.outputs.length === 1 ? constantValue(n) : undefined;
    if (t) inits.set(n.outputs[0]!, { ...t, name: n.outputs[0]! });
  }
  const problems: string[] = [];
  if (model.opset !== 0 && model.opset < 7)
    problems.push(`opset ${model.opset} (Netwright reads opset 7 and later)`);

  const dataInputs = g.inputs.filter((v) => !inits.has(v.name));
  if (dataInputs.length !== 1)
    problems.push(`${dataInputs.length} graph inputs (Netwright models have exactly one)`);
  if (g.outputs.length !== 1)
    problems.push(`${g.outputs.length} graph outputs (Netwright models have exactly one)`);
  if (problems.length > 0) return { ok: false, error: unsupportedMessage('ONNX', problems) };

  const layers: ImportedLayer[] = [];
  const byName = new Map<string, ImportedLayer>();
  const states = new Map<string, TensorState>();
  /** Layers whose output nothing has read yet (so a bias or activation may still fold in). */
  const open = new Set<string>();
  // Gelu written out as 0.5·x·(1 + erf(x/√2)): find the five nodes and treat them as one.
  // PyTorch's zero initial states of LSTM/GRU/RNN (a zeros constant Expanded to a shape computed
  // from the input) are the ONNX default: drop them and the shape arithmetic that feeds them.
  const nodes = dropZeroInitialStates(
    fuseGelu(
      g.nodes.filter((n) => !(n.opType === 'Constant' && inits.has(n.outputs[0] ?? ''))),
      inits,
    ),
    inits,
    new Set(g.outputs.map((o) => o.name)),
  );
  const consumers = new Map<string, number>();
  for (const n of nodes)
    for (const i of n.inputs) if (i) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  for (const o of g.outputs) consumers.set(o.name, (consumers.get(o.name) ?? 0) + 1);

  const input = dataInputs[0]!;
  let inShape = input.dims.slice(1);
  if (input.dims.length < 2 || inShape.some((d) => typeof d !== 'number' || d < 1)) {
    return {
      ok: false,
      error: unsupportedMessage('ONNX', [
        `input ${input.name} of shape [${input.dims.join(', ')}] (needs a batch axis and fixed sizes)`,
      ]),
    };
  }
  // NCHW input: a 4-D input that a channels-first operator reads directly.
  const firstOps = channelsFirstOps();
  const nchw =
    inShape.length === 3 && nodes.some((n) => n.inputs[0] === input.name && firstOps.has(n.opType));
  if (nchw) inShape = [inShape[1]!, inShape[2]!, inShape[0]!];
  // An integer graph input carries token ids: an Input of dtype int32 (for an Embedding).
  const ids = INT_ELEM_TYPES.has(input.elemType);
  const inputLayer: ImportedLayer = {
    name: input.name,
    type: 'Input',
    params: ids ? { shape: inShape, dtype: 'int32' } : { shape: inShape },
    inputs: [],
  };
  layers.push(inputLayer);
  byName.set(input.name, inputLayer);
  states.set(input.name, {
    layer: input.name,
    perm: nchw ? channelFirst(4) : identity(inShape.length + 1),
    shape: inShape as number[],
  });

  const layerNameOf = (node: DecodedNode): string => {
    if (ours && node.name.includes('/')) return node.name.slice(0, node.name.indexOf('/'));
    return node.name || node.outputs[0] || node.opType;
  };
  const uniqueLayerName = (base: string): string => {
    let n = base;
    for (let i = 2; byName.has(n); i++) n = `${base}_${i}`;
    return n;
  };
  const inferShape = (type: string, params: Record<string, unknown>, ins: Shape[]): Shape => {
    const def = getLayer(type)!;
    const result = def.inferShape(ins, resolveParams(def, params).params);
    if (!result.ok) throw new Unsupported(result.message);
    return result.shape;
  };
  class SkipNode extends Error {}
  const stateOf = (node: DecodedNode, tensor: string | undefined): TensorState => {
    if (!tensor) throw new Unsupported('a missing input');
    if (inits.has(tensor)) throw new Unsupported(`a constant (${tensor}) where data is expected`);
    const s = states.get(tensor);
    if (!s) throw new SkipNode();
    if (s.gap4d)
      throw new Unsupported(
        `GlobalAveragePool's 4-D output read by ${node.opType} (expected Flatten, Squeeze or Reshape)`,
      );
    return s;
  };
  const floatsOf = (
    tensor: string | undefined,
    what: string,
  ): DecodedTensor & { floats: Float32Array } => {
    const t = tensor ? inits.get(tensor) : undefined;
    if (!t?.floats) throw new Unsupported(`${what} that is not a constant float tensor`);
    return t as DecodedTensor & { floats: Float32Array };
  };
  const intsOf = (tensor: string | undefined): number[] | undefined =>
    tensor ? inits.get(tensor)?.ints : undefined;
  /** Creates a layer reading `ins`; the node's first output becomes its tensor. */
  const addLayer = (
    node: DecodedNode,
    type: string,
    params: Record<string, unknown>,
    ins: TensorState[],
    perm: number[] | null,
    weights?: WeightTensor[],
  ): ImportedLayer => {
    const shape = inferShape(
      type,
      params,
      ins.map((s) => s.shape),
    );
    const layer: ImportedLayer = {
      name: uniqueLayerName(layerNameOf(node)),
      type,
      params,
      inputs: ins.map((s) => s.layer),
      ...(weights ? { weights } : {}),
    };
    for (const s of ins) open.delete(s.layer);
    layers.push(layer);
    byName.set(layer.name, layer);
    open.add(layer.name);
    states.set(node.outputs[0]!, {
      layer: layer.name,
      perm: perm ?? identity(shape.length + 1),
      shape,
    });
    return layer;
  };
  const requireChannelsLast = (s: TensorState, what: string) => {
    if (!isIdentity(s.perm))
      throw new Unsupported(`${what} on a channels-first tensor (Netwright keeps channels last)`);
    if (s.torchIndex)
      throw new Unsupported(
        `${what} on a vector flattened from a channels-first map (only element-wise operators and MatMul/Gemm may read it)`,
      );
  };
  const requireChannelsFirst = (s: TensorState, what: string) => {
    if (!samePerm(s.perm, channelFirst(s.shape.length + 1)))
      throw new Unsupported(`${what} on a tensor that is not in channels-first (NCHW) layout`);
  };
  const alias = (node: DecodedNode, s: TensorState) => states.set(node.outputs[0]!, s);
  /** An element-wise op on a torch-ordered vector: its output keeps the order. */
  const keepTorchIndex = (node: DecodedNode, s: TensorState) => {
    if (s.torchIndex) states.get(node.outputs[0]!)!.torchIndex = s.torchIndex;
  };
  /** May an activation or bias on `s` fold into its producing layer? */
  const foldable = (
    node: DecodedNode,
    s: TensorState,
    types: string[],
  ): ImportedLayer | undefined => {
    const layer = byName.get(s.layer);
    if (!layer || !types.includes(layer.type) || !open.has(layer.name)) return undefined;
    if ((consumers.get(node.inputs[0]!) ?? 0) !== 1) return undefined;
    if (layer.params.activation !== 'linear') return undefined;
    if (ours && !node.name.startsWith(`${layer.name}/`)) return undefined;
    return layer;
  };
  const attr = (node: DecodedNode, name: string) => node.attrs.get(name);
  const windowPadding = (
    node: DecodedNode,
    s: TensorState,
    k: number[],
    strides: number[],
  ): 'valid' | 'same' => {
    const autoPad = attr(node, 'auto_pad')?.s ?? 'NOTSET';
    if (autoPad === 'VALID') return 'valid';
    if (autoPad === 'SAME_UPPER') return 'same';
    if (autoPad !== 'NOTSET' && autoPad !== '') throw new Unsupported(`auto_pad ${autoPad}`);
    const pads = attr(node, 'pads')?.ints ?? [];
    if (pads.every((p) => p === 0)) return 'valid';
    // The window's own length is its spatial rank (2 for Conv2D, 1 for Conv1D).
    const rank = k.length;
    if (strides.length !== rank || s.shape.length !== rank + 1)
      throw new Unsupported(
        `a ${rank}-D window with strides [${strides.join(', ')}] on a map of shape (${s.shape.join(', ')})`,
      );
    const same = onnxPads(spatialPads(s.shape, rank, k, strides, 'same'));
    if (samePerm(pads, same)) return 'same';
    // PyTorch's AvgPool2d(padding=p, count_include_pad=False) is written this way; with
    // count_include_pad=True it is a zero Pad node and an AveragePool without pads, which imports.
    const excludes = node.opType === 'AveragePool' && !attr(node, 'count_include_pad')?.i;
    throw new Unsupported(
      `explicit pads [${pads.join(', ')}] that are neither "valid" nor TensorFlow's "same" ([${same.join(', ')}])${
        excludes
          ? ": an average that leaves explicit padding out of its count (PyTorch's count_include_pad=False) has no Keras layer; export with count_include_pad=True (a ZeroPadding2D then 'valid' pooling) or padding=0"
          : ''
      }`,
    );
  };

  /** Nodes a claim took with its block (`takeBlock`): skipped when the loop reaches them. */
  const taken = new Set<DecodedNode>();
  const blockNodes = (node: DecodedNode): readonly DecodedNode[] => {
    const name = layerNameOf(node);
    return ours ? nodes.filter((n) => layerNameOf(n) === name) : [node];
  };
  const take = (list: readonly DecodedNode[]) => {
    for (const n of list) taken.add(n);
  };

  const ctx: ImportContext = {
    ours,
    opset: model.opset,
    inits,
    attr,
    stateOf,
    floatsOf,
    intsOf,
    addLayer,
    outputState: (node) => states.get(node.outputs[0]!)!,
    alias,
    keepTorchIndex,
    layerNameOf,
    blockNodes,
    take,
    layer: (layerName) => byName.get(layerName),
    isOpen: (layerName) => open.has(layerName),
    consumers: (tensor) => (tensor ? (consumers.get(tensor) ?? 0) : 0),
    readers: (tensor) => nodes.filter((n) => n.inputs.includes(tensor)),
    channelsFirstOps: firstOps,
    foldable,
    requireChannelsLast,
    requireChannelsFirst,
    windowPadding,
  };
  const byOp = claimsByOp();
  for (const node of nodes) {
    if (taken.has(node)) continue;
    try {
      if (node.domain !== '' && node.domain !== 'ai.onnx')
        throw new Unsupported(`operator domain ${node.domain}`);
      for (const a of node.attrs.values())
        if (a.graph) throw new Unsupported('a subgraph attribute');
      if (node.opType === 'Transpose') {
        // A Transpose is a block (Permute) only when a claim says so; otherwise it is layout
        // tracking: the tensor is the same block output, laid out differently.
        if ((byOp.get('Transpose') ?? []).some((c) => c.match(node, ctx) !== false)) continue;
        const s = stateOf(node, node.inputs[0]);
        const p = attr(node, 'perm')?.ints ?? identity(s.perm.length).reverse();
        alias(node, { ...s, perm: p.map((i) => s.perm[i]!) });
        continue;
      }
      const raw = states.get(node.inputs[0] ?? '');
      if (raw?.gap4d && SQUEEZES.has(node.opType)) {
        // The end of GlobalAveragePool: [N, C, 1, 1] → [N, C].
        alias(node, { layer: raw.layer, perm: [0, 1], shape: raw.shape });
        continue;
      }
      const claims = byOp.get(node.opType) ?? [];
      if (!claims.some((c) => c.match(node, ctx) !== false))
        throw new Unsupported('an operator Netwright has no block for');
    } catch (e) {
      if (e instanceof SkipNode) continue;
      if (e instanceof Unsupported) {
        problems.push(`node "${node.name || node.outputs[0]}" (${node.opType}): ${e.message}`);
        continue;
      }
      throw e;
    }
  }
  if (problems.length > 0) {
    const softmax = ours ? undefined : attentionSoftmax(nodes, inits);
    if (softmax)
      problems.push(
        `node "${softmax.name || softmax.outputs[0]}" (Softmax) and the nodes around it: attention (a Softmax of the product of two computed tensors, as torch nn.MultiheadAttention or scaled_dot_product_attention writes); Netwright reads MultiHeadAttention only from its own ONNX files`,
      );
    return { ok: false, error: unsupportedMessage('ONNX', problems) };
  }
  const out = states.get(g.outputs[0]!.name);
  if (!out)
    return {
      ok: false,
      error: unsupportedMessage('ONNX', [
        `output ${g.outputs[0]!.name} is not computed from the input`,
      ]),
    };
  if (!isIdentity(out.perm) || out.gap4d || out.torchIndex)
    return {
      ok: false,
      error: unsupportedMessage('ONNX', [`output ${g.outputs[0]!.name} is not channels-last`]),
    };
  // The output layer must come last; drop nothing silently.
  const last = byName.get(out.layer)!;
  const ordered = [...layers.filter((l) => l !== last), last];
  return buildImportedProject({
    name: g.name && g.name !== 'model' ? g.name : name,
    layers: ordered,
    source: 'ONNX',
  });
}

/**
 * The tensor a `Constant` node holds (ONNX operator `Constant`: exactly one of `value`,
 * `value_float(s)`, `value_int(s)`; https://onnx.ai/onnx/operators/onnx__Constant.html), or
 * undefined for forms the importer does not read (sparse and string values): such a node then
 * stays a node and is reported by name.
 */
function constantValue(node: DecodedNode): DecodedTensor | undefined {
  const a = (name: string) => node.attrs.get(name);
  const t = a('value')?.t;
  if (t) return t;
  const f = a('value_float')?.f;
  if (f !== undefined) return { name: '', dims: [], dataType: 1, floats: new Float32Array([f]) };
  const fs = a('value_floats')?.floats;
  if (fs) return { name: '', dims: [fs.length], dataType: 1, floats: new Float32Array(fs) };
  const i = a('value_int')?.i;
  if (i !== undefined) return { name: '', dims: [], dataType: 7, ints: [i] };
  const is = a('value_ints')?.ints;
  if (is) return { name: '', dims: [is.length], dataType: 7, ints: [...is] };
  return undefined;
}

/**
 * The first Softmax that reads, through at most a few scaling / masking nodes (Div, Mul, Add,
 * Where, Cast), a MatMul of two computed (non-constant) tensors: the score-weights step of
 * attention. Undefined when there is none. Used only to explain a refusal.
 */
function attentionSoftmax(
  nodes: readonly DecodedNode[],
  inits: ReadonlyMap<string, DecodedTensor>,
): DecodedNode | undefined {
  const producer = new Map(nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const scoreOf = (t: string | undefined, depth: number): boolean => {
    const p = t === undefined ? undefined : producer.get(t);
    if (!p || depth > 4) return false;
    if (p.opType === 'MatMul') return p.inputs.every((i) => !inits.has(i));
    if (!['Div', 'Mul', 'Add', 'Where', 'Cast'].includes(p.opType)) return false;
    return p.inputs.some((i) => !inits.has(i) && scoreOf(i, depth + 1));
  };
  return nodes.find((n) => n.opType === 'Softmax' && scoreOf(n.inputs[0], 0));
}

/** Operators of the shape arithmetic PyTorch writes for a zero initial state (batch size → dims). */
const SHAPE_OPS = new Set(['Shape', 'Gather', 'Unsqueeze', 'Concat', 'Expand', 'ConstantOfShape']);

/**
 * Recurrent nodes (RNN, LSTM, GRU) whose `initial_h` / `initial_c` (inputs 5 and 6) are zeros —
 * an all-zero constant, or `Expand` / `ConstantOfShape` of one (PyTorch's `torch.zeros(dirs,
 * batch, hidden)` when no state is passed) — lose those inputs (ONNX's default initial state is
 * zero: onnx/docs/Operators.md LSTM), and the shape-arithmetic nodes (`SHAPE_OPS`) that then feed
 * nothing are dropped. Other nodes are kept as they are.
 */
function dropZeroInitialStates(
  nodes: DecodedNode[],
  inits: Map<string, DecodedTensor>,
  graphOutputs: ReadonlySet<string>,
): DecodedNode[] {
  const producer = new Map(nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const zeros = (t: DecodedTensor | undefined) =>
    t !== undefined && (t.floats ?? t.ints ?? [1]).every((v) => v === 0);
  const isZeroState = (tensor: string): boolean => {
    if (zeros(inits.get(tensor))) return true;
    const p = producer.get(tensor);
    if (p?.opType === 'Expand') return zeros(inits.get(p.inputs[0] ?? ''));
    if (p?.opType === 'ConstantOfShape') return (p.attrs.get('value')?.t?.floats?.[0] ?? 0) === 0;
    return false;
  };
  let changed = false;
  let out = nodes.map((n) => {
    if (!['RNN', 'LSTM', 'GRU'].includes(n.opType)) return n;
    const inputs = n.inputs.map((t, i) => (i >= 5 && t && isZeroState(t) ? '' : t));
    if (inputs.every((t, i) => t === n.inputs[i])) return n;
    changed = true;
    return { ...n, inputs };
  });
  // Drop shape arithmetic nothing reads any more, until none is left.
  while (changed) {
    const read = new Set([...graphOutputs, ...out.flatMap((n) => n.inputs)]);
    const kept = out.filter((n) => !SHAPE_OPS.has(n.opType) || n.outputs.some((o) => read.has(o)));
    changed = kept.length !== out.length;
    out = kept;
  }
  return out;
}

/** Replaces Div(x, √2) → Erf → Add 1 → Mul x → Mul 0.5 chains by one `Gelu` node. */
function fuseGelu(nodes: readonly DecodedNode[], inits: Map<string, DecodedTensor>): DecodedNode[] {
  const scalar = (name: string | undefined) => {
    const t = name ? inits.get(name) : undefined;
    return t?.floats?.length === 1 ? t.floats[0] : undefined;
  };
  const readers = new Map<string, DecodedNode[]>();
  for (const n of nodes) for (const i of n.inputs) readers.set(i, [...(readers.get(i) ?? []), n]);
  const only = (tensor: string, op: string) => {
    const r = readers.get(tensor);
    return r?.length === 1 && r[0]!.opType === op ? r[0] : undefined;
  };
  const replaced = new Map<DecodedNode, DecodedNode | null>();
  for (const div of nodes) {
    const x = div.inputs[0]!;
    const c = scalar(div.inputs[1]);
    const isDiv = div.opType === 'Div' && near(c, Math.SQRT2);
    const isMul = div.opType === 'Mul' && near(c, Math.SQRT1_2);
    if (!isDiv && !isMul) continue;
    const erf = only(div.outputs[0]!, 'Erf');
    const add = erf && only(erf.outputs[0]!, 'Add');
    if (!add || !near(scalar(add.inputs.find((i) => i !== erf.outputs[0])), 1)) continue;
    const mul = only(add.outputs[0]!, 'Mul');
    if (!mul || !mul.inputs.includes(x)) continue;
    const half = only(mul.outputs[0]!, 'Mul');
    if (!half || !near(scalar(half.inputs.find((i) => i !== mul.outputs[0])), 0.5)) continue;
    replaced.set(div, {
      name: div.name,
      opType: 'Gelu',
      domain: '',
      inputs: [x],
      outputs: half.outputs,
      attrs: new Map(),
    });
    for (const n of [erf, add, mul, half]) replaced.set(n, null);
  }
  return nodes.flatMap((n) => {
    const r = replaced.get(n);
    return r === undefined ? [n] : r === null ? [] : [r];
  });
}
