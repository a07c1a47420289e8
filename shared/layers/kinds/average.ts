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

const merge = mergeOnnx('Average');

/**
 * In a file Netwright did not write, `Div(sum, n)` of an Add block of exactly `n` inputs that
 * nothing else reads (`(a + b + c) / 3` under `torch.onnx.export`: Add, Add, Div) is Keras's
 * Average of those inputs (keras/src/layers/merging/average.py: their sum divided by their
 * count): the Add block becomes an Average. Any other Div is declined (Rescaling's).
 */
const averageOfSum: onnx.Importer = {
  ops: ['Div'],
  first: true,
  match: (node, ctx) => {
    if (ctx.ours || ctx.inits.has(node.inputs[0] ?? '')) return false;
    const n = node.inputs[1] ? ctx.inits.get(node.inputs[1])?.floats : undefined;
    if (n?.length !== 1) return false;
    const s = ctx.stateOf(node, node.inputs[0]);
    const sum = ctx.layer(s.layer);
    if (sum?.type !== 'Add' || !ctx.isOpen(sum.name) || ctx.consumers(node.inputs[0]) !== 1)
      return false;
    if (sum.inputs.length !== n[0]) return false;
    sum.type = 'Average';
    ctx.alias(node, s);
  },
};

const onnxHooks: onnx.Hooks = {
  ...merge,
  import: [averageOfSum, ...onnx.importersOf(merge)],
};

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
