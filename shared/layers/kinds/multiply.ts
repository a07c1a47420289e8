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

const kerasHooks: keras.Hooks = mergeKeras('Multiply');

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = mergeTorch('Multiply');

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = mergeTfjs('Multiply');

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = mergeOnnx('Multiply');

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = mergeExplain('Multiply');

// ─── end explain ───

export const MultiplyLayer: LayerDef = {
  type: 'Multiply',
  group: 'Merge',
  kerasName: 'Multiply',
  torchName: 'torch.mul',
  summary:
    'Multiplies its inputs element by element (gating, masks); sizes must match or be 1, as in Keras.',
  params: [],
  inputs: { min: 2, max: ANY_NUMBER_OF_INPUTS },
  inferShape: (inputs) => elementwiseMergeShape('Multiply', inputs),
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
