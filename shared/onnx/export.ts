/**
 * IR + weights → ONNX (opset 17, IR version 8), pure TypeScript.
 *
 * Layout: tensors stay channels-last (NHWC) as in the app; Conv/MaxPool/AveragePool and
 * BatchNormalization on feature maps are wrapped in Transpose to channels-first and back, so
 * Flatten, Reshape, Concatenate and Dense see Keras's element order. The batch dimension is
 * symbolic (`batch`). Dropout is dropped (inference).
 *
 * Naming (the importer relies on it to rebuild blocks exactly): the graph input is named after the
 * Input op, each op's output tensor carries the op name, and every node and initializer of an op
 * is named `<op name>/<part>`.
 */
import type { IrOp, ModelIR } from '../ir/lower.ts';
import { LEAKY_RELU_SLOPE } from '../layers/activations.ts';
import { windowOutputSize } from '../layers/common.ts';
import { checkWeights, weightOf, type ModelWeights } from '../export/weights.ts';
import {
  AttrType,
  DataType,
  ONNX_IR_VERSION,
  ONNX_OPSET,
  encodeModel,
  type OnnxAttr,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
} from './proto.ts';

export const ONNX_PRODUCER = 'netwright';

export interface OnnxExportOptions {
  /** Graph name; default `model`. */
  name?: string;
  producerVersion?: string;
}

export class OnnxExportError extends Error {}

const ints = (name: string, values: number[]): OnnxAttr => ({
  name,
  type: AttrType.INTS,
  ints: values,
});
const int = (name: string, i: number): OnnxAttr => ({ name, type: AttrType.INT, i });
const float = (name: string, f: number): OnnxAttr => ({ name, type: AttrType.FLOAT, f });

/** TF's SAME padding for one axis: [before, after]. */
export function samePads(size: number, window: number, stride: number): [number, number] {
  const out = windowOutputSize(size, window, stride, 'same');
  const total = Math.max((out - 1) * stride + window - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** ONNX `pads` ([top, left, bottom, right]) for a 2-D window on an `(H, W, C)` input. */
export function windowPads(
  input: readonly number[],
  window: readonly number[],
  strides: readonly number[],
  padding: string,
): number[] {
  if (padding !== 'same') return [0, 0, 0, 0];
  const [t, b] = samePads(input[0]!, window[0]!, strides[0]!);
  const [l, r] = samePads(input[1]!, window[1]!, strides[1]!);
  return [t, l, b, r];
}

/** Keras `[kh, kw, in, out]` → ONNX `[out, in, kh, kw]`. */
export function kerasToOnnxKernel(data: Float32Array, shape: readonly number[]): Float32Array {
  const [kh, kw, cin, cout] = shape as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++)
          out[((o * cin + i) * kh + y) * kw + x] = data[((y * kw + x) * cin + i) * cout + o]!;
  return out;
}

/** ONNX `[out, in, kh, kw]` → Keras `[kh, kw, in, out]`. */
export function onnxToKerasKernel(data: Float32Array, shape: readonly number[]): Float32Array {
  const [cout, cin, kh, kw] = shape as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++)
          out[((y * kw + x) * cin + i) * cout + o] = data[((o * cin + i) * kh + y) * kw + x]!;
  return out;
}

class GraphBuilder {
  nodes: OnnxNode[] = [];
  initializers: OnnxTensor[] = [];

  node(
    name: string,
    opType: string,
    inputs: string[],
    output: string,
    attrs: OnnxAttr[] = [],
  ): string {
    this.nodes.push({ name, opType, inputs, outputs: [output], attrs });
    return output;
  }

  floats(name: string, dims: number[], data: Float32Array): string {
    this.initializers.push({ name, dims, dataType: DataType.FLOAT, floats: data });
    return name;
  }

  int64s(name: string, values: number[]): string {
    this.initializers.push({ name, dims: [values.length], dataType: DataType.INT64, ints: values });
    return name;
  }

  /** Applies a Keras activation; returns the output tensor (the input itself for linear). */
  activation(act: string, x: string, prefix: string, output: string): string {
    const simple: Record<string, string> = {
      relu: 'Relu',
      sigmoid: 'Sigmoid',
      tanh: 'Tanh',
      elu: 'Elu',
      selu: 'Selu',
      softplus: 'Softplus',
    };
    if (simple[act]) return this.node(`${prefix}/${simple[act]}`, simple[act], [x], output);
    switch (act) {
      case 'linear':
        return x;
      case 'softmax':
        return this.node(`${prefix}/Softmax`, 'Softmax', [x], output, [int('axis', -1)]);
      case 'leaky_relu':
        return this.node(`${prefix}/LeakyRelu`, 'LeakyRelu', [x], output, [
          float('alpha', LEAKY_RELU_SLOPE),
        ]);
      case 'gelu': {
        // gelu(x) = 0.5 · x · (1 + erf(x / √2)), as TF.js and Keras (approximate=False).
        const p = `${prefix}/gelu`;
        const scalar = (n: string, v: number) => this.floats(`${p}/${n}`, [], Float32Array.of(v));
        const d = this.node(`${p}/Div`, 'Div', [x, scalar('sqrt2', Math.SQRT2)], `${p}/Div`);
        const e = this.node(`${p}/Erf`, 'Erf', [d], `${p}/Erf`);
        const a = this.node(`${p}/Add`, 'Add', [e, scalar('one', 1)], `${p}/Add`);
        const m = this.node(`${p}/Mul`, 'Mul', [x, a], `${p}/Mul`);
        return this.node(`${p}/Mul_half`, 'Mul', [m, scalar('half', 0.5)], output);
      }
      default:
        throw new OnnxExportError(`ONNX export: no ONNX form for activation "${act}"`);
    }
  }
}

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

