/** Projects that together use every catalogue entry, for the generated-code tests. */
import { emptyProject, type Project, type TrainingSettings } from '../../shared/graph/project.ts';
import { graphOf } from '../shared/graph-builder.ts';

type Block = [id: string, type: string, params?: Record<string, unknown>];

function project(
  name: string,
  blocks: Block[],
  wires: string[],
  training: Partial<TrainingSettings> = {},
): Project {
  const p = emptyProject(name);
  p.graph = graphOf(blocks, wires);
  p.training = { ...p.training, ...training };
  return p;
}

/** Wires a chain a → b → c ... */
const chain = (ids: string[]) => ids.slice(1).map((id, i) => `${ids[i]}->${id}`);

const vectorBlocks: Block[] = [
  ['in', 'Input', { shape: [20] }],
  ['d1', 'Dense', { units: 32, activation: 'relu' }],
  ['bn', 'BatchNormalization', { momentum: 0.9, epsilon: 0.01 }],
  ['drop', 'Dropout', { rate: 0.2 }],
  ['ln', 'LayerNormalization', {}],
  ['elu', 'Activation', { activation: 'elu' }],
  ['d2', 'Dense', { units: 16, activation: 'leaky_relu', use_bias: false }],
  ['gelu', 'Activation', { activation: 'gelu' }],
  ['d3', 'Dense', { units: 8, activation: 'selu' }],
  ['d4', 'Dense', { units: 8, activation: 'softplus' }],
  ['d5', 'Dense', { units: 8, activation: 'tanh' }],
  ['d6', 'Dense', { units: 8, activation: 'sigmoid' }],
  ['out', 'Dense', { units: 3, activation: 'softmax' }],
];

