/**
 * Every catalogue layer kind trains on every backend under test, with the app's own model builder
 * (lowerGraph → buildModel) and training loop (train). For each kind, a small graph that holds it:
 * (1) the gradients of the loss for every trainable weight (tf.variableGrads, training mode) equal
 *     the TF.js cpu backend's, the reference, within 1e-4 + 1e-3·|cpu|;
 * (2) three epochs of `train` give finite, decreasing epoch losses and leak no tensor.
 *
 * The backend list is a parameter: `trainingBackends()` reads NW_TRAIN_BACKENDS (default
 * `cpu,wasm`; e.g. `NW_TRAIN_BACKENDS=cpu,wasm,webgpu`). A backend other than cpu/wasm is
 * loaded in `beforeAll` from its package `@tensorflow/tfjs-backend-NAME`; a backend that does
 * not start fails the run (name only the backends the machine has).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../../shared/datasets/random.ts';
import type { Dataset } from '../../shared/datasets/types.ts';
import { trainingSchema } from '../../shared/graph/project.ts';
import { lossPlan } from '../../shared/codegen/loss.ts';
import { ACTIVATIONS } from '../../shared/layers/activations.ts';
import { LAYER_TYPES } from '../../shared/layers/registry.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { installCustomKernels } from '../../shared/tfjs/custom-kernels.ts';
import { lossTensor } from '../../shared/training/losses.ts';
import { train } from '../../shared/training/train.ts';
import { graphOf } from './graph-builder.ts';

/** The backends to train on; cpu is also the reference for the gradients. */
export function trainingBackends(): string[] {
  return (process.env.NW_TRAIN_BACKENDS ?? 'cpu,wasm').split(',').filter(Boolean);
}

type Block = [id: string, type: string, params?: Record<string, unknown>];
interface Case {
  name: string;
  /** The layer kinds this case exercises. */
  kinds: string[];
  shape: number[];
  blocks: Block[];
  wires: string[];
  /** Token-id input: examples are whole numbers in 0..ids-1 (an int32 Input and an Embedding). */
  ids?: number;
}

const CLASSES = 3;
const head: Block = ['out', 'Dense', { units: CLASSES, activation: 'softmax' }];
/** A chain Input → blocks → Dense(3, softmax). */
function chain(name: string, shape: number[], blocks: Block[]): Case {
  const all: Block[] = [['in', 'Input', { shape }], ...blocks, head];
  const wires = all.slice(1).map((b, i) => `${all[i]![0]}->${b[0]}`);
  return { name, kinds: [...new Set(all.map((b) => b[1]))], shape, blocks: all, wires };
}
const conv = (id: string, over: Record<string, unknown> = {}): Block => [
  id,
  'Conv2D',
  {
    filters: 3,
    kernel_size: [3, 3],
    strides: [1, 1],
    padding: 'valid',
    activation: 'relu',
    ...over,
  },
];
const img = [6, 6, 2];

