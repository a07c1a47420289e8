/**
 * Differential tests (TF.js = onnxruntime = PyTorch + weights.npz, onnx.checker, trains in TF.js)
 * for the conv1d group: Conv1D, MaxPooling1D, AveragePooling1D, GlobalAveragePooling1D,
 * GlobalMaxPooling1D, GlobalMaxPooling2D, UpSampling2D, ZeroPadding2D, Cropping2D. Each kind
 * takes one input rank (a sequence `(steps, channels)` or an image `(H, W, C)`); the cases cover
 * TF 'same' padding that pads more after than before (stride > 1) and windows wider than their
 * stride. Weight-free kinds also get a `hand` computation (plain loops over the channels-last
 * input, from the Keras docs' definition of the layer) and a second case behind a trainable block
 * so that the training check sees gradients flow through them.
 */
import { graphOf } from '../shared/graph-builder.ts';
import { kindDifferential, type KindCase } from './kind-differential.ts';

const BATCH = 2;
type Block = [id: string, type: string, params?: Record<string, unknown>];

/** Input → blocks, wired in a chain. */
function chainGraph(shape: number[], blocks: Block[]) {
  const all: Block[] = [['in', 'Input', { shape }], ...blocks];
  return graphOf(
    all,
    all.slice(1).map((b, i) => `${all[i]![0]}->${b[0]}`),
  );
}

/** Element (b, t, c) of a batch of `(steps, channels)` sequences, row-major. */
const seqAt = (x: Float32Array, steps: number, ch: number, b: number, t: number, c: number) =>
  x[(b * steps + t) * ch + c]!;

/**
 * 1-D pooling by hand (Keras docs: "Downsamples the input representation by taking the maximum /
 * average value over a spatial window of size pool_size ... shifted by strides"), TF 'same' pads
 * `before` steps first; pads never count: max ignores them, the average divides by the steps
 * inside (TensorFlow's avg_pool rule).
 */
function pool1D(
  kind: 'max' | 'avg',
  steps: number,
  ch: number,
  pool: number,
  stride: number,
  out: number,
  before: number,
) {
  return (x: Float32Array): number[] => {
    const y: number[] = [];
    for (let b = 0; b < BATCH; b++)
      for (let o = 0; o < out; o++)
        for (let c = 0; c < ch; c++) {
          const values: number[] = [];
          for (let k = 0; k < pool; k++) {
            const t = o * stride - before + k;
            if (t >= 0 && t < steps) values.push(seqAt(x, steps, ch, b, t, c));
          }
          y.push(
            kind === 'max'
              ? Math.max(...values)
              : values.reduce((s, v) => s + v, 0) / values.length,
          );
        }
    return y;
  };
}

/** Per-channel reduction over all steps of each sequence. */
function global1D(kind: 'max' | 'avg', steps: number, ch: number) {
  return (x: Float32Array): number[] => {
    const y: number[] = [];
    for (let b = 0; b < BATCH; b++)
      for (let c = 0; c < ch; c++) {
        const values = Array.from({ length: steps }, (_, t) => seqAt(x, steps, ch, b, t, c));
        y.push(kind === 'max' ? Math.max(...values) : values.reduce((s, v) => s + v, 0) / steps);
      }
    return y;
  };
}

/** Element (b, i, j, c) of a batch of `(H, W, C)` images, row-major. */
const imgAt = (
  x: Float32Array,
  h: number,
  w: number,
  ch: number,
  b: number,
  i: number,
  j: number,
  c: number,
) => x[((b * h + i) * w + j) * ch + c]!;

/**
 * An image op by hand: output (oh, ow, C) whose value at (i, j, c) is `pick(i, j)` of the input
 * (a source pixel, or null for zero).
 */
function mapImage(
  h: number,
  w: number,
  ch: number,
  oh: number,
  ow: number,
  pick: (i: number, j: number) => [number, number] | null,
) {
  return (x: Float32Array): number[] => {
    const y: number[] = [];
    for (let b = 0; b < BATCH; b++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++)
          for (let c = 0; c < ch; c++) {
            const src = pick(i, j);
            y.push(src ? imgAt(x, h, w, ch, b, src[0], src[1], c) : 0);
          }
    return y;
  };
}

const conv1d = (over: Record<string, unknown>): Block => [
  'conv',
  'Conv1D',
  { filters: 3, kernel_size: 3, strides: 1, padding: 'valid', activation: 'linear', ...over },
];
const conv2d: Block = [
  'conv',
  'Conv2D',
  { filters: 2, kernel_size: [2, 2], strides: [1, 1], padding: 'valid', activation: 'tanh' },
];

