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

const torchHooks: torch.Hooks = pool1DTorch('avg');

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