const CASES: Case[] = [
  chain('Dense', [5], [['d', 'Dense', { units: 6, activation: 'relu' }]]),
  ...ACTIVATIONS.map((a) =>
    chain(
      `Activation ${a}`,
      [5],
      [
        ['d', 'Dense', { units: 6 }],
        ['a', 'Activation', { activation: a }],
      ],
    ),
  ),
  chain('Dense leaky_relu', [5], [['d', 'Dense', { units: 6, activation: 'leaky_relu' }]]),
  chain(
    'Dropout',
    [5],
    [
      ['d', 'Dense', { units: 6, activation: 'relu' }],
      ['drop', 'Dropout', { rate: 0.3 }],
    ],
  ),
  chain('Flatten', img, [['f', 'Flatten']]),
  chain(
    'Reshape',
    [6],
    [
      ['r', 'Reshape', { target_shape: [3, 2] }],
      ['f', 'Flatten'],
    ],
  ),
  chain(
    'BatchNormalization (2-D)',
    [5],
    [
      ['d', 'Dense', { units: 6 }],
      ['bn', 'BatchNormalization'],
    ],
  ),
  chain('BatchNormalization (4-D, after Conv2D)', img, [
    conv('c'),
    ['bn', 'BatchNormalization'],
    ['f', 'Flatten'],
  ]),
  chain(
    'LayerNormalization',
    [5],
    [
      ['d', 'Dense', { units: 6 }],
      ['ln', 'LayerNormalization'],
    ],
  ),
  chain('Conv2D valid', img, [conv('c'), ['f', 'Flatten']]),
  chain('Conv2D same stride 2', img, [
    conv('c', { padding: 'same', strides: [2, 2] }),
    ['f', 'Flatten'],
  ]),
  chain('Conv2D same stride 3 > kernel 2, no bias, leaky_relu', img, [
    conv('c', {
      padding: 'same',
      strides: [3, 3],
      kernel_size: [1, 2],
      use_bias: false,
      activation: 'leaky_relu',
    }),
    ['f', 'Flatten'],
  ]),
  chain('Conv2D stride (2, 1), kernel (2, 3), tanh', img, [
    conv('c', { strides: [2, 1], kernel_size: [2, 3], activation: 'tanh' }),
    ['f', 'Flatten'],
  ]),
  ...(['MaxPooling2D', 'AveragePooling2D'] as const).flatMap((pool) =>
    (['valid', 'same'] as const).map((padding) =>
      chain(`${pool} ${padding}`, img, [
        conv('c', { padding: 'same' }),
        ['p', pool, { pool_size: [2, 2], strides: padding === 'same' ? [3, 3] : null, padding }],
        ['f', 'Flatten'],
      ]),
    ),
  ),
  chain('GlobalAveragePooling2D', img, [conv('c'), ['g', 'GlobalAveragePooling2D']]),
  // ── conv1d kinds ──
  chain(
    'Conv1D valid, then same stride 2 (pads 1 before, 2 after)',
    [9, 2],
    [
      ['c1', 'Conv1D', { filters: 3, kernel_size: 3, activation: 'relu' }],
      [
        'c2',
        'Conv1D',
        { filters: 2, kernel_size: 4, strides: 2, padding: 'same', use_bias: false },
      ],
      ['f', 'Flatten'],
    ],
  ),
  ...(['MaxPooling1D', 'AveragePooling1D'] as const).flatMap((pool) =>
    (['valid', 'same'] as const).map((padding) =>
      chain(
        `${pool} ${padding}`,
        [10, 2],
        [
          ['c', 'Conv1D', { filters: 3, kernel_size: 3, padding: 'same', activation: 'tanh' }],
          ['p', pool, { pool_size: 3, strides: 2, padding }],
          ['f', 'Flatten'],
        ],
      ),
    ),
  ),
  ...(['GlobalAveragePooling1D', 'GlobalMaxPooling1D'] as const).map((g) =>
    chain(
      g,
      [8, 2],
      [
        ['c', 'Conv1D', { filters: 4, kernel_size: 3, activation: 'relu' }],
        ['g', g],
      ],
    ),
  ),
  chain('GlobalMaxPooling2D', img, [conv('c'), ['g', 'GlobalMaxPooling2D']]),
  chain(
    'UpSampling2D (2, 3)',
    [3, 3, 2],
    [conv('c', { kernel_size: [2, 2] }), ['u', 'UpSampling2D', { size: [2, 3] }], ['f', 'Flatten']],
  ),
  chain(
    'ZeroPadding2D ((2, 0), (1, 3)) then Conv2D',
    [4, 4, 2],
    [
      conv('c1', { kernel_size: [2, 2] }),
      [
        'z',
        'ZeroPadding2D',
        {
          padding: [
            [2, 0],
            [1, 3],
          ],
        },
      ],
      conv('c2'),
      ['f', 'Flatten'],
    ],
  ),
  chain('Cropping2D ((1, 0), (0, 2))', img, [
    conv('c'),
    [
      'k',
      'Cropping2D',
      {
        cropping: [
          [1, 0],
          [0, 2],
        ],
      },
    ],
    ['f', 'Flatten'],
  ]),
  // ── end conv1d ──
  ...(['Add', 'Concatenate'] as const).map((merge): Case => ({
    name: merge,
    kinds: ['Input', 'Dense', merge],
    shape: [5],
    blocks: [
      ['in', 'Input', { shape: [5] }],
      ['a', 'Dense', { units: 6, activation: 'relu' }],
      ['b', 'Dense', { units: 6, activation: 'tanh' }],
      ['m', merge],
      head,
    ],
    wires: ['in->a', 'in->b', 'a->m:0', 'b->m:1', 'm->out'],
  })),
  // Sequence kinds: (steps, features) inputs; token ids through an Embedding.
  chain(
    'SimpleRNN relu, return_sequences',
    [5, 3],
    [
      ['r', 'SimpleRNN', { units: 4, activation: 'relu', return_sequences: true }],
      ['f', 'Flatten'],
    ],
  ),
  chain('LSTM', [5, 3], [['l', 'LSTM', { units: 4 }]]),
  chain(
    'GRU (reset_after) without bias, return_sequences',
    [5, 3],
    [
      ['g', 'GRU', { units: 4, use_bias: false, return_sequences: true }],
      ['f', 'Flatten'],
    ],
  ),
  chain(
    'Bidirectional GRU sum',
    [5, 3],
    [['b', 'Bidirectional', { layer: 'GRU', units: 3, merge_mode: 'sum' }]],
  ),
  chain(
    'Bidirectional LSTM concat, return_sequences',
    [5, 3],
    [
      ['b', 'Bidirectional', { layer: 'LSTM', units: 3, return_sequences: true }],
      ['f', 'Flatten'],
    ],
  ),
  chain(
    'Bidirectional SimpleRNN mul',
    [5, 3],
    [['b', 'Bidirectional', { layer: 'SimpleRNN', units: 3, merge_mode: 'mul' }]],
  ),
  {
    name: 'Embedding on int32 ids',
    kinds: ['Input', 'Embedding', 'Flatten', 'Dense'],
    shape: [6],
    ids: 5,
    blocks: [
      ['in', 'Input', { shape: [6], dtype: 'int32' }],
      ['e', 'Embedding', { input_dim: 5, output_dim: 4 }],
      ['f', 'Flatten'],
      head,
    ],
    wires: ['in->e', 'e->f', 'f->out'],
  },
  // ── conv2d kinds ── (the random ones are seeded: cpu and wasm draw the same noise and masks)
  chain('Conv2DTranspose same stride 2 (crop after), relu', img, [
    [
      't',
      'Conv2DTranspose',
      { filters: 2, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' },
    ],
    ['f', 'Flatten'],
  ]),
  chain('Conv2DTranspose valid kernel 2 < stride 3, no bias, tanh', img, [
    [
      't',
      'Conv2DTranspose',
      { filters: 2, kernel_size: [2, 2], strides: [3, 3], use_bias: false, activation: 'tanh' },
    ],
    ['f', 'Flatten'],
  ]),
  chain('DepthwiseConv2D same stride 2, multiplier 2, relu', img, [
    [
      'd',
      'DepthwiseConv2D',
      {
        kernel_size: [3, 3],
        strides: [2, 2],
        padding: 'same',
        depth_multiplier: 2,
        activation: 'relu',
      },
    ],
    ['f', 'Flatten'],
  ]),
  chain('DepthwiseConv2D stride 3 > kernel 2, same, no bias', img, [
    [
      'd',
      'DepthwiseConv2D',
      { kernel_size: [2, 2], strides: [3, 3], padding: 'same', use_bias: false },
    ],
    ['f', 'Flatten'],
  ]),
  chain('SeparableConv2D same stride 2, multiplier 2', img, [
    [
      's',
      'SeparableConv2D',
      { filters: 3, kernel_size: [3, 3], strides: [2, 2], padding: 'same', depth_multiplier: 2 },
    ],
    ['f', 'Flatten'],
  ]),
  chain('SeparableConv2D valid, no bias, tanh', img, [
    [
      's',
      'SeparableConv2D',
      { filters: 2, kernel_size: [2, 3], use_bias: false, activation: 'tanh' },
    ],
    ['f', 'Flatten'],
  ]),
  chain('SpatialDropout2D after Conv2D', img, [
    conv('c', { padding: 'same' }),
    ['sd', 'SpatialDropout2D', { rate: 0.3 }],
    ['f', 'Flatten'],
  ]),
  chain(
    'GaussianNoise after Dense',
    [5],
    [
      ['d', 'Dense', { units: 6, activation: 'relu' }],
      ['gn', 'GaussianNoise', { stddev: 0.3 }],
    ],
  ),
  chain(
    'Rescaling, then Dense',
    [5],
    [
      ['rs', 'Rescaling', { scale: 2, offset: -0.5 }],
      ['d', 'Dense', { units: 6, activation: 'relu' }],
    ],
  ),
  chain('Permute of a map after Conv2D', img, [
    conv('c'),
    ['p', 'Permute', { dims: [3, 1, 2] }],
    ['f', 'Flatten'],
  ]),
  chain(
    'RepeatVector, Permute and Dense on a sequence',
    [5],
    [
      ['d', 'Dense', { units: 4, activation: 'relu' }],
      ['rv', 'RepeatVector', { n: 3 }],
      ['p', 'Permute', { dims: [2, 1] }],
      ['d2', 'Dense', { units: 2 }],
      ['f', 'Flatten'],
    ],
  ),
  // ── end conv2d ──
  // ── mixing kinds ── (merges broadcast (3, 3, 4) with (3, 3, 1): tfjs-core's own Maximum and
  // Minimum gradients fail on that, mixing-tfjs.ts's layers do not)
  ...(['Multiply', 'Subtract', 'Average', 'Maximum', 'Minimum'] as const).map((merge): Case => ({
    name: `${merge} with broadcasting`,
    kinds: ['Input', 'Dense', 'Flatten', merge],
    shape: img,
    blocks: [
      ['in', 'Input', { shape: img }],
      ['a', 'Dense', { units: 4, activation: 'tanh' }],
      ['b', 'Dense', { units: 1 }],
      ['m', merge],
      ['f', 'Flatten'],
      head,
    ],
    wires: ['in->a', 'in->b', 'a->m:0', 'b->m:1', 'm->f', 'f->out'],
  })),
  {
    name: 'Dot normalized (4, 5)·(4, 5) on axes 2',
    kinds: ['Input', 'Dense', 'Flatten', 'Dot'],
    shape: [4, 3],
    blocks: [
      ['in', 'Input', { shape: [4, 3] }],
      ['a', 'Dense', { units: 5 }],
      ['b', 'Dense', { units: 5, activation: 'tanh' }],
      ['m', 'Dot', { axes: [2, 2], normalize: true }],
      ['f', 'Flatten'],
      head,
    ],
    wires: ['in->a', 'in->b', 'a->m:0', 'b->m:1', 'm->f', 'f->out'],
  },
  chain(
    'MultiHeadAttention self-attention, value_dim 2, output 4',
    [4, 3],
    [
      ['mha', 'MultiHeadAttention', { num_heads: 2, key_dim: 3, value_dim: 2, output_shape: 4 }],
      ['f', 'Flatten'],
    ],
  ),
  chain(
    'activation layers',
    [4, 3],
    [
      ['d', 'Dense', { units: 5 }],
      ['lr', 'LeakyReLU', { negative_slope: 0.1 }],
      ['pr', 'PReLU', { shared_axes: [1] }],
      ['e', 'ELU', { alpha: 0.5 }],
      ['r', 'ReLU', { max_value: 1, negative_slope: 0.1, threshold: 0.1 }],
      ['s', 'Softmax', { axis: 1 }],
      ['f', 'Flatten'],
    ],
  ),
  // ── end mixing ──
];

/** Every kernel a training step of some case ran, filled by `gradients`. */
const KERNELS_USED = new Set<string>();

function irOf(c: Case): ModelIR {
  const r = lowerGraph(graphOf(c.blocks, c.wires));
  if (!r.ok) throw new Error(`${c.name}: ${JSON.stringify(r.diagnostics)}`);
  return r.ir;
}

/**
 * 96 examples of shape `shape`, labels from a fixed linear rule (learnable); with `ids`, whole
 * numbers in 0..ids-1 (token ids) instead of values in [-1, 1).
 */
function datasetFor(shape: number[], ids?: number): Dataset {
  const size = shape.reduce((a, b) => a * b, 1);
  const random = rng(3);
  const count = 96;
  const x = Float32Array.from({ length: count * size }, () =>
    ids ? Math.floor(random() * ids) : random() * 2 - 1,
  );
  const w = Array.from({ length: CLASSES }, () =>
    Float32Array.from({ length: size }, () => random() - 0.5),
  );
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const scores = w.map((wc) => wc.reduce((s, v, j) => s + v * x[i * size + j]!, 0));
    y[i] = scores.indexOf(Math.max(...scores));
  }
  return {
    id: 'synthetic',
    title: 'synthetic',
    featureShape: shape,
    featureNames: [],
    task: { kind: 'classification', numClasses: CLASSES, classNames: ['a', 'b', 'c'] },
    train: { x, y, count },
    test: null,
    notes: [],
  };
}

