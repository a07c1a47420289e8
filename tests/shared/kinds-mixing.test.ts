/**
 * Shape inference and Keras parameter counts of the mixing kinds (element-wise merges, Dot,
 * MultiHeadAttention, activation layers). Every expected value is worked out by hand from the
 * Keras source named beside it (keras-team/keras, Keras 3, path under keras/src/).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { tfjsLayersFiles, TFJS_WEIGHTS_FILE } from '../../shared/export/tfjs-layers.ts';
import { importKerasJson } from '../../shared/import/keras.ts';
import { importOnnx } from '../../shared/import/onnx.ts';
import { exportOnnx } from '../../shared/onnx/export.ts';
import { CATALOGUE_PROJECTS } from '../py/graphs.ts';
import { opView, weightsView } from './import-helpers.ts';
import { lower as lowerOnnx, modelWithRandomWeights } from './onnx-helpers.ts';
import { defaultParams, getLayer, resolveParams } from '../../shared/layers/registry.ts';
import type { Shape } from '../../shared/shape.ts';
import { graphOf } from './graph-builder.ts';

/** Runs one layer kind's shape inference and parameter count on given input shapes. */
function apply(type: string, inputs: Shape[], params: Record<string, unknown> = {}) {
  const def = getLayer(type)!;
  const resolved = resolveParams(def, { ...defaultParams(def), ...params });
  expect(resolved.problems).toEqual([]);
  const shape = def.inferShape(inputs, resolved.params);
  const count = shape.ok ? def.paramCount(inputs, resolved.params) : undefined;
  return { shape, count };
}

const shapeOk = (shape: number[]) => ({ ok: true, shape });
const none = { trainable: 0, nonTrainable: 0 };

describe('element-wise merges (layers/merging/base_merge.py _compute_elemwise_op_output_shape)', () => {
  const kinds = ['Multiply', 'Subtract', 'Average', 'Maximum', 'Minimum'];

  it.each(kinds)('%s: equal shapes pass through, sizes of 1 broadcast, no weights', (type) => {
    expect(
      apply(type, [
        [4, 3],
        [4, 3],
      ]),
    ).toEqual({ shape: shapeOk([4, 3]), count: none });
    // (4, 4, 3) with (4, 4, 1): the 1 broadcasts → (4, 4, 3).
    expect(
      apply(type, [
        [4, 4, 3],
        [4, 4, 1],
      ]).shape,
    ).toEqual(shapeOk([4, 4, 3]));
    // Shorter shape aligned on the last axis: (5, 3) with (3) → (5, 3).
    expect(apply(type, [[5, 3], [3]]).shape).toEqual(shapeOk([5, 3]));
    expect(
      apply(type, [
        [1, 3],
        [5, 1],
      ]).shape,
    ).toEqual(shapeOk([5, 3]));
  });

  it.each(kinds)('%s: sizes that differ and are not 1 are E002 naming the layer', (type) => {
    expect(
      apply(type, [
        [4, 3],
        [4, 2],
      ]).shape,
    ).toEqual({
      ok: false,
      code: 'E002',
      message: `${type} needs inputs whose sizes match, or are 1, on each axis (counted from the last) but gets (None, 4, 3) and (None, 4, 2)`,
    });
  });

  it('Subtract takes exactly 2 inputs (layers/merging/subtract.py build); the others any number ≥ 2', () => {
    expect(getLayer('Subtract')!.inputs).toEqual({ min: 2, max: 2 });
    for (const type of ['Multiply', 'Average', 'Maximum', 'Minimum']) {
      expect(getLayer(type)!.inputs.min).toBe(2);
      expect(getLayer(type)!.inputs.max).toBe(Number.POSITIVE_INFINITY);
      expect(apply(type, [[2], [2], [2]]).shape).toEqual(shapeOk([2]));
    }
  });

  it('a third wire into Subtract is E007 at the block', () => {
    const graph = graphOf(
      [
        ['in', 'Input', { shape: [3] }],
        ['a', 'Dense', { units: 3 }],
        ['b', 'Dense', { units: 3 }],
        ['sub', 'Subtract'],
      ],
      ['in->a', 'in->b', 'a->sub:0', 'b->sub:1', 'in->sub:2'],
    );
    const d = analyzeGraph(graph).diagnostics.find((x) => x.code === 'E007');
    expect(d).toMatchObject({ nodeId: 'sub', message: 'Subtract takes 2 input but has 3' });
  });
});

