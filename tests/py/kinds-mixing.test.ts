/**
 * Differential tests (TF.js = onnxruntime = PyTorch + weights.npz, onnx.checker, a few training
 * steps) for the mixing kinds: element-wise merges, Dot, MultiHeadAttention and the activation
 * layers, at every input rank each accepts, with broadcasting and non-default params (see
 * tests/py/kind-differential.ts). Merges read two (or three) Dense branches of one Input, so that
 * they see different tensors and the model has weights to train.
 */
import { graphOf } from '../shared/graph-builder.ts';
import { kindDifferential, type KindCase } from './kind-differential.ts';

type Params = Record<string, unknown>;
type Block = [id: string, type: string, params?: Params];

/** Input of `shape` → one block of `type`. */
function single(title: string, shape: number[], type: string, params: Params = {}): KindCase {
  return {
    title,
    graph: graphOf(
      [
        ['in', 'Input', { shape }],
        ['k', type, params],
      ],
      ['in->k'],
    ),
  };
}

const weightless = (c: KindCase): KindCase => ({ ...c, noTraining: true });

/**
 * Input → one Dense branch per entry of `units` (the second tanh, so branches differ) → the
 * merge, wired in port order.
 */
function merge(title: string, shape: number[], type: string, params: Params, units: number[]) {
  const branches = units.map((u, i): Block => [
    `b${i}`,
    'Dense',
    { units: u, ...(i === 1 ? { activation: 'tanh' } : {}) },
  ]);
  return {
    title,
    graph: graphOf(
      [['in', 'Input', { shape }], ...branches, ['m', type, params]],
      [...branches.map((b) => `in->${b[0]}`), ...branches.map((b, i) => `${b[0]}->m:${i}`)],
    ),
  };
}

/**
 * An image branch (H, W, C) and a vector branch (C) into one merge: Keras lifts the vector to
 * (1, 1, C) and broadcasts it over the map (PyTorch holds the map channels first).
 */
function imageAndVector(type: string): KindCase {
  return {
    title: `${type} (3, 3, 4) with (4): the vector broadcasts over the map`,
    graph: graphOf(
      [
        ['in', 'Input', { shape: [3, 3, 2] }],
        ['a', 'Dense', { units: 4 }],
        ['g', 'GlobalAveragePooling2D'],
        ['b', 'Dense', { units: 4, activation: 'tanh' }],
        ['m', type],
      ],
      ['in->a', 'in->g', 'g->b', 'a->m:0', 'b->m:1'],
    ),
  };
}

for (const type of ['Multiply', 'Subtract', 'Average', 'Maximum', 'Minimum']) {
  kindDifferential(type, [
    merge(`${type} (4) and (4)`, [3], type, {}, [4, 4]),
    merge(`${type} (2, 5) and (2, 5)`, [2, 3], type, {}, [5, 5]),
    merge(`${type} (3, 3, 4) and (3, 3, 1): broadcast`, [3, 3, 2], type, {}, [4, 1]),
    merge(`${type} (2, 2, 2, 3) and (2, 2, 2, 3)`, [2, 2, 2, 2], type, {}, [3, 3]),
    imageAndVector(type),
    ...(type === 'Subtract'
      ? []
      : [merge(`${type} of three (3) inputs`, [2], type, {}, [3, 3, 3])]),
  ]);
}

kindDifferential('Dot', [
  merge('Dot (5)·(5) on axes -1', [3], 'Dot', { axes: -1 }, [5, 5]),
  merge(
    'Dot (5)·(5) normalized: cosine similarity',
    [3],
    'Dot',
    { axes: 1, normalize: true },
    [5, 5],
  ),
  merge('Dot (4, 3)·(4, 5) on axes 1 → (3, 5)', [4, 2], 'Dot', { axes: 1 }, [3, 5]),
  merge(
    'Dot (4, 4)·(4, 4) on axes (2, 1): a matrix product',
    [4, 2],
    'Dot',
    { axes: [2, 1] },
    [4, 4],
  ),
  merge(
    'Dot (4, 3)·(4, 3) on axes 2, normalized → (4, 4)',
    [4, 2],
    'Dot',
    {
      axes: [2, 2],
      normalize: true,
    },
    [3, 3],
  ),
  {
    title: 'Dot (4)·(3, 4) on axes (1, 2) → (3)',
    graph: graphOf(
      [
        ['in', 'Input', { shape: [3, 2] }],
        ['f', 'Flatten'],
        ['a', 'Dense', { units: 4 }],
        ['b', 'Dense', { units: 4, activation: 'tanh' }],
        ['m', 'Dot', { axes: [1, 2] }],
      ],
      ['in->f', 'f->a', 'in->b', 'a->m:0', 'b->m:1'],
    ),
  },
]);

