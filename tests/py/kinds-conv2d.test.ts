/**
 * Differential tests (TF.js = onnxruntime = PyTorch, see tests/py/kind-differential.ts) for the
 * conv2d group: Conv2DTranspose, SeparableConv2D, DepthwiseConv2D, SpatialDropout2D,
 * GaussianNoise, Rescaling, Permute, RepeatVector, at every input rank each accepts. Where the
 * output is a plain function of the input (no weights), a hand computation checks it too.
 */
import { graphOf } from '../shared/graph-builder.ts';
import { kindDifferential } from './kind-differential.ts';

type Block = [id: string, type: string, params?: Record<string, unknown>];

/** Input(shape) → blocks, wired as a chain. */
function chainOf(shape: number[], blocks: Block[]) {
  const all: Block[] = [['in', 'Input', { shape }], ...blocks];
  return graphOf(
    all,
    all.slice(1).map((b, i) => `${all[i]![0]}->${b[0]}`),
  );
}

const BATCH = 2;
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/**
 * Keras Permute by hand: output axis i of each example is input axis dims[i] (1-based); row-major
 * index arithmetic, batch of `BATCH`.
 */
function permuteByHand(shape: number[], dims: number[]) {
  return (x: Float32Array): number[] => {
    const out: number[] = [];
    const outShape = dims.map((d) => shape[d - 1]!);
    const strides = shape.map((_, i) => size(shape.slice(i + 1)));
    const n = size(shape);
    for (let b = 0; b < BATCH; b++) {
      for (let o = 0; o < n; o++) {
        // The output multi-index of flat index o, then the input's flat index.
        let rest = o;
        let src = 0;
        for (let i = outShape.length - 1; i >= 0; i--) {
          const idx = rest % outShape[i]!;
          rest = Math.floor(rest / outShape[i]!);
          src += idx * strides[dims[i]! - 1]!;
        }
        out.push(x[b * n + src]!);
      }
    }
    return out;
  };
}

