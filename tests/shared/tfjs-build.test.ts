import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../shared/graph/types.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { LAYER_TYPES } from '../../shared/layers/registry.ts';
import { TEMPLATES, loadTemplate } from '../../shared/templates/index.ts';
import { buildModel, leakyReluLayerName, opNameOfLayer } from '../../shared/tfjs/build-model.ts';
import { assertKnownParams } from './graph-builder.ts';

function lower(graph: Graph): ModelIR {
  const result = lowerGraph(graph);
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.ir;
}

/** A graph from `[id, type, params, inputs]` rows; throws on a param its layer kind lacks. */
function graphOf(rows: [string, string, Record<string, unknown>, string[]][]): Graph {
  return assertKnownParams({
    nodes: rows.map(([id, type, params], i) => ({
      id,
      type,
      params,
      position: { x: 0, y: i * 100 },
    })),
    edges: rows.flatMap(([id, , , inputs]) =>
      inputs.map((source, port) => ({
        id: `${source}-${id}-${port}`,
        source,
        target: id,
        targetHandle: String(port),
      })),
    ),
  });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tf.disposeVariables());

describe('IR → TF.js model', () => {
  it.each(TEMPLATES.map((t) => t.id))('template %s: parameter count equals the IR totals', (id) => {
    const ir = lower(loadTemplate(id).graph);
    const model = buildModel(tf, ir);
    expect(model.countParams()).toBe(ir.totals.total);
    const trainable = model.trainableWeights.reduce(
      (n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 0), 1),
      0,
    );
    expect(trainable).toBe(ir.totals.trainable);
    expect(model.outputs[0]!.shape.slice(1)).toEqual(ir.ops.at(-1)!.outputShape);
    // Chains become tf.sequential; the residual block is functional.
    expect(model.constructor.name).toBe(ir.isChain ? 'Sequential' : 'LayersModel');
    model.dispose();
  });

  it('mnist-mlp has 109,386 params and Keras layer configs', () => {
    const ir = lower(loadTemplate('mnist-mlp').graph);
    const model = buildModel(tf, ir);
    expect(model.countParams()).toBe(109_386);
    const dense = model.layers.filter((l) => l.getClassName() === 'Dense');
    expect(dense.map((l) => l.getConfig().units)).toEqual([128, 64, 10]);
    expect(dense.map((l) => l.getConfig().activation)).toEqual(['relu', 'relu', 'softmax']);
    expect(model.layers.map((l) => l.name)).toEqual(ir.ops.map((op) => op.name));
    model.dispose();
  });

  it('a graph using every catalogue entry builds with its params, counts, names and shapes', () => {
    // Every param is given a non-default value, so a back-end that ignores one (or a test that
    // misspells one, e.g. TF.js's `kernelSize`) makes an assertion below fail.
    const graph = graphOf([
      ['in', 'Input', { shape: [9, 9, 3] }, []],
      [
        'conv',
        'Conv2D',
        {
          filters: 4,
          kernel_size: [3, 2],
          strides: [2, 1],
          padding: 'same',
          activation: 'leaky_relu',
          use_bias: false,
        },
        ['in'],
      ],
      ['bn', 'BatchNormalization', { momentum: 0.9, epsilon: 0.01 }, ['conv']],
      ['max', 'MaxPooling2D', { pool_size: [2, 3] }, ['bn']],
      ['avg', 'AveragePooling2D', { pool_size: [3, 1], strides: [1, 1], padding: 'same' }, ['max']],
      ['gap', 'GlobalAveragePooling2D', {}, ['avg']],
      ['flat', 'Flatten', {}, ['avg']],
      ['dense', 'Dense', { units: 4, activation: 'gelu', use_bias: false }, ['flat']],
      ['add', 'Add', {}, ['dense', 'gap']],
      // conv2d kinds, a branch from the input: (9, 9, 3) → same stride 2 → (5, 5, 6) → valid
      // 3×3 → (3, 3, 4) → transposed same stride 2 → (6, 6, 2) → (2, 6, 6) → (6) → (2, 6) → 12.
      ['scale', 'Rescaling', { scale: 2, offset: -1 }, ['in']],
      ['noise', 'GaussianNoise', { stddev: 0.3 }, ['scale']],
      [
        'dw',
        'DepthwiseConv2D',
        {
          kernel_size: [2, 3],
          strides: [2, 2],
          padding: 'same',
          depth_multiplier: 2,
          activation: 'relu',
          use_bias: false,
        },
        ['noise'],
      ],
      ['sdrop', 'SpatialDropout2D', { rate: 0.1 }, ['dw']],
      [
        'sep',
        'SeparableConv2D',
        {
          filters: 4,
          kernel_size: [3, 3],
          depth_multiplier: 2,
          activation: 'tanh',
          use_bias: false,
        },
        ['sdrop'],
      ],
      [
        'up',
        'Conv2DTranspose',
        {
          filters: 2,
          kernel_size: [3, 2],
          strides: [2, 2],
          padding: 'same',
          activation: 'sigmoid',
          use_bias: false,
        },
        ['sep'],
      ],
      ['perm', 'Permute', { dims: [3, 1, 2] }, ['up']],
      ['gap2', 'GlobalAveragePooling2D', {}, ['perm']],
      ['rep', 'RepeatVector', { n: 2 }, ['gap2']],
      ['flat3', 'Flatten', {}, ['rep']],
      ['cat', 'Concatenate', { axis: 1 }, ['add', 'gap', 'flat3']],
      ['ln', 'LayerNormalization', { epsilon: 0.0001 }, ['cat']],
      ['drop', 'Dropout', { rate: 0.25 }, ['ln']],
      ['reshape', 'Reshape', { target_shape: [2, -1] }, ['drop']],
      ['act', 'Activation', { activation: 'leaky_relu' }, ['reshape']],
      ['act2', 'Activation', { activation: 'tanh' }, ['act']],
      // mixing kinds on the (2, 10) sequence: self-attention, the activation layers, every
      // element-wise merge, and a normalised Dot of (2, 10)·(2, 10) on axes 2 → (2, 2).
      [
        'mha',
        'MultiHeadAttention',
        { num_heads: 2, key_dim: 3, value_dim: 2, dropout: 0.1, use_bias: false, output_shape: 10 },
        ['act2'],
      ],
      ['lrelu', 'LeakyReLU', { negative_slope: 0.1 }, ['mha']],
      ['prelu', 'PReLU', { shared_axes: [1] }, ['lrelu']],
      ['elu', 'ELU', { alpha: 0.5 }, ['prelu']],
      ['relu', 'ReLU', { max_value: 6, negative_slope: 0.1, threshold: 0.2 }, ['elu']],
      ['sm', 'Softmax', { axis: 1 }, ['relu']],
      ['mul', 'Multiply', {}, ['sm', 'act2']],
      ['sub', 'Subtract', {}, ['mul', 'act2']],
      ['mavg', 'Average', {}, ['sub', 'mha']],
      ['mmax', 'Maximum', {}, ['mavg', 'lrelu']],
      ['mmin', 'Minimum', {}, ['mmax', 'elu']],
      ['dot', 'Dot', { axes: [2, 2], normalize: true }, ['mmin', 'act2']],
      ['flat2', 'Flatten', {}, ['dot']],
      ['out', 'Dense', { units: 3, activation: 'softmax' }, ['flat2']],
    ]);
    const ir = lower(graph);
    // Kinds whose own test file builds them the same way (every param non-default).
    const builtElsewhere = new Set([
      // ── conv1d kinds (tests/shared/tfjs-build-conv1d.test.ts) ──
      'Conv1D',
      'MaxPooling1D',
      'AveragePooling1D',
      'GlobalAveragePooling1D',
      'GlobalMaxPooling1D',
      'GlobalMaxPooling2D',
      'UpSampling2D',
      'ZeroPadding2D',
      'Cropping2D',
      // ── end conv1d ──
      // ── sequence kinds (tests/shared/kinds-sequence.test.ts: an int32 Input for Embedding) ──
      ...['Embedding', 'SimpleRNN', 'LSTM', 'GRU', 'Bidirectional'],
      // ── end sequence ──
    ]);
    expect(new Set(ir.ops.map((op) => op.type))).toEqual(
      new Set(LAYER_TYPES.filter((t) => !builtElsewhere.has(t))),
    );
    expect(ir.isChain).toBe(false);
    const model = buildModel(tf, ir, { seed: 1 });
    expect(model.countParams()).toBe(ir.totals.total);
    for (const op of ir.ops) {
      const layer = model.getLayer(op.name);
      expect(layer.outputShape.slice(1), op.name).toEqual(op.outputShape);
      const count = layer.countParams();
      expect(count, op.name).toBe(op.count.trainable + op.count.nonTrainable);
    }
    // Shapes by hand (Keras: 'same' → ceil(n / stride); 'valid' → floor((n - k) / stride) + 1):
    // conv 9×9 stride (2, 1) same → 5×9; max pool (2, 3), strides = pool, valid → 2×3.
    expect(model.getLayer('conv').outputShape).toEqual([null, 5, 9, 4]);
    expect(model.getLayer('max').outputShape).toEqual([null, 2, 3, 4]);
    expect(model.getLayer('avg').outputShape).toEqual([null, 2, 3, 4]);
    expect(model.getLayer('cat').outputShape).toEqual([null, 20]);
    // Conv2D without bias: 3·2·3·4 = 72 weights; BatchNorm 4·4 = 16 (8 trainable).
    expect(model.getLayer('conv').countParams()).toBe(72);
    // Keras configs (TF.js spells the keys in camelCase).
    const conv = model.getLayer('conv').getConfig();
    expect(conv).toMatchObject({
      filters: 4,
      kernelSize: [3, 2],
      strides: [2, 1],
      padding: 'same',
      activation: 'linear',
      useBias: false,
    });
    expect(model.getLayer(leakyReluLayerName('conv')).getConfig()).toMatchObject({ alpha: 0.2 });
    expect(opNameOfLayer(leakyReluLayerName('conv'))).toBe('conv');
    expect(model.getLayer('bn').getConfig()).toMatchObject({
      momentum: 0.9,
      epsilon: 0.01,
    });
    expect(model.getLayer('max').getConfig()).toMatchObject({
      poolSize: [2, 3],
      strides: [2, 3],
      padding: 'valid',
    });
    expect(model.getLayer('avg').getConfig()).toMatchObject({
      poolSize: [3, 1],
      strides: [1, 1],
      padding: 'same',
    });
    expect(model.getLayer('dense').getConfig()).toMatchObject({
      units: 4,
      activation: 'gelu',
      useBias: false,
    });
    expect(model.getLayer('ln').getConfig()).toMatchObject({ epsilon: 0.0001 });
    expect(model.getLayer('drop').getConfig()).toMatchObject({ rate: 0.25 });
    // Mixing kinds (keras.io names in camelCase; LeakyReLU's slope is TF.js's alpha).
    expect(model.getLayer('mha').getConfig()).toMatchObject({
      numHeads: 2,
      keyDim: 3,
      valueDim: 2,
      dropout: 0.1,
      useBias: false,
      outputShape: 10,
    });
    // q, k, v kernels 10·2·3 = 60 each (value 10·2·2 = 40), output 2·2·10 = 40: 60+60+40+40.
    expect(model.getLayer('mha').countParams()).toBe(200);
    expect(model.getLayer('lrelu').getConfig()).toMatchObject({ alpha: 0.1 });
    expect(model.getLayer('prelu').getConfig()).toMatchObject({ sharedAxes: [1] });
    expect(model.getLayer('prelu').countParams()).toBe(10);
    expect(model.getLayer('elu').getConfig()).toMatchObject({ alpha: 0.5 });
    expect(model.getLayer('relu').getConfig()).toMatchObject({
      maxValue: 6,
      negativeSlope: 0.1,
      threshold: 0.2,
    });
    expect(model.getLayer('sm').getConfig()).toMatchObject({ axis: 1 });
    expect(model.getLayer('dot').getConfig()).toMatchObject({ axes: [2, 2], normalize: true });
    expect(model.getLayer('dot').outputShape).toEqual([null, 2, 2]);
    expect(model.getLayer('reshape').getConfig()).toMatchObject({ targetShape: [2, 10] });
    // conv2d kinds.
    const byId = (id: string) => model.getLayer(ir.ops.find((op) => op.id === id)!.name);
    expect(byId('scale').getConfig()).toMatchObject({ scale: 2, offset: -1 });
    expect(byId('noise').getConfig()).toMatchObject({ stddev: 0.3 });
    expect(byId('dw').getConfig()).toMatchObject({
      kernelSize: [2, 3],
      strides: [2, 2],
      padding: 'same',
      depthMultiplier: 2,
      activation: 'relu',
      useBias: false,
    });
    expect(byId('dw').outputShape).toEqual([null, 5, 5, 6]);
    expect(byId('sdrop').getConfig()).toMatchObject({ rate: 0.1, dataFormat: 'channelsLast' });
    expect(byId('sdrop').getClassName()).toBe('SpatialDropout2D');
    expect(byId('sep').getConfig()).toMatchObject({
      filters: 4,
      kernelSize: [3, 3],
      depthMultiplier: 2,
      activation: 'tanh',
      useBias: false,
    });
    // 3·3·6·2 depthwise + 12·4 pointwise = 108 + 48.
    expect(byId('sep').countParams()).toBe(156);
    expect(byId('up').getConfig()).toMatchObject({
      filters: 2,
      kernelSize: [3, 2],
      strides: [2, 2],
      padding: 'same',
      activation: 'sigmoid',
      useBias: false,
    });
    expect(byId('up').outputShape).toEqual([null, 6, 6, 2]);
    expect(byId('perm').getConfig()).toMatchObject({ dims: [3, 1, 2] });
    expect(byId('rep').getConfig()).toMatchObject({ n: 2 });
    // The IR makes axes positive (tfjs-layers runs any negative axis as -1): -1 on (N, 4) is 1.
    expect(model.getLayer('cat').getConfig()).toMatchObject({ axis: 1 });
    expect(model.getLayer('act').getClassName()).toBe('LeakyReLU');
    // It runs.
    const y = model.predict(tf.zeros([2, 9, 9, 3])) as tf.Tensor;
    expect(y.shape).toEqual([2, 3]);
    y.dispose();
    model.dispose();
  });

  it('a misspelt param (TF.js camelCase) is an error in test graphs', () => {
    expect(() =>
      graphOf([
        ['in', 'Input', { shape: [8, 8, 3] }, []],
        ['conv', 'Conv2D', { kernelSize: [5, 5] }, ['in']],
      ]),
    ).toThrow(/node conv \(Conv2D\): unknown param "kernelSize" \(did you mean "kernel_size"\?\)/);
  });

  it('the same seed gives the same initial weights', () => {
    const ir = lower(loadTemplate('toy-2d-classifier').graph);
    const a = buildModel(tf, ir, { seed: 7 });
    const b = buildModel(tf, ir, { seed: 7 });
    const wa = a.getWeights().map((w) => Array.from(w.dataSync()));
    const wb = b.getWeights().map((w) => Array.from(w.dataSync()));
    expect(wa).toEqual(wb);
    a.dispose();
    b.dispose();
  });
});
