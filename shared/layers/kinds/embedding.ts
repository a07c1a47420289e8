import { requireMaxRank } from '../common.ts';
import type { LayerDef } from '../types.ts';
import { ok } from '../types.ts';
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
 * Embedding (Keras 3 `keras.layers.Embedding`): token ids `(d1, ..., dn)` → vectors
 * `(d1, ..., dn, output_dim)`, one learned row of the `(input_dim, output_dim)` table per id.
 * Reads integer ids: its Input must have dtype int32 (checked by `analyzeGraph`, E002). Fixed:
 * `mask_zero` false, `embeddings_initializer` uniform(-0.05, 0.05) as Keras.
 */
export const EmbeddingLayer: LayerDef = {
  type: 'Embedding',
  group: 'Core',
  kerasName: 'Embedding',
  torchName: 'nn.Embedding',
  summary:
    'Turns each token id into a learned vector: row id of a table with one row per word of the vocabulary.',
  params: [
    {
      name: 'input_dim',
      label: 'Vocabulary size',
      kind: 'int',
      default: 1000,
      min: 1,
      max: 10_000_000,
      help: 'how many distinct token ids there are: ids run from 0 to input_dim - 1',
    },
    {
      name: 'output_dim',
      label: 'Vector size',
      kind: 'int',
      default: 16,
      min: 1,
      max: 65_536,
      help: 'length of the vector each id becomes',
    },
  ],
  inputs: { min: 1, max: 1 },
  readsTokenIds: true,
  inferShape: ([input], p) => {
    const shape = [...input!, p.output_dim as number];
    return requireMaxRank('Embedding', shape) ?? ok(shape);
  },
  // keras/src/layers/core/embedding.py, Embedding.build: embeddings (input_dim, output_dim).
  paramCount: (_inputs, p) => ({
    trainable: (p.input_dim as number) * (p.output_dim as number),
    nonTrainable: 0,
  }),
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