/** Gradients of the loss on the first 16 examples, per trainable weight, in training mode. */
async function gradients(
  backend: string,
  ir: ModelIR,
  data: Dataset,
): Promise<Map<string, Float32Array>> {
  await tf.setBackend(backend);
  const model = buildModel(tf, ir, { seed: 1 });
  const plan = lossPlan(ir, 'auto');
  const size = data.featureShape.reduce((a, b) => a * b, 1);
  let result: { value: tf.Scalar; grads: tf.NamedTensorMap } | null = null;
  const profile = await tf.profile(() => {
    result = tf.tidy(() => {
      const x = tf.tensor(data.train.x.subarray(0, 16 * size), [16, ...data.featureShape]);
      const y = tf.tensor1d(data.train.y.subarray(0, 16));
      return tf.variableGrads(
        () => lossTensor(tf, plan, model.apply(x, { training: true }) as tf.Tensor, y),
        model.trainableWeights.map((v) => v.read() as tf.Variable),
      );
    });
    return [result.value, ...Object.values(result.grads)];
  });
  // Kernels (not composite ops) that the forward and backward passes ran.
  for (const k of profile.kernels) if (tf.getKernel(k.name, 'cpu')) KERNELS_USED.add(k.name);
  const { value, grads } = result!;
  const out = new Map<string, Float32Array>();
  for (const [name, g] of Object.entries(grads))
    out.set(name.replace(/_\d+$/, ''), (await g.data()) as Float32Array);
  out.set('loss', (await value.data()) as Float32Array);
  tf.dispose([value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

beforeAll(async () => {
  for (const b of trainingBackends())
    if (b !== 'cpu' && b !== 'wasm') await import(`@tensorflow/tfjs-backend-${b}`);
  installCustomKernels(tf);
  for (const b of trainingBackends()) expect(await tf.setBackend(b)).toBe(true);
});

describe('every catalogue layer kind trains on every backend', () => {
  it('the cases cover every layer kind in the catalogue', () => {
    const covered = new Set(CASES.flatMap((c) => c.kinds));
    expect(LAYER_TYPES.filter((t) => !covered.has(t))).toEqual([]);
  });

  for (const c of CASES) {
    describe(c.name, () => {
      const ir = irOf(c);
      const data = datasetFor(c.shape, c.ids);
      for (const backend of trainingBackends()) {
        it(`${backend}: gradients equal the cpu backend's`, async () => {
          const want = await gradients('cpu', ir, data);
          const got = await gradients(backend, ir, data);
          expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
          const bad: string[] = [];
          for (const [name, w] of want) {
            const g = got.get(name)!;
            let worst = 0;
            for (let i = 0; i < w.length; i++) {
              if (!Number.isFinite(g[i]!)) worst = Infinity;
              worst = Math.max(worst, Math.abs(g[i]! - w[i]!) - 1e-3 * Math.abs(w[i]!));
            }
            if (!(worst <= 1e-4)) bad.push(`${name}: ${worst}`);
          }
          expect(bad).toEqual([]);
          // The weights get a gradient at all (a kind that blocks it would give all zeros).
          expect([...want.values()].every((w) => w.some((v) => v !== 0))).toBe(true);
        });

        it(`${backend}: three epochs give finite, decreasing losses, no leaked tensor`, async () => {
          await tf.setBackend(backend);
          const before = tf.memory().numTensors;
          const model = buildModel(tf, ir, { seed: 1 });
          const result = await train(tf, model, ir, data, {
            settings: trainingSchema.parse({
              dataset: 'xor',
              epochs: 3,
              batchSize: 16,
              learningRate: 0.01,
              validationSplit: 0,
              seed: 1,
            }),
            yieldToEvents: () => Promise.resolve(),
          });
          model.dispose();
          expect(result.status).toBe('done');
          const losses = result.history.map((h) => h.loss);
          expect(losses).toHaveLength(3);
          expect(losses.every(Number.isFinite)).toBe(true);
          expect(losses[2]!).toBeLessThan(losses[0]!);
          expect(tf.memory().numTensors).toBe(before);
        });
      }
    });
  }

  // Self-contained (the tests may run in any order): one cpu gradient step of every case fills
  // KERNELS_USED with the kernels training ran, then each backend must have them all.
  it('every kernel those steps ran is registered on each backend, and on webgl', async () => {
    for (const c of CASES) await gradients('cpu', irOf(c), datasetFor(c.shape, c.ids));
    expect(KERNELS_USED.size).toBeGreaterThan(20);
    expect(KERNELS_USED.has('Conv2DBackpropFilter')).toBe(true);
    // WebGL cannot start in Node, but @tensorflow/tfjs registers its kernels on import.
    const missing = [...new Set([...trainingBackends(), 'webgl'])].flatMap((b) =>
      [...KERNELS_USED].filter((k) => !tf.getKernel(k, b)).map((k) => `${k} on ${b}`),
    );
    expect(missing).toEqual([]);
  });
});
