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
import { encodeModel } from '../../shared/onnx/proto.ts';

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
