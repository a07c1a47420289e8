import { formatShape } from '../../shape.ts';
import { kerasAxis } from '../mixing-common.ts';
import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = keras.TODO;

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

export const SoftmaxLayer: LayerDef = {
  type: 'Softmax',
  group: 'Activations',
  kerasName: 'Softmax',
  torchName: 'nn.Softmax',
  summary: 'Turns scores into probabilities that sum to 1 along one axis (the last by default).',
  params: [
    {
      name: 'axis',
      label: 'Axis',
      kind: 'int',
      default: -1,
      min: -6,
      max: 5,
      help: 'Counted as in Keras: 1 is the first axis after the batch axis, -1 the last.',
    },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    if (kerasAxis(p.axis as number, input!.length) === null) {
      return {
        ok: false,
        code: 'E002',
        message: `Softmax axis ${p.axis as number} does not exist for input ${formatShape(input!)} (axis 0 is the batch axis)`,
      };
    }
    return ok(input!);
  },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
