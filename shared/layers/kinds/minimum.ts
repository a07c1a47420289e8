import { mergeExplain, mergeKeras, mergeOnnx, mergeTfjs, mergeTorch } from '../merge-hooks.ts';
import { elementwiseMergeShape } from '../mixing-common.ts';
import type { LayerDef } from '../types.ts';
import { ANY_NUMBER_OF_INPUTS, NO_PARAMS } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = mergeKeras('Minimum');

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = mergeTorch('Minimum');

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = mergeTfjs('Minimum');

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = mergeOnnx('Minimum');

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = mergeExplain('Minimum');

// ─── end explain ───

export const MinimumLayer: LayerDef = {
  type: 'Minimum',
  group: 'Merge',
  kerasName: 'Minimum',
  torchName: 'torch.minimum',
  summary:
    'Keeps the smallest of its inputs at every position; sizes must match or be 1, as in Keras.',
  params: [],
  inputs: { min: 2, max: ANY_NUMBER_OF_INPUTS },
  inferShape: (inputs) => elementwiseMergeShape('Minimum', inputs),
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
