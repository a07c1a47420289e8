import {
  kerasRecurrentCount,
  recurrentShape,
  returnSequencesParam,
  unitsParam,
  useBiasParam,
} from '../recurrent-common.ts';
import type { LayerDef } from '../types.ts';
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
 * LSTM (Keras 3 `keras.layers.LSTM`, Hochreiter & Schmidhuber 1997): gates i, f, c, o.
 * Input `(timesteps, features)` → `(units)`, or `(timesteps, units)` with `return_sequences`.
 * See ../recurrent-common.ts for what is fixed and for the parameter counts.
 */
export const LSTMLayer: LayerDef = {
  type: 'LSTM',
  group: 'Recurrent',
  kerasName: 'LSTM',
  torchName: 'nn.LSTM',
  summary:
    'Reads a sequence step by step with a memory cell and gates that learn what to keep, forget and output.',
  params: [unitsParam, useBiasParam, returnSequencesParam],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) =>
    recurrentShape('LSTM', input!, p.units as number, p.return_sequences as boolean),
  paramCount: ([input], p) => ({
    trainable: kerasRecurrentCount(
      'LSTM',
      input![1] ?? 0,
      p.units as number,
      p.use_bias as boolean,
    ),
    nonTrainable: 0,
  }),
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