/** Permutation that moves the last axis of a rank-`r` tensor (batch included) to axis 1. */
function lastToChannelFirst(r: number): number[] {
  return [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
}
function inverse(perm: number[]): number[] {
  const out = new Array<number>(perm.length);
  perm.forEach((p, i) => (out[p] = i));
  return out;
}

function emitOp(g: GraphBuilder, op: IrOp, ins: string[], weights: ModelWeights): string {
  const p = op.params;
  const n = op.name;
  const x = ins[0]!;
  const w = (name: string) => weightOf(weights, n, name);
  switch (op.type) {
    case 'Dense': {
      const kernel = w('kernel');
      const act = p.activation as string;
      const linear = act === 'linear';
      let y = g.node(
        `${n}/MatMul`,
        'MatMul',
        [x, g.floats(`${n}/kernel`, kernel.shape, kernel.data)],
        linear && !p.use_bias ? n : `${n}/MatMul`,
      );
      if (p.use_bias) {
        const bias = w('bias');
        y = g.node(
          `${n}/BiasAdd`,
          'Add',
          [y, g.floats(`${n}/bias`, bias.shape, bias.data)],
          linear ? n : `${n}/BiasAdd`,
        );
      }
      return g.activation(act, y, n, n);
    }
    case 'Conv2D': {
      const kernel = w('kernel');
      const act = p.activation as string;
      const k = p.kernel_size as number[];
      const strides = p.strides as number[];
      const t = g.node(`${n}/ToNCHW`, 'Transpose', [x], `${n}/ToNCHW`, [ints('perm', TO_NCHW)]);
      const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
      const convIns = [
        t,
        g.floats(`${n}/kernel`, [cout, cin, kh, kw], kerasToOnnxKernel(kernel.data, kernel.shape)),
      ];
      if (p.use_bias) {
        const bias = w('bias');
        convIns.push(g.floats(`${n}/bias`, bias.shape, bias.data));
      }
      const c = g.node(`${n}/Conv`, 'Conv', convIns, `${n}/Conv`, [
        ints('kernel_shape', k),
        ints('strides', strides),
        ints('pads', windowPads(op.inputShapes[0]!, k, strides, p.padding as string)),
        ints('dilations', [1, 1]),
        int('group', 1),
      ]);
      const back = g.node(`${n}/ToNHWC`, 'Transpose', [c], act === 'linear' ? n : `${n}/ToNHWC`, [
        ints('perm', TO_NHWC),
      ]);
      return g.activation(act, back, n, n);
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const pool = p.pool_size as number[];
      const strides = (p.strides as number[] | null) ?? pool;
      const t = g.node(`${n}/ToNCHW`, 'Transpose', [x], `${n}/ToNCHW`, [ints('perm', TO_NCHW)]);
      const attrs = [
        ints('kernel_shape', pool),
        ints('strides', strides),
        ints('pads', windowPads(op.inputShapes[0]!, pool, strides, p.padding as string)),
      ];
      const max = op.type === 'MaxPooling2D';
      // TF averages over the window's valid cells only.
      if (!max) attrs.push(int('count_include_pad', 0));
      const opType = max ? 'MaxPool' : 'AveragePool';
      const y = g.node(`${n}/${opType}`, opType, [t], `${n}/${opType}`, attrs);
      return g.node(`${n}/ToNHWC`, 'Transpose', [y], n, [ints('perm', TO_NHWC)]);
    }
    case 'GlobalAveragePooling2D':
      return g.node(`${n}/ReduceMean`, 'ReduceMean', [x], n, [
        ints('axes', [1, 2]),
        int('keepdims', 0),
      ]);
    case 'BatchNormalization': {
      const rank = op.inputShapes[0]!.length + 1;
      const params = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((name) => {
        const t = w(name);
        return g.floats(`${n}/${name}`, t.shape, t.data);
      });
      const attrs = [
        float('epsilon', p.epsilon as number),
        float('momentum', p.momentum as number),
      ];
      if (rank === 2)
        return g.node(`${n}/BatchNormalization`, 'BatchNormalization', [x, ...params], n, attrs);
      const perm = lastToChannelFirst(rank);
      const t = g.node(`${n}/ToChannelsFirst`, 'Transpose', [x], `${n}/ToChannelsFirst`, [
        ints('perm', perm),
      ]);
      const y = g.node(
        `${n}/BatchNormalization`,
        'BatchNormalization',
        [t, ...params],
        `${n}/BatchNormalization`,
        attrs,
      );
      return g.node(`${n}/ToChannelsLast`, 'Transpose', [y], n, [ints('perm', inverse(perm))]);
    }
    case 'LayerNormalization': {
      const gamma = w('gamma');
      const beta = w('beta');
      return g.node(
        `${n}/LayerNormalization`,
        'LayerNormalization',
        [
          x,
          g.floats(`${n}/gamma`, gamma.shape, gamma.data),
          g.floats(`${n}/beta`, beta.shape, beta.data),
        ],
        n,
        [int('axis', -1), float('epsilon', p.epsilon as number)],
      );
    }
    case 'Flatten':
      // Channels-last tensors: ONNX Flatten's row-major order is Keras's.
      return g.node(`${n}/Flatten`, 'Flatten', [x], n, [int('axis', 1)]);
    case 'Reshape':
      // 0 copies the batch size; a -1 in the target is inferred as in Keras.
      return g.node(
        `${n}/Reshape`,
        'Reshape',
        [x, g.int64s(`${n}/shape`, [0, ...(p.target_shape as number[])])],
        n,
      );
    case 'Activation':
      return p.activation === 'linear'
        ? g.node(`${n}/Identity`, 'Identity', [x], n)
        : g.activation(p.activation as string, x, n, n);
    case 'Dropout':
      return x;
    case 'Add': {
      // ONNX broadcasts from the last axis, batch included; Keras expands a shorter input after
      // the batch axis: reshape such inputs to the full rank first ((N, 3) → (N, 1, 1, 3)).
      const rank = op.outputShape.length;
      const full = ins.map((t, i) => {
        const shape = op.inputShapes[i]!;
        if (shape.length === rank) return t;
        const target = [0, ...Array<number>(rank - shape.length).fill(1), ...shape];
        return g.node(
          `${n}/Expand${i}`,
          'Reshape',
          [t, g.int64s(`${n}/shape${i}`, target)],
          `${n}/Expand${i}`,
        );
      });
      return full.length === 2
        ? g.node(`${n}/Add`, 'Add', full, n)
        : g.node(`${n}/Sum`, 'Sum', full, n);
    }
    case 'Concatenate':
      // Keras counts the batch axis like ONNX does, and tensors are channels-last: same axis.
      return g.node(`${n}/Concat`, 'Concat', ins, n, [int('axis', p.axis as number)]);
    default:
      throw new OnnxExportError(
        `ONNX export: no ONNX form for block type "${op.type}" (${op.name})`,
      );
  }
}

/** Builds the ONNX model (as a structure) from the IR and weights. */
export function buildOnnxModel(
  ir: ModelIR,
  weights: ModelWeights,
  options: OnnxExportOptions = {},
): OnnxModel {
  const problems = checkWeights(ir, weights);
  if (problems.length > 0) {
    throw new OnnxExportError(
      `ONNX export: the weights do not fit the model: ${problems.join('; ')}`,
    );
  }
  const input = ir.ops[0]!;
  const g = new GraphBuilder();
  const tensorOf = new Map<string, string>([[input.id, input.name]]);
  for (const op of ir.ops.slice(1)) {
    const ins = op.inputs.map((id) => tensorOf.get(id)!);
    tensorOf.set(op.id, emitOp(g, op, ins, weights));
  }
  const last = ir.ops.find((op) => op.id === ir.outputId)!;
  let output = tensorOf.get(last.id)!;
  if (output !== last.name) output = g.node(`${last.name}/Output`, 'Identity', [output], last.name);
  return {
    irVersion: ONNX_IR_VERSION,
    opsets: [{ domain: '', version: ONNX_OPSET }],
    producerName: ONNX_PRODUCER,
    producerVersion: options.producerVersion ?? '0.1.0',
    graph: {
      name: options.name ?? 'model',
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: [
        {
          name: input.name,
          elemType: DataType.FLOAT,
          dims: ['batch', ...(input.params.shape as number[])],
        },
      ],
      outputs: [{ name: output, elemType: DataType.FLOAT, dims: ['batch', ...last.outputShape] }],
    },
    metadata: {},
  };
}

/** IR + weights → `model.onnx` bytes. Throws `OnnxExportError` with a message on bad weights. */
export function exportOnnx(
  ir: ModelIR,
  weights: ModelWeights,
  options: OnnxExportOptions = {},
): Uint8Array {
  return encodeModel(buildOnnxModel(ir, weights, options));
}
