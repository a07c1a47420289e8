/**
 * The ONNX graph builder the exporter and the layer kinds' `onnx.export` hooks write into, with
 * attribute helpers and the exporter's error type. Pure: no registry import (kinds reach it
 * through `shared/layers/backends/onnx.ts`).
 */
import { LEAKY_RELU_SLOPE } from '../layers/activations.ts';
import { AttrType, DataType, type OnnxAttr, type OnnxNode, type OnnxTensor } from './proto.ts';

/** `producer_name` Netwright writes; the importer trusts node names only in its own files. */
export const ONNX_PRODUCER = 'netwright';

/** A model that cannot be written as ONNX; the message names the block and why. */
export class OnnxExportError extends Error {}

/** An `INTS` attribute, e.g. `ints('perm', [0, 3, 1, 2])`. */
export const ints = (name: string, values: number[]): OnnxAttr => ({
  name,
  type: AttrType.INTS,
  ints: values,
});
/** An `INT` attribute, e.g. `int('axis', -1)`. */
export const int = (name: string, i: number): OnnxAttr => ({ name, type: AttrType.INT, i });
/** A `STRING` attribute, e.g. `string('direction', 'bidirectional')`. */
export const string = (name: string, s: string): OnnxAttr => ({ name, type: AttrType.STRING, s });
/** A `STRINGS` attribute, e.g. `strings('activations', ['Relu'])`. */
export const strings = (name: string, values: string[]): OnnxAttr => ({
  name,
  type: AttrType.STRINGS,
  strings: values,
});
/** A `FLOAT` attribute, e.g. `float('epsilon', 1e-3)`. */
export const float = (name: string, f: number): OnnxAttr => ({ name, type: AttrType.FLOAT, f });

/**
 * Collects nodes and initializers in emission order. Tensor names are strings; every method
 * returns the name of the tensor it produced, so calls chain:
 * `g.node('d/Relu', 'Relu', [g.node('d/MatMul', 'MatMul', [x, w], 'd/MatMul')], 'd')`.
 */
export class GraphBuilder {
  nodes: OnnxNode[] = [];
  initializers: OnnxTensor[] = [];

  /**
   * Appends one node named `name` with one output tensor `output`; returns `output`. `docString`
   * (NodeProto `doc_string`) carries a setting no operator holds, e.g. a dropout rate.
   */
  node(
    name: string,
    opType: string,
    inputs: string[],
    output: string,
    attrs: OnnxAttr[] = [],
    docString?: string,
  ): string {
    this.nodes.push({
      name,
      opType,
      inputs,
      outputs: [output],
      attrs,
      ...(docString ? { docString } : {}),
    });
    return output;
  }

  /** A float32 initializer of `dims` (row-major `data`); returns its name. */
  floats(name: string, dims: number[], data: Float32Array): string {
    this.initializers.push({ name, dims, dataType: DataType.FLOAT, floats: data });
    return name;
  }

  /** A 1-D int64 initializer (shapes, axes); returns its name. */
  int64s(name: string, values: number[]): string {
    this.initializers.push({ name, dims: [values.length], dataType: DataType.INT64, ints: values });
    return name;
  }

  /**
   * Applies a Keras activation to `x` (any layout; softmax is over the last axis); nodes are
   * named `<prefix>/<OpType>`. Returns the output tensor, named `output`, or `x` itself for
   * `linear`. Throws `OnnxExportError` for an activation with no ONNX form.
   */
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
