/**
 * Every catalogue layer kind trains on TF.js's webgpu backend (Dawn for Node; lavapipe without a
 * GPU): gradients equal the cpu backend's for the same weights and batch, and a few epochs of the
 * app's own loop (fused optimizer, custom kernels) give finite, decreasing loss. Tiny shapes:
 * software Vulkan is slow.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, expect, it } from 'vitest';
import type { Dataset } from '../../shared/datasets/types.ts';
import { rng } from '../../shared/datasets/random.ts';
import { trainingSchema } from '../../shared/graph/project.ts';
import type { Graph } from '../../shared/graph/types.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { LAYER_TYPES } from '../../shared/layers/registry.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { train } from '../../shared/training/train.ts';
import { startWebGpu, stopWebGpu, webgpuDescribe } from '../support/webgpu-node.ts';

const gpu = await startWebGpu(tf);
afterAll(() => stopWebGpu(tf));

type Row = [string, string, Record<string, unknown>, string[]];
const IMAGE: [number, number, number] = [6, 6, 2];
const CLASSES = 3;
const out = (from: string): Row[] => [
  ['flat_out', 'Flatten', {}, [from]],
  ['out', 'Dense', { units: CLASSES, activation: 'softmax' }, ['flat_out']],
];
const image = (rows: Row[]): Row[] => [['in', 'Input', { shape: IMAGE }, []], ...rows];

/** One small graph per layer kind: image input → the kind under test → Flatten → Dense softmax. */
const GRAPHS: Record<string, Row[]> = {
  Input: image(out('in')),
  Dense: image([['d', 'Dense', { units: 4, activation: 'relu' }, ['in']], ...out('d')]),
  Flatten: image([
    ['f', 'Flatten', {}, ['in']],
    ['out', 'Dense', { units: CLASSES, activation: 'softmax' }, ['f']],
  ]),
  Reshape: image([['r', 'Reshape', { target_shape: [12, 6] }, ['in']], ...out('r')]),
  Activation: image([['a', 'Activation', { activation: 'tanh' }, ['in']], ...out('a')]),
  Dropout: image([['dr', 'Dropout', { rate: 0.25 }, ['in']], ...out('dr')]),
  BatchNormalization: image([['bn', 'BatchNormalization', {}, ['in']], ...out('bn')]),
  LayerNormalization: image([['ln', 'LayerNormalization', {}, ['in']], ...out('ln')]),
  Conv2D: image([
    [
      'c',
      'Conv2D',
      { filters: 3, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' },
      ['in'],
    ],
    ['c2', 'Conv2D', { filters: 2, kernel_size: [2, 2], padding: 'valid' }, ['c']],
    ...out('c2'),
  ]),
  MaxPooling2D: image([['mp', 'MaxPooling2D', {}, ['in']], ...out('mp')]),
  AveragePooling2D: image([
    ['ap', 'AveragePooling2D', { pool_size: [3, 3], strides: [1, 1] }, ['in']],
    ...out('ap'),
  ]),
  GlobalAveragePooling2D: image([
    ['c', 'Conv2D', { filters: 4, kernel_size: [3, 3] }, ['in']],
    ['g', 'GlobalAveragePooling2D', {}, ['c']],
    ['out', 'Dense', { units: CLASSES, activation: 'softmax' }, ['g']],
  ]),
  Add: image([
    ['c1', 'Conv2D', { filters: 2, kernel_size: [3, 3], padding: 'same' }, ['in']],
    ['sum', 'Add', {}, ['in', 'c1']],
    ...out('sum'),
  ]),
  Concatenate: image([
    ['c1', 'Conv2D', { filters: 2, kernel_size: [1, 1] }, ['in']],
    ['cat', 'Concatenate', {}, ['in', 'c1']],
    ...out('cat'),
  ]),
  // ── conv1d kinds (sequences: the image reshaped to (36 steps, 2 channels)) ──
  ...Object.fromEntries(
    (
      [
        ['Conv1D', { filters: 3, kernel_size: 4, strides: 2, padding: 'same', activation: 'relu' }],
        ['MaxPooling1D', { pool_size: 3, strides: 2, padding: 'same' }],
        ['AveragePooling1D', { pool_size: 3, strides: 2, padding: 'same' }],
        ['GlobalAveragePooling1D', {}],
        ['GlobalMaxPooling1D', {}],
      ] as const
    ).map(([kind, params]): [string, Row[]] => [
      kind,
      image([
        ['seq', 'Reshape', { target_shape: [36, 2] }, ['in']],
        ['c', 'Conv1D', { filters: 3, kernel_size: 3, activation: 'tanh' }, ['seq']],
        ['k', kind, { ...params }, ['c']],
        ...(kind.startsWith('Global')
          ? ([['out', 'Dense', { units: CLASSES, activation: 'softmax' }, ['k']]] as Row[])
          : out('k')),
      ]),
    ]),
  ),
  GlobalMaxPooling2D: image([
    ['c', 'Conv2D', { filters: 4, kernel_size: [3, 3] }, ['in']],
    ['g', 'GlobalMaxPooling2D', {}, ['c']],
    ['out', 'Dense', { units: CLASSES, activation: 'softmax' }, ['g']],
  ]),
  UpSampling2D: image([
    ['c', 'Conv2D', { filters: 2, kernel_size: [3, 3], strides: [2, 2] }, ['in']],
    ['u', 'UpSampling2D', { size: [2, 3] }, ['c']],
    ...out('u'),
  ]),
  ZeroPadding2D: image([
    [
      'z',
      'ZeroPadding2D',
      {
        padding: [
          [2, 0],
          [1, 3],
        ],
      },
      ['in'],
    ],
    ['c', 'Conv2D', { filters: 2, kernel_size: [3, 3] }, ['z']],
    ...out('c'),
  ]),
  Cropping2D: image([
    ['c', 'Conv2D', { filters: 2, kernel_size: [2, 2] }, ['in']],
    [
      'k',
      'Cropping2D',
      {
        cropping: [
          [1, 0],
          [0, 2],
        ],
      },
      ['c'],
    ],
    ...out('k'),
  ]),
  // ── end conv1d ──
  // ── sequence kinds (the image read as 12 steps of 6 values; ids: the values cast to int) ──
  ...Object.fromEntries(
    (
      [
        ['SimpleRNN', { units: 3, activation: 'relu', return_sequences: true }],
        ['LSTM', { units: 3, return_sequences: true }],
        ['GRU', { units: 3, return_sequences: true }],
        ['Bidirectional', { layer: 'GRU', units: 2, return_sequences: true, merge_mode: 'sum' }],
      ] as const
    ).map(([kind, params]): [string, Row[]] => [
      kind,
      image([
        ['seq', 'Reshape', { target_shape: [12, 6] }, ['in']],
        ['k', kind, { ...params }, ['seq']],
        ...out('k'),
      ]),
    ]),
  ),
  Embedding: [
    ['in', 'Input', { shape: IMAGE, dtype: 'int32' }, []],
    ['e', 'Embedding', { input_dim: 4, output_dim: 2 }, ['in']],
    ...out('e'),
  ],
  // ── end sequence ──
  // conv2d kinds
  Conv2DTranspose: image([
    [
      't',
      'Conv2DTranspose',
      { filters: 2, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' },
      ['in'],
    ],
    ...out('t'),
  ]),
  SeparableConv2D: image([
    [
      's',
      'SeparableConv2D',
      { filters: 3, kernel_size: [3, 3], strides: [2, 2], padding: 'same', depth_multiplier: 2 },
      ['in'],
    ],
    ...out('s'),
  ]),
  DepthwiseConv2D: image([
    ['d', 'DepthwiseConv2D', { kernel_size: [3, 3], depth_multiplier: 2 }, ['in']],
    ...out('d'),
  ]),
  SpatialDropout2D: image([['sd', 'SpatialDropout2D', { rate: 0.25 }, ['in']], ...out('sd')]),
  GaussianNoise: image([['gn', 'GaussianNoise', { stddev: 0.2 }, ['in']], ...out('gn')]),
  Rescaling: image([['rs', 'Rescaling', { scale: 0.5, offset: 0.1 }, ['in']], ...out('rs')]),
  Permute: image([['p', 'Permute', { dims: [3, 1, 2] }, ['in']], ...out('p')]),
  RepeatVector: image([
    ['g', 'GlobalAveragePooling2D', {}, ['in']],
    ['rv', 'RepeatVector', { n: 3 }, ['g']],
    ...out('rv'),
  ]),
  // mixing kinds: merges broadcast (6, 6, 2) with (6, 6, 1)
  ...Object.fromEntries(
    ['Multiply', 'Subtract', 'Average', 'Maximum', 'Minimum'].map((merge) => [
      merge,
      image([
        ['c1', 'Conv2D', { filters: 1, kernel_size: [1, 1] }, ['in']],
        ['m', merge, {}, ['in', 'c1']],
        ...out('m'),
      ]),
    ]),
  ),
  Dot: image([
    ['r', 'Reshape', { target_shape: [12, 6] }, ['in']],
    ['d', 'Dense', { units: 6, activation: 'tanh' }, ['r']],
    ['dot', 'Dot', { axes: [2, 2], normalize: true }, ['r', 'd']],
    ...out('dot'),
  ]),
  MultiHeadAttention: image([
    ['r', 'Reshape', { target_shape: [12, 6] }, ['in']],
    ['mha', 'MultiHeadAttention', { num_heads: 2, key_dim: 3 }, ['r']],
    ...out('mha'),
  ]),
  LeakyReLU: image([['lr', 'LeakyReLU', { negative_slope: 0.1 }, ['in']], ...out('lr')]),
  PReLU: image([['pr', 'PReLU', { shared_axes: [1, 2] }, ['in']], ...out('pr')]),
  ELU: image([['e', 'ELU', { alpha: 0.5 }, ['in']], ...out('e')]),
  ReLU: image([
    ['r', 'ReLU', { max_value: 1, negative_slope: 0.1, threshold: 0.1 }, ['in']],
    ...out('r'),
  ]),
  Softmax: image([['sm', 'Softmax', { axis: 1 }, ['in']], ...out('sm')]),
};

function lower(rows: Row[]): ModelIR {
  const graph: Graph = {
    nodes: rows.map(([id, type, params], i) => ({ id, type, params, position: { x: 0, y: i } })),
    edges: rows.flatMap(([id, , , inputs]) =>
      inputs.map((source, port) => ({
        id: `${source}-${id}-${port}`,
        source,
        target: id,
        targetHandle: String(port),
      })),
    ),
  };
  const r = lowerGraph(graph);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.ir;
}

/** Learnable data: the class is which third of the image has the largest mean. */
function dataset(count: number, seed: number): Dataset {
  const r = rng(seed);
  const size = IMAGE[0] * IMAGE[1] * IMAGE[2];
  const x = new Float32Array(count * size);
  const y = new Float32Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % CLASSES;
    y[n] = label;
    for (let i = 0; i < size; i++) {
      const row = Math.floor(i / (IMAGE[1] * IMAGE[2]));
      const third = Math.floor((row * CLASSES) / IMAGE[0]);
      x[n * size + i] = r() - 0.5 + (third === label ? 1 : 0);
    }
  }
  return {
    id: 'thirds',
    title: 'brightest third',
    featureShape: [...IMAGE],
    featureNames: [],
    task: { kind: 'classification', numClasses: CLASSES, classNames: ['a', 'b', 'c'] },
    train: { x, y, count },
    test: null,
    notes: [],
  };
}

/** Loss and gradients of every trainable weight on `backend`, from the given weight values. */
async function gradients(backend: string, ir: ModelIR, weights: Float32Array[] | null) {
  await tf.setBackend(backend);
  const model = buildModel(tf, ir, { seed: 1 });
  if (weights) model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i]!, w.shape)));
  const data = dataset(8, 3);
  const x = tf.tensor(data.train.x, [8, ...IMAGE]);
  const y = tf.oneHot(tf.tensor1d(data.train.y, 'int32'), CLASSES);
  // Inference mode: Dropout's mask is random and would differ between backends.
  const { value, grads } = tf.variableGrads(() => {
    const p = model.apply(x, { training: false }) as tf.Tensor;
    return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.add(p, 1e-7))), -1))) as tf.Scalar;
  });
  const names = model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
  const result = {
    loss: (await value.data())[0]!,
    grads: await Promise.all(names.map((n) => grads[n]!.data())),
    weights: await Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>)),
  };
  tf.dispose([value, x, y, ...Object.values(grads)]);
  model.dispose();
  return result;
}