describe('Dot (layers/merging/dot.py compute_output_shape)', () => {
  it('two vectors along axis -1 give (1): only the batch axis is left, Keras appends 1', () => {
    expect(apply('Dot', [[5], [5]], { axes: -1 })).toEqual({ shape: shapeOk([1]), count: none });
    expect(apply('Dot', [[5], [5]], { axes: 1, normalize: true }).shape).toEqual(shapeOk([1]));
  });

  it('sequences: (n, d)·(m, d) on axes 2 → (n, m); (n, d)·(d, m) on axes (2, 1) → (n, m)', () => {
    expect(
      apply(
        'Dot',
        [
          [3, 4],
          [6, 4],
        ],
        { axes: [2, 2] },
      ).shape,
    ).toEqual(shapeOk([3, 6]));
    expect(
      apply(
        'Dot',
        [
          [3, 4],
          [6, 4],
        ],
        { axes: -1 },
      ).shape,
    ).toEqual(shapeOk([3, 6]));
    expect(
      apply(
        'Dot',
        [
          [3, 4],
          [4, 6],
        ],
        { axes: [2, 1] },
      ).shape,
    ).toEqual(shapeOk([3, 6]));
    // (n, d)·(n, m) on axes 1: shape1 without axis 1 = (d), shape2 without axes 1 = (m).
    expect(
      apply(
        'Dot',
        [
          [3, 4],
          [3, 6],
        ],
        { axes: 1 },
      ).shape,
    ).toEqual(shapeOk([4, 6]));
    // Mixed ranks: (d)·(d, m) on axes 1 → (m).
    expect(apply('Dot', [[4], [4, 6]], { axes: [1, 1] }).shape).toEqual(shapeOk([6]));
  });

  it('unequal sizes on the summed axes are E002 with both sizes', () => {
    expect(
      apply(
        'Dot',
        [
          [3, 4],
          [6, 5],
        ],
        { axes: -1 },
      ).shape,
    ).toEqual({
      ok: false,
      code: 'E002',
      message:
        'Dot needs equal sizes on the axes it multiplies, but axis 2 of (None, 3, 4) is 4 and axis 2 of (None, 6, 5) is 5',
    });
  });

  it('an axis that does not exist, or the batch axis, is E002', () => {
    expect(apply('Dot', [[4], [4]], { axes: [2, 1] }).shape).toMatchObject({
      ok: false,
      code: 'E002',
      message:
        'Dot axis 2 does not exist for its first input (None, 4) (axis 0 is the batch axis and cannot be summed)',
    });
    expect(apply('Dot', [[4, 2], [4]], { axes: [1, -2] }).shape).toMatchObject({
      code: 'E002',
      message: expect.stringContaining('Dot axis -2 does not exist for its second input (None, 4)'),
    });
  });

  it('axes 0 is refused by the parameter check (the batch axis); so is an axis below -3', () => {
    const def = getLayer('Dot')!;
    expect(resolveParams(def, { axes: [0, 1] }).problems).toEqual([]); // 0 reaches inferShape
    expect(apply('Dot', [[4], [4]], { axes: [0, 1] }).shape).toMatchObject({ code: 'E002' });
    expect(resolveParams(def, { axes: [-4, 1] }).problems).toEqual([
      { param: 'axes', message: 'Axes must be at least -3' },
    ]);
  });

  it('inputs of more than 2 axes per example are E003 (TF.js Dot supports rank ≤ 3 with batch)', () => {
    expect(apply('Dot', [[2, 2, 3], [3]], { axes: -1 }).shape).toEqual({
      ok: false,
      code: 'E003',
      message:
        "Dot takes vectors or sequences (at most 2 axes per example) but gets (None, 2, 2, 3); TF.js's Dot layer supports no more (add a Reshape or Flatten first)",
    });
  });
});

