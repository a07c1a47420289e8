/**
 * Added where mutation testing (docs/testing.md) found writes in shared/onnx/proto.ts that no
 * test read back. The expected bytes are the protobuf wire format worked out by hand from
 * onnx.proto's field numbers (ModelProto: ir_version 1, producer_name 2, producer_version 3,
 * graph 7, opset_import 8, metadata_props 14; GraphProto: name 2, initializer 5, input 11;
 * TensorProto: dims 1, data_type 2, name 8, raw_data 9; ValueInfoProto: name 1, type 2;
 * TypeProto.tensor_type 1: elem_type 1, shape 2; TensorShapeProto.dim 1: dim_value 1,
 * dim_param 2; OperatorSetIdProto: domain 1, version 2).
 */
import { describe, expect, it } from 'vitest';
import type { ModelWeights } from '../../shared/export/weights.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { OnnxDecodeError, decodeOnnx } from '../../shared/onnx/decode.ts';
import { buildOnnxModel, exportOnnx } from '../../shared/onnx/export.ts';
import {
  GraphBuilder,
  ONNX_PRODUCER,
  OnnxExportError,
  float,
  int,
  ints,
  string,
  strings,
} from '../../shared/onnx/graph.ts';
import { encodeModel } from '../../shared/onnx/proto.ts';
import {
  ProtoError,
  ProtoMessage,
  ProtoWriter,
  decodeMessage,
} from '../../shared/onnx/protobuf.ts';
import { graphOf } from './graph-builder.ts';

describe('ONNX protobuf bytes, by hand', () => {
  it('scalar initializer, symbolic batch dim, producer version, opset domain, metadata', () => {
    const bytes = encodeModel({
      irVersion: 8,
      producerName: 'a',
      producerVersion: 'b',
      opsets: [{ domain: 'd', version: 17 }],
      metadata: { k: 'v' },
      graph: {
        name: 'g',
        nodes: [],
        initializers: [{ name: 't', dims: [], dataType: 1, floats: new Float32Array(0) }],
        inputs: [{ name: 'x', elemType: 1, dims: ['N', 3] }],
        outputs: [],
      },
    });
    // prettier-ignore
    const expected = [
      0x08, 8, // ir_version 8
      0x12, 1, 0x61, // producer_name "a"
      0x1a, 1, 0x62, // producer_version "b"
      0x3a, 34, // graph, 34 bytes:
      0x12, 1, 0x67, //   name "g"
      0x2a, 7, //   initializer, 7 bytes (a scalar: no dims field)
      0x10, 1, 0x42, 1, 0x74, 0x4a, 0, //     data_type FLOAT, name "t", raw_data empty
      0x5a, 20, //   input, 20 bytes
      0x0a, 1, 0x78, //     name "x"
      0x12, 15, 0x0a, 13, //     type.tensor_type
      0x08, 1, //       elem_type FLOAT
      0x12, 9, //       shape
      0x0a, 3, 0x12, 1, 0x4e, //         dim_param "N"
      0x0a, 2, 0x08, 3, //         dim_value 3
      0x42, 5, 0x0a, 1, 0x64, 0x10, 17, // opset_import domain "d" version 17
      0x72, 6, 0x0a, 1, 0x6b, 0x12, 1, 0x76, // metadata_props k = v
    ];
    expect([...bytes]).toEqual(expected);
  });

  it('refuses a tensor type it cannot write, naming it', () => {
    const model = (dataType: number) => ({
      irVersion: 8,
      producerName: 'a',
      producerVersion: 'b',
      opsets: [],
      metadata: {},
      graph: {
        name: 'g',
        nodes: [],
        initializers: [{ name: 'mask', dims: [1], dataType }],
        inputs: [],
        outputs: [],
      },
    });
    expect(() => encodeModel(model(9))).toThrow('cannot write tensor mask of data type 9');
  });
});