const cnnBlocks: Block[] = [
  ['in', 'Input', { shape: [10, 10, 3] }],
  // 10 → 5 with stride 2: TF pads 0 before, 1 after.
  [
    'conv_a',
    'Conv2D',
    { filters: 6, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' },
  ],
  // Even kernel, stride 1: PyTorch padding="same".
  ['conv_b', 'Conv2D', { filters: 6, kernel_size: [4, 4], padding: 'same', use_bias: false }],
  ['bn', 'BatchNormalization', {}],
  ['ln', 'LayerNormalization', { epsilon: 0.0001 }],
  ['max', 'MaxPooling2D', { pool_size: [2, 2], padding: 'same' }],
  ['avg_sym', 'AveragePooling2D', { pool_size: [3, 3], strides: [1, 1], padding: 'same' }],
  ['avg_asym', 'AveragePooling2D', { pool_size: [2, 2], padding: 'same' }],
  [
    'conv_c',
    'Conv2D',
    { filters: 5, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'softmax' },
  ],
  ['dense_map', 'Dense', { units: 4, activation: 'relu' }],
  ['flat', 'Flatten', {}],
  ['out', 'Dense', { units: 5, activation: 'softmax' }],
];

const cnnSymmetricBlocks: Block[] = [
  ['in', 'Input', { shape: [9, 9, 1] }],
  // 9 → 5 with stride 2: TF pads 1 on each side.
  [
    'conv',
    'Conv2D',
    { filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' },
  ],
  ['max', 'MaxPooling2D', { pool_size: [3, 3], strides: [2, 2], padding: 'same' }],
  ['avg', 'AveragePooling2D', { pool_size: [2, 2], strides: [1, 1], padding: 'valid' }],
  ['conv2', 'Conv2D', { filters: 3, kernel_size: [2, 1], strides: [1, 1], padding: 'valid' }],
  ['gap', 'GlobalAveragePooling2D', {}],
  ['out', 'Dense', { units: 1, activation: 'sigmoid' }],
];

const sequenceBlocks: Block[] = [
  ['in', 'Input', { shape: [12], dtype: 'int32' }],
  ['emb', 'Embedding', { input_dim: 50, output_dim: 8 }],
  ['bi_lstm', 'Bidirectional', { layer: 'LSTM', units: 6, return_sequences: true }],
  [
    'bi_gru',
    'Bidirectional',
    { layer: 'GRU', units: 4, return_sequences: true, merge_mode: 'sum' },
  ],
  [
    'bi_rnn',
    'Bidirectional',
    { layer: 'SimpleRNN', units: 4, return_sequences: true, merge_mode: 'mul' },
  ],
  [
    'bi_ave',
    'Bidirectional',
    { layer: 'LSTM', units: 3, return_sequences: true, merge_mode: 'ave' },
  ],
  ['rnn', 'SimpleRNN', { units: 5, activation: 'relu', return_sequences: true }],
  ['gru', 'GRU', { units: 4, return_sequences: true, use_bias: false }],
  ['lstm', 'LSTM', { units: 4 }],
  ['out', 'Dense', { units: 3, activation: 'softmax' }],
];

export const CATALOGUE_PROJECTS: Project[] = [
  project('Every vector layer', vectorBlocks, chain(vectorBlocks.map((b) => b[0]))),
  project('CNN with same padding', cnnBlocks, chain(cnnBlocks.map((b) => b[0])), {
    optimizer: 'momentum',
    validationSplit: 0.2,
  }),
  project(
    'CNN, symmetric padding',
    cnnSymmetricBlocks,
    chain(cnnSymmetricBlocks.map((b) => b[0])),
    { dataset: 'circles', optimizer: 'rmsprop' },
  ),
  // Branches: two conv paths concatenated on channels, then on height; global pooling; Add.
  project(
    'Branches and merges',
    [
      ['in', 'Input', { shape: [8, 8, 2] }],
      ['c1', 'Conv2D', { filters: 4, kernel_size: [3, 3], padding: 'same', activation: 'relu' }],
      ['c2', 'Conv2D', { filters: 3, kernel_size: [1, 1] }],
      ['cat_c', 'Concatenate', { axis: -1 }],
      ['cat_h', 'Concatenate', { axis: 1 }],
      ['cat_w', 'Concatenate', { axis: 2 }],
      ['gap', 'GlobalAveragePooling2D', {}],
      ['a', 'Dense', { units: 6, activation: 'relu' }],
      ['b', 'Dense', { units: 6 }],
      ['sum', 'Add', {}],
      ['out', 'Dense', { units: 4, activation: 'softmax' }],
    ],
    [
      'in->c1',
      'in->c2',
      'c1->cat_c:0',
      'c2->cat_c:1',
      'cat_c->cat_h:0',
      'c1->cat_h:1',
      'cat_h->cat_w:0',
      'cat_h->cat_w:1',
      'cat_w->gap',
      'gap->a',
      'gap->b',
      'a->sum:0',
      'b->sum:1',
      'sum->out',
    ].map((w) => w.replace('c1->cat_h:1', 'cat_c->cat_h:1')),
    { dataset: 'blobs', loss: 'categorical_crossentropy', optimizer: 'sgd' },
  ),
  // Reshape vector → map → map → vector, and layers on rank-2 tensors.
  project(
    'Reshapes',
    [
      ['in', 'Input', { shape: [12] }],
      ['to_map', 'Reshape', { target_shape: [2, 2, 3] }],
      ['conv', 'Conv2D', { filters: 4, kernel_size: [1, 1] }],
      ['map_to_map', 'Reshape', { target_shape: [4, 1, -1] }],
      ['to_vec', 'Reshape', { target_shape: [-1] }],
      ['dense', 'Dense', { units: 6 }],
      ['to_seq', 'Reshape', { target_shape: [2, 3] }],
      ['ln', 'LayerNormalization', {}],
      ['bn', 'BatchNormalization', {}],
      ['seq_dense', 'Dense', { units: 4, activation: 'relu' }],
      ['soft', 'Activation', { activation: 'softmax' }],
      ['flat', 'Flatten', {}],
      ['out', 'Dense', { units: 1 }],
    ],
    chain([
      'in',
      'to_map',
      'conv',
      'map_to_map',
      'to_vec',
      'dense',
      'to_seq',
      'ln',
      'bn',
      'seq_dense',
      'soft',
      'flat',
      'out',
    ]),
    { dataset: 'cars' },
  ),
  // Softmax as its own Activation block at the end; mse on ten outputs (one-hot targets).
  project(
    'Softmax block',
    [
      ['in', 'Input', { shape: [28, 28, 1] }],
      ['flat', 'Flatten', {}],
      ['logits', 'Dense', { units: 10 }],
      ['soft', 'Activation', { activation: 'softmax' }],
    ],
    ['in->flat', 'flat->logits', 'logits->soft'],
  ),
  project(
    'Three outputs, mean squared error',
    [
      ['in', 'Input', { shape: [4] }],
      ['out', 'Dense', { units: 3, activation: 'linear' }],
    ],
    ['in->out'],
    { dataset: 'penguins', loss: 'mse' },
  ),
  // ── sequence kinds ──
  // Token ids through every recurrent kind, each merge mode of Bidirectional.
  project(
    'Text: ids, Embedding and recurrent layers',
    sequenceBlocks,
    chain(sequenceBlocks.map((b) => b[0])),
    { dataset: 'blobs', loss: 'categorical_crossentropy' },
  ),
  // ── end sequence ──
  // ── conv1d kinds ──
  // A sequence model: Conv1D 'same' with stride 2 pads more after than before; both 1-D poolings
  // with 'same' and with strides None; global poolings on sequences.
  project(
    'Sequence convolutions',
    [
      ['in', 'Input', { shape: [16, 3] }],
      [
        'conv_a',
        'Conv1D',
        { filters: 6, kernel_size: 4, strides: 2, padding: 'same', activation: 'relu' },
      ],
      ['conv_b', 'Conv1D', { filters: 5, kernel_size: 2, use_bias: false, activation: 'tanh' }],
      ['max', 'MaxPooling1D', { pool_size: 3, strides: 1, padding: 'same' }],
      ['avg', 'AveragePooling1D', { pool_size: 2, strides: null, padding: 'valid' }],
      ['gmax', 'GlobalMaxPooling1D', {}],
      ['avg2', 'AveragePooling1D', { pool_size: 2, strides: 2, padding: 'same' }],
      ['gavg', 'GlobalAveragePooling1D', {}],
      ['cat', 'Concatenate', { axis: -1 }],
      ['out', 'Dense', { units: 3, activation: 'softmax' }],
    ],
    [
      'in->conv_a',
      'conv_a->conv_b',
      'conv_b->max',
      'max->avg',
      'avg->gmax',
      'max->avg2',
      'avg2->gavg',
      'gmax->cat:0',
      'gavg->cat:1',
      'cat->out',
    ],
  ),
  // Image to image: pad, crop, upsample; global max pooling at the end.
  project(
    'Pad, crop, upsample',
    [
      ['in', 'Input', { shape: [8, 8, 1] }],
      [
        'pad',
        'ZeroPadding2D',
        {
          padding: [
            [2, 0],
            [1, 3],
          ],
        },
      ],
      ['conv', 'Conv2D', { filters: 4, kernel_size: [3, 3], activation: 'relu' }],
      [
        'crop',
        'Cropping2D',
        {
          cropping: [
            [1, 0],
            [0, 2],
          ],
        },
      ],
      ['up', 'UpSampling2D', { size: [2, 3], interpolation: 'nearest' }],
      ['gmax', 'GlobalMaxPooling2D', {}],
      ['out', 'Dense', { units: 2, activation: 'softmax' }],
    ],
    ['in->pad', 'pad->conv', 'conv->crop', 'crop->up', 'up->gmax', 'gmax->out'],
  ),
  // ── end conv1d ──
  // ── conv2d kinds ──
  // Image to image and back: every conv2d-group kind on feature maps; Conv2DTranspose both
  // with a 'same' crop PyTorch must slice (kernel 3, stride 2) and with output_padding
  // (kernel 2 < stride 3).
  project(
    'Depthwise, separable and transposed convolutions',
    [
      ['in', 'Input', { shape: [8, 8, 2] }],
      ['scale', 'Rescaling', { scale: 0.5, offset: -1 }],
      ['noise', 'GaussianNoise', { stddev: 0.2 }],
      [
        'dw',
        'DepthwiseConv2D',
        {
          kernel_size: [3, 3],
          strides: [2, 2],
          padding: 'same',
          depth_multiplier: 2,
          activation: 'relu',
        },
      ],
      ['sdrop', 'SpatialDropout2D', { rate: 0.3 }],
      [
        'sep',
        'SeparableConv2D',
        { filters: 6, kernel_size: [3, 3], activation: 'tanh', use_bias: false },
      ],
      [
        'up',
        'Conv2DTranspose',
        { filters: 3, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' },
      ],
      [
        'up2',
        'Conv2DTranspose',
        { filters: 2, kernel_size: [2, 2], strides: [3, 3], use_bias: false },
      ],
      ['perm', 'Permute', { dims: [3, 1, 2] }],
      ['gap', 'GlobalAveragePooling2D', {}],
      ['rep', 'RepeatVector', { n: 3 }],
      ['flat', 'Flatten', {}],
      ['out', 'Dense', { units: 4, activation: 'softmax' }],
    ],
    chain([
      'in',
      'scale',
      'noise',
      'dw',
      'sdrop',
      'sep',
      'up',
      'up2',
      'perm',
      'gap',
      'rep',
      'flat',
      'out',
    ]),
  ),
  // The shape-free kinds on vectors and sequences: (6) → (5, 4) → (4, 5) → (4, 3).
  project(
    'Repeat, permute, rescale and noise on sequences',
    [
      ['in', 'Input', { shape: [6] }],
      ['scale', 'Rescaling', { scale: 2, offset: 0.5 }],
      ['noise', 'GaussianNoise', { stddev: 0.5 }],
      ['enc', 'Dense', { units: 4, activation: 'relu' }],
      ['rep', 'RepeatVector', { n: 5 }],
      ['perm', 'Permute', { dims: [2, 1] }],
      ['steps', 'Dense', { units: 3, activation: 'tanh' }],
      ['flat', 'Flatten', {}],
      ['out', 'Dense', { units: 1 }],
    ],
    chain(['in', 'scale', 'noise', 'enc', 'rep', 'perm', 'steps', 'flat', 'out']),
    { dataset: 'cars' },
  ),
  // ── end conv2d ──
  // ── mixing kinds ──
  // Every mixing kind: self-attention on one wire, cross-attention on two ports, each
  // element-wise merge, Dot, and the activation layers with non-default params.
  project(
    'Merges, attention and activation layers',
    [
      ['in', 'Input', { shape: [6, 4] }],
      [
        'mha',
        'MultiHeadAttention',
        { num_heads: 2, key_dim: 4, value_dim: 3, dropout: 0.1, output_shape: 8 },
      ],
      ['lrelu', 'LeakyReLU', { negative_slope: 0.1 }],
      ['d1', 'Dense', { units: 8 }],
      ['prelu', 'PReLU', { shared_axes: [1] }],
      ['mul', 'Multiply', {}],
      ['sub', 'Subtract', {}],
      ['avg', 'Average', {}],
      ['max', 'Maximum', {}],
      ['min', 'Minimum', {}],
      ['elu', 'ELU', { alpha: 0.5 }],
      ['relu', 'ReLU', { max_value: 6, negative_slope: 0.1, threshold: 0.2 }],
      ['dot', 'Dot', { axes: [2, 2], normalize: true }],
      ['sm', 'Softmax', { axis: 1 }],
      ['mha2', 'MultiHeadAttention', { num_heads: 1, key_dim: 2, use_bias: false }],
      ['flat', 'Flatten', {}],
      ['out', 'Dense', { units: 3, activation: 'softmax' }],
    ],
    [
      'in->mha',
      'mha->lrelu',
      'in->d1',
      'd1->prelu',
      'lrelu->mul:0',
      'prelu->mul:1',
      'mul->sub:0',
      'd1->sub:1',
      'sub->avg:0',
      'lrelu->avg:1',
      'avg->max:0',
      'prelu->max:1',
      'max->min:0',
      'mul->min:1',
      'min->elu',
      'elu->relu',
      'relu->dot:0',
      'd1->dot:1',
      'dot->sm',
      'sm->mha2:0',
      'relu->mha2:1',
      'mha2->flat',
      'flat->out',
    ],
  ),
  // ── end mixing ──
];