describe('MultiHeadAttention (layers/attention/multi_head_attention.py build)', () => {
  // Keras docs example: MultiHeadAttention(num_heads=2, key_dim=2) on target (8, 16) and
  // source (4, 16). Query kernel 16·2·2 = 64 + bias 2·2 = 4 → 68; key 68; value 68 (value_dim
  // = key_dim); output kernel 2·2·16 = 64 + bias 16 → 80. Total 284.
  it('cross-attention (8, 16) ← (4, 16), 2 heads of 2: (8, 16), 284 params', () => {
    expect(
      apply(
        'MultiHeadAttention',
        [
          [8, 16],
          [4, 16],
        ],
        { num_heads: 2, key_dim: 2 },
      ),
    ).toEqual({
      shape: shapeOk([8, 16]),
      count: { trainable: 284, nonTrainable: 0 },
    });
  });

  it('one wire is self-attention: query = value = key', () => {
    expect(apply('MultiHeadAttention', [[8, 16]], { num_heads: 2, key_dim: 2 })).toEqual({
      shape: shapeOk([8, 16]),
      count: { trainable: 284, nonTrainable: 0 },
    });
  });

  it('value_dim, output_shape, different key features, no bias', () => {
    // query (5, 6), value (7, 3), key (7, 4); 3 heads, key_dim 2, value_dim 4, output 10.
    // q: 6·3·2 = 36, k: 4·3·2 = 24, v: 3·3·4 = 36, out: 3·4·10 = 120 → 216 without biases;
    // biases 3·2 + 3·2 + 3·4 + 10 = 34 → 250.
    const p = { num_heads: 3, key_dim: 2, value_dim: 4, output_shape: 10 };
    const inputs: Shape[] = [
      [5, 6],
      [7, 3],
      [7, 4],
    ];
    expect(apply('MultiHeadAttention', inputs, p)).toEqual({
      shape: shapeOk([5, 10]),
      count: { trainable: 250, nonTrainable: 0 },
    });
    expect(apply('MultiHeadAttention', inputs, { ...p, use_bias: false }).count!.trainable).toBe(
      216,
    );
  });

  it('key and value with different step counts are E002', () => {
    expect(
      apply('MultiHeadAttention', [
        [5, 6],
        [7, 3],
        [6, 3],
      ]).shape,
    ).toEqual({
      ok: false,
      code: 'E002',
      message:
        'MultiHeadAttention needs key and value with the same number of steps but gets key (None, 6, 3) and value (None, 7, 3)',
    });
  });

  it('a vector or an image input is E003 naming its port', () => {
    expect(apply('MultiHeadAttention', [[16]]).shape).toEqual({
      ok: false,
      code: 'E003',
      message:
        'MultiHeadAttention takes sequences (steps, features) but its query input is (None, 16); add a Reshape to (steps, features) or use an Embedding',
    });
    expect(
      apply('MultiHeadAttention', [
        [4, 8],
        [2, 2, 8],
      ]).shape,
    ).toMatchObject({
      code: 'E003',
      message:
        'MultiHeadAttention takes sequences (steps, features) but its value input is (None, 2, 2, 8)',
    });
  });

  it('empty value_dim / output_shape mean None; dropout must be below 1', () => {
    const def = getLayer('MultiHeadAttention')!;
    const r = resolveParams(def, { value_dim: '', output_shape: 'None', dropout: 1 });
    expect(r.params.value_dim).toBeNull();
    expect(r.params.output_shape).toBeNull();
    expect(r.problems).toEqual([{ param: 'dropout', message: 'Dropout must be less than 1' }]);
  });

  it('one source wired to both query and value ports analyses as cross-attention of x with x', () => {
    const graph = graphOf(
      [
        ['in', 'Input', { shape: [6, 4] }],
        ['mha', 'MultiHeadAttention', { num_heads: 1, key_dim: 3 }],
      ],
      ['in->mha:0', 'in->mha:1'],
    );
    const a = analyzeGraph(graph);
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // q 4·1·3 + 3, k same, v same, out 1·3·4 + 4 → 15·3 + 16 = 61.
    expect(a.nodes.get('mha')!.count).toEqual({ trainable: 61, nonTrainable: 0 });
  });
});

