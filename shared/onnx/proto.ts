/**
 * ONNX message shapes (the subset Netwright writes and reads) and their protobuf encoding.
 * Field numbers follow onnx/onnx.proto (IR version 8).
 */
import { ProtoWriter } from './protobuf.ts';

export const ONNX_IR_VERSION = 8;
/** Opset 17: the newest that python3-onnx 1.12's checker knows; has LayerNormalization. */
export const ONNX_OPSET = 17;

export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;
export const AttrType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

export interface OnnxTensor {
  name: string;
  dims: number[];
  /** FLOAT: Float32Array; INT64: number[] (small shape tensors). */
  dataType: number;
  floats?: Float32Array;
  ints?: number[];
}

export type OnnxAttr =
  | { name: string; type: 1; f: number }
  | { name: string; type: 2; i: number }
  | { name: string; type: 3; s: string }
  | { name: string; type: 6; floats: number[] }
  | { name: string; type: 7; ints: number[] }
  | { name: string; type: 8; strings: string[] };

export interface OnnxNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attrs: OnnxAttr[];
  /** NodeProto `doc_string` (field 6): free text; Netwright keeps settings there that no operator holds. */
  docString?: string;
}

export interface OnnxValueInfo {
  name: string;
  elemType: number;
  /** A number, or a symbolic name such as `batch`. */
  dims: (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  graph: OnnxGraph;
  metadata: Record<string, string>;
}

function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  if (t.dims.length > 0) w.packedVarints(1, t.dims);
  w.varint(2, t.dataType);
  w.string(8, t.name);
  if (t.dataType === DataType.FLOAT) {
    const data = t.floats ?? new Float32Array(0);
    // raw_data: little-endian bytes of the floats.
    const bytes = new Uint8Array(data.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
    w.bytes(9, bytes);
  } else if (t.dataType === DataType.INT64) {
    const ints = t.ints ?? [];
    const bytes = new Uint8Array(ints.length * 8);
    const view = new DataView(bytes.buffer);
    ints.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    w.bytes(9, bytes);
  } else {
    throw new Error(`cannot write tensor ${t.name} of data type ${t.dataType}`);
  }
}

function writeAttr(w: ProtoWriter, a: OnnxAttr): void {
  w.string(1, a.name);
  switch (a.type) {
    case AttrType.FLOAT:
      w.float(2, a.f);
      break;
    case AttrType.INT:
      w.varint(3, a.i);
      break;
    case AttrType.STRING:
      w.string(4, a.s);
      break;
    case AttrType.FLOATS:
      for (const f of a.floats) w.float(7, f);
      break;
    case AttrType.INTS:
      for (const i of a.ints) w.varint(8, i);
      break;
    case AttrType.STRINGS:
      for (const str of a.strings) w.string(9, str);
      break;
  }
  w.varint(20, a.type);
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.varint(1, v.elemType);
      tensor.message(2, (shape) => {
        for (const d of v.dims) {
          shape.message(1, (dim) => {
            if (typeof d === 'number') dim.varint(1, d);
            else dim.string(2, d);
          });
        }
      });
    }),
  );
}

/** Serialises a model to ONNX protobuf bytes. */
export function encodeModel(model: OnnxModel): Uint8Array {
  const steps = encodeModelSteps(model);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * `encodeModel` as steps: yields an `encode` report (nodes and initializers written, of all)
 * every `every` items and at the end, then returns the bytes; callers report progress or pause
 * between steps (shared/onnx/export.ts).
 */
export function* encodeModelSteps(
  model: OnnxModel,
  every = 256,
): Generator<{ stage: 'encode'; done: number; total: number }, Uint8Array> {
  const w = new ProtoWriter();
  w.varint(1, model.irVersion);
  w.string(2, model.producerName);
  w.string(3, model.producerVersion);
  const g = new ProtoWriter();
  const total = model.graph.nodes.length + model.graph.initializers.length;
  let done = 0;
  for (const n of model.graph.nodes) {
    g.message(1, (node) => {
      for (const i of n.inputs) node.string(1, i);
      for (const o of n.outputs) node.string(2, o);
      node.string(3, n.name);
      node.string(4, n.opType);
      for (const a of n.attrs) node.message(5, (attr) => writeAttr(attr, a));
      if (n.docString) node.string(6, n.docString);
    });
    if (++done % every === 0) yield { stage: 'encode', done, total };
  }
  g.string(2, model.graph.name);
  for (const t of model.graph.initializers) {
    g.message(5, (tw) => writeTensor(tw, t));
    if (++done % every === 0) yield { stage: 'encode', done, total };
  }
  for (const v of model.graph.inputs) g.message(11, (vw) => writeValueInfo(vw, v));
  for (const v of model.graph.outputs) g.message(12, (vw) => writeValueInfo(vw, v));
  w.bytes(7, g.finish());
  for (const o of model.opsets) {
    w.message(8, (op) => {
      op.string(1, o.domain);
      op.varint(2, o.version);
    });
  }
  for (const [key, value] of Object.entries(model.metadata)) {
    w.message(14, (kv) => kv.string(1, key).string(2, value));
  }
  const bytes = w.finish();
  yield { stage: 'encode', done: total, total };
  return bytes;
}
