import { pooling1DFront } from '../conv1d-common.ts';
import type { LayerDef } from '../types.ts';
import {
  pool1DArithmetic,
  pool1DImport,
  pool1DKeras,
  pool1DOnnx,
  pool1DTfjs,
  pool1DTorch,
} from '../conv1d-hooks.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = pool1DKeras(['MaxPooling1D', 'MaxPool1D']);

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  ...pool1DTorch('max'),
  source: {
    // torch.nn.MaxPool1d(kernel_size, stride=None, padding=0, …): pytorch.org/docs/stable/generated/torch.nn.MaxPool1d.html
    modules: {
      MaxPool1d: ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode'],
    },
    functions: {
      max_pool1d: ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode'],
    },
    layout: 'channels-first-1d',
    read: ({ args, input }) => {
      torch.onlyDefault(args, 'dilation', 1, [1]);
      torch.onlyDefault(args, 'ceil_mode', false);
      torch.onlyDefault(args, 'return_indices', false);
      const pool = torch.readInt(args.kernel_size, 'kernel_size');
      const given =
        args.stride === undefined || args.stride === null
          ? null
          : torch.readInt(args.stride, 'stride');
      const strides = given !== null && given !== pool ? given : null;
      const padding = torch.readPadding(args.padding, [pool], [strides ?? pool], input, 1);
      return { params: { pool_size: pool, strides, padding } };
    },
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = pool1DTfjs('max');

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  ...pool1DOnnx('MaxPool'),
  import: [pool1DImport('MaxPool', 'MaxPooling1D')],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Max pooling (1-D)',
    what: 'Keeps the largest value in each window of steps, shortening the sequence and making it tolerant to small shifts in time.',
    formula: 'y[t, c] = max of x over the window of steps at t in channel c',
    when: 'After Conv1D layers, to halve the number of steps.',
  },
  arithmetic: pool1DArithmetic,
  digest: (p) => `pool ${explain.dims(p.pool_size)}`,
};

// ─── end explain ───

/** Keras 3 `MaxPooling1D(pool_size=2, strides=None, padding="valid")`; see `pooling1DFront`. */
export const MaxPooling1DLayer: LayerDef = {
  ...pooling1DFront(
    'MaxPooling1D',
    'nn.MaxPool1d',
    'Keeps the largest value in each window of steps, shortening the sequence.',
  ),
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
