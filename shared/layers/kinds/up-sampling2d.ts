import { pairParam, requireImage } from '../common.ts';
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
 * Keras 3 `UpSampling2D(size=(2, 2), interpolation="nearest")`
 * (keras.io/api/layers/reshaping_layers/up_sampling2d/): `(H, W, C)` → `(H·sh, W·sw, C)`, each
 * value repeated sh×sw times; no weights. Only 'nearest' is offered: TF.js's 'bilinear'
 * (`tf.image.resizeBilinear` without half-pixel centres) differs from Keras 3's and PyTorch's.
 */
export const UpSampling2DLayer: LayerDef = {
  type: 'UpSampling2D',
  group: 'Convolution',
  kerasName: 'UpSampling2D',
  torchName: 'nn.Upsample',
  summary: 'Enlarges an image by repeating each pixel, e.g. 7×7 → 14×14 with size 2.',
  params: [
    { ...pairParam('size', 'Size', [2, 2]), help: 'how many times to repeat rows, columns' },
    {
      name: 'interpolation',
      label: 'Interpolation',
      kind: 'enum',
      default: 'nearest',
      options: ['nearest'],
    },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const bad = requireImage('UpSampling2D', input!);
    if (bad) return bad;
    const [sh, sw] = p.size as number[];
    return ok([input![0]! * sh!, input![1]! * sw!, input![2]!]);
  },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