webgpuDescribe(gpu, 'every layer kind trains on webgpu (Dawn)', () => {
  it('covers the whole catalogue', () => {
    expect(Object.keys(GRAPHS).sort()).toEqual([...LAYER_TYPES].sort());
  });

  it.each(Object.keys(GRAPHS))(
    '%s: gradients equal the cpu backend’s; loss finite and decreasing',
    async (kind) => {
      const ir = lower(GRAPHS[kind]!);
      expect(ir.ops.some((op) => op.type === kind)).toBe(true);

      const want = await gradients('cpu', ir, null);
      const got = await gradients('webgpu', ir, want.weights);
      expect(Math.abs(got.loss - want.loss)).toBeLessThan(1e-4);
      expect(got.grads.length).toBe(want.grads.length);
      want.grads.forEach((g, i) => {
        for (let j = 0; j < g.length; j++)
          expect(Math.abs(got.grads[i]![j]! - g[j]!), `${kind} grad ${i}[${j}]`).toBeLessThan(
            1e-4 + 1e-3 * Math.abs(g[j]!),
          );
      });

      await tf.setBackend('webgpu');
      const before = tf.memory().numTensors;
      const model = buildModel(tf, ir, { seed: 1 });
      const result = await train(tf, model, ir, dataset(32, 5), {
        settings: trainingSchema.parse({
          dataset: 'csv',
          epochs: 4,
          batchSize: 16,
          learningRate: 0.02,
          validationSplit: 0,
          seed: 1,
        }),
        readEvery: 16,
      });
      model.dispose();
      expect(tf.memory().numTensors, 'no tensor leaks').toBe(before);
      expect(result.status).toBe('done');
      const losses = result.history.map((h) => h.loss);
      expect(losses).toHaveLength(4);
      for (const l of losses) expect(Number.isFinite(l)).toBe(true);
      expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    },
    // Lavapipe on a loaded 2-core machine: compiling the shaders dominates.
    240_000,
  );
});
