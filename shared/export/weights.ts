/**
 * Trained weights as every exporter and importer sees them: per layer (keyed by the IR op name,
 * which is also the TF.js layer name), the layer's arrays in Keras order and Keras layouts.
 *
 * Which arrays a layer kind holds, their order and layout, is the kind's knowledge: the
 * `tfjs.weights` hook in `shared/layers/kinds/<kind>.ts` (hook type and docs in
 * `shared/layers/backends/tfjs.ts`). For example Dense: `kernel [in, units]`, `bias [units]`
 * (when `use_bias`); Conv2D: `kernel [kh, kw, in, filters]`, `bias [filters]`;
 * BatchNormalization: `gamma`, `beta`, `moving_mean`, `moving_variance`, each `[channels]`;
 * LayerNormalization: `gamma`, `beta`, each `[features]`. A kind without the hook holds none.
 *
 * Data is row-major (C order) float32.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { IrOp, ModelIR } from '../ir/lower.ts';
import { getLayer } from '../layers/registry.ts';
import { progressTicker, type ExportProgressCallback } from './progress.ts';

export interface WeightTensor {
  /** The array's Keras name: `kernel`, `bias`, `gamma`, `moving_mean`, … (see the kind's hook). */
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Layer name → its arrays in Keras order. */
export type ModelWeights = Map<string, WeightTensor[]>;

/**
 * Names and shapes of the arrays an op holds, in Keras order (its kind's `tfjs.weights` hook);
 * empty for weightless ops and unknown kinds.
 */
export function expectedWeights(op: IrOp): { name: string; shape: number[] }[] {
  return getLayer(op.type)?.tfjs.weights?.(op) ?? [];
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Problems that make `weights` unusable for `ir` (missing layers, wrong names or shapes). */
export function checkWeights(ir: ModelIR, weights: ModelWeights): string[] {
  const problems: string[] = [];
  for (const op of ir.ops) {
    const expected = expectedWeights(op);
    if (expected.length === 0) continue;
    const got = weights.get(op.name);
    if (!got) {
      problems.push(`no weights for layer ${op.name}`);
      continue;
    }
    const describe = (list: { name: string; shape: number[] }[]) =>
      list.map((w) => `${w.name} [${w.shape.join(', ')}]`).join(', ');
    const same =
      got.length === expected.length &&
      got.every(
        (w, i) =>
          w.name === expected[i]!.name &&
          w.shape.length === expected[i]!.shape.length &&
          w.shape.every((d, j) => d === expected[i]!.shape[j]) &&
          w.data.length === sizeOf(w.shape),
      );
    if (!same) {
      problems.push(
        `layer ${op.name}: weights are ${describe(got)}; expected ${describe(expected)}`,
      );
    }
  }
  return problems;
}

/** Looks up one array of a layer; throws when it is missing (call `checkWeights` first). */
export function weightOf(weights: ModelWeights, layer: string, name: string): WeightTensor {
  const w = weights.get(layer)?.find((t) => t.name === name);
  if (!w) throw new Error(`no weight ${layer}/${name}`);
  return w;
}

/**
 * The model's layers by name. TF.js's `model.getLayer(name)` scans every layer, so calling it once
 * per op was quadratic: 18 of the 54 s of a 50,000-block ONNX export.
 */
function layerNamed(model: tfjs.LayersModel, name: string): tfjs.layers.Layer {
  let map = layerMaps.get(model);
  if (!map) {
    map = new Map(model.layers.map((l) => [l.name, l]));
    layerMaps.set(model, map);
  }
  const layer = map.get(name);
  if (!layer) throw new Error(`the TF.js model has no layer ${name}`);
  return layer;
}
const layerMaps = new WeakMap<tfjs.LayersModel, Map<string, tfjs.layers.Layer>>();

/**
 * Reads the weights of a TF.js model built by `buildModel` from the same IR. `onProgress` gets
 * `weights` reports (ops done of all ops); with it the loop also pauses now and then for a
 * macrotask (see `progressTicker`).
 */
export async function readModelWeights(
  model: tfjs.LayersModel,
  ir: ModelIR,
  onProgress?: ExportProgressCallback,
): Promise<ModelWeights> {
  const out: ModelWeights = new Map();
  const tick = progressTicker(onProgress);
  const total = ir.ops.length;
  for (let index = 0; index < total; index++) {
    const op = ir.ops[index]!;
    if (index % 256 === 0) await tick({ stage: 'weights', done: index, total });
    const expected = expectedWeights(op);
    if (expected.length === 0) continue;
    const tensors = layerNamed(model, op.name).getWeights();
    if (tensors.length !== expected.length) {
      throw new Error(
        `layer ${op.name} holds ${tensors.length} arrays; expected ${expected.length}`,
      );
    }
    const list: WeightTensor[] = [];
    for (let i = 0; i < tensors.length; i++) {
      const t = tensors[i]!;
      const data = (await t.data()) as Float32Array;
      list.push({ name: expected[i]!.name, shape: [...t.shape], data: Float32Array.from(data) });
    }
    out.set(op.name, list);
  }
  await tick({ stage: 'weights', done: total, total });
  return out;
}

/** Loads `weights` into a TF.js model built by `buildModel` from the same IR. */
export function setModelWeights(
  tf: typeof tfjs,
  model: tfjs.LayersModel,
  ir: ModelIR,
  weights: ModelWeights,
): void {
  const problems = checkWeights(ir, weights);
  if (problems.length > 0) throw new Error(`Weights do not fit the model: ${problems.join('; ')}`);
  for (const op of ir.ops) {
    const list = weights.get(op.name);
    if (!list || expectedWeights(op).length === 0) continue;
    const tensors = list.map((w) => tf.tensor(w.data, w.shape, 'float32'));
    layerNamed(model, op.name).setWeights(tensors);
    tf.dispose(tensors);
  }
}
