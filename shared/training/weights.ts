/**
 * Trained weights inside a project file: the top-level `weights` field.
 *
 * ```json
 * "weights": {
 *   "format": "netwright.weights", "version": 1,
 *   "dtype": "float32", "byteOrder": "little",
 *   "trainedOn": { "dataset": "mnist", "epochs": 5 },
 *   "layers": [
 *     { "layer": "dense_1",
 *       "tensors": [ { "name": "kernel", "shape": [784, 128] }, { "name": "bias", "shape": [128] } ],
 *       "data": "<base64 of the tensors' float32 values, little-endian, concatenated in order>" }
 *   ]
 * }
 * ```
 * `layer` is the TF.js layer name (the IR op name; `<op>.leaky_relu` layers have no weights);
 * tensor names are Keras's (`kernel`, `bias`, `gamma`, `beta`, `moving_mean`,
 * `moving_variance`), in the order of the layer's weights (Keras's `get_weights()` order). Kernels
 * are Keras-shaped: Dense `[in, out]`, Conv2D `[kh, kw, in, out]`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../tfjs/build-model.ts';
import { base64ToBytes, bytesToBase64 } from './base64.ts';

export const WEIGHTS_FORMAT = 'netwright.weights';

export interface WeightsTensor {
  name: string;
  shape: number[];
}

export interface WeightsLayer {
  layer: string;
  tensors: WeightsTensor[];
  data: string;
}

export interface WeightsSection {
  format: typeof WEIGHTS_FORMAT;
  version: 1;
  dtype: 'float32';
  byteOrder: 'little';
  trainedOn?: { dataset: string; epochs: number };
  layers: WeightsLayer[];
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function floatsToBytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (littleEndian) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 4)
    for (let k = 0; k < 4; k++) out[i + k] = bytes[i + 3 - k]!;
  return out;
}

/** Keras's short weight name from a TF.js variable name, e.g. `dense_1/kernel_3` → `kernel`. */
function shortName(variable: tfjs.LayerVariable): string {
  const original = variable.originalName ?? variable.name;
  return original.slice(original.lastIndexOf('/') + 1);
}

/** Reads every weight of the model (async: no `dataSync`, safe on WebGPU). */
export async function exportWeights(
  model: tfjs.LayersModel,
  trainedOn?: WeightsSection['trainedOn'],
): Promise<WeightsSection> {
  const layers: WeightsLayer[] = [];
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const tensors = layer.weights.map((w) => ({
      name: shortName(w),
      shape: [...w.shape] as number[],
    }));
    const values = await Promise.all(
      layer.weights.map((w) => w.read().data() as Promise<Float32Array>),
    );
    const total = values.reduce((n, v) => n + v.length, 0);
    const all = new Float32Array(total);
    let at = 0;
    for (const v of values) {
      all.set(v, at);
      at += v.length;
    }
    layers.push({ layer: layer.name, tensors, data: bytesToBase64(floatsToBytes(all)) });
  }
  return {
    format: WEIGHTS_FORMAT,
    version: 1,
    dtype: 'float32',
    byteOrder: 'little',
    ...(trainedOn ? { trainedOn } : {}),
    layers,
  };
}

export const NOT_A_WEIGHTS_SECTION = 'weights: not a netwright.weights version 1 section';

/** The value as a weights section when its header says it is one (format, version, layers). */
export function asWeightsSection(section: unknown): WeightsSection | null {
  const s = section as Partial<WeightsSection> | null;
  return s &&
    typeof s === 'object' &&
    s.format === WEIGHTS_FORMAT &&
    s.version === 1 &&
    Array.isArray(s.layers)
    ? (s as WeightsSection)
    : null;
}

/**
 * Loads a weights section into a model built from the same graph. Returns problems (a layer
 * missing, a shape that differs) instead of throwing; loads nothing when there are any.
 */
export function importWeights(tf: Tf, model: tfjs.LayersModel, section: unknown): string[] {
  const s = asWeightsSection(section);
  if (!s) return [NOT_A_WEIGHTS_SECTION];
  const problems: string[] = [];
  const assignments: [tfjs.LayerVariable, tfjs.Tensor][] = [];
  const byName = new Map(s.layers.map((l) => [l.layer, l]));
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const saved = byName.get(layer.name);
    if (!saved) {
      problems.push(`weights: no saved weights for layer ${layer.name}`);
      continue;
    }
    let floats: Float32Array;
    try {
      const bytes = base64ToBytes(saved.data);
      const copy = new Uint8Array(bytes.length);
      copy.set(bytes);
      if (!littleEndian) for (let i = 0; i < copy.length; i += 4) copy.subarray(i, i + 4).reverse();
      floats = new Float32Array(copy.buffer, 0, Math.floor(copy.length / 4));
    } catch (e) {
      problems.push(`weights: layer ${layer.name}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    let at = 0;
    layer.weights.forEach((w, i) => {
      const t = saved.tensors?.[i];
      const shape = [...w.shape] as number[];
      if (!t || t.shape.join(',') !== shape.join(',')) {
        problems.push(
          `weights: layer ${layer.name} tensor ${shortName(w)} has shape [${t?.shape.join(', ') ?? '?'}], the model needs [${shape.join(', ')}]`,
        );
        return;
      }
      const size = shape.reduce((a, b) => a * b, 1);
      if (at + size > floats.length) {
        problems.push(`weights: layer ${layer.name}: data is shorter than its shapes`);
        return;
      }
      assignments.push([w, tf.tensor(floats.slice(at, at + size), shape)]);
      at += size;
    });
  }
  if (problems.length === 0) for (const [w, t] of assignments) w.write(t);
  tf.dispose(assignments.map(([, t]) => t));
  return problems;
}
