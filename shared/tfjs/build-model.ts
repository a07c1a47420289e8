/**
 * IR → TF.js `LayersModel`. Pure: takes the `tf` namespace from the caller's import of
 * `@tensorflow/tfjs` (browser, worker and Node alike), so the model lives on the caller's
 * backend and engine.
 *
 * Layer names are the IR op names (`dense_1`, ...), and layer configs equal Keras's: the
 * codegen's Keras output can be compared with `model.getLayer(op.name).getConfig()` (TF.js
 * spells the keys in camelCase: `kernelSize`, `useBias`; values are Keras's). Reshape gets the
 * IR-resolved target shape (a `-1` replaced by its inferred size, as Keras computes it).
 *
 * One exception to "one op = one layer": TF.js has no `leaky_relu` activation string, so a
 * Dense/Conv2D with `activation: 'leaky_relu'` becomes the layer (activation `linear`) named
 * after the op, followed by a `LeakyReLU({alpha: LEAKY_RELU_SLOPE})` layer named
 * `leakyReluLayerName(op.name)` (`<op name>.leaky_relu`: the dot cannot occur in an op name,
 * so it never collides). An `Activation` block with `leaky_relu` is a single `LeakyReLU` layer
 * carrying the op name.
 *
 * A second: a merge (Add, Concatenate) that reads one tensor on several ports reads it through
 * a linear `Activation` layer named `repeatedInputLayerName(op.name, port)` on every port but
 * the first. tfjs-layers 4.22's executor counts the distinct layers that read a tensor but
 * decrements the count once per port, so in `predict` it disposes a tensor read twice by one
 * layer while a later layer still needs it ("Cannot read properties of undefined (reading
 * 'backend')" on wasm; found by the differential fuzzer, tests/fixtures/fuzz/wasm-merge-reuse.json).
 *
 * Dense and Conv2D layers with `relu`, `elu` or `sigmoid` compute matmul/convolution + bias +
 * activation as one kernel in training as well (`fused-dense.ts`, `fused-conv.ts`); their class,
 * config and weights are TF.js's own. The layer whose softmax/sigmoid is the model's last
 * activation hands its logits to the loss, and the blocks after it that pass values on unchanged
 * hand them on (`output-logits.ts`).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { IrOp, ModelIR } from '../ir/lower.ts';
import * as tfjsKit from '../layers/backends/tfjs.ts';
import { getLayer } from '../layers/registry.ts';
import { fuseConv2DLayer } from './fused-conv.ts';
import { fuseDenseLayer } from './fused-dense.ts';
import { fuseDropoutLayer } from './fused-dropout.ts';
import { keepOutputLogits, passOutputLogits } from './output-logits.ts';
import { outputActivationOp, outputChain } from '../codegen/loss.ts';

export type Tf = typeof tfjs;
type SymbolicTensor = tfjs.SymbolicTensor;
type Layer = tfjs.layers.Layer;

export interface BuildModelOptions {
  /**
   * Seed for the kernel initialisers (glorot uniform, as Keras). Each layer gets `seed + index`
   * so that two builds with one seed start from the same weights. Omitted: random.
   */
  seed?: number;
  /** Model name; default `model`. */
  name?: string;
}

/** Name of the extra LeakyReLU layer that follows a Dense/Conv2D with `leaky_relu`. */
export const leakyReluLayerName: (opName: string) => string = tfjsKit.leakyReluLayerName;

/**
 * Name of the identity layer through which a merge op reads, on port `port`, a tensor it already
 * reads on an earlier port (e.g. `Add(d, d)`): `<op name>.input_<port>`.
 */
export function repeatedInputLayerName(opName: string, port: number): string {
  return `${opName}.input_${port}`;
}

/** The op name a TF.js layer belongs to (undoes `leakyReluLayerName`, `repeatedInputLayerName`). */
export function opNameOfLayer(layerName: string): string {
  const dot = layerName.indexOf('.');
  return dot === -1 ? layerName : layerName.slice(0, dot);
}

/** Ops whose TF.js layers hold weights, in model order, with the layer that holds them. */
export function weightLayerNames(ir: ModelIR): string[] {
  return ir.ops.filter((op) => op.count.trainable + op.count.nonTrainable > 0).map((op) => op.name);
}

/**
 * What an op does for the output's logits (output-logits.ts): 'activation' for the op whose
 * activation is the model's last (`outputActivationOp`), 'pass' for the blocks after it that pass
 * values on unchanged, else 'none'.
 */
