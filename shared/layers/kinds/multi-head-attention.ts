import type { Shape } from '../../shape.ts';
import { formatShape } from '../../shape.ts';
import type { LayerDef, ResolvedParams } from '../types.ts';
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

/** The input ports in Keras's call order: `mha(query, value, key)`. */
export const MHA_PORTS = ['query', 'value', 'key'] as const;

/**
 * Query, value and key shapes from the wired inputs: one wire is self-attention (query = value =
 * key), two are query and value (key = value, as in Keras when `key` is not given).
 */
export function attentionInputs(inputs: readonly Shape[]): {
  query: Shape;
  value: Shape;
  key: Shape;
} {
  const query = inputs[0]!;
  const value = inputs[1] ?? query;
  return { query, value, key: inputs[2] ?? value };
}

/** Sizes of the projections: heads, per-head key/value sizes, output features. */
export function attentionSizes(
  inputs: readonly Shape[],
  p: ResolvedParams,
): { heads: number; keyDim: number; valueDim: number; outDim: number } {
  const { query } = attentionInputs(inputs);
  const keyDim = p.key_dim as number;
  return {
    heads: p.num_heads as number,
    keyDim,
    valueDim: (p.value_dim as number | null) ?? keyDim,
    outDim: (p.output_shape as number | null) ?? query[query.length - 1]!,
  };
}

export const MultiHeadAttentionLayer: LayerDef = {
  type: 'MultiHeadAttention',
  group: 'Attention',
  kerasName: 'MultiHeadAttention',
  torchName: 'nn.Linear ×4 + softmax',
  summary:
    'Each query step takes a weighted mix of the value steps, weighted by how well it matches their keys, in several heads at once. One wire: self-attention.',
  params: [
    { name: 'num_heads', label: 'Heads', kind: 'int', default: 2, min: 1, max: 1024 },
    {
      name: 'key_dim',
      label: 'Key size',
      kind: 'int',
      default: 16,
      min: 1,
      max: 65_536,
      help: 'Size of each attention head for query and key.',
    },
    {
      name: 'value_dim',
      label: 'Value size',
      kind: 'int',
      default: null,
      nullable: true,
      min: 1,
      max: 65_536,
      help: 'Size of each attention head for value; empty: the key size.',
    },
    {
      name: 'dropout',
      label: 'Dropout',
      kind: 'float',
      default: 0,
      min: 0,
      max: 1,
      maxExclusive: true,
      help: 'Fraction of attention weights dropped while training.',
    },
    { name: 'use_bias', label: 'Use bias', kind: 'bool', default: true },
    {
      name: 'output_shape',
      label: 'Output size',
      kind: 'int',
      default: null,
      nullable: true,
      min: 1,
      max: 1_000_000,
      help: "Features of each output step; empty: the query's features.",
    },
  ],
  // Ports in order: query, value, key. Attention runs over the steps axis (Keras's default
  // attention_axes); masks and the causal mask are not offered.
  inputs: { min: 1, max: 3 },
  inferShape: (inputs, p) => {
    for (const [i, shape] of inputs.entries()) {
      if (shape.length !== 2) {
        return {
          ok: false,
          code: 'E003',
          message: `MultiHeadAttention takes sequences (steps, features) but its ${MHA_PORTS[i]} input is ${formatShape(shape)}${
            shape.length === 1 ? '; add a Reshape to (steps, features) or use an Embedding' : ''
          }`,
        };
      }
    }
    const { query, value, key } = attentionInputs(inputs);
    if (key[0] !== value[0]) {
      return {
        ok: false,
        code: 'E002',
        message: `MultiHeadAttention needs key and value with the same number of steps but gets key ${formatShape(key)} and value ${formatShape(value)}`,
      };
    }
    return ok([query[0]!, attentionSizes(inputs, p).outDim]);
  },
  // keras/src/layers/attention/multi_head_attention.py `build`: EinsumDense query/key
  // kernels (features, heads, key_dim), value kernel (features, heads, value_dim), output kernel
  // (heads, value_dim, out); biases (heads, key_dim), (heads, key_dim), (heads, value_dim), (out).
  paramCount: (inputs, p) => {
    const { query, value, key } = attentionInputs(inputs);
    const { heads, keyDim, valueDim, outDim } = attentionSizes(inputs, p);
    const kernels =
      query[1]! * heads * keyDim +
      key[1]! * heads * keyDim +
      value[1]! * heads * valueDim +
      heads * valueDim * outDim;
    const biases = p.use_bias ? 2 * heads * keyDim + heads * valueDim + outDim : 0;
    return { trainable: kernels + biases, nonTrainable: 0 };
  },
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
