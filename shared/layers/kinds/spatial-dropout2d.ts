import { requireImage } from '../common.ts';
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

/**
 * Keras `SpatialDropout2D`: while training, zeroes whole channels of an `(H, W, C)` map (one
 * draw per example and channel) and scales the rest by `1 / (1 - rate)`; identity at inference.
 * Fixed: data_format channels_last, seed None.
 */
export const SpatialDropout2DLayer: LayerDef = {
  type: 'SpatialDropout2D',
  group: 'Normalisation/Regularisation',
  kerasName: 'SpatialDropout2D',
  torchName: 'nn.Dropout2d',
  summary:
    'While training, zeroes whole channels of a feature map at random, so no filter can be relied on alone.',
  params: [
    {
      name: 'rate',
      label: 'Rate',
      kind: 'float',
      default: 0.5,
      min: 0,
      max: 1,
      maxExclusive: true,
      // As Dropout (kinds/dropout.ts): Keras accepts rate 1, the back-ends disagree on it.
      maxReason:
        'Keras accepts 1, but at rate 1 every channel is zeroed during training, so the layers after it cannot learn',
      help: 'fraction of channels zeroed in each training step',
    },
  ],
  inputs: { min: 1, max: 1 },
  // keras/src/layers/regularization/spatial_dropout.py: input_spec ndim=4.
  inferShape: ([input]) => requireImage('SpatialDropout2D', input!) ?? ok(input!),
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
