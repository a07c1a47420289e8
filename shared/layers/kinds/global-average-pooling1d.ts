import { globalPooling1DFront } from '../conv1d-common.ts';
import type { LayerDef } from '../types.ts';
import { globalPool1DHooks, globalPoolImport, globalPoolKeras } from '../conv1d-hooks.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = globalPoolKeras(['GlobalAveragePooling1D', 'GlobalAvgPool1D']);

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const hooks = globalPool1DHooks('avg');

const torchHooks: torch.Hooks = hooks.torch;

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = hooks.tfjs;

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  ...hooks.onnx,
  import: [globalPoolImport('ReduceMean', 'GlobalAveragePooling1D', 1)],
};

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Global average pooling (1-D)',
    what: 'Averages each channel over all steps of the sequence, leaving one number per channel.',
    formula: '(steps, C) → (C), yᶜ = mean over all steps of xᶜ',
    when: 'At the end of a sequence model (after Conv1D or Embedding), to get one vector whatever the length.',
  },
};

// ─── end explain ───

/** Keras 3 `GlobalAveragePooling1D()`: `(steps, C)` → `(C)`; see `globalPooling1DFront`. */
export const GlobalAveragePooling1DLayer: LayerDef = {
  ...globalPooling1DFront(
    'GlobalAveragePooling1D',
    'torch.mean',
    'Averages each channel over all steps of a sequence: (steps, C) → (C).',
  ),
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
