import type { LayerDef } from '../types.ts';
import { NO_PARAMS, ok } from '../types.ts';
import { requireMaxRank } from '../common.ts';
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

/** The element types an Input takes: float32 values, or int32 token ids (for an Embedding). */
export const INPUT_DTYPES = ['float32', 'int32'] as const;
export type InputDtype = (typeof INPUT_DTYPES)[number];

export const InputLayer: LayerDef = {
  type: 'Input',
  group: 'Core',
  kerasName: 'Input',
  torchName: 'tensor',
  summary: 'Where data enters the network: the shape of one example, without the batch size.',
  params: [
    { name: 'shape', label: 'Shape', kind: 'shape', default: [784] },
    {
      name: 'dtype',
      label: 'Data type',
      kind: 'enum',
      default: 'float32',
      options: INPUT_DTYPES,
      help: 'float32: numbers (pixels, measurements); int32: token ids for an Embedding',
    },
  ],
  inputs: { min: 0, max: 0 },
  inferShape: (_inputs, p) =>
    requireMaxRank('Input', p.shape as number[]) ?? ok(p.shape as number[]),
  paramCount: () => NO_PARAMS,
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
