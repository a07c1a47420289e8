/**
 * ONNX round trips of the kinds whose import claims came last (issue 12): DepthwiseConv2D,
 * SeparableConv2D, Permute, RepeatVector, Rescaling, Dot, MultiHeadAttention, the element-wise
 * merges with three inputs or broadcasting, and the identity-at-inference kinds (GaussianNoise,
 * SpatialDropout2D), which write no node and so import as nothing. Each graph goes through
 * `exportOnnx` → `importOnnx` and must come back with the same blocks, params, wiring and
 * weights, and the imported model (TF.js, imported weights) must compute the same outputs as the
 * original on a random input.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setModelWeights, type ModelWeights } from '../../shared/export/weights.ts';
import type { ModelIR } from '../../shared/ir/lower.ts';
import { importOnnx } from '../../shared/import/onnx.ts';
import * as onnx from '../../shared/layers/backends/onnx.ts';
import { LAYERS, LAYER_TYPES } from '../../shared/layers/registry.ts';
import { buildOnnxModel, exportOnnx } from '../../shared/onnx/export.ts';
import { encodeModel } from '../../shared/onnx/proto.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { CATALOGUE_PROJECTS } from '../py/graphs.ts';
import { graphOf } from './graph-builder.ts';
import { opView, weightsView, type OpView } from './import-helpers.ts';
import { lower, modelWithRandomWeights, randomArray, rng } from './onnx-helpers.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tf.disposeVariables());

type Block = [id: string, type: string, params?: Record<string, unknown>];

/** Outputs of `ir` with `weights` on a seeded random batch of 2. */
function predict(ir: ModelIR, weights: ModelWeights, seed: number): Float32Array {
  const model = buildModel(tf, ir, { seed: 1 });
  if (weights.size > 0) setModelWeights(tf, model, ir, weights);
  const shape = [2, ...ir.ops[0]!.outputShape];
  const n = shape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(randomArray(n, rng(seed), -2, 2), shape);
  const y = model.predict(x) as tf.Tensor;
  const out = y.dataSync() as Float32Array;
  tf.dispose([x, y]);
  model.dispose();
  return out;
}

/** Export, import, and the imported IR + weights (throws the importer's message on failure). */
async function roundTrip(blocks: Block[], wires: string[], seed = 3) {
  const ir = lower(graphOf(blocks, wires));
  const { model, weights } = await modelWithRandomWeights(ir, seed);
  model.dispose();
  const result = importOnnx(exportOnnx(ir, weights));
  if (!result.ok) throw new Error(result.error);
  return { ir, weights, back: result.ir, backWeights: result.weights ?? new Map() };
}

const chainWires = (blocks: Block[]) => blocks.slice(1).map((b, i) => `${blocks[i]![0]}->${b[0]}`);

const cases: [string, Block[], string[] | null][] = [
  [
    'DepthwiseConv2D (same, strides (2, 1), multiplier 2, relu; valid without bias)',
    [
      ['in', 'Input', { shape: [7, 5, 3] }],
      [
        'dw',
        'DepthwiseConv2D',
        {
          kernel_size: [3, 2],
          strides: [2, 1],
          padding: 'same',
          depth_multiplier: 2,
          activation: 'relu',
        },
      ],
      ['dw2', 'DepthwiseConv2D', { kernel_size: [2, 2], use_bias: false }],
    ],
    null,
  ],
  [
    'SeparableConv2D (same, multiplier 2, tanh; valid without bias) after a Conv2D',
    [
      ['in', 'Input', { shape: [6, 6, 2] }],
      ['conv', 'Conv2D', { filters: 3, kernel_size: [1, 1] }],
      [
        'sep',
        'SeparableConv2D',
        {
          filters: 4,
          kernel_size: [3, 3],
          strides: [2, 2],
          padding: 'same',
          depth_multiplier: 2,
          activation: 'tanh',
        },
      ],
      ['sep2', 'SeparableConv2D', { filters: 3, kernel_size: [2, 2], use_bias: false }],
    ],
    null,
  ],
  [
    'Permute of a map and of a sequence, Rescaling, RepeatVector',
    [
      ['in', 'Input', { shape: [4, 3, 2] }],
      ['perm', 'Permute', { dims: [3, 1, 2] }],
      ['scale', 'Rescaling', { scale: 0.5, offset: -0.25 }],
      ['flat', 'Flatten'],
      ['rep', 'RepeatVector', { n: 3 }],
      ['perm2', 'Permute', { dims: [2, 1] }],
    ],
    null,
  ],
  [
    'Dot: sequences on every axis pair, normalized; vectors',
    [
      ['in', 'Input', { shape: [5, 3] }],
      ['a', 'Dense', { units: 4 }],
      ['b', 'Dense', { units: 4 }],
      ['d22', 'Dot', { axes: [2, 2] }],
      ['d11', 'Dot', { axes: [1, 1], normalize: true }],
      ['d12', 'Dot', { axes: [1, 2] }],
      ['c', 'Dense', { units: 5 }],
      ['flat', 'Flatten'],
      ['flat2', 'Flatten'],
      ['v', 'Dense', { units: 5 }],
      ['w', 'Dense', { units: 5 }],
      ['dv', 'Dot', { axes: [1, 1] }],
      ['cat', 'Concatenate'],
    ],
    [
      'in->a',
      'in->b',
      'in->c',
      'a->d22:0',
      'b->d22:1',
      'a->d11:0',
      'b->d11:1',
      'd22->d12:0',
      'c->d12:1',
      'd12->flat',
      'd11->flat2',
      'flat2->cat:2',
      'flat->v',
      'flat->w',
      'v->dv:0',
      'w->dv:1',
      'dv->cat:0',
      'flat->cat:1',
    ],
  ],
  [
    'MultiHeadAttention: self (one wire), query + value, query + value + key with sizes set',
    [
      ['in', 'Input', { shape: [5, 4] }],
      ['self', 'MultiHeadAttention', { num_heads: 2, key_dim: 3 }],
      ['ctx', 'Dense', { units: 6 }],
      ['cross', 'MultiHeadAttention', { num_heads: 1, key_dim: 2 }],
      ['k', 'Dense', { units: 2 }],
      [
        'full',
        'MultiHeadAttention',
        { num_heads: 3, key_dim: 2, value_dim: 4, output_shape: 7, use_bias: false },
      ],
    ],
    [
      'in->self:0',
      'in->ctx',
      'self->cross:0',
      'ctx->cross:1',
      'ctx->k',
      'cross->full:0',
      'ctx->full:1',
      'k->full:2',
    ],
  ],
  [
    'Multiply of three, merges that broadcast a vector over a sequence',
    [
      ['in', 'Input', { shape: [4, 3] }],
      ['a', 'Dense', { units: 3 }],
      ['g', 'GlobalAveragePooling1D'],
      ['mul', 'Multiply'],
      ['sub', 'Subtract'],
      ['max', 'Maximum'],
      ['min', 'Minimum'],
      ['avg', 'Average'],
    ],
    [
      'in->a',
      'in->g',
      'in->mul:0',
      'a->mul:1',
      'a->mul:2',
      'mul->sub:0',
      'g->sub:1',
      'g->max:0',
      'sub->max:1',
      'max->min:0',
      'g->min:1',
      'g->avg:0',
      'min->avg:1',
      'a->avg:2',
    ],
  ],
];

