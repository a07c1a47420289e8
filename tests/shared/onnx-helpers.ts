/** Shared by the ONNX/npz/import tests: models from graphs, random weights, onnxruntime runs. */
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import type { Graph } from '../../shared/graph/types.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { buildOnnxModel } from '../../shared/onnx/export.ts';
import { encodeModel } from '../../shared/onnx/proto.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import {
  expectedWeights,
  readModelWeights,
  setModelWeights,
  type ModelWeights,
} from '../../shared/export/weights.ts';
import { assertKnownParams, graphOf } from './graph-builder.ts';
import { rng } from '../../shared/datasets/random.ts';

export const PYTHON = process.env.NETWRIGHT_PYTHON || '/usr/bin/python3';

/** Lowers a test graph; throws on its error diagnostics and on unknown params. */
export function lower(graph: Graph): ModelIR {
  const result = lowerGraph(assertKnownParams(graph));
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.ir;
}

/** The app's seeded PRNG (mulberry32), re-exported for the tests that import it from here. */
export { rng };

export function randomArray(n: number, random: () => number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * random();
  return out;
}

/**
 * Builds the TF.js model for `ir` with glorot kernels (seeded) and random biases and
 * normalisation parameters, so that no array is trivial (BatchNorm moving stats included).
 */
export async function modelWithRandomWeights(
  ir: ModelIR,
  seed = 1,
): Promise<{ model: tf.LayersModel; weights: ModelWeights }> {
  const model = buildModel(tf, ir, { seed });
  const random = rng(seed);
  const initial = await readModelWeights(model, ir);
  const weights: ModelWeights = new Map();
  for (const op of ir.ops) {
    if (expectedWeights(op).length === 0) continue;
    weights.set(
      op.name,
      initial.get(op.name)!.map((w) => {
        const n = w.data.length;
        switch (w.name) {
          case 'kernel':
            return w;
          case 'gamma':
            return { ...w, data: randomArray(n, random, 0.5, 1.5) };
          case 'moving_variance':
            return { ...w, data: randomArray(n, random, 0.5, 2) };
          default:
            return { ...w, data: randomArray(n, random, -0.5, 0.5) };
        }
      }),
    );
  }
  setModelWeights(tf, model, ir, weights);
  return { model, weights };
}

/** Runs `python3 -c code args...` and returns stdout; throws with stderr on failure. */
export function python(code: string, args: string[] = []): string {
  return execFileSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', timeout: 120_000 });
}

/** A graph with every block type the exporters support, shapes that exercise the edge cases. */
export function everyOpGraph(): Graph {
  return graphOf(
    [
      ['in', 'Input', { shape: [9, 9, 3] }],
      [
        'c1',
        'Conv2D',
        { filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'gelu' },
      ],
      ['bn', 'BatchNormalization', { momentum: 0.9, epsilon: 0.01 }],
      [
        'c2',
        'Conv2D',
        {
          filters: 4,
          kernel_size: [2, 2],
          strides: [1, 1],
          padding: 'same',
          activation: 'leaky_relu',
          use_bias: false,
        },
      ],
      ['cat', 'Concatenate', { axis: -1 }],
      ['mp', 'MaxPooling2D', { pool_size: [2, 2], strides: null, padding: 'same' }],
      ['ap', 'AveragePooling2D', { pool_size: [3, 3], strides: [2, 2], padding: 'same' }],
      ['ap2', 'AveragePooling2D', { pool_size: [2, 2], strides: [1, 1], padding: 'valid' }],
      ['gap', 'GlobalAveragePooling2D', {}],
      ['fl', 'Flatten', {}],
      ['rs', 'Reshape', { target_shape: [-1, 8] }],
      ['ln', 'LayerNormalization', { epsilon: 0.001 }],
      ['d1', 'Dense', { units: 8, activation: 'elu' }],
      ['bn2', 'BatchNormalization', { momentum: 0.99, epsilon: 0.001 }],
      ['fl2', 'Flatten', {}],
      ['d2', 'Dense', { units: 8, activation: 'selu' }],
      ['act', 'Activation', { activation: 'softplus' }],
      ['add', 'Add', {}],
      ['cat2', 'Concatenate', { axis: 1 }],
      ['drop', 'Dropout', { rate: 0.3 }],
      ['d3', 'Dense', { units: 6, activation: 'tanh', use_bias: false }],
      ['bn3', 'BatchNormalization', { momentum: 0.99, epsilon: 0.001 }],
      ['sig', 'Activation', { activation: 'sigmoid' }],
      ['lin', 'Activation', { activation: 'linear' }],
      ['d4', 'Dense', { units: 5, activation: 'linear' }],
      ['relu', 'Activation', { activation: 'relu' }],
      ['d5', 'Dense', { units: 4, activation: 'softmax' }],
    ],
    [
      'in->c1',
      'c1->bn',
      'bn->c2',
      'c2->cat:0',
      'bn->cat:1',
      'cat->mp',
      'mp->ap',
      'cat->ap2',
      'ap2->gap',
      'ap->fl',
      'fl->rs',
      'rs->ln',
      'ln->d1',
      'd1->bn2',
      'bn2->fl2',
      'fl2->d2',
      'gap->act',
      'd2->add:0',
      'gap->add:1',
      'act->add:2',
      'add->cat2:0',
      'gap->cat2:1',
      'cat2->drop',
      'drop->d3',
      'd3->bn3',
      'bn3->sig',
      'sig->lin',
      'lin->d4',
      'd4->relu',
      'relu->d5',
    ],
  );
}

/**
 * The MNIST CNN as ONNX from another producer, with two operators Netwright does not support
 * (HardSwish for a Relu, LpPool for a MaxPool): the bytes of a file the importer must refuse.
 */
export async function unsupportedOnnx(): Promise<{
  bytes: Uint8Array;
  /** Names of the two changed nodes, as the importer's message should quote them. */
  hardSwish: string;
  lpPool: string;
}> {
  const ir = lower(loadTemplate('mnist-cnn').graph);
  const { model, weights } = await modelWithRandomWeights(ir);
  model.dispose();
  const onnx = buildOnnxModel(ir, weights);
  onnx.producerName = 'elsewhere';
  const relu = onnx.graph.nodes.find((n) => n.opType === 'Relu')!;
  relu.opType = 'HardSwish';
  const pool = onnx.graph.nodes.find((n) => n.opType === 'MaxPool')!;
  pool.opType = 'LpPool';
  return { bytes: encodeModel(onnx), hardSwish: relu.name, lpPool: pool.name };
}