describe('activation layers (layers/activations/*.py)', () => {
  it.each([
    ['LeakyReLU', { negative_slope: 0.1 }],
    ['ELU', { alpha: 0.5 }],
    ['ReLU', { max_value: 6 }],
    ['Softmax', { axis: 1 }],
  ] as const)('%s keeps the shape and has no weights', (type, params) => {
    expect(apply(type, [[3, 5]], params)).toEqual({ shape: shapeOk([3, 5]), count: none });
  });

  it('Keras 3 defaults: LeakyReLU negative_slope 0.3, ELU alpha 1, ReLU no cap, Softmax axis -1', () => {
    expect(defaultParams(getLayer('LeakyReLU')!)).toEqual({ negative_slope: 0.3 });
    expect(defaultParams(getLayer('ELU')!)).toEqual({ alpha: 1 });
    expect(defaultParams(getLayer('ReLU')!)).toEqual({
      max_value: null,
      negative_slope: 0,
      threshold: 0,
    });
    expect(defaultParams(getLayer('Softmax')!)).toEqual({ axis: -1 });
    expect(defaultParams(getLayer('PReLU')!)).toEqual({ shared_axes: null });
  });

  it('negative slopes, caps and thresholds are refused, as Keras raises ValueError', () => {
    const problems = (type: string, raw: Record<string, unknown>) =>
      resolveParams(getLayer(type)!, raw).problems;
    expect(problems('LeakyReLU', { negative_slope: -0.1 })).toEqual([
      { param: 'negative_slope', message: 'Negative slope must be at least 0' },
    ]);
    expect(problems('ReLU', { max_value: -1, threshold: -2 })).toEqual([
      { param: 'max_value', message: 'Max value must be at least 0' },
      { param: 'threshold', message: 'Threshold must be at least 0' },
    ]);
    expect(resolveParams(getLayer('ReLU')!, { max_value: '' }).params.max_value).toBeNull();
  });

  it('Softmax: an axis that does not exist, or the batch axis, is E002', () => {
    expect(apply('Softmax', [[3, 5]], { axis: 3 }).shape).toEqual({
      ok: false,
      code: 'E002',
      message: 'Softmax axis 3 does not exist for input (None, 3, 5) (axis 0 is the batch axis)',
    });
    expect(apply('Softmax', [[3, 5]], { axis: 0 }).shape).toMatchObject({ code: 'E002' });
    expect(apply('Softmax', [[3, 5]], { axis: -3 }).shape).toMatchObject({ code: 'E002' });
    expect(apply('Softmax', [[3, 5]], { axis: -2 }).shape).toEqual(shapeOk([3, 5]));
  });

  // layers/activations/prelu.py build: param_shape = input_shape[1:], with each shared axis
  // (numbered from 1 after the batch axis) set to 1.
  it('PReLU: one alpha per value, or shared along axes', () => {
    expect(apply('PReLU', [[4, 4, 3]])).toEqual({
      shape: shapeOk([4, 4, 3]),
      count: { trainable: 48, nonTrainable: 0 }, // 4·4·3
    });
    expect(apply('PReLU', [[4, 4, 3]], { shared_axes: [1, 2] }).count!.trainable).toBe(3);
    expect(apply('PReLU', [[7, 5]], { shared_axes: [1] }).count!.trainable).toBe(5);
    expect(apply('PReLU', [[10]]).count!.trainable).toBe(10);
  });

  it('PReLU: a shared axis beyond the input is E002', () => {
    expect(apply('PReLU', [[7, 5]], { shared_axes: [3] }).shape).toEqual({
      ok: false,
      code: 'E002',
      message:
        'PReLU shared axis 3 does not exist for input (None, 7, 5) (axes count from 1 after the batch axis)',
    });
  });
});