describe('ONNX import: the kinds of issue 12', () => {
  it.each(cases)(
    '%s: graph → ONNX → import gives the same graph, weights and outputs',
    async (_, blocks, wires) => {
      const { ir, weights, back, backWeights } = await roundTrip(
        blocks,
        wires ?? chainWires(blocks),
      );
      expect(opView(back)).toEqual(opView(ir));
      expect(weightsView(backWeights)).toEqual(weightsView(weights));
      const want = predict(ir, weights, 7);
      const got = predict(back, backWeights, 7);
      expect(got.length).toBe(want.length);
      // Not vacuous: the outputs vary.
      expect(Math.max(...want) - Math.min(...want)).toBeGreaterThan(1e-3);
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 5);
    },
  );

  it('Rescaling by a scale with no exact float32 form reads back as the float32 value written', async () => {
    const { back } = await roundTrip(
      [
        ['in', 'Input', { shape: [3] }],
        ['scale', 'Rescaling', { scale: 1 / 255, offset: 0.1 }],
      ],
      ['in->scale'],
    );
    expect(back.ops[1]!.params.scale).toBe(Math.fround(1 / 255));
    expect(back.ops[1]!.params.offset).toBe(Math.fround(0.1));
  });

  it('GaussianNoise and SpatialDropout2D (no node at inference) import as nothing: their reader reads their input', async () => {
    const { ir, back } = await roundTrip(
      [
        ['in', 'Input', { shape: [4, 4, 2] }],
        ['noise', 'GaussianNoise', { stddev: 0.3 }],
        ['conv', 'Conv2D', { filters: 2, kernel_size: [3, 3] }],
        ['drop', 'SpatialDropout2D', { rate: 0.5 }],
        ['flat', 'Flatten'],
      ],
      ['in->noise', 'noise->conv', 'conv->drop', 'drop->flat'],
    );
    expect(ir.ops.map((o) => o.type)).toContain('GaussianNoise');
    expect(opView(back).map((o) => [o.name, o.type, o.inputs])).toEqual([
      ['in_layer', 'Input', []],
      ['conv', 'Conv2D', ['in_layer']],
      ['flat', 'Flatten', ['conv']],
    ]);
  });

  it('a grouped Conv that is not depthwise is refused by name, not read as a Conv2D', async () => {
    // A Conv2D of 4 channels turned into a Conv in 2 groups (kernel (4, 2, 1, 1)).
    const ir = lower(
      graphOf(
        [
          ['in', 'Input', { shape: [3, 3, 4] }],
          ['conv', 'Conv2D', { filters: 4, kernel_size: [1, 1], use_bias: false }],
        ],
        ['in->conv'],
      ),
    );
    const { model, weights } = await modelWithRandomWeights(ir, 2);
    model.dispose();
    const file = buildOnnxModel(ir, weights);
    const conv = file.graph.nodes.find((n) => n.opType === 'Conv')!;
    conv.attrs.push(onnx.int('group', 2));
    const kernel = file.graph.initializers.find((t) => t.name === conv.inputs[1])!;
    kernel.dims = [4, 2, 1, 1];
    kernel.floats = kernel.floats!.slice(0, 8);
    const result = importOnnx(encodeModel(file));
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toContain(
        `node "${conv.name}" (Conv): grouped Conv with 2 groups on 4 channels (only depthwise: one group per channel)`,
      );
  });

  it('every kind declares its ONNX import: claims, or claimsNothing with a reason', () => {
    const none = LAYERS.filter((d) => onnx.importersOf(d.onnx).length === 0).map((d) => [
      d.type,
      'claimsNothing' in d.onnx.import ? d.onnx.import.claimsNothing.length > 20 : false,
    ]);
    expect(none).toEqual([
      ['Input', true],
      ['LSTM', true],
      ['GRU', true],
      ['Bidirectional', true],
      ['SpatialDropout2D', true],
      ['GaussianNoise', true],
    ]);
  });
});

