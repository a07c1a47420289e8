import { pooling2DFront } from '../pooling-common.ts';
import type { LayerDef } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = keras.pooling2D(['MaxPooling2D', 'MaxPool2D']);

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  source: {
    // torch.nn.MaxPool2d(kernel_size, stride=None, padding=0, …), F.max_pool2d(input, …): pytorch.org/docs/stable/generated/torch.nn.MaxPool2d.html
    modules: {
      MaxPool2d: ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode'],
    },
    functions: {
      max_pool2d: ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode'],
    },
    read: ({ args, input }) => {
      torch.onlyDefault(args, 'dilation', 1, [1, 1]);
      torch.onlyDefault(args, 'ceil_mode', false);
      torch.onlyDefault(args, 'return_indices', false);
      const pool = torch.readPair(args.kernel_size, 'kernel_size');
      const given =
        args.stride === undefined || args.stride === null
          ? null
          : torch.readPair(args.stride, 'stride');
      const strides = given && given.some((s, i) => s !== pool[i]) ? given : null;
      const padding = torch.readPadding(args.padding, pool, strides ?? pool, input, 2);
      return { params: { pool_size: pool, strides, padding } };
    },
  },
  plan: (ctx) => {
    const p = ctx.op.params;
    const pool = p.pool_size as number[];
    const strides = (p.strides as number[] | null) ?? pool;
    const args = [torch.size(pool)];
    if (strides.some((s, i) => s !== pool[i])) args.push(`stride=${torch.size(strides)}`);
    const pads = torch.windowPads(ctx.inputs[0]!.shape, 2, pool, strides, p.padding as string);
    if (pads.symmetric) {
      if (pads.any) args.push(`padding=${pads.padding}`);
      return { steps: [{ module: `nn.MaxPool2d(${args.join(', ')})` }] };
    }
    return {
      notes: ["TensorFlow's 'same' pads more at the bottom and right; -inf never wins the max."],
      steps: [
        { module: `nn.ConstantPad2d(${pads.fPad}, float("-inf"))` },
        { module: `nn.MaxPool2d(${args.join(', ')})` },
      ],
    };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op) => [tf.layers.maxPooling2d(tfjs.pooling2dArgs(op))],
  forwardFlops: (op) => {
    const [ph, pw] = tfjs.pair(op.params.pool_size, [2, 2]);
    return (ph * pw - 1) * tfjs.outSize(op); // comparisons
  },
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  export: onnx.exportPool2D('MaxPool'),
  import: [onnx.importPool2D('MaxPool', 'MaxPooling2D')],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Max pooling',
    what: 'Keeps the largest value in each window, shrinking the feature map and making it tolerant to small shifts.',
    formula: 'y[i, j, c] = max of x over the window at (i, j) in channel c',
    when: 'After convolutions, to halve the height and width.',
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

export const MaxPooling2DLayer: LayerDef = {
  ...pooling2DFront(
    'MaxPooling2D',
    'nn.MaxPool2d',
    'Keeps the largest value in each window, shrinking the feature map.',
  ),
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