describe('mixing kinds in the TF.js build, cost, Keras import and explanation', () => {
  const project = CATALOGUE_PROJECTS.find(
    (p) => p.name === 'Merges, attention and activation layers',
  )!;

  it('the project with every mixing kind builds: each layer has its op shape and Keras count', async () => {
    await tf.setBackend('cpu');
    const r = lowerGraph(project.graph);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const ir = r.ir;
    const kinds = ['Multiply', 'Subtract', 'Average', 'Maximum', 'Minimum', 'Dot'];
    kinds.push('MultiHeadAttention', 'LeakyReLU', 'PReLU', 'ELU', 'ReLU', 'Softmax');
    for (const k of kinds) expect(ir.ops.map((o) => o.type)).toContain(k);
    const model = buildModel(tf, ir, { seed: 3 });
    expect(model.countParams()).toBe(ir.totals.total);
    for (const op of ir.ops.slice(1)) {
      const layer = model.getLayer(op.name);
      expect([op.name, layer.outputShape.slice(1)]).toEqual([op.name, op.outputShape]);
      expect([op.name, layer.countParams()]).toEqual([op.name, op.count.trainable]);
      expect(layer.getClassName()).toBe(op.type);
    }
    model.dispose();
  });

  // FLOPs convention (shared/cost/cost.ts): a multiply-add is 2, an element-wise op 1.
  it('forward FLOPs by hand', () => {
    const flops = (type: string, inputs: Shape[], params: Record<string, unknown> = {}) => {
      const def = getLayer(type)!;
      const p = resolveParams(def, { ...defaultParams(def), ...params }).params;
      const out = def.inferShape(inputs, p);
      if (!out.ok) throw new Error(out.message);
      return def.tfjs.forwardFlops!({
        id: 'x',
        type,
        label: type,
        params: p,
        inputShapes: inputs,
        outputShape: out.shape,
        count: def.paramCount(inputs, p),
      });
    };
    // Three (4, 3) inputs: two multiplies per value; Average adds twice and divides once.
    expect(
      flops('Multiply', [
        [4, 3],
        [4, 3],
        [4, 3],
      ]),
    ).toBe(2 * 12);
    expect(
      flops('Average', [
        [4, 3],
        [4, 3],
        [4, 3],
      ]),
    ).toBe(3 * 12);
    expect(flops('Subtract', [[4, 3], [3]])).toBe(12);
    // Dot (3, 4)·(6, 4) on axes 2: 3·6 outputs × 4 multiply-adds × 2.
    expect(
      flops(
        'Dot',
        [
          [3, 4],
          [6, 4],
        ],
        { axes: [2, 2] },
      ),
    ).toBe(3 * 6 * 4 * 2);
    // Self-attention on (5, 6), 2 heads of key_dim 3 (value_dim 3), output 6:
    // projections 2·2·(5·6·3 + 5·6·3 + 5·6·3) = 1080; scores 2·2·5·5·3 = 300 and softmax
    // 3·2·5·5 = 150; mix 2·2·5·5·3 = 300; output 2·5·2·3·6 = 360. Total 2190.
    expect(flops('MultiHeadAttention', [[5, 6]], { num_heads: 2, key_dim: 3 })).toBe(2190);
    expect(flops('Softmax', [[2, 5]])).toBe(30);
    expect(flops('PReLU', [[2, 5]])).toBe(40);
  });

  it('Keras import: Keras 2 / TF.js LeakyReLU alpha, PReLU int shared_axes, MHA limits', () => {
    const from = (type: string, config: Record<string, unknown>) =>
      getLayer(type)!.keras.fromConfig(config, type).params;
    expect(from('LeakyReLU', { alpha: 0.2 })).toEqual({ negative_slope: 0.2 });
    expect(from('LeakyReLU', { negative_slope: 0.05, alpha: 0.2 })).toEqual({
      negative_slope: 0.05,
    });
    expect(from('PReLU', { shared_axes: 1 })).toEqual({ shared_axes: [1] });
    expect(from('ReLU', { max_value: 6 })).toEqual({
      max_value: 6,
      negative_slope: 0,
      threshold: 0,
    });
    expect(from('Softmax', { axis: [1] })).toEqual({ axis: 1 });
    expect(from('Dot', { axes: 1 })).toEqual({ axes: [1, 1], normalize: false });
    // Keras 3 get_config: value_dim = key_dim when None, output_shape as a tuple.
    expect(
      from('MultiHeadAttention', {
        num_heads: 2,
        key_dim: 8,
        value_dim: 8,
        dropout: 0.1,
        use_bias: true,
        output_shape: [16],
        attention_axes: null,
      }),
    ).toEqual({
      num_heads: 2,
      key_dim: 8,
      value_dim: null,
      dropout: 0.1,
      use_bias: true,
      output_shape: 16,
    });
    expect(() =>
      from('MultiHeadAttention', { num_heads: 2, key_dim: 8, attention_axes: [2] }),
    ).toThrow('attention_axes [2]');
    expect(() => from('Softmax', { axis: [1, 2] })).toThrow('softmax over axes [1,2]');
    // Netwright's own MultiHeadAttention call ports: query, then value= and key= by keyword.
    expect(getLayer('MultiHeadAttention')!.keras.tensorKwargs).toEqual(['value', 'key']);
  });

  it('explanations: MultiHeadAttention and PReLU parameter arithmetic, digests', () => {
    const arithmetic = (type: string, inputs: Shape[], params: Record<string, unknown>) => {
      const def = getLayer(type)!;
      return def.explain.arithmetic!(
        resolveParams(def, { ...defaultParams(def), ...params }).params,
        inputs,
      );
    };
    expect(
      arithmetic(
        'MultiHeadAttention',
        [
          [8, 16],
          [4, 16],
        ],
        { num_heads: 2, key_dim: 2 },
      ).params,
    ).toBe('query 16×2×2 + 4, key 16×2×2 + 4, value 16×2×2 + 4, output 2×2×16 + 16 = 284');
    expect(arithmetic('PReLU', [[4, 4, 3]], { shared_axes: [1, 2] }).params).toBe(
      'alpha of shape (1, 1, 3) = 3 slopes',
    );
    expect(getLayer('MultiHeadAttention')!.explain.digest!({ num_heads: 4, key_dim: 32 })).toBe(
      '4 heads',
    );
    expect(
      getLayer('ReLU')!.explain.digest!({ max_value: 6, negative_slope: 0, threshold: 0 }),
    ).toBe('max 6');
    expect(getLayer('Dot')!.explain.digest!({ axes: [2, 1], normalize: true })).toBe(
      'axes 2,1 · cosine',
    );
  });
});