type LogitsRole = 'activation' | 'pass' | 'none';

function logitsRoles(ir: ModelIR): Map<string, LogitsRole> {
  const roles = new Map<string, LogitsRole>();
  const last = outputActivationOp(ir);
  if (!last) return roles;
  // outputActivationOp is the end of outputChain; the ops before it pass values on.
  for (const op of outputChain(ir)) roles.set(op.id, op === last ? 'activation' : 'pass');
  return roles;
}

/**
 * The TF.js layers of one op, from its kind's `tfjs.layers` hook (usually one; e.g. Dense/Conv2D
 * with leaky_relu gives two). `index` is the op's position in the IR (seeds `seed + index`);
 * `role` is its part in handing the output's logits to the loss.
 */
function layersFor(
  tf: Tf,
  op: IrOp,
  index: number,
  seed: number | undefined,
  role: LogitsRole,
): Layer[] {
  const def = getLayer(op.type);
  if (!def) throw new Error(`TF.js back-end: no layer for block type "${op.type}" (${op.label})`);
  const layers = def.tfjs.layers(tf, op, { seed: seed === undefined ? undefined : seed + index });
  return layers.map((layer, i) => {
    // (Dropout: one kernel in training on webgpu, fused-dropout.ts.)
    if (role === 'pass') return passOutputLogits(fuseDropoutLayer(tf, layer));
    // The model's softmax/sigmoid output hands its logits to the loss (output-logits.ts); a
    // sigmoid Dense there stays unfused so that its logits exist.
    if (role === 'activation' && i === layers.length - 1 && keepOutputLogits(tf, layer))
      return layer;
    // Dense and Conv2D layers with relu/elu/sigmoid run as one fused kernel in training too
    // (fused-dense.ts, fused-conv.ts).
    return fuseDropoutLayer(tf, fuseConv2DLayer(tf, fuseDenseLayer(tf, layer)));
  });
}

/**
 * Builds the model: `tf.sequential` when the IR is a chain, else `tf.model`. The caller owns the
 * model: dispose it (and its optimizer, see training) when done.
 */
export function buildModel(tf: Tf, ir: ModelIR, options: BuildModelOptions = {}): tfjs.LayersModel {
  const input = ir.ops[0];
  if (!input || input.type !== 'Input')
    throw new Error('TF.js back-end: the IR must start with an Input op');
  const shape = input.params.shape as number[];
  // Token ids (an Input of dtype int32) enter as int32, as Keras's keras.Input(dtype="int32").
  const dtype = input.params.dtype === 'int32' ? 'int32' : 'float32';
  const modelName = options.name ?? 'model';
  const roles = logitsRoles(ir);
  if (ir.isChain) {
    const layers: Layer[] = [tf.layers.inputLayer({ name: input.name, inputShape: shape, dtype })];
    ir.ops
      .slice(1)
      .forEach((op, i) =>
        layers.push(...layersFor(tf, op, i + 1, options.seed, roles.get(op.id) ?? 'none')),
      );
    return tf.sequential({ name: modelName, layers });
  }
  const outputs = new Map<string, SymbolicTensor>();
  const x = tf.input({ name: input.name, shape, dtype });
  outputs.set(input.id, x);
  ir.ops.slice(1).forEach((op, i) => {
    const ins = op.inputs.map((id, port) => {
      const t = outputs.get(id);
      if (!t) throw new Error(`TF.js back-end: op ${op.name} reads ${id} before it is built`);
      // A tensor read twice by one merge goes through an identity layer the second time (see
      // the module comment): tfjs-layers' predict would otherwise free it too early.
      if (op.inputs.indexOf(id) === port) return t;
      return tf.layers
        .activation({ name: repeatedInputLayerName(op.name, port), activation: 'linear' })
        .apply(t) as SymbolicTensor;
    });
    let y: SymbolicTensor | SymbolicTensor[] = ins.length === 1 ? ins[0]! : ins;
    for (const layer of layersFor(tf, op, i + 1, options.seed, roles.get(op.id) ?? 'none')) {
      y = layer.apply(y) as SymbolicTensor;
    }
    outputs.set(op.id, y as SymbolicTensor);
  });
  const out = outputs.get(ir.outputId);
  if (!out) throw new Error('TF.js back-end: the output op was not built');
  return tf.model({ name: modelName, inputs: x, outputs: out });
}
