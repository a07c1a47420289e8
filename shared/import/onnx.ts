/**
 * ONNX model → Netwright graph. Reads models made of the operators the exporter writes (and the
 * common equivalents other exporters use): MatMul(+Add)/Gemm → Dense, Conv → Conv2D,
 * MaxPool/AveragePool, GlobalAveragePool or ReduceMean over H,W → GlobalAveragePooling2D,
 * BatchNormalization, LayerNormalization, Flatten, Reshape, Add/Sum, Concat, Dropout, Identity,
 * activations (Relu, Sigmoid, Tanh, Softmax, Elu, Selu, Softplus, LeakyRelu 0.2, Gelu or its Erf
 * form). Layouts are tracked through Transpose nodes, so NCHW islands around Conv/Pool/BatchNorm
 * become channels-last blocks. A 4-D input `[N, C, H, W]` read directly by Conv, pooling or
 * BatchNormalization (a plain `torch.onnx.export` of a CNN) becomes an Input of shape
 * `(H, W, C)`: the imported model takes channels-last data (transpose NCHW batches with
 * perm `[0, 2, 3, 1]`), and a Flatten of a channels-first map followed by Gemm/MatMul keeps
 * PyTorch's results by reordering the Dense kernel's rows from `(C, H, W)` to `(H, W, C)` order. An activation right after a Dense/Conv2D is folded into it (in
 * Netwright's own files only when the node names say it belongs to that layer).
 */
import { LEAKY_RELU_SLOPE } from '../layers/activations.ts';
import { getLayer, resolveParams } from '../layers/registry.ts';
import type { Shape } from '../shape.ts';
import type { WeightTensor } from '../export/weights.ts';
import { onnxToKerasKernel, ONNX_PRODUCER, windowPads } from '../onnx/export.ts';
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

interface TensorState {
  /** The layer whose output this is. */
  layer: string;
  /** Actual layout = channels-last layout transposed by `perm` (batch axis included). */
  perm: number[];
  /** Channels-last shape without batch. */
  shape: Shape;
  /** GlobalAveragePool's `[N, C, 1, 1]`, waiting for the Flatten/Squeeze/Reshape that ends it. */
  gap4d?: boolean;
  /**
   * A vector flattened from a channels-first map (PyTorch's `nn.Flatten` after a conv): the
   * Netwright Flatten gives `(H, W, C)` order, so value `i` of the block's output is value
   * `torchIndex[i]` of the ONNX tensor. Only element-wise ops and a Dense (whose kernel rows are
   * reordered) may read it.
   */
  torchIndex?: Int32Array;
}

const identity = (r: number) => Array.from({ length: r }, (_, i) => i);
const isIdentity = (p: readonly number[]) => p.every((v, i) => v === i);
const channelFirst = (r: number) =>
  r === 2 ? [0, 1] : [0, r - 1, ...identity(r - 2).map((i) => i + 1)];
const samePerm = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);
const near = (a: number | undefined, b: number, tol = 1e-5) =>
  a !== undefined && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

class Unsupported extends Error {}

/** ONNX operators that read NCHW maps: an input read by one of them is taken as NCHW. */
const CHANNELS_FIRST_OPS = new Set([
  'Conv',
  'MaxPool',
  'AveragePool',
  'BatchNormalization',
  'GlobalAveragePool',
]);

/** A Reshape to `[N, -1]` (or `[0, -1]`): a flatten. */
const isFlattenReshape = (shape: number[] | undefined) =>
  !!shape && shape.length === 2 && shape[1] === -1 && (shape[0] === 0 || shape[0] === -1);

/**
 * For an `(H, W, C)` map: index `i` of its channels-last flatten → the index of the same value
 * in the channels-first `(C, H, W)` flatten.
 */
function chwIndexOfHwc([h, w, c]: Shape): Int32Array {
  const out = new Int32Array(h! * w! * c!);
  for (let y = 0; y < h!; y++)
    for (let x = 0; x < w!; x++)
      for (let k = 0; k < c!; k++) out[(y * w! + x) * c! + k] = (k * h! + y) * w! + x;
  return out;
}