kindDifferential('Conv1D', [
  {
    title: 'Conv1D 4 filters, kernel 3, valid, relu on (9, 3)',
    graph: chainGraph([9, 3], [conv1d({ filters: 4, activation: 'relu' })]),
  },
  {
    // 9 steps, kernel 4, stride 2 → 5 steps; TF pads (5 - 1)·2 + 4 - 9 = 3: 1 before, 2 after.
    title: "Conv1D kernel 4, stride 2, 'same' (pads 1 before, 2 after), tanh, no bias on (9, 2)",
    graph: chainGraph(
      [9, 2],
      [
        conv1d({
          filters: 5,
          kernel_size: 4,
          strides: 2,
          padding: 'same',
          activation: 'tanh',
          use_bias: false,
        }),
      ],
    ),
  },
  {
    // 10 steps, kernel 2, stride 3 → 4 steps; TF pads 3·3 + 2 - 10 = 1: 0 before, 1 after.
    title: "Conv1D kernel 2 < stride 3, 'same' (pads 0 before, 1 after) on (10, 3)",
    graph: chainGraph([10, 3], [conv1d({ kernel_size: 2, strides: 3, padding: 'same' })]),
  },
  {
    // Flatten must see Keras's (steps, channels) order, whatever layout PyTorch computes in.
    title: "Conv1D kernel 3 'same' stride 1 → Flatten → Dense 2 on (6, 2)",
    graph: chainGraph(
      [6, 2],
      [
        conv1d({ padding: 'same', activation: 'sigmoid' }),
        ['flat', 'Flatten'],
        ['out', 'Dense', { units: 2 }],
      ],
    ),
  },
  {
    title: 'Conv1D stride 2 → Conv1D → Dense 3 (acts on channels) on (11, 2)',
    graph: chainGraph(
      [11, 2],
      [
        conv1d({ strides: 2, activation: 'relu' }),
        ['conv2', 'Conv1D', { filters: 4, kernel_size: 2, padding: 'same' }],
        ['out', 'Dense', { units: 3 }],
      ],
    ),
  },
]);

/** The cases for one 1-D pooling kind. */
function pooling1DCases(type: 'MaxPooling1D' | 'AveragePooling1D'): KindCase[] {
  const kind = type === 'MaxPooling1D' ? 'max' : 'avg';
  return [
    {
      // floor((9 - 2) / 2) + 1 = 4: the last step is dropped.
      title: `${type} default (pool 2, valid) on (9, 3)`,
      graph: chainGraph([9, 3], [['p', type]]),
      hand: pool1D(kind, 9, 3, 2, 2, 4, 0),
      noTraining: true,
    },
    {
      // ceil(10 / 2) = 5 steps; TF pads 4·2 + 3 - 10 = 1: 0 before, 1 after.
      title: `${type} pool 3, stride 2, 'same' (pads 0 before, 1 after) on (10, 2)`,
      graph: chainGraph([10, 2], [['p', type, { pool_size: 3, strides: 2, padding: 'same' }]]),
      hand: pool1D(kind, 10, 2, 3, 2, 5, 0),
      noTraining: true,
    },
    {
      // ceil(7 / 1) = 7 steps; TF pads 6 + 4 - 7 = 3: 1 before, 2 after.
      title: `${type} pool 4, stride 1, 'same' (pads 1 before, 2 after) on (7, 2)`,
      graph: chainGraph([7, 2], [['p', type, { pool_size: 4, strides: 1, padding: 'same' }]]),
      hand: pool1D(kind, 7, 2, 4, 1, 7, 1),
      noTraining: true,
    },
    {
      // ceil(6 / 1) = 6 steps; TF pads 5 + 3 - 6 = 2: 1 before, 1 after (symmetric).
      title: `${type} pool 3, stride 1, 'same' (pads 1 and 1) on (6, 2)`,
      graph: chainGraph([6, 2], [['p', type, { pool_size: 3, strides: 1, padding: 'same' }]]),
      hand: pool1D(kind, 6, 2, 3, 1, 6, 1),
      noTraining: true,
    },
    {
      title: `Conv1D → ${type} pool 2, stride 3, valid → Flatten on (12, 2)`,
      graph: chainGraph(
        [12, 2],
        [
          conv1d({ activation: 'tanh' }),
          ['p', type, { pool_size: 2, strides: 3 }],
          ['flat', 'Flatten'],
        ],
      ),
    },
  ];
}

