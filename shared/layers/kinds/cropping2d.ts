import { formatShape } from '../../shape.ts';
import { requireImage } from '../common.ts';
import { edgesParam } from '../conv1d-common.ts';
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
 * Keras 3 `Cropping2D(cropping=((0, 0), (0, 0)))`
 * (keras.io/api/layers/reshaping_layers/cropping2d/): `(H, W, C)` →
 * `(H - top - bottom, W - left - right, C)`; no weights. Keras's one `cropping` is two params here,
 * `height_cropping` (top, bottom) and `width_cropping` (left, right). Keras refuses a cropping
 * that leaves no rows or columns (keras/src/layers/reshaping/cropping2d.py
 * `compute_output_shape`); so does Netwright (E011).
 */
export const Cropping2DLayer: LayerDef = {
  type: 'Cropping2D',
  group: 'Convolution',
  kerasName: 'Cropping2D',
  torchName: 'slicing',
  summary: 'Cuts rows and columns off the border of an image.',
  params: [
    edgesParam('height_cropping', 'Top, bottom', [0, 0], 'rows to cut at the top, bottom'),
    edgesParam('width_cropping', 'Left, right', [0, 0], 'columns to cut at the left, right'),
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const bad = requireImage('Cropping2D', input!);
    if (bad) return bad;
    const [top, bottom] = p.height_cropping as number[];
    const [left, right] = p.width_cropping as number[];
    const h = input![0]! - top! - bottom!;
    const w = input![1]! - left! - right!;
    if (h < 1 || w < 1)
      return {
        ok: false,
        code: 'E011',
        message: `Cropping2D cuts ${top! + bottom!} rows and ${left! + right!} columns off ${formatShape(input!)}, leaving ${h}×${w}; crop less than the height and width`,
      };
    return ok([h, w, input![2]!]);
  },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
