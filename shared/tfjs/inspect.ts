/**
 * Looking inside a model for teaching: every block's activations for one example (step through a
 * forward pass) and per-layer weight histograms. Pure: takes the caller's `tf` namespace.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelIR } from '../ir/lower.ts';
import type { Tf } from './build-model.ts';
import { opNameOfLayer } from './build-model.ts';

/** One block's output for the example being stepped through. */
export interface BlockActivation {
  opId: string;
  opName: string;
  type: string;
  /** Output shape without the batch dimension. */
  shape: number[];
  values: Float32Array;
}

/**
 * Runs one example through the model and returns each op's output in model order. Ops that
 * became two TF.js layers (Dense + LeakyReLU) report the last one's output. Inference mode:
 * Dropout passes values through, BatchNormalization uses its moving statistics.
 */
export async function stepThrough(
  tf: Tf,
  model: tfjs.LayersModel,
  ir: ModelIR,
  example: Float32Array,
): Promise<BlockActivation[]> {
  const inputOp = ir.ops[0]!;
  const inputShape = inputOp.params.shape as number[];
  const lastLayerOfOp = new Map<string, tfjs.layers.Layer>();
  for (const layer of model.layers) lastLayerOfOp.set(opNameOfLayer(layer.name), layer);
  const ops = ir.ops.slice(1).filter((op) => lastLayerOfOp.has(op.name));
  const probe = tf.model({
    inputs: model.inputs,
    outputs: ops.map((op) => lastLayerOfOp.get(op.name)!.output as tfjs.SymbolicTensor),
  });
  const x = tf.tensor(example, [1, ...inputShape]);
  const raw = probe.predict(x);
  const outputs = Array.isArray(raw) ? raw : [raw];
  try {
    const values = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
    return [
      {
        opId: inputOp.id,
        opName: inputOp.name,
        type: 'Input',
        shape: [...inputShape],
        values: Float32Array.from(example),
      },
      ...ops.map((op, i) => ({
        opId: op.id,
        opName: op.name,
        type: op.type,
        shape: [...op.outputShape],
        values: values[i]!,
      })),
    ];
  } finally {
    x.dispose();
    tf.dispose(outputs);
  }
}

/** A histogram of one weight tensor. */
export interface WeightHistogram {
  /** e.g. `dense_1/kernel`. */
  name: string;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** `bins` counts over [min, max]. */
  counts: number[];
}

/** Histograms of every weight of the model (kernels, biases, normalisation parameters). */
export async function weightHistograms(
  model: tfjs.LayersModel,
  bins = 30,
): Promise<WeightHistogram[]> {
  const out: WeightHistogram[] = [];
  for (const layer of model.layers) {
    for (const weight of layer.weights) {
      const values = (await weight.read().data()) as Float32Array;
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      for (const v of values) {
        if (v < min) min = v;
        if (v > max) max = v;
        sum += v;
      }
      const mean = values.length ? sum / values.length : 0;
      let sq = 0;
      for (const v of values) sq += (v - mean) ** 2;
      const counts = new Array<number>(bins).fill(0);
      const width = max > min ? (max - min) / bins : 1;
      for (const v of values) counts[Math.min(bins - 1, Math.floor((v - min) / width))]! += 1;
      const short = weight.originalName.split('/').at(-1)!;
      out.push({
        name: `${opNameOfLayer(layer.name)}/${short}`,
        min: values.length ? min : 0,
        max: values.length ? max : 0,
        mean,
        std: values.length ? Math.sqrt(sq / values.length) : 0,
        counts,
      });
    }
  }
  return out;
}
