import { pooling2DFront } from '../pooling-common.ts';
import type { LayerDef } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = keras.TODO;

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = torch.TODO;

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [tf.layers.averagePooling2d(tfjs.pooling2dArgs(op))],
  forwardFlops: (op) => {
    const [ph, pw] = tfjs.pair(op.params.pool_size, [2, 2]);
    return ph * pw * tfjs.outSize(op); // ph·pw − 1 adds and one multiply by 1/(ph·pw)
  },
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  export: onnx.exportPool2D('AveragePool'),
  import: [onnx.importPool2D('AveragePool', 'AveragePooling2D')],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Average pooling',
    what: 'Averages each window, shrinking the feature map smoothly.',
    formula: 'y[i, j, c] = mean of x over the window at (i, j) in channel c',
    when: 'After convolutions when a smoother summary than max is wanted.',
  },
  arithmetic: (p, [input]) => {
    const pool = p.pool_size as number[];
    return {
      params: 'no weights: pooling only compares or averages values',
      shape: explain.windowShape(
        input!,
        pool,
        (p.strides as number[] | null) ?? pool,
        p.padding as string,
      ),
    };
  },
  digest: (p) => `pool ${explain.dims(p.pool_size)}`,
  featureMapOutput: true,
};

// ─── end explain ───

export const AveragePooling2DLayer: LayerDef = {
  ...pooling2DFront(
    'AveragePooling2D',
    'nn.AvgPool2d',
    'Averages each window, shrinking the feature map.',
  ),
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