kindDifferential('Conv2DTranspose', [
  {
    // Full output 2·4 + 1 = 9 rows, Keras keeps 8: TF crops 0 before, 1 after (PyTorch slices).
    title: 'Conv2DTranspose 3 filters, 3×3, stride 2, same, relu on (4, 5, 2)',
    graph: chainOf(
      [4, 5, 2],
      [
        [
          't',
          'Conv2DTranspose',
          { filters: 3, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' },
        ],
      ],
    ),
  },
  {
    title: 'Conv2DTranspose 2 filters, (4, 5), stride (2, 3), same, no bias on (3, 4, 3)',
    graph: chainOf(
      [3, 4, 3],
      [
        [
          't',
          'Conv2DTranspose',
          { filters: 2, kernel_size: [4, 5], strides: [2, 3], padding: 'same', use_bias: false },
        ],
      ],
    ),
  },
  {
    // Kernel smaller than the stride: output_padding 1 in PyTorch and ONNX.
    title: 'Conv2DTranspose 2 filters, (2, 1), stride (3, 2), valid, tanh on (3, 3, 1)',
    graph: chainOf(
      [3, 3, 1],
      [
        [
          't',
          'Conv2DTranspose',
          {
            filters: 2,
            kernel_size: [2, 1],
            strides: [3, 2],
            padding: 'valid',
            activation: 'tanh',
          },
        ],
      ],
    ),
  },
  {
    title: 'Conv2DTranspose 4 filters, 3×3, stride 1, valid on (5, 5, 2)',
    graph: chainOf(
      [5, 5, 2],
      [['t', 'Conv2DTranspose', { filters: 4, kernel_size: [3, 3], strides: [1, 1] }]],
    ),
  },
]);

kindDifferential('DepthwiseConv2D', [
  {
    // 7 → 4 with stride 2, 'same': TF pads 1 before and 1 after; depth_multiplier 2.
    title: 'DepthwiseConv2D 3×3, stride 2, same, multiplier 2, relu on (7, 6, 3)',
    graph: chainOf(
      [7, 6, 3],
      [
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
      ],
    ),
  },
  {
    // Stride 3 > kernel 2 with 'same': the case XNNPACK's SAME flag computed wrongly (issue 11).
    title: 'DepthwiseConv2D (2, 2), stride 3, same, no bias on (5, 7, 2)',
    graph: chainOf(
      [5, 7, 2],
      [
        [
          'd',
          'DepthwiseConv2D',
          { kernel_size: [2, 2], strides: [3, 3], padding: 'same', use_bias: false },
        ],
      ],
    ),
  },
  {
    // Even kernel, stride 1, 'same': TF pads 0 before and 1 after (PyTorch padding="same").
    title: 'DepthwiseConv2D (2, 2), stride 1, same on (4, 3, 2)',
    graph: chainOf([4, 3, 2], [['d', 'DepthwiseConv2D', { kernel_size: [2, 2], padding: 'same' }]]),
  },
  {
    title: 'DepthwiseConv2D (2, 3), valid, multiplier 3, tanh on (4, 5, 2)',
    graph: chainOf(
      [4, 5, 2],
      [['d', 'DepthwiseConv2D', { kernel_size: [2, 3], depth_multiplier: 3, activation: 'tanh' }]],
    ),
  },
]);

kindDifferential('SeparableConv2D', [
  {
    // 6 → 3 with stride 2, 'same': TF pads 0 before and 1 after.
    title: 'SeparableConv2D 4 filters, 3×3, stride 2, same, multiplier 2, relu on (6, 6, 3)',
    graph: chainOf(
      [6, 6, 3],
      [
        [
          's',
          'SeparableConv2D',
          {
            filters: 4,
            kernel_size: [3, 3],
            strides: [2, 2],
            padding: 'same',
            depth_multiplier: 2,
            activation: 'relu',
          },
        ],
      ],
    ),
  },
  {
    title: 'SeparableConv2D 2 filters, (2, 4), stride 1, same, multiplier 2, sigmoid on (3, 5, 2)',
    graph: chainOf(
      [3, 5, 2],
      [
        [
          's',
          'SeparableConv2D',
          {
            filters: 2,
            kernel_size: [2, 4],
            padding: 'same',
            depth_multiplier: 2,
            activation: 'sigmoid',
          },
        ],
      ],
    ),
  },
  {
    title: 'SeparableConv2D 3 filters, (3, 2), valid, no bias on (5, 4, 2)',
    graph: chainOf(
      [5, 4, 2],
      [['s', 'SeparableConv2D', { filters: 3, kernel_size: [3, 2], use_bias: false }]],
    ),
  },
]);

kindDifferential('SpatialDropout2D', [
  {
    // Identity at inference; the Conv2D before it gives training weights to update through it.
    title: 'Conv2D then SpatialDropout2D 0.4 on (5, 5, 2)',
    graph: chainOf(
      [5, 5, 2],
      [
        ['c', 'Conv2D', { filters: 3, kernel_size: [2, 2] }],
        ['sd', 'SpatialDropout2D', { rate: 0.4 }],
      ],
    ),
  },
  {
    title: 'SpatialDropout2D 0.5 alone on (3, 4, 2) is the identity at inference',
    graph: chainOf([3, 4, 2], [['sd', 'SpatialDropout2D', { rate: 0.5 }]]),
    hand: (x) => [...x],
    noTraining: true,
  },
]);

kindDifferential('GaussianNoise', [
  ...[[5], [3, 4], [3, 3, 2]].map((shape) => ({
    title: `GaussianNoise 0.5 alone on (${shape.join(', ')}) is the identity at inference`,
    graph: chainOf(shape, [['g', 'GaussianNoise', { stddev: 0.5 }]]),
    hand: (x: Float32Array) => [...x],
    noTraining: true,
  })),
  {
    title: 'Dense 4 then GaussianNoise 0.3 on (3, 5): trains through the noise',
    graph: chainOf(
      [3, 5],
      [
        ['d', 'Dense', { units: 4 }],
        ['g', 'GaussianNoise', { stddev: 0.3 }],
      ],
    ),
  },
]);

kindDifferential('Rescaling', [
  ...(
    [
      [[6], 1 / 255, 0],
      [[2, 5], -2, 0.5],
      [[3, 2, 2], 0.25, -1],
    ] as const
  ).map(([shape, scale, offset]) => {
    return {
      title: `Rescaling ×${scale.toPrecision(3)} + ${offset} on (${shape.join(', ')})`,
      graph: chainOf([...shape], [['r', 'Rescaling', { scale, offset }]]),
      inputRange: [0, 255] as [number, number],
      hand: (x: Float32Array) => [...x].map((v) => Math.fround(v * scale) + offset),
      noTraining: true,
    };
  }),
  {
    title: 'Dense 3 then Rescaling ×2 − 1 on (4): trains through it',
    graph: chainOf(
      [4],
      [
        ['d', 'Dense', { units: 3 }],
        ['r', 'Rescaling', { scale: 2, offset: -1 }],
      ],
    ),
  },
]);

kindDifferential('Permute', [
  {
    title: 'Permute (2, 1) on (3, 5)',
    graph: chainOf([3, 5], [['p', 'Permute', { dims: [2, 1] }]]),
    hand: permuteByHand([3, 5], [2, 1]),
    noTraining: true,
  },
  {
    title: 'Permute (3, 1, 2) on (2, 3, 4)',
    graph: chainOf([2, 3, 4], [['p', 'Permute', { dims: [3, 1, 2] }]]),
    hand: permuteByHand([2, 3, 4], [3, 1, 2]),
    noTraining: true,
  },
  {
    title: 'Permute (1, 2) on (3, 4) is the identity',
    graph: chainOf([3, 4], [['p', 'Permute', { dims: [1, 2] }]]),
    hand: (x) => [...x],
    noTraining: true,
  },
  {
    title: 'Permute (4, 2, 3, 1) on (2, 3, 2, 3)',
    graph: chainOf([2, 3, 2, 3], [['p', 'Permute', { dims: [4, 2, 3, 1] }]]),
    hand: permuteByHand([2, 3, 2, 3], [4, 2, 3, 1]),
    noTraining: true,
  },
  {
    title: 'Dense 3 then Permute (2, 1) on (4, 2): trains through it',
    graph: chainOf(
      [4, 2],
      [
        ['d', 'Dense', { units: 3 }],
        ['p', 'Permute', { dims: [2, 1] }],
      ],
    ),
  },
]);

kindDifferential('RepeatVector', [
  {
    title: 'RepeatVector 3 on (4)',
    graph: chainOf([4], [['r', 'RepeatVector', { n: 3 }]]),
    // Output (3, 4): every step is the input vector.
    hand: (x) =>
      Array.from({ length: BATCH }, (_, b) =>
        Array.from({ length: 3 }, () => [...x.subarray(b * 4, b * 4 + 4)]).flat(),
      ).flat(),
    noTraining: true,
  },
  {
    title: 'Dense 2 then RepeatVector 4 on (3): trains through it',
    graph: chainOf(
      [3],
      [
        ['d', 'Dense', { units: 2, activation: 'tanh' }],
        ['r', 'RepeatVector', { n: 4 }],
      ],
    ),
  },
]);