describe('mixing kinds: ONNX export → import', () => {
  it('merges and activation layers come back as the same blocks, params and weights', async () => {
    await tf.setBackend('cpu');
    const ir = lowerOnnx(
      graphOf(
        [
          ['in', 'Input', { shape: [4, 3] }],
          ['a', 'Dense', { units: 3 }],
          ['b', 'Dense', { units: 3, activation: 'tanh' }],
          ['mul', 'Multiply'],
          ['sub', 'Subtract'],
          ['avg', 'Average'],
          ['max', 'Maximum'],
          ['min', 'Minimum'],
          ['prelu', 'PReLU', { shared_axes: [1] }],
          ['lrelu', 'LeakyReLU', { negative_slope: 0.1 }],
          ['elu', 'ELU', { alpha: 0.5 }],
          ['sm', 'Softmax', { axis: 1 }],
          ['relu', 'ReLU', { max_value: 6 }],
        ],
        [
          'in->a',
          'in->b',
          'a->mul:0',
          'b->mul:1',
          'mul->sub:0',
          'a->sub:1',
          'sub->avg:0',
          'b->avg:1',
          'avg->max:0',
          'a->max:1',
          'max->min:0',
          'b->min:1',
          'min->prelu',
          'prelu->lrelu',
          'lrelu->elu',
          'elu->sm',
          'sm->relu',
        ],
      ),
    );
    const { model, weights } = await modelWithRandomWeights(ir, 5);
    model.dispose();
    const result = importOnnx(exportOnnx(ir, weights));
    if (!result.ok) throw new Error(result.error);
    expect(opView(result.ir)).toEqual(opView(ir));
    expect(weightsView(result.weights!)).toEqual(weightsView(weights));
  });
});

describe('mixing kinds: TF.js model.json export → Keras/TF.js import', () => {
  it('every mixing kind comes back as the same block with the same params', async () => {
    await tf.setBackend('cpu');
    const project = CATALOGUE_PROJECTS.find(
      (p) => p.name === 'Merges, attention and activation layers',
    )!;
    const ir = lowerOnnx(project.graph);
    const { model, weights } = await modelWithRandomWeights(ir, 9);
    const files = await tfjsLayersFiles(tf, model);
    model.dispose();
    const result = importKerasJson(files.modelJson, { [TFJS_WEIGHTS_FILE]: files.weights });
    if (!result.ok) throw new Error(result.error);
    expect(opView(result.ir)).toEqual(opView(ir));
    expect(weightsView(result.weights!)).toEqual(weightsView(weights));
  });
});
