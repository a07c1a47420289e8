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
 * Keras `GaussianNoise`: while training adds zero-mean normal noise of standard deviation
 * `stddev` to every value; identity at inference. Any input shape. Fixed: seed None.
 */
export const GaussianNoiseLayer: LayerDef = {
  type: 'GaussianNoise',
  group: 'Normalisation/Regularisation',
  kerasName: 'GaussianNoise',
  torchName: 'torch.randn_like',
  summary:
    'While training, adds random normal noise to every value, a simple data augmentation against overfitting.',
  params: [
    {
      name: 'stddev',
      label: 'Std. deviation',
      kind: 'float',
      default: 0.1,
      min: 0,
      max: 1,
      // keras/src/layers/regularization/gaussian_noise.py: `if not 0 <= stddev <= 1: raise`.
      maxReason: 'Keras 3 refuses a stddev above 1',
      help: 'standard deviation of the noise added in each training step',
    },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input!),
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
