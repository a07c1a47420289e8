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

const kerasHooks: keras.Hooks = mergeKeras('Average');

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = mergeTorch('Average');

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = mergeTfjs('Average');

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = mergeOnnx('Average');

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = mergeExplain('Average');

// ─── end explain ───

export const AverageLayer: LayerDef = {
  type: 'Average',
  group: 'Merge',
  kerasName: 'Average',
  torchName: 'torch.add / n',
  summary:
    'Averages its inputs element by element (e.g. an ensemble of branches); sizes must match or be 1.',
  params: [],
  inputs: { min: 2, max: ANY_NUMBER_OF_INPUTS },
  inferShape: (inputs) => elementwiseMergeShape('Average', inputs),
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
