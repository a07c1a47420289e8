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

const kerasHooks: keras.Hooks = pool1DKeras(['AveragePooling1D', 'AvgPool1D']);

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  ...pool1DTorch('avg'),
  source: {
    // torch.nn.AvgPool1d(kernel_size, stride=None, padding=0, …): pytorch.org/docs/stable/generated/torch.nn.AvgPool1d.html
    modules: { AvgPool1d: ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad'] },
    functions: {
      avg_pool1d: ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad'],
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

const tfjsHooks: tfjs.Hooks = pool1DTfjs('avg');

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  ...pool1DOnnx('AveragePool'),
  import: [pool1DImport('AveragePool', 'AveragePooling1D')],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Average pooling (1-D)',
    what: 'Averages each window of steps, shortening the sequence smoothly.',
    formula: 'y[t, c] = mean of x over the window of steps at t in channel c',
    when: 'After Conv1D layers when a smoother summary than max is wanted, e.g. to smooth a noisy signal.',
  },
  arithmetic: pool1DArithmetic,
  digest: (p) => `pool ${explain.dims(p.pool_size)}`,
};

// ─── end explain ───

/**
 * Keras 3 `AveragePooling1D(pool_size=2, strides=None, padding="valid")`; see `pooling1DFront`.
 * With 'same' padding the average counts only the steps inside the sequence (TensorFlow's rule).
 */
export const AveragePooling1DLayer: LayerDef = {
  ...pooling1DFront(
    'AveragePooling1D',
    'nn.AvgPool1d',
    'Averages each window of steps, shortening the sequence.',
  ),
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
