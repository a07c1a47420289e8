import { formatShape } from '../../shape.ts';
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
 * Keras `RepeatVector`: repeats a vector `(features)` `n` times into `(n, features)`
 * (keras/src/layers/reshaping/repeat_vector.py: input_spec ndim=2, batch counted).
 */
export const RepeatVectorLayer: LayerDef = {
  type: 'RepeatVector',
  group: 'Core',
  kerasName: 'RepeatVector',
  torchName: 'torch.Tensor.expand',
  summary:
    'Repeats a vector n times into a sequence, e.g. to feed one encoding to every step of a decoder.',
  params: [{ name: 'n', label: 'Repeats (n)', kind: 'int', default: 2, min: 1, max: 100_000 }],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) =>
    input!.length === 1
      ? ok([p.n as number, input![0]!])
      : {
          ok: false,
          code: 'E003',
          message: `RepeatVector needs a vector (features) but gets ${formatShape(input!)}${
            input!.length > 1 ? '; add a Flatten or GlobalAveragePooling2D before it' : ''
          }`,
        },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