/*
 * Added for the mutants of shared/onnx/protobuf.ts, decode.ts, graph.ts and export.ts. Expected
 * bytes are the protobuf wire format by hand (a field's key is `field << 3 | wire type`; varints
 * are 7 bits per byte, least significant first, high bit = more to come), field numbers from
 * onnx.proto (TensorProto: dims 1, data_type 2, float_data 4, int32_data 5, int64_data 7, name 8,
 * raw_data 9, double_data 10, data_location 14; NodeProto: input 1, output 2, name 3, op_type 4,
 * attribute 5, domain 7; AttributeProto: name 1, f 2, i 3, s 4, t 5, g 6, floats 7, ints 8,
 * strings 9, graphs 11; GraphProto: node 1, name 2, initializer 5, input 11, output 12), and
 * ONNX's enums (TensorProto.DataType FLOAT 1, INT32 6, INT64 7, BOOL 9, DOUBLE 11;
 * AttributeType FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7, STRINGS 8).
 */

const bytesOf = (build: (w: ProtoWriter) => void): Uint8Array => {
  const w = new ProtoWriter();
  build(w);
  return w.finish();
};
const f32 = (...values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
const f64 = (...values: number[]) => new Uint8Array(Float64Array.from(values).buffer);

describe('protobuf writer, by hand', () => {
  it('varints: 300 is ac 02, -1 is ten bytes, booleans are 0 and 1', () => {
    expect([...bytesOf((w) => w.varint(1, 300))]).toEqual([0x08, 0xac, 0x02]);
    expect([...bytesOf((w) => w.varint(1, 0))]).toEqual([0x08, 0]);
    expect([...bytesOf((w) => w.varint(1, 127))]).toEqual([0x08, 0x7f]);
    expect([...bytesOf((w) => w.varint(1, 128))]).toEqual([0x08, 0x80, 0x01]);
    expect([...bytesOf((w) => w.varint(2, -1))]).toEqual([
      0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
    expect([...bytesOf((w) => w.varint(3, true).varint(3, false))]).toEqual([0x18, 1, 0x18, 0]);
    // Field 16 needs a two-byte key: 16 << 3 = 128 = 80 01.
    expect([...bytesOf((w) => w.varint(16, 1))]).toEqual([0x80, 0x01, 1]);
  });

  it('floats, strings, packed lists and nested messages', () => {
    // 1.5f = 0x3fc00000, little-endian.
    expect([...bytesOf((w) => w.float(2, 1.5))]).toEqual([0x15, 0, 0, 0xc0, 0x3f]);
    expect([...bytesOf((w) => w.string(3, 'hi'))]).toEqual([0x1a, 2, 0x68, 0x69]);
    expect([...bytesOf((w) => w.string(3, 'é'))]).toEqual([0x1a, 2, 0xc3, 0xa9]);
    expect([...bytesOf((w) => w.packedVarints(4, [1, 300]))]).toEqual([0x22, 3, 1, 0xac, 0x02]);
    expect([...bytesOf((w) => w.message(5, (m) => m.varint(1, 2)))]).toEqual([0x2a, 2, 0x08, 2]);
    expect([...bytesOf((w) => w.message(5, () => {}))]).toEqual([0x2a, 0]);
  });

  it('messages longer than its 256-byte buffer come out whole and in order', () => {
    // 100 × (08 c8 01): field 1 = 200, 300 bytes written through several buffers.
    const many = bytesOf((w) => {
      for (let i = 0; i < 100; i++) w.varint(1, 200);
    });
    expect(many.length).toBe(300);
    for (let i = 0; i < 300; i += 3) expect([...many.subarray(i, i + 3)]).toEqual([8, 0xc8, 1]);
    // One 300-byte field after 250 bytes already written: length 300 = ac 02.
    const data = Uint8Array.from({ length: 300 }, (_, i) => i % 251);
    const big = bytesOf((w) => {
      w.bytes(1, new Uint8Array(248)); // 0a f8 01 + 248 zeros = 251 bytes
      w.bytes(2, data);
      w.float(3, 2);
    });
    expect(big.length).toBe(251 + 3 + 300 + 5);
    expect([...big.subarray(0, 3)]).toEqual([0x0a, 0xf8, 0x01]);
    expect([...big.subarray(251, 254)]).toEqual([0x12, 0xac, 0x02]);
    expect([...big.subarray(254, 554)]).toEqual([...data]);
    expect([...big.subarray(554)]).toEqual([0x1d, 0, 0, 0, 0x40]);
  });
});

describe('protobuf reader, by hand', () => {
  it('reads each wire type by field number, repeated fields in order', () => {
    const fields = decodeMessage(
      Uint8Array.from([
        0x08,
        0xac,
        0x02, // 1: varint 300
        0x11,
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8, // 2: fixed64
        0x1a,
        2,
        0x68,
        0x69, // 3: "hi"
        0x25,
        0,
        0,
        0xc0,
        0x3f, // 4: fixed32 1.5f
        0x08,
        5, // 1 again: 5
      ]),
    );
    expect(fields.get(1)).toEqual([
      { wire: 0, value: 300n },
      { wire: 0, value: 5n },
    ]);
    expect(fields.get(2)).toEqual([{ wire: 1, bytes: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }]);
    expect(fields.get(3)).toEqual([{ wire: 2, bytes: Uint8Array.from([0x68, 0x69]) }]);
    expect(fields.get(4)).toEqual([{ wire: 5, bytes: Uint8Array.from([0, 0, 0xc0, 0x3f]) }]);
    expect([...fields.keys()]).toEqual([1, 2, 3, 4]);
    expect(decodeMessage(new Uint8Array(0)).size).toBe(0);
  });

  it('names what is wrong with broken bytes', () => {
    const read = (b: number[]) => () => decodeMessage(Uint8Array.from(b));
    expect(read([0x08, 0x80])).toThrow(new ProtoError('truncated varint'));
    expect(read([0x0a, 5, 1, 2])).toThrow(new ProtoError('truncated field'));
    expect(read([0x0d, 1, 2, 3])).toThrow(new ProtoError('truncated field'));
    expect(read([0x09, 1, 2, 3, 4, 5, 6, 7])).toThrow(new ProtoError('truncated field'));
    expect(read([0x0b])).toThrow(new ProtoError('unsupported wire type 3'));
    expect(read([0x0c])).toThrow(new ProtoError('unsupported wire type 4'));
    // Ten continuation bytes reach shift 70 and may still end; the eleventh is too long.
    expect(read([0x08, ...Array<number>(10).fill(0x80), 0x01])).not.toThrow();
    expect(read([0x08, ...Array<number>(11).fill(0x80), 0x01])).toThrow(
      new ProtoError('varint too long'),
    );
  });

  it('typed access: signed ints packed or not, floats packed or not, strings, messages', () => {
    const m = new ProtoMessage(
      bytesOf((w) => {
        w.varint(1, -1);
        w.packedVarints(1, [300, -2]);
        w.float(2, 1.5);
        w.bytes(2, f32(-2, 0.25));
        w.string(3, 'a');
        w.string(3, 'b');
        w.message(4, (n) => n.varint(1, 7));
        w.varint(5, 9); // a varint where floats are asked for: skipped
      }),
    );
    expect(m.ints(1)).toEqual([-1, 300, -2]);
    expect(m.int(1)).toBe(-2);
    expect(m.int(9)).toBe(0);
    expect(m.int(9, 42)).toBe(42);
    expect(m.floats(2)).toEqual([1.5, -2, 0.25]);
    expect(m.float(2)).toBe(0.25);
    expect(m.float(9, 3)).toBe(3);
    expect(m.float(9)).toBe(0);
    expect(m.floats(5)).toEqual([]);
    expect(m.strings(3)).toEqual(['a', 'b']);
    expect(m.string(3)).toBe('b');
    expect(m.string(9)).toBe('');
    expect(m.bytes(9)).toBeUndefined();
    expect(m.message(4)?.int(1)).toBe(7);
    expect(m.message(9)).toBeUndefined();
    expect(m.messages(4)).toHaveLength(1);
    expect(m.has(4)).toBe(true);
    expect(m.has(9)).toBe(false);
    // Only length-delimited values are bytes or strings; fixed-width values are no ints.
    expect(m.strings(5)).toEqual([]);
    expect(new ProtoMessage(bytesOf((w) => w.float(1, 1.5))).ints(1)).toEqual([]);
    expect(m.ints(5)).toEqual([9]);
    // A packed list cut inside a varint.
    const cut = new ProtoMessage(Uint8Array.from([0x0a, 2, 0x05, 0x80]));
    expect(() => cut.ints(1)).toThrow(new ProtoError('truncated packed varint'));
  });
});

/** TensorProto bytes. */
const tensor = (build: (w: ProtoWriter) => void) => (w: ProtoWriter) => w.message(5, build);
/** ModelProto bytes: ir_version 8, producer "p", one graph built by `graph`. */
const model = (graph: (w: ProtoWriter) => void, opsets: [string, number][] = [['', 17]]) =>
  bytesOf((w) => {
    w.varint(1, 8);
    w.string(2, 'p');
    w.message(7, graph);
    for (const [domain, version] of opsets)
      w.message(8, (o) => {
        if (domain !== '') o.string(1, domain);
        o.varint(2, version);
      });
  });

describe('ONNX decoder', () => {
  it('reads tensors in every layout it supports', () => {
    const decoded = decodeOnnx(
      model((g) => {
        g.string(2, 'g');
        tensor((t) => t.packedVarints(1, [2]).varint(2, 1).string(8, 'raw').bytes(9, f32(1.5, -2)))(
          g,
        );
        tensor((t) => t.packedVarints(1, [2]).varint(2, 1).string(8, 'fd').bytes(4, f32(3, 4)))(g);
        tensor((t) =>
          t.packedVarints(1, [2]).varint(2, 11).string(8, 'draw').bytes(9, f64(0.25, -8)),
        )(g);
        tensor((t) =>
          t.packedVarints(1, [2]).varint(2, 11).string(8, 'dd').bytes(10, f64(3.5, -1)),
        )(g);
        tensor((t) =>
          t
            .packedVarints(1, [3])
            .varint(2, 7)
            .string(8, 'i64raw')
            .bytes(9, new Uint8Array(BigInt64Array.of(5n, -1n, 4294967297n).buffer)),
        )(g);
        tensor((t) =>
          t
            .packedVarints(1, [1])
            .varint(2, 6)
            .string(8, 'i32raw')
            .bytes(9, new Uint8Array(Int32Array.of(-7).buffer)),
        )(g);
        tensor((t) =>
          t.packedVarints(1, [2]).varint(2, 7).string(8, 'i64').packedVarints(7, [3, -4]),
        )(g);
        tensor((t) => t.packedVarints(1, [1]).varint(2, 6).string(8, 'i32').packedVarints(5, [9]))(
          g,
        );
        tensor((t) => t.varint(2, 9).string(8, 'flag').bytes(9, Uint8Array.of(1)))(g);
      }),
    );
    const t = decoded.graph.initializers;
    expect(decoded.graph.name).toBe('g');
    expect(t.get('raw')).toEqual({
      name: 'raw',
      dims: [2],
      dataType: 1,
      floats: Float32Array.of(1.5, -2),
    });
    expect([...t.get('fd')!.floats!]).toEqual([3, 4]);
    expect([...t.get('draw')!.floats!]).toEqual([0.25, -8]);
    expect([...t.get('dd')!.floats!]).toEqual([3.5, -1]);
    // 2^32 + 1 needs all 8 bytes (its low 4 bytes alone read 1).
    expect(t.get('i64raw')!.ints).toEqual([5, -1, 4294967297]);
    expect(t.get('i32raw')!.ints).toEqual([-7]);
    expect(t.get('i64')!.ints).toEqual([3, -4]);
    expect(t.get('i32')!.ints).toEqual([9]);
    expect(t.get('flag')).toEqual({ name: 'flag', dims: [], dataType: 9 });
  });

  it('refuses broken tensors with the tensor name and the sizes', () => {
    const decodeTensor = (build: (w: ProtoWriter) => void) => () =>
      decodeOnnx(model((g) => tensor((t) => build(t.string(8, 'w')))(g)));
    expect(decodeTensor((t) => t.varint(2, 1).varint(14, 1))).toThrow(
      new OnnxDecodeError('tensor w keeps its data in an external file'),
    );
    expect(decodeTensor((t) => t.varint(2, 1).varint(14, 0).bytes(9, f32(1)))).not.toThrow();
    expect(decodeTensor((t) => t.packedVarints(1, [2, -1]).varint(2, 1))).toThrow(
      new OnnxDecodeError(
        'tensor w has dimensions [2, -1]; each must be a whole number of at least 0',
      ),
    );
    expect(decodeTensor((t) => t.packedVarints(1, [0]).varint(2, 1))).not.toThrow();
    expect(
      decodeTensor((t) => t.packedVarints(1, [2]).varint(2, 1).bytes(9, new Uint8Array(6))),
    ).toThrow(
      new OnnxDecodeError('tensor w: its raw data is 6 bytes, but 2 float32 values need 8 bytes'),
    );
    expect(
      decodeTensor((t) => t.packedVarints(1, [2]).varint(2, 1).bytes(9, new Uint8Array(4))),
    ).toThrow(
      new OnnxDecodeError('tensor w: its raw data is 4 bytes, but 2 float32 values need 8 bytes'),
    );
    expect(
      decodeTensor((t) => t.packedVarints(1, [2]).varint(2, 11).bytes(9, new Uint8Array(8))),
    ).toThrow(
      new OnnxDecodeError('tensor w: its raw data is 8 bytes, but 2 float64 values need 16 bytes'),
    );
    expect(decodeTensor((t) => t.packedVarints(1, [2]).varint(2, 1).bytes(4, f32(1)))).toThrow(
      new OnnxDecodeError('tensor w has 1 values for 2 elements'),
    );
  });

  it('reads nodes with their attributes, value infos and the default-domain opset', () => {
    const decoded = decodeOnnx(
      model(
        (g) => {
          g.message(1, (n) => {
            n.string(1, 'x').string(1, 'w').string(2, 'y').string(3, 'n1').string(4, 'Conv');
            n.message(5, (a) => a.string(1, 'alpha').float(2, 0.5));
            n.message(5, (a) => a.string(1, 'axis').varint(3, -1));
            n.message(5, (a) => a.string(1, 'mode').string(4, 'same'));
            n.message(5, (a) => a.string(1, 'scales').bytes(7, f32(1, 2)));
            n.message(5, (a) => a.string(1, 'perm').packedVarints(8, [0, 2, 1]));
            n.message(5, (a) => a.string(1, 'acts').string(9, 'Relu').string(9, 'Tanh'));
            n.message(5, (a) =>
              a
                .string(1, 'value')
                .message(5, (t) => t.varint(2, 7).string(8, 'c').packedVarints(7, [4])),
            );
            n.message(5, (a) => a.string(1, 'body').message(6, () => {}));
            n.message(5, (a) => a.string(1, 'branches').message(11, () => {}));
            n.string(7, 'com.example');
          });
          g.message(11, (v) => {
            v.string(1, 'x');
            v.message(2, (tp) =>
              tp.message(1, (tt) => {
                tt.varint(1, 1);
                tt.message(2, (s) => {
                  s.message(1, (d) => d.string(2, 'batch'));
                  s.message(1, (d) => d.varint(1, 3));
                  s.message(1, () => {});
                });
              }),
            );
          });
          g.message(12, (v) => v.string(1, 'y'));
          g.message(12, (v) =>
            v.string(1, 'z').message(2, (tp) => tp.message(1, (tt) => tt.varint(1, 7))),
          );
        },
        [
          ['com.example', 2],
          ['ai.onnx', 13],
          ['', 11],
        ],
      ),
    );
    expect(decoded.irVersion).toBe(8);
    expect(decoded.producerName).toBe('p');
    expect(decoded.opset).toBe(13);
    const [node] = decoded.graph.nodes;
    expect(node).toMatchObject({
      name: 'n1',
      opType: 'Conv',
      domain: 'com.example',
      inputs: ['x', 'w'],
      outputs: ['y'],
    });
    expect(Object.fromEntries(node!.attrs)).toEqual({
      alpha: { name: 'alpha', f: 0.5 },
      axis: { name: 'axis', i: -1 },
      mode: { name: 'mode', s: 'same' },
      scales: { name: 'scales', floats: [1, 2] },
      perm: { name: 'perm', ints: [0, 2, 1] },
      acts: { name: 'acts', strings: ['Relu', 'Tanh'] },
      value: { name: 'value', t: { name: 'c', dims: [], dataType: 7, ints: [4] } },
      body: { name: 'body', graph: true },
      branches: { name: 'branches', graph: true },
    });
    expect(decoded.graph.inputs).toEqual([{ name: 'x', elemType: 1, dims: ['batch', 3, '?'] }]);
    expect(decoded.graph.outputs).toEqual([
      { name: 'y', elemType: 0, dims: [] },
      { name: 'z', elemType: 7, dims: [] },
    ]);
    // No default-domain opset at all: 0. The empty domain counts as ai.onnx.
    expect(decodeOnnx(model(() => {}, [['x', 3]])).opset).toBe(0);
    expect(decodeOnnx(model(() => {}, [['', 9]])).opset).toBe(9);
  });

  it('refuses bytes that are no ONNX model', () => {
    expect(() => decodeOnnx(bytesOf((w) => w.varint(1, 8)))).toThrow(
      new OnnxDecodeError('no graph or IR version: not an ONNX model'),
    );
    expect(() => decodeOnnx(bytesOf((w) => w.message(7, () => {})))).toThrow(
      new OnnxDecodeError('no graph or IR version: not an ONNX model'),
    );
    expect(() => decodeOnnx(Uint8Array.of(0x0a, 9))).toThrow(
      new OnnxDecodeError('not a readable ONNX file (truncated field)'),
    );
  });
});

describe('ONNX graph builder', () => {
  it('writes attribute helpers with the ONNX attribute types', () => {
    expect(ints('perm', [0, 3])).toEqual({ name: 'perm', type: 7, ints: [0, 3] });
    expect(int('axis', -1)).toEqual({ name: 'axis', type: 2, i: -1 });
    expect(string('direction', 'reverse')).toEqual({ name: 'direction', type: 3, s: 'reverse' });
    expect(strings('acts', ['Relu'])).toEqual({ name: 'acts', type: 8, strings: ['Relu'] });
    expect(float('epsilon', 0.5)).toEqual({ name: 'epsilon', type: 1, f: 0.5 });
    expect(ONNX_PRODUCER).toBe('netwright');
  });

  it('initializers: float32 with its dims, int64 as a 1-D list', () => {
    const g = new GraphBuilder();
    expect(g.floats('w', [1, 2], Float32Array.of(1, 2))).toBe('w');
    expect(g.int64s('shape', [-1, 4])).toBe('shape');
    expect(g.initializers).toEqual([
      { name: 'w', dims: [1, 2], dataType: 1, floats: Float32Array.of(1, 2) },
      { name: 'shape', dims: [2], dataType: 7, ints: [-1, 4] },
    ]);
  });

  it('activations: one node named <prefix>/<OpType>, none for linear, gelu through erf', () => {
    for (const [act, opType] of [
      ['relu', 'Relu'],
      ['sigmoid', 'Sigmoid'],
      ['tanh', 'Tanh'],
      ['elu', 'Elu'],
      ['selu', 'Selu'],
      ['softplus', 'Softplus'],
    ]) {
      const g = new GraphBuilder();
      expect(g.activation(act!, 'x', 'd', 'out')).toBe('out');
      expect(g.nodes).toEqual([
        { name: `d/${opType}`, opType, inputs: ['x'], outputs: ['out'], attrs: [] },
      ]);
    }
    const linear = new GraphBuilder();
    expect(linear.activation('linear', 'x', 'd', 'out')).toBe('x');
    expect(linear.nodes).toEqual([]);
    const soft = new GraphBuilder();
    soft.activation('softmax', 'x', 'd', 'out');
    expect(soft.nodes).toEqual([
      {
        name: 'd/Softmax',
        opType: 'Softmax',
        inputs: ['x'],
        outputs: ['out'],
        attrs: [int('axis', -1)],
      },
    ]);
    // Keras 3's leaky_relu activation: negative_slope 0.2.
    const leaky = new GraphBuilder();
    leaky.activation('leaky_relu', 'x', 'd', 'out');
    expect(leaky.nodes).toEqual([
      {
        name: 'd/LeakyRelu',
        opType: 'LeakyRelu',
        inputs: ['x'],
        outputs: ['out'],
        attrs: [float('alpha', 0.2)],
      },
    ]);
    // gelu(x) = 0.5 · x · (1 + erf(x / √2)).
    const gelu = new GraphBuilder();
    expect(gelu.activation('gelu', 'x', 'd', 'out')).toBe('out');
    expect(gelu.nodes.map((n) => [n.name, n.opType, n.inputs, n.outputs])).toEqual([
      ['d/gelu/Div', 'Div', ['x', 'd/gelu/sqrt2'], ['d/gelu/Div']],
      ['d/gelu/Erf', 'Erf', ['d/gelu/Div'], ['d/gelu/Erf']],
      ['d/gelu/Add', 'Add', ['d/gelu/Erf', 'd/gelu/one'], ['d/gelu/Add']],
      ['d/gelu/Mul', 'Mul', ['x', 'd/gelu/Add'], ['d/gelu/Mul']],
      ['d/gelu/Mul_half', 'Mul', ['d/gelu/Mul', 'd/gelu/half'], ['out']],
    ]);
    expect(gelu.initializers.map((t) => [t.name, t.dims, t.floats?.[0]])).toEqual([
      ['d/gelu/sqrt2', [], Math.fround(Math.SQRT2)],
      ['d/gelu/one', [], 1],
      ['d/gelu/half', [], 0.5],
    ]);
    expect(() => new GraphBuilder().activation('swish', 'x', 'd', 'out')).toThrow(
      new OnnxExportError('ONNX export: no ONNX form for activation "swish"'),
    );
  });
});

describe('ONNX export driver', () => {
  /** Input (3) → Dense (2) [→ Dropout]: the weights of the Dense filled with 0.5. */
  const dense = (dropout: boolean, dtype?: string) => {
    const blocks: [string, string, Record<string, unknown>?][] = [
      ['in', 'Input', { shape: [3], ...(dtype ? { dtype } : {}) }],
      ['d', 'Dense', { units: 2 }],
    ];
    if (dropout) blocks.push(['drop', 'Dropout', { rate: 0.5 }]);
    const r = lowerGraph(graphOf(blocks, dropout ? ['in->d', 'd->drop'] : ['in->d']));
    if (!r.ok) throw new Error('must lower');
    const weights: ModelWeights = new Map([
      [
        'd',
        [
          { name: 'kernel', shape: [3, 2], data: new Float32Array(6).fill(0.5) },
          { name: 'bias', shape: [2], data: new Float32Array(2) },
        ],
      ],
    ]);
    return { ir: r.ir, weights };
  };

  it('names the graph input after the Input, the output after the last block', () => {
    const { ir, weights } = dense(false);
    const m = buildOnnxModel(ir, weights);
    expect(m).toMatchObject({
      irVersion: 8,
      opsets: [{ domain: '', version: 17 }],
      producerName: 'netwright',
      producerVersion: '0.1.0',
      metadata: {},
    });
    expect(m.graph.name).toBe('model');
    // "in" is a Python keyword: the Input's op name is in_layer.
    expect(m.graph.inputs).toEqual([{ name: 'in_layer', elemType: 1, dims: ['batch', 3] }]);
    expect(m.graph.outputs).toEqual([{ name: 'd', elemType: 1, dims: ['batch', 2] }]);
    expect(m.graph.nodes.at(-1)!.outputs).toEqual(['d']);
    expect(m.graph.nodes[0]!.inputs[0]).toBe('in_layer');
    expect(m.graph.nodes.some((n) => n.opType === 'Identity')).toBe(false);
    const named = buildOnnxModel(ir, weights, { name: 'net', producerVersion: '9.9' });
    expect(named.graph.name).toBe('net');
    expect(named.producerVersion).toBe('9.9');
    // The bytes start with ir_version 8 and producer_name "netwright".
    expect([...exportOnnx(ir, weights).subarray(0, 13)]).toEqual([
      0x08,
      8,
      0x12,
      9,
      ...new TextEncoder().encode('netwright'),
    ]);
  });

  it('a last block that writes no node (Dropout) gets an Identity named after it', () => {
    const { ir, weights } = dense(true);
    const m = buildOnnxModel(ir, weights);
    expect(m.graph.nodes.at(-1)).toEqual({
      name: 'drop/Output',
      opType: 'Identity',
      inputs: ['d'],
      outputs: ['drop'],
      attrs: [],
    });
    expect(m.graph.outputs[0]!.name).toBe('drop');
  });

  it('an int32 Input (token ids) is an INT32 graph input', () => {
    const r = lowerGraph(
      graphOf(
        [
          ['ids', 'Input', { shape: [4], dtype: 'int32' }],
          ['emb', 'Embedding', { input_dim: 5, output_dim: 2 }],
        ],
        ['ids->emb'],
      ),
    );
    if (!r.ok) throw new Error('must lower');
    const weights: ModelWeights = new Map([
      ['emb', [{ name: 'embeddings', shape: [5, 2], data: new Float32Array(10) }]],
    ]);
    expect(buildOnnxModel(r.ir, weights).graph.inputs[0]).toEqual({
      name: 'ids',
      elemType: 6,
      dims: ['batch', 4],
    });
  });

  it('refuses weights that do not fit, and a block type with no ONNX form', () => {
    const { ir } = dense(false);
    expect(() => buildOnnxModel(ir, new Map())).toThrow(
      new OnnxExportError('ONNX export: the weights do not fit the model: no weights for layer d'),
    );
    // Two problems are joined with "; ".
    const two = lowerGraph(
      graphOf(
        [
          ['x', 'Input', { shape: [3] }],
          ['a', 'Dense', { units: 2 }],
          ['b', 'Dense', { units: 1 }],
        ],
        ['x->a', 'a->b'],
      ),
    );
    if (!two.ok) throw new Error('must lower');
    expect(() => buildOnnxModel(two.ir, new Map())).toThrow(
      new OnnxExportError(
        'ONNX export: the weights do not fit the model: no weights for layer a; no weights for layer b',
      ),
    );
    const { weights } = dense(false);
    const unknown = {
      ...ir,
      ops: ir.ops.map((op) => (op.id === 'd' ? { ...op, type: 'Nope' } : op)),
    };
    expect(() => buildOnnxModel(unknown, weights)).toThrow(
      new OnnxExportError('ONNX export: no ONNX form for block type "Nope" (d)'),
    );
  });
});