kindDifferential('MaxPooling1D', pooling1DCases('MaxPooling1D'));
kindDifferential('AveragePooling1D', pooling1DCases('AveragePooling1D'));

for (const [type, kind] of [
  ['GlobalAveragePooling1D', 'avg'],
  ['GlobalMaxPooling1D', 'max'],
] as const) {
  kindDifferential(type, [
    {
      title: `${type} on (7, 3)`,
      graph: chainGraph([7, 3], [['g', type]]),
      hand: global1D(kind, 7, 3),
      noTraining: true,
    },
    {
      title: `Conv1D → ${type} → Dense 2 on (8, 2)`,
      graph: chainGraph(
        [8, 2],
        [conv1d({ activation: 'relu' }), ['g', type], ['out', 'Dense', { units: 2 }]],
      ),
    },
  ]);
}

kindDifferential('GlobalMaxPooling2D', [
  {
    title: 'GlobalMaxPooling2D on (4, 5, 3)',
    graph: chainGraph([4, 5, 3], [['g', 'GlobalMaxPooling2D']]),
    hand: (x) => {
      const y: number[] = [];
      for (let b = 0; b < BATCH; b++)
        for (let c = 0; c < 3; c++) {
          let m = -Infinity;
          for (let i = 0; i < 4; i++)
            for (let j = 0; j < 5; j++) m = Math.max(m, imgAt(x, 4, 5, 3, b, i, j, c));
          y.push(m);
        }
      return y;
    },
    noTraining: true,
  },
  {
    title: 'Conv2D → GlobalMaxPooling2D → Dense 2 on (5, 4, 2)',
    graph: chainGraph(
      [5, 4, 2],
      [conv2d, ['g', 'GlobalMaxPooling2D'], ['out', 'Dense', { units: 2 }]],
    ),
  },
]);

kindDifferential('UpSampling2D', [
  {
    // Keras docs: "Repeats the rows and columns of the data by size[0] and size[1]".
    title: 'UpSampling2D size (2, 3) on (3, 4, 2)',
    graph: chainGraph([3, 4, 2], [['u', 'UpSampling2D', { size: [2, 3] }]]),
    hand: mapImage(3, 4, 2, 6, 12, (i, j) => [Math.floor(i / 2), Math.floor(j / 3)]),
    noTraining: true,
  },
  {
    title: 'Conv2D → UpSampling2D size 2 → Flatten on (3, 3, 1)',
    graph: chainGraph(
      [3, 3, 1],
      [conv2d, ['u', 'UpSampling2D', { size: [2, 2] }], ['flat', 'Flatten']],
    ),
  },
]);

kindDifferential('ZeroPadding2D', [
  {
    // ((top 2, bottom 0), (left 1, right 3)): (3, 4) → (5, 8).
    title: 'ZeroPadding2D ((2, 0), (1, 3)) on (3, 4, 2)',
    graph: chainGraph(
      [3, 4, 2],
      [
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
      ],
    ),
    hand: mapImage(3, 4, 2, 5, 8, (i, j) =>
      i - 2 >= 0 && i - 2 < 3 && j - 1 >= 0 && j - 1 < 4 ? [i - 2, j - 1] : null,
    ),
    noTraining: true,
  },
  {
    title: 'Conv2D → ZeroPadding2D default (1 all round) → Conv2D → Flatten on (4, 4, 1)',
    graph: chainGraph(
      [4, 4, 1],
      [
        conv2d,
        ['z', 'ZeroPadding2D'],
        ['conv2', 'Conv2D', { filters: 2, kernel_size: [3, 3] }],
        ['flat', 'Flatten'],
      ],
    ),
  },
]);

kindDifferential('Cropping2D', [
  {
    // ((top 1, bottom 0), (left 0, right 2)): (5, 6) → (4, 4).
    title: 'Cropping2D ((1, 0), (0, 2)) on (5, 6, 2)',
    graph: chainGraph(
      [5, 6, 2],
      [
        [
          'c',
          'Cropping2D',
          {
            cropping: [
              [1, 0],
              [0, 2],
            ],
          },
        ],
      ],
    ),
    hand: mapImage(5, 6, 2, 4, 4, (i, j) => [i + 1, j]),
    noTraining: true,
  },
  {
    title: 'Conv2D → Cropping2D ((0, 1), (1, 1)) → Flatten on (5, 5, 1)',
    graph: chainGraph(
      [5, 5, 1],
      [
        conv2d,
        [
          'c',
          'Cropping2D',
          {
            cropping: [
              [0, 1],
              [1, 1],
            ],
          },
        ],
        ['flat', 'Flatten'],
      ],
    ),
  },
]);