/** A pooling's `strides` equal to its `pool_size` as null (Keras's default: the same layer). */
function poolStrides(params: Record<string, unknown>): Record<string, unknown> {
  if (!('pool_size' in params) || !('strides' in params)) return params;
  const same = JSON.stringify(params.strides) === JSON.stringify(params.pool_size);
  return same ? { ...params, strides: null } : params;
}

/**
 * The imported view with two known equivalent forms undone: pooling strides equal to the pool
 * (null), and a Conv2DTranspose's activation, which the importer gives back as an Activation block
 * named `<conv>_2` right after it (see import-conv2d.test.ts), folded back into the layer.
 */
function normalise(view: OpView[]): OpView[] {
  const out: OpView[] = [];
  const renamed = new Map<string, string>();
  for (const op of view) {
    const prev = out.at(-1);
    if (
      op.type === 'Activation' &&
      prev?.type === 'Conv2DTranspose' &&
      prev.params.activation === 'linear' &&
      op.name === `${prev.name}_2` &&
      op.inputs[0] === prev.name
    ) {
      out[out.length - 1] = {
        ...prev,
        params: { ...prev.params, activation: op.params.activation },
      };
      renamed.set(op.name, prev.name);
      continue;
    }
    out.push({
      ...op,
      params: poolStrides(op.params),
      inputs: op.inputs.map((i) => renamed.get(i) ?? i),
    });
  }
  return out;
}

describe('ONNX import: every catalogue project of tests/py/graphs.ts', () => {
  /** Kinds an ONNX inference graph has no node for: they come back as nothing. */
  const IDENTITY = new Set(['Dropout', 'GaussianNoise', 'SpatialDropout2D']);

  it('the catalogue projects hold every kind, so every kind makes the round trip', () => {
    const seen = new Set(CATALOGUE_PROJECTS.flatMap((p) => p.graph.nodes.map((n) => n.type)));
    expect(LAYER_TYPES.filter((t) => !seen.has(t))).toEqual([]);
  });

  it.each(CATALOGUE_PROJECTS.map((p) => [p.name, p] as const))(
    '%s: export → import gives the same blocks (less inference identities), weights and outputs',
    async (_, project) => {
      const ir = lower(project.graph);
      const { model, weights } = await modelWithRandomWeights(ir, 4);
      model.dispose();
      const result = importOnnx(exportOnnx(ir, weights));
      if (!result.ok) throw new Error(result.error);
      const byId = new Map(ir.ops.map((op) => [op.id, op]));
      const source = (id: string): string => {
        const op = byId.get(id)!;
        return IDENTITY.has(op.type) ? source(op.inputs[0]!) : op.name;
      };
      // The Input is named after the ONNX graph input (`<id>_layer`, see the others above).
      const rename = (n: string) => (n === ir.ops[0]!.name ? result.ir.ops[0]!.name : n);
      const want = ir.ops
        .filter((op) => !IDENTITY.has(op.type))
        .map((op) => ({
          name: rename(op.name),
          type: op.type,
          params: poolStrides(op.params),
          inputs: op.inputs.map((i) => rename(source(i))),
          outputShape: op.outputShape,
        }));
      const got = normalise(opView(result.ir));
      // Dot's axes are positive in the IR (normaliseAxes) and come back so; MultiHeadAttention's
      // dropout rate comes back from the doc string Netwright's export writes.
      expect(got).toEqual(want);
      const kept = new Map(
        [...weights].filter(([k]) => !IDENTITY.has(ir.ops.find((o) => o.name === k)!.type)),
      );
      expect(weightsView(result.weights ?? new Map())).toEqual(weightsView(kept));
      if (ir.ops[0]!.params.dtype === 'int32') return; // token ids: outputs compared elsewhere
      const a = predict(ir, weights, 11);
      const b = predict(result.ir, result.weights ?? new Map(), 11);
      expect(b.length).toBe(a.length);
      for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 4);
    },
  );
});