kindDifferential('MultiHeadAttention', [
  single('MultiHeadAttention self-attention (5, 4), 2 heads of 3', [5, 4], 'MultiHeadAttention', {
    num_heads: 2,
    key_dim: 3,
  }),
  {
    title: 'MultiHeadAttention one source on the query and value ports',
    graph: graphOf(
      [
        ['in', 'Input', { shape: [4, 3] }],
        ['m', 'MultiHeadAttention', { num_heads: 1, key_dim: 2, dropout: 0.2 }],
      ],
      ['in->m:0', 'in->m:1'],
    ),
  },
  merge(
    'MultiHeadAttention (4, 6) ← (4, 5): value_dim 2, output 7',
    [4, 3],
    'MultiHeadAttention',
    { num_heads: 2, key_dim: 3, value_dim: 2, output_shape: 7 },
    [6, 5],
  ),
  merge(
    'MultiHeadAttention query, value, key of 6, 5, 3 features, no bias',
    [4, 3],
    'MultiHeadAttention',
    { num_heads: 3, key_dim: 2, use_bias: false },
    [6, 5, 3],
  ),
  {
    title: 'MultiHeadAttention 6 query steps attend to 3 value steps',
    graph: graphOf(
      [
        ['in', 'Input', { shape: [6, 3] }],
        ['q', 'Dense', { units: 4 }],
        ['r', 'Reshape', { target_shape: [3, 6] }],
        ['m', 'MultiHeadAttention', { num_heads: 2, key_dim: 2 }],
      ],
      ['in->q', 'in->r', 'q->m:0', 'r->m:1'],
    ),
  },
]);

kindDifferential('LeakyReLU', [
  weightless(single('LeakyReLU 0.1 on (5)', [5], 'LeakyReLU', { negative_slope: 0.1 })),
  weightless(single('LeakyReLU default 0.3 on (3, 3, 2)', [3, 3, 2], 'LeakyReLU')),
  weightless(single('LeakyReLU 0.5 on (2, 4)', [2, 4], 'LeakyReLU', { negative_slope: 0.5 })),
]);

kindDifferential('PReLU', [
  single('PReLU on (5): one slope per value', [5], 'PReLU'),
  single('PReLU on (3, 4), shared over steps', [3, 4], 'PReLU', { shared_axes: [1] }),
  single('PReLU on (4, 4, 3), one slope per channel', [4, 4, 3], 'PReLU', {
    shared_axes: [1, 2],
  }),
  single('PReLU on (3, 2, 2): one slope per value of the map', [3, 2, 2], 'PReLU'),
  single('PReLU on (2, 2, 2, 2), shared over axis 3', [2, 2, 2, 2], 'PReLU', { shared_axes: [3] }),
]);

kindDifferential('ELU', [
  weightless(single('ELU alpha 0.5 on (5)', [5], 'ELU', { alpha: 0.5 })),
  weightless(single('ELU default on (3, 3, 2)', [3, 3, 2], 'ELU')),
  weightless(single('ELU alpha 2 on (2, 3)', [2, 3], 'ELU', { alpha: 2 })),
]);

const wide = (c: KindCase): KindCase => ({ ...c, inputRange: [-4, 8] });
kindDifferential('ReLU', [
  weightless(single('ReLU on (5)', [5], 'ReLU')),
  weightless(wide(single('ReLU max_value 6 on (8)', [8], 'ReLU', { max_value: 6 }))),
  weightless(
    wide(
      single('ReLU max 2, slope 0.1, threshold 0.5 on (3, 4)', [3, 4], 'ReLU', {
        max_value: 2,
        negative_slope: 0.1,
        threshold: 0.5,
      }),
    ),
  ),
  weightless(single('ReLU slope 0.2 on (3, 3, 2)', [3, 3, 2], 'ReLU', { negative_slope: 0.2 })),
  weightless(
    single('ReLU threshold 0.3 on (2, 2, 2, 2)', [2, 2, 2, 2], 'ReLU', { threshold: 0.3 }),
  ),
]);

kindDifferential('Softmax', [
  weightless(single('Softmax on (5)', [5], 'Softmax')),
  weightless(single('Softmax axis 1 of (3, 4): over the steps', [3, 4], 'Softmax', { axis: 1 })),
  weightless(single('Softmax on (3, 3, 2): the channels', [3, 3, 2], 'Softmax')),
  weightless(single('Softmax axis 1 of (3, 2, 2): the height', [3, 2, 2], 'Softmax', { axis: 1 })),
  weightless(single('Softmax axis -2 of (2, 3, 4, 2)', [2, 3, 4, 2], 'Softmax', { axis: -2 })),
]);
