import { formatShape } from '../../shape.ts';
import { broadcastShapes } from '../broadcast.ts';
import type { LayerDef } from '../types.ts';
import { ANY_NUMBER_OF_INPUTS, NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['Add'],
  config: keras.nameOnly('Add'),
  callStyle: { positional: [], defaults: {} },
  fromConfig: () => ({ params: {} }),
  weightOrder: [],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = torch.TODO;

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = tfjs.TODO;

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = onnx.TODO;

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = explain.TODO;

// ─── end explain ───

export const AddLayer: LayerDef = {
  type: 'Add',
  group: 'Merge',
  kerasName: 'Add',
  torchName: 'torch.add',
  summary:
    'Adds its inputs element by element (residual links); sizes must match or be 1, as in Keras.',
  params: [],
  inputs: { min: 2, max: ANY_NUMBER_OF_INPUTS },
  inferShape: (inputs) => {
    const shape = broadcastShapes(inputs);
    if (!shape) {
      return {
        ok: false,
        code: 'E002',
        message: `Add needs inputs whose sizes match, or are 1, on each axis (counted from the last) but gets ${inputs.map(formatShape).join(' and ')}`,
      };
    }
    return ok(shape);
  },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
