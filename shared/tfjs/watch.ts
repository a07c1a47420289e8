/**
 * "Watch the weights" while a model trains: per-weight histograms (bins only, cheap to post) and
 * the first Dense layer's kernel as 28×28 images when it reads MNIST-sized inputs. Computed in
 * the training worker; the snapshot is taken synchronously (tensor clones), so the optimiser may
 * go on updating the variables while the values are read.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';
import { opNameOfLayer } from './build-model.ts';
import type { WeightHistogram } from './inspect.ts';

/** The first Dense layer's incoming weights, one 784-value image per unit (first `units`). */
export interface FirstLayerImages {
  layer: string;
  /** Units shown (at most the layer's). */
  units: number;
  /** The layer's unit count. */
  totalUnits: number;
  /** `units × 784` values: unit u's image is `values[u*784 .. (u+1)*784)`, row-major 28×28. */
  values: Float32Array;
}

export interface WeightsWatch {
  histograms: WeightHistogram[];
  firstDense: FirstLayerImages | null;
}

/** Histogram of `values` over [min, max] in `bins` bins, with mean and standard deviation. */
export function histogramOf(name: string, values: ArrayLike<number>, bins = 30): WeightHistogram {
  const n = values.length;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const mean = n ? sum / n : 0;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (values[i]! - mean) ** 2;
  const counts = new Array<number>(bins).fill(0);
  const width = max > min ? (max - min) / bins : 1;
  for (let i = 0; i < n; i++)
    counts[Math.max(0, Math.min(bins - 1, Math.floor((values[i]! - min) / width)))]! += 1;
  return {
    name,
    min: n ? min : 0,
    max: n ? max : 0,
    mean,
    std: n ? Math.sqrt(sq / n) : 0,
    counts,
  };
}

/** Keras's short name of a weight, e.g. `dense_1/kernel_3` → `kernel`. */
function shortName(w: tfjs.LayerVariable): string {
  const original = w.originalName ?? w.name;
  return original.slice(original.lastIndexOf('/') + 1).replace(/_\d+$/, '');
}

/**
 * A snapshot of the model's weights as histograms (+ the first Dense layer's images when its
 * kernel is `[784, units]`). Call between optimiser steps; safe to await while training goes on.
 */
export async function watchWeights(
  tf: Tf,
  model: tfjs.LayersModel,
  options: { bins?: number; units?: number } = {},
): Promise<WeightsWatch> {
  const bins = options.bins ?? 30;
  const maxUnits = options.units ?? 32;
  const snaps: { name: string; tensor: tfjs.Tensor; layer: string; className: string }[] = [];
  for (const layer of model.layers)
    for (const w of layer.weights)
      snaps.push({
        name: `${opNameOfLayer(layer.name)}/${shortName(w)}`,
        tensor: tf.clone(w.read()),
        layer: opNameOfLayer(layer.name),
        className: layer.getClassName(),
      });
  try {
    const data = await Promise.all(snaps.map((s) => s.tensor.data() as Promise<Float32Array>));
    const histograms = snaps.map((s, i) => histogramOf(s.name, data[i]!, bins));
    let firstDense: FirstLayerImages | null = null;
    const first = snaps.findIndex((s) => s.className === 'Dense' && s.name.endsWith('/kernel'));
    const kernel = first >= 0 ? snaps[first]! : null;
    if (kernel && kernel.tensor.shape.length === 2 && kernel.tensor.shape[0] === 784) {
      const total = kernel.tensor.shape[1]!;
      const units = Math.min(total, maxUnits);
      const k = data[first]!;
      const values = new Float32Array(units * 784);
      for (let u = 0; u < units; u++)
        for (let i = 0; i < 784; i++) values[u * 784 + i] = k[i * total + u]!;
      firstDense = { layer: kernel.layer, units, totalUnits: total, values };
    }
    return { histograms, firstDense };
  } finally {
    tf.dispose(snaps.map((s) => s.tensor));
  }
}