/** Kernel `[rows, cols]` whose row `i` becomes row `order[i]` of the input: rows picked anew. */
function reorderRows(kernel: Float32Array, cols: number, order: Int32Array): Float32Array {
  const out = new Float32Array(kernel.length);
  order.forEach((from, to) => out.set(kernel.subarray(from * cols, (from + 1) * cols), to * cols));
  return out;
}

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
  const inits = g.initializers;
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
  const nodes = fuseGelu(g.nodes, inits);
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
  const nchw =
    inShape.length === 3 &&
    nodes.some((n) => n.inputs[0] === input.name && CHANNELS_FIRST_OPS.has(n.opType));
  if (nchw) inShape = [inShape[1]!, inShape[2]!, inShape[0]!];
  const inputLayer: ImportedLayer = {
    name: input.name,
    type: 'Input',
    params: { shape: inShape },
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
  const activation = (node: DecodedNode, act: string) => {
    const s = stateOf(node, node.inputs[0]);
    if (act === 'softmax') requireChannelsLast(s, 'Softmax');
    const producer = foldable(node, s, ['Dense', 'Conv2D']);
    if (producer) {
      producer.params.activation = act;
      alias(node, s);
    } else {
      addLayer(node, 'Activation', { activation: act }, [s], s.perm);
      keepTorchIndex(node, s);
    }
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
    const pads = attr(node, 'pads')?.ints ?? [0, 0, 0, 0];
    if (pads.every((p) => p === 0)) return 'valid';
    const same = windowPads(s.shape, k, strides, 'same');
    if (samePerm(pads, same)) return 'same';
    throw new Unsupported(
      `explicit pads [${pads.join(', ')}] that are neither "valid" nor TensorFlow's "same" ([${same.join(', ')}])`,
    );
  };

  class SkipNode extends Error {}
  for (const node of nodes) {
    try {
      if (node.domain !== '' && node.domain !== 'ai.onnx')
        throw new Unsupported(`operator domain ${node.domain}`);
      for (const a of node.attrs.values())
        if (a.graph) throw new Unsupported('a subgraph attribute');
      const x = node.inputs[0];
      switch (node.opType) {
        case 'Identity': {
          const s = stateOf(node, x);
          // Netwright writes a linear Activation block as `<name>/Identity`.
          if (ours && node.name.endsWith('/Identity') && layerNameOf(node) !== s.layer)
            addLayer(node, 'Activation', { activation: 'linear' }, [s], s.perm);
          else alias(node, s);
          break;
        }
        case 'Dropout': {
          if (
            (node.outputs[1] && consumers.get(node.outputs[1])) ||
            intsOf(node.inputs[2])?.some(Boolean)
          )
            throw new Unsupported('Dropout in training mode');
          const ratio = node.inputs[1]
            ? floatsOf(node.inputs[1], 'a ratio').floats[0]
            : attr(node, 'ratio')?.f;
          const s = stateOf(node, x);
          addLayer(node, 'Dropout', { rate: Math.round((ratio ?? 0.5) * 1e6) / 1e6 }, [s], s.perm);
          keepTorchIndex(node, s);
          break;
        }
        case 'Transpose': {
          const s = stateOf(node, x);
          const p = attr(node, 'perm')?.ints ?? identity(s.perm.length).reverse();
          alias(node, { ...s, perm: p.map((i) => s.perm[i]!) });
          break;
        }
        case 'Relu':
          activation(node, 'relu');
          break;
        case 'Sigmoid':
          activation(node, 'sigmoid');
          break;
        case 'Tanh':
          activation(node, 'tanh');
          break;
        case 'Softplus':
          activation(node, 'softplus');
          break;
        case 'Gelu':
          if ((attr(node, 'approximate')?.s ?? 'none') !== 'none')
            throw new Unsupported('Gelu with the tanh approximation');
          activation(node, 'gelu');
          break;
        case 'Elu':
          if (!near(attr(node, 'alpha')?.f ?? 1, 1))
            throw new Unsupported(`Elu with alpha ${attr(node, 'alpha')?.f}`);
          activation(node, 'elu');
          break;
        case 'Selu':
          if (
            !near(attr(node, 'alpha')?.f ?? 1.6732632, 1.6732632) ||
            !near(attr(node, 'gamma')?.f ?? 1.050701, 1.050701)
          )
            throw new Unsupported('Selu with non-standard alpha/gamma');
          activation(node, 'selu');
          break;
        case 'LeakyRelu': {
          const alpha = attr(node, 'alpha')?.f ?? 0.01;
          if (!near(alpha, LEAKY_RELU_SLOPE))
            throw new Unsupported(
              `LeakyRelu with slope ${alpha} (Netwright's leaky_relu has slope ${LEAKY_RELU_SLOPE})`,
            );
          activation(node, 'leaky_relu');
          break;
        }
        case 'Softmax': {
          const s = stateOf(node, x);
          const axis = attr(node, 'axis')?.i ?? (model.opset >= 13 ? -1 : 1);
          const rank = s.shape.length + 1;
          if (axis !== -1 && axis !== rank - 1)
            throw new Unsupported(`Softmax over axis ${axis} (only the last axis)`);
          activation(node, 'softmax');
          break;
        }
        case 'MatMul':
        case 'Gemm': {
          const s = stateOf(node, x);
          requireChannelsLast({ ...s, torchIndex: undefined }, node.opType);
          const w = floatsOf(node.inputs[1], 'a weight matrix');
          if (w.dims.length !== 2)
            throw new Unsupported(`${node.opType} with a ${w.dims.length}-D weight`);
          let kernel = w.floats;
          let [rows, cols] = w.dims as [number, number];
          let bias: Float32Array | undefined;
          if (node.opType === 'Gemm') {
            if (
              (attr(node, 'transA')?.i ?? 0) !== 0 ||
              !near(attr(node, 'alpha')?.f ?? 1, 1) ||
              !near(attr(node, 'beta')?.f ?? 1, 1)
            )
              throw new Unsupported('Gemm with transA, alpha or beta');
            if (attr(node, 'transB')?.i) {
              kernel = transpose2d(kernel, rows, cols);
              [rows, cols] = [cols, rows];
            }
            if (node.inputs[2]) {
              const c = floatsOf(node.inputs[2], 'a bias');
              if (c.floats.length !== cols)
                throw new Unsupported('Gemm with a bias that is not one value per unit');
              bias = c.floats;
            }
          }
          if (s.torchIndex) kernel = reorderRows(kernel, cols, s.torchIndex);
          addLayer(
            node,
            'Dense',
            { units: cols, activation: 'linear', use_bias: bias !== undefined },
            [s],
            null,
            [
              { name: 'kernel', shape: [rows, cols], data: kernel },
              ...(bias ? [{ name: 'bias', shape: [cols], data: bias }] : []),
            ],
          );
          break;
        }
        case 'Add':
        case 'Sum': {
          const constIdx = node.inputs.findIndex((i) => inits.has(i));
          if (node.opType === 'Add' && constIdx !== -1) {
            const s = stateOf(node, node.inputs[1 - constIdx]);
            const b = floatsOf(node.inputs[constIdx], 'a bias');
            const layer = byName.get(s.layer);
            const canFold =
              layer?.type === 'Dense' &&
              open.has(layer.name) &&
              layer.params.use_bias === false &&
              layer.params.activation === 'linear' &&
              isIdentity(s.perm) &&
              b.floats.length === layer.params.units &&
              b.dims.length <= 1 &&
              (consumers.get(node.inputs[1 - constIdx]!) ?? 0) === 1 &&
              (!ours || node.name.startsWith(`${layer.name}/`));
            if (!canFold)
              throw new Unsupported("Add of a constant that is not a Dense layer's bias");
            layer.params.use_bias = true;
            layer.weights!.push({ name: 'bias', shape: [b.floats.length], data: b.floats });
            alias(node, s);
            break;
          }
          const ins = node.inputs.map((i) => stateOf(node, i));
          for (const s of ins) requireChannelsLast(s, node.opType);
          if (ins.length < 2) {
            alias(node, ins[0]!);
            break;
          }
          addLayer(node, 'Add', {}, ins, null);
          break;
        }
        case 'Concat': {
          const ins = node.inputs.map((i) => stateOf(node, i));
          for (const s of ins) requireChannelsLast(s, 'Concat');
          const axis = attr(node, 'axis')?.i ?? 1;
          if (axis === 0) throw new Unsupported('Concat along the batch axis');
          addLayer(node, 'Concatenate', { axis }, ins, null);
          break;
        }
        case 'Flatten':
        case 'Squeeze':
        case 'Reshape': {
          const raw = states.get(x ?? '');
          if (raw?.gap4d) {
            // The end of GlobalAveragePool: [N, C, 1, 1] → [N, C].
            alias(node, { layer: raw.layer, perm: [0, 1], shape: raw.shape });
            break;
          }
          const s = stateOf(node, x);
          const flat = node.opType === 'Flatten' || isFlattenReshape(intsOf(node.inputs[1]));
          if (flat && s.shape.length === 3 && samePerm(s.perm, channelFirst(4))) {
            if (node.opType === 'Flatten' && (attr(node, 'axis')?.i ?? 1) !== 1)
              throw new Unsupported('Flatten with axis other than 1');
            // PyTorch flattens (C, H, W); the Flatten block (H, W, C): remember the order.
            addLayer(node, 'Flatten', {}, [s], null);
            states.get(node.outputs[0]!)!.torchIndex = chwIndexOfHwc(s.shape);
            break;
          }
          requireChannelsLast(s, node.opType);
          if (node.opType === 'Flatten') {
            if ((attr(node, 'axis')?.i ?? 1) !== 1)
              throw new Unsupported('Flatten with axis other than 1');
            addLayer(node, 'Flatten', {}, [s], null);
          } else if (node.opType === 'Reshape') {
            const shape = intsOf(node.inputs[1]);
            if (!shape) throw new Unsupported('Reshape to a computed shape');
            if (shape[0] !== 0 && shape[0] !== -1)
              throw new Unsupported(`Reshape that changes the batch axis (to ${shape[0]})`);
            const target = shape.slice(1);
            if (target.includes(0) || (shape[0] === -1 && target.includes(-1)))
              throw new Unsupported(`Reshape to [${shape.join(', ')}]`);
            addLayer(node, 'Reshape', { target_shape: target }, [s], null);
          } else {
            throw new Unsupported('Squeeze');
          }
          break;
        }
        case 'Conv': {
          const s = stateOf(node, x);
          requireChannelsFirst(s, 'Conv');
          if (s.shape.length !== 3) throw new Unsupported('Conv that is not 2-D');
          const w = floatsOf(node.inputs[1], 'a kernel');
          const [cout, cin, kh, kw] = w.dims as [number, number, number, number];
          if ((attr(node, 'group')?.i ?? 1) !== 1) throw new Unsupported('grouped Conv');
          if ((attr(node, 'dilations')?.ints ?? [1, 1]).some((d) => d !== 1))
            throw new Unsupported('dilated Conv');
          if (cin !== s.shape[2])
            throw new Unsupported(`Conv kernel for ${cin} channels on ${s.shape[2]}`);
          const strides = attr(node, 'strides')?.ints ?? [1, 1];
          const padding = windowPadding(node, s, [kh, kw], strides);
          const weights: WeightTensor[] = [
            {
              name: 'kernel',
              shape: [kh, kw, cin, cout],
              data: onnxToKerasKernel(w.floats, w.dims),
            },
          ];
          if (node.inputs[2])
            weights.push({
              name: 'bias',
              shape: [cout],
              data: floatsOf(node.inputs[2], 'a bias').floats,
            });
          addLayer(
            node,
            'Conv2D',
            {
              filters: cout,
              kernel_size: [kh, kw],
              strides,
              padding,
              activation: 'linear',
              use_bias: weights.length === 2,
            },
            [s],
            channelFirst(4),
            weights,
          );
          break;
        }
        case 'MaxPool':
        case 'AveragePool': {
          const s = stateOf(node, x);
          requireChannelsFirst(s, node.opType);
          if (s.shape.length !== 3) throw new Unsupported(`${node.opType} that is not 2-D`);
          const k = attr(node, 'kernel_shape')?.ints ?? [];
          const strides = attr(node, 'strides')?.ints ?? [1, 1];
          if (attr(node, 'ceil_mode')?.i) throw new Unsupported(`${node.opType} with ceil_mode`);
          if ((attr(node, 'dilations')?.ints ?? [1, 1]).some((d) => d !== 1))
            throw new Unsupported(`dilated ${node.opType}`);
          if (node.outputs[1] && consumers.get(node.outputs[1]))
            throw new Unsupported('MaxPool indices');
          const padding = windowPadding(node, s, k, strides);
          if (
            node.opType === 'AveragePool' &&
            padding === 'same' &&
            attr(node, 'count_include_pad')?.i
          )
            throw new Unsupported('AveragePool that counts padding (TensorFlow does not)');
          const same = k.length === strides.length && k.every((v, i) => v === strides[i]);
          addLayer(
            node,
            node.opType === 'MaxPool' ? 'MaxPooling2D' : 'AveragePooling2D',
            { pool_size: k, strides: same ? null : strides, padding },
            [s],
            channelFirst(4),
          );
          break;
        }
        case 'GlobalAveragePool': {
          const s = stateOf(node, x);
          requireChannelsFirst(s, 'GlobalAveragePool');
          addLayer(node, 'GlobalAveragePooling2D', {}, [s], null);
          states.get(node.outputs[0]!)!.gap4d = true;
          break;
        }
        case 'ReduceMean': {
          const s = stateOf(node, x);
          requireChannelsLast(s, 'ReduceMean');
          const axes = attr(node, 'axes')?.ints ?? intsOf(node.inputs[1]) ?? [];
          const keep = attr(node, 'keepdims')?.i ?? 1;
          const sorted = axes.map((a) => (a < 0 ? a + s.shape.length + 1 : a)).sort();
          if (s.shape.length !== 3 || keep !== 0 || sorted.join() !== '1,2')
            throw new Unsupported(
              `ReduceMean over axes [${axes.join(', ')}] (only over height and width, as global average pooling)`,
            );
          addLayer(node, 'GlobalAveragePooling2D', {}, [s], null);
          break;
        }
        case 'BatchNormalization': {
          const s = stateOf(node, x);
          requireChannelsFirst(s, 'BatchNormalization');
          if (node.outputs.slice(1).some((o) => o && consumers.get(o)))
            throw new Unsupported('BatchNormalization in training mode');
          const arrays = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((name, i) => {
            const t = floatsOf(node.inputs[i + 1], `a ${name}`);
            return { name, shape: [t.floats.length], data: t.floats };
          });
          const round = (v: number) => Number(v.toPrecision(6));
          addLayer(
            node,
            'BatchNormalization',
            {
              momentum: round(attr(node, 'momentum')?.f ?? 0.9),
              epsilon: round(attr(node, 'epsilon')?.f ?? 1e-5),
            },
            [s],
            s.perm,
            arrays,
          );
          break;
        }
        case 'LayerNormalization': {
          const s = stateOf(node, x);
          requireChannelsLast(s, 'LayerNormalization');
          const axis = attr(node, 'axis')?.i ?? -1;
          if (axis !== -1 && axis !== s.shape.length)
            throw new Unsupported(`LayerNormalization over axis ${axis} (only the last axis)`);
          const gamma = floatsOf(node.inputs[1], 'a scale');
          const beta = node.inputs[2]
            ? floatsOf(node.inputs[2], 'a bias').floats
            : new Float32Array(gamma.floats.length);
          addLayer(
            node,
            'LayerNormalization',
            { epsilon: Number((attr(node, 'epsilon')?.f ?? 1e-5).toPrecision(6)) },
            [s],
            null,
            [
              { name: 'gamma', shape: [gamma.floats.length], data: gamma.floats },
              { name: 'beta', shape: [beta.length], data: beta },
            ],
          );
          break;
        }
        default:
          throw new Unsupported('an operator Netwright has no block for');
      }
    } catch (e) {
      if (e instanceof SkipNode) continue;
      if (e instanceof Unsupported) {
        problems.push(`node "${node.name || node.outputs[0]}" (${node.opType}): ${e.message}`);
        continue;
      }
      throw e;
    }
  }
  if (problems.length > 0) return { ok: false, error: unsupportedMessage('ONNX', problems) };
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

function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
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
