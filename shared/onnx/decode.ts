/** ONNX protobuf bytes → the model structure of `proto.ts` (the subset importers read). */
import { ProtoError, ProtoMessage } from './protobuf.ts';
import { DataType, type OnnxValueInfo } from './proto.ts';

export interface DecodedTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** Float data (FLOAT and DOUBLE tensors), else undefined. */
  floats?: Float32Array;
  /** Integer data (INT32/INT64), else undefined. */
  ints?: number[];
}

export interface DecodedAttr {
  name: string;
  f?: number;
  i?: number;
  s?: string;
  floats?: number[];
  ints?: number[];
  /** A STRINGS attribute (e.g. a recurrent node's `activations`). */
  strings?: string[];
  t?: DecodedTensor;
  /** True for graph-valued attributes (control flow), which importers do not support. */
  graph?: boolean;
}

export interface DecodedNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, DecodedAttr>;
  /** NodeProto `doc_string` (field 6); empty when the file has none. */
  docString?: string;
}

export interface DecodedModel {
  irVersion: number;
  producerName: string;
  opset: number;
  graph: {
    name: string;
    nodes: DecodedNode[];
    initializers: Map<string, DecodedTensor>;
    inputs: OnnxValueInfo[];
    outputs: OnnxValueInfo[];
  };
}

export class OnnxDecodeError extends Error {}

function copyBytes(b: Uint8Array): DataView {
  const copy = new Uint8Array(b.length);
  copy.set(b);
  return new DataView(copy.buffer);
}

function decodeTensor(m: ProtoMessage): DecodedTensor {
  const name = m.string(8);
  const dims = m.ints(1);
  const dataType = m.int(2);
  if (m.int(14) === 1)
    throw new OnnxDecodeError(`tensor ${name} keeps its data in an external file`);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new OnnxDecodeError(
      `tensor ${name} has dimensions [${dims.join(', ')}]; each must be a whole number of at least 0`,
    );
  const size = dims.reduce((a, b) => a * b, 1);
  const raw = m.bytes(9);
  const t: DecodedTensor = { name, dims, dataType };
  if (dataType === DataType.FLOAT || dataType === 11 /* DOUBLE */) {
    const width = dataType === DataType.FLOAT ? 4 : 8;
    if (raw) {
      if (raw.length % width !== 0 || raw.length / width !== size)
        throw new OnnxDecodeError(
          `tensor ${name}: its raw data is ${raw.length} bytes, but ${size} ${width === 4 ? 'float32' : 'float64'} values need ${size * width} bytes`,
        );
      const view = copyBytes(raw);
      const n = raw.length / width;
      t.floats = new Float32Array(n);
      for (let i = 0; i < n; i++)
        t.floats[i] = width === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
    } else if (dataType === DataType.FLOAT) {
      t.floats = Float32Array.from(m.floats(4));
    } else {
      const out: number[] = [];
      for (const b of m.bytesList(10)) {
        const view = copyBytes(b);
        for (let i = 0; i + 8 <= b.length; i += 8) out.push(view.getFloat64(i, true));
      }
      t.floats = Float32Array.from(out);
    }
    if (t.floats.length !== size)
      throw new OnnxDecodeError(
        `tensor ${name} has ${t.floats.length} values for ${size} elements`,
      );
  } else if (dataType === DataType.INT64 || dataType === 6 /* INT32 */) {
    if (raw) {
      const view = copyBytes(raw);
      const width = dataType === DataType.INT64 ? 8 : 4;
      t.ints = [];
      for (let i = 0; i + width <= raw.length; i += width)
        t.ints.push(width === 8 ? Number(view.getBigInt64(i, true)) : view.getInt32(i, true));
    } else {
      t.ints = m.ints(dataType === DataType.INT64 ? 7 : 5);
    }
  }
  return t;
}

function decodeValueInfo(m: ProtoMessage): OnnxValueInfo {
  const tensor = m.message(2)?.message(1);
  const dims = (tensor?.message(2)?.messages(1) ?? []).map((d) =>
    d.has(1) ? d.int(1) : d.string(2) || '?',
  );
  return { name: m.string(1), elemType: tensor?.int(1) ?? 0, dims };
}

function decodeAttr(m: ProtoMessage): DecodedAttr {
  const a: DecodedAttr = { name: m.string(1) };
  if (m.has(2)) a.f = m.float(2);
  if (m.has(3)) a.i = m.int(3);
  if (m.has(4)) a.s = m.string(4);
  if (m.has(5)) a.t = decodeTensor(m.message(5)!);
  if (m.has(6) || m.has(11)) a.graph = true;
  if (m.has(7)) a.floats = m.floats(7);
  if (m.has(8)) a.ints = m.ints(8);
  if (m.has(9)) a.strings = m.strings(9);
  return a;
}

/** Decodes `model.onnx` bytes; throws `OnnxDecodeError` when they are not an ONNX model. */
export function decodeOnnx(bytes: Uint8Array): DecodedModel {
  try {
    const model = new ProtoMessage(bytes);
    const graph = model.message(7);
    if (!graph || !model.has(1))
      throw new OnnxDecodeError('no graph or IR version: not an ONNX model');
    const opset =
      model
        .messages(8)
        .filter((o) => o.string(1) === '' || o.string(1) === 'ai.onnx')
        .map((o) => o.int(2))[0] ?? 0;
    const initializers = new Map<string, DecodedTensor>();
    for (const t of graph.messages(5)) {
      const tensor = decodeTensor(t);
      initializers.set(tensor.name, tensor);
    }
    return {
      irVersion: model.int(1),
      producerName: model.string(2),
      opset,
      graph: {
        name: graph.string(2),
        nodes: graph.messages(1).map((n) => ({
          name: n.string(3),
          opType: n.string(4),
          domain: n.string(7),
          inputs: n.strings(1),
          outputs: n.strings(2),
          docString: n.string(6),
          attrs: new Map(
            n
              .messages(5)
              .map((a) => decodeAttr(a))
              .map((a) => [a.name, a]),
          ),
        })),
        initializers,
        inputs: graph.messages(11).map(decodeValueInfo),
        outputs: graph.messages(12).map(decodeValueInfo),
      },
    };
  } catch (e) {
    if (e instanceof OnnxDecodeError) throw e;
    if (e instanceof ProtoError)
      throw new OnnxDecodeError(`not a readable ONNX file (${e.message})`);
    // Anything else (a RangeError from a hostile length, say) is still a broken file.
    throw new OnnxDecodeError(
      `not a readable ONNX file (${e instanceof Error ? e.message : String(e)})`,
    );
  }
}
