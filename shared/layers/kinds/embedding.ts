import { requireMaxRank } from '../common.ts';
import type { LayerDef } from '../types.ts';
import { ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['Embedding'],
  config: (op) => ({
    className: 'Embedding',
    config: {
      name: op.name,
      input_dim: op.params.input_dim as number,
      output_dim: op.params.output_dim as number,
    },
  }),
  callStyle: { positional: ['input_dim', 'output_dim'], defaults: {} },
  fromConfig: (c) => {
    if (c.mask_zero === true) throw new keras.Unsupported('mask_zero=True');
    return { params: { input_dim: c.input_dim, output_dim: c.output_dim } };
  },
  weightOrder: ['embeddings'],
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

const torchHooks: torch.Hooks = {
  source: {
    // torch.nn.Embedding(num_embeddings, embedding_dim, padding_idx=None, …): pytorch.org/docs/stable/generated/torch.nn.Embedding.html
    modules: { Embedding: ['num_embeddings', 'embedding_dim', 'padding_idx'] },
    read: ({ args }) => {
      torch.onlyDefault(args, 'padding_idx', null);
      return {
        params: {
          input_dim: torch.needInt(args, 'num_embeddings'),
          output_dim: torch.needInt(args, 'embedding_dim'),
        },
        inputShape: [null],
        inputDtype: 'int32',
      };
    },
  },
  plan: ({ op, inputs, output }) => {
    const steps: torch.Step[] = [];
    // Ids held channels first (a rank-3 id map) go back to Keras's order first.
    const inRank = inputs[0]!.spatialRank;
    if (inRank > 0) steps.push(torch.permuteStep(torch.toChannelsLast(inRank)));
    steps.push({
      module: `nn.Embedding(${op.params.input_dim as number}, ${op.params.output_dim as number})`,
      weights: true,
      // nn.Embedding takes int64 ids: `.long()` accepts float or int32 ids too.
      call: (m, v) => `${m}(${v}.long())`,
    });
    if (output.spatialRank > 0)
      steps.push(torch.permuteStep(torch.toChannelsFirst(output.spatialRank)));
    return { steps };
  },
  weights: () => ({
    note: 'Embedding: the Keras table [input_dim, output_dim] is nn.Embedding.weight as it is.',
    arrays: { embeddings: [{ attr: 'weight' }] },
  }),
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  layers: (tf, op, ctx) => [
    tf.layers.embedding({
      name: op.name,
      inputDim: op.params.input_dim as number,
      outputDim: op.params.output_dim as number,
      maskZero: false,
      // Keras's default: uniform in [-0.05, 0.05].
      embeddingsInitializer: tf.initializers.randomUniform({
        minval: -0.05,
        maxval: 0.05,
        ...(ctx.seed === undefined ? {} : { seed: ctx.seed }),
      }),
    }),
  ],
  weights: (op) => [
    {
      name: 'embeddings',
      shape: [op.params.input_dim as number, op.params.output_dim as number],
    },
  ],
  // A table lookup: no arithmetic; the backward pass adds into the looked-up rows.
  forwardFlops: () => 0,
  trainingFlops: (op) => tfjs.outSize(op),
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

const onnxHooks: onnx.Hooks = {
  // Cast the ids to int64 (the graph input is int32), then Gather rows of the table.
  export: ({ g, op, ins, weight }) => {
    const n = op.name;
    const table = weight('embeddings');
    const ids = g.node(`${n}/Cast`, 'Cast', [ins[0]!], `${n}/ids`, [onnx.int('to', 7)]);
    return g.node(
      `${n}/Gather`,
      'Gather',
      [g.floats(`${n}/embeddings`, table.shape, table.data), ids],
      n,
      [onnx.int('axis', 0)],
    );
  },
  import: [
    {
      // Cast of token ids to another integer type: the same ids (Embedding's export writes one).
      ops: ['Cast'],
      match: (node, ctx) => {
        const s = ctx.stateOf(node, node.inputs[0]);
        const to = ctx.attr(node, 'to')?.i ?? 0;
        if (ctx.layer(s.layer)?.params.dtype !== 'int32' || !INT_TYPES.has(to)) return false;
        ctx.alias(node, s);
      },
    },
    {
      // Gather(table, ids) on axis 0 with a constant (vocab, dim) float table.
      ops: ['Gather'],
      match: (node, ctx) => {
        if (!ctx.inits.has(node.inputs[0] ?? '')) return false;
        const s = ctx.stateOf(node, node.inputs[1]);
        ctx.requireChannelsLast(s, 'Gather');
        if (ctx.layer(s.layer)?.params.dtype !== 'int32')
          throw new onnx.Unsupported('Gather of rows by indices that are not the int Input');
        if ((ctx.attr(node, 'axis')?.i ?? 0) !== 0)
          throw new onnx.Unsupported('Gather on an axis other than 0 (an Embedding picks rows)');
        const table = ctx.floatsOf(node.inputs[0], 'an embedding table');
        if (table.dims.length !== 2)
          throw new onnx.Unsupported(`Gather from a ${table.dims.length}-D table`);
        const [vocab, dim] = table.dims as [number, number];
        ctx.addLayer(node, 'Embedding', { input_dim: vocab, output_dim: dim }, [s], null, [
          { name: 'embeddings', shape: [vocab, dim], data: table.floats },
        ]);
      },
    },
  ],
};

/** ONNX integer tensor types a Cast of token ids may go to (INT8 … UINT64). */
const INT_TYPES = new Set([2, 3, 4, 5, 6, 7, 12, 13]);

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'Embedding (token ids → vectors)',
    what: 'Looks up a learned vector for every token id: id 7 gives row 7 of a table with one row per word of the vocabulary. Training moves the rows so that words used alike get similar vectors.',
    formula: 'y[t] = E[x[t]]   (E: input_dim × output_dim table)',
    when: 'First layer of a text model: feed it token ids from an Input with data type int32.',
  },
  arithmetic: (p) => {
    const v = p.input_dim as number;
    const d = p.output_dim as number;
    return {
      params: `${explain.count(v)} ids × ${explain.count(d)} values = ${explain.count(v * d)}`,
    };
  },
  digest: (p) =>
    explain.joinDigest([
      p.input_dim !== undefined ? `${String(p.input_dim)} → ${String(p.output_dim ?? '')}` : '',
    ]),
};

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
