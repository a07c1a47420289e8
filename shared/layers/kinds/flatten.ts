import { formatShape, shapeSize } from '../../shape.ts';
import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['Flatten'],
  config: keras.nameOnly('Flatten'),
  callStyle: { positional: [], defaults: {} },
  fromConfig: (c) => {
    keras.checkChannelsLast(c);
    return { params: {} };
  },
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

export const FlattenLayer: LayerDef = {
  type: 'Flatten',
  group: 'Core',
  kerasName: 'Flatten',
  torchName: 'nn.Flatten',
  summary: 'Unrolls a feature map into one long vector, e.g. 5×5×64 → 1600.',
  params: [],
  inputs: { min: 1, max: 1 },
  // Keras passes a vector through Flatten unchanged, but tfjs-layers refuses it ("expected
  // min_ndim=3"): the block is a no-op there, so say so rather than fail in training.
  inferShape: ([input]) =>
    input!.length < 2
      ? {
          ok: false,
          code: 'E003',
          message: `Flatten needs a feature map or matrix (2 or more axes per example) but gets the vector ${formatShape(input!)}, which is already flat: remove the Flatten (TF.js refuses a Flatten on vectors)`,
        }
      : ok([shapeSize(input!)]),
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
