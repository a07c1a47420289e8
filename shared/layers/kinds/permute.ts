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
 * Keras `Permute`: reorders the axes of one example; `dims` is 1-based and leaves out the batch
 * axis (output axis `i` is input axis `dims[i]`), e.g. `(2, 1)` transposes `(steps, features)`.
 * keras/src/layers/reshaping/permute.py: dims must be a permutation of `1..rank`.
 */
export const PermuteLayer: LayerDef = {
  type: 'Permute',
  group: 'Core',
  kerasName: 'Permute',
  torchName: 'torch.permute',
  summary: 'Reorders the axes of each example, e.g. dims 2,1 swaps rows and columns.',
  params: [
    {
      name: 'dims',
      label: 'Dims',
      kind: 'shape',
      default: [2, 1],
      help: 'the input axis (counted from 1, batch not counted) that becomes each output axis',
    },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const dims = p.dims as number[];
    const rank = input!.length;
    if (dims.length !== rank)
      return {
        ok: false,
        code: 'E003',
        message: `Permute dims (${dims.join(', ')}) name ${dims.length} axes but its input ${formatShape(input!)} has ${rank}; give each of the axes 1..${rank} once`,
      };
    const sorted = [...dims].sort((a, b) => a - b);
    if (sorted.some((d, i) => d !== i + 1))
      return {
        ok: false,
        code: 'E002',
        message: `Permute dims (${dims.join(', ')}) must name each of the axes 1..${rank} exactly once (1-based, the batch axis is not counted)`,
      };
    return ok(dims.map((d) => input![d - 1]!));
  },
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
