/**
 * The generated Keras files compile (`py_compile`), and every layer call means what its block
 * asked for: the call is read back with Python's `ast`, its arguments named and defaulted from
 * Keras's documented signatures (written out below, not taken from the generator), and compared
 * with the block's params and with the config TF.js reports for the same layer.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKeras } from '../../shared/codegen/keras.ts';
import type { KerasValue } from '../../shared/codegen/keras-config.ts';
import type { Project } from '../../shared/graph/project.ts';
import type { GraphNode } from '../../shared/graph/types.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { TEMPLATES, loadTemplate } from '../../shared/templates/index.ts';
import { buildModel, leakyReluLayerName } from '../../shared/tfjs/build-model.ts';
import { assertKnownParams } from '../shared/graph-builder.ts';
import { CATALOGUE_PROJECTS } from './graphs.ts';
import { HARNESS, PYTHON_MISSING, python, withPython } from './python.ts';

const dir = mkdtempSync(join(tmpdir(), 'netwright-keras-'));

// ── conv1d helpers ──
/** A 1-D size as Keras stores it: an int `n` is the 1-tuple `[n]` (keras.io Conv1D, Pooling1D). */
function oneTuples(c: Record<string, KerasValue>, keys: string[]): Record<string, KerasValue> {
  const out = { ...c };
  for (const k of keys) if (typeof out[k] === 'number') out[k] = [out[k]];
  return out;
}

/**
 * ZeroPadding2D `padding` / Cropping2D `cropping` as `((top, bottom), (left, right))`, from Keras's
 * spellings (int; (height, width); two pairs); the block holds the nested form itself.
 */
function edgePairs(c: Record<string, KerasValue>, key: string): Record<string, KerasValue> {
  const out = { ...c };
  const v = out[key];
  if (typeof v === 'number')
    out[key] = [
      [v, v],
      [v, v],
    ];
  else if (Array.isArray(v) && v.every((x) => typeof x === 'number'))
    out[key] = (v as number[]).map((x) => [x, x]);
  return out;
}
// ── end conv1d helpers ──

/**
 * Keras's constructor signatures, written out by hand from the Keras 3 API documentation (the
 * oracle: nothing here comes from Netwright's code generator). `positional`: the parameters in
 * signature order, so that a positional argument in generated code can be named; `defaults`: the
 * documented defaults of the parameters Netwright sets, which apply when the code leaves one out.
 * Parameters without a default (e.g. Dense `units`) are required: `required`.
 */
const KERAS: Record<
  string,
  {
    positional: string[];
    required: string[];
    defaults: Record<string, KerasValue>;
    /**
     * Rewrites a config (a generated call's or a block's params) into one canonical Keras form,
     * for kinds whose values Keras accepts in several spellings (an int or a 1-tuple for a 1-D
     * size) or whose block params differ from Keras's (ZeroPadding2D's two pairs).
     */
    canonical?: (config: Record<string, KerasValue>) => Record<string, KerasValue>;
  }
> = {
  // https://keras.io/api/layers/core_layers/input/
  // keras.Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None, tensor=None, optional=False)
  Input: {
    positional: ['shape', 'batch_size', 'dtype'],
    required: ['shape'],
    defaults: { dtype: null },
  },
  // https://keras.io/api/layers/core_layers/dense/
  // Dense(units, activation=None, use_bias=True, kernel_initializer="glorot_uniform", ...)
  Dense: {
    positional: ['units', 'activation', 'use_bias'],
    required: ['units'],
    defaults: { activation: null, use_bias: true },
  },
  // https://keras.io/api/layers/convolution_layers/convolution2d/
  // Conv2D(filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
  //        dilation_rate=(1, 1), groups=1, activation=None, use_bias=True, ...)
  Conv2D: {
    positional: [
      'filters',
      'kernel_size',
      'strides',
      'padding',
      'data_format',
      'dilation_rate',
      'groups',
      'activation',
      'use_bias',
    ],
    required: ['filters', 'kernel_size'],
    defaults: {
      strides: [1, 1],
      padding: 'valid',
      data_format: null,
      dilation_rate: [1, 1],
      groups: 1,
      activation: null,
      use_bias: true,
    },
  },
  // https://keras.io/api/layers/pooling_layers/max_pooling2d/
  // MaxPooling2D(pool_size=(2, 2), strides=None, padding="valid", data_format=None, name=None)
  MaxPooling2D: {
    positional: ['pool_size', 'strides', 'padding', 'data_format'],
    required: [],
    defaults: { pool_size: [2, 2], strides: null, padding: 'valid', data_format: null },
  },
  // https://keras.io/api/layers/pooling_layers/average_pooling2d/
  // AveragePooling2D(pool_size=(2, 2), strides=None, padding="valid", data_format=None, name=None)
  AveragePooling2D: {
    positional: ['pool_size', 'strides', 'padding', 'data_format'],
    required: [],
    defaults: { pool_size: [2, 2], strides: null, padding: 'valid', data_format: null },
  },
  // https://keras.io/api/layers/core_layers/activation/  Activation(activation, **kwargs)
  Activation: { positional: ['activation'], required: ['activation'], defaults: {} },
  // https://keras.io/api/layers/regularization_layers/dropout/  Dropout(rate, noise_shape=None, seed=None)
  Dropout: {
    positional: ['rate', 'noise_shape', 'seed'],
    required: ['rate'],
    defaults: { noise_shape: null, seed: null },
  },
  // https://keras.io/api/layers/normalization_layers/batch_normalization/
  // BatchNormalization(axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True, ...)
  BatchNormalization: {
    positional: ['axis', 'momentum', 'epsilon', 'center', 'scale'],
    required: [],
    defaults: { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true },
  },
  // https://keras.io/api/layers/normalization_layers/layer_normalization/
  // LayerNormalization(axis=-1, epsilon=0.001, center=True, scale=True, ...)
  LayerNormalization: {
    positional: ['axis', 'epsilon', 'center', 'scale'],
    required: [],
    defaults: { axis: -1, epsilon: 0.001, center: true, scale: true },
  },
  // https://keras.io/api/layers/reshaping_layers/reshape/  Reshape(target_shape, **kwargs)
  Reshape: { positional: ['target_shape'], required: ['target_shape'], defaults: {} },
  // https://keras.io/api/layers/merging_layers/concatenate/  Concatenate(axis=-1, **kwargs)
  Concatenate: { positional: ['axis'], required: [], defaults: { axis: -1 } },
  // https://keras.io/api/layers/reshaping_layers/flatten/  Flatten(data_format=None)
  Flatten: { positional: ['data_format'], required: [], defaults: { data_format: null } },
  // https://keras.io/api/layers/pooling_layers/global_average_pooling2d/
  // GlobalAveragePooling2D(data_format=None, keepdims=False, **kwargs)
  GlobalAveragePooling2D: {
    positional: ['data_format', 'keepdims'],
    required: [],
    defaults: { data_format: null, keepdims: false },
  },
  // https://keras.io/api/layers/merging_layers/add/  Add(**kwargs)
  Add: { positional: [], required: [], defaults: {} },
  // ── sequence kinds ──
  // https://keras.io/api/layers/core_layers/embedding/
  // Embedding(input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
  //           embeddings_constraint=None, mask_zero=False, weights=None, lora_rank=None, **kwargs)
  Embedding: {
    positional: ['input_dim', 'output_dim'],
    required: ['input_dim', 'output_dim'],
    defaults: { mask_zero: false },
  },
  // https://keras.io/api/layers/recurrent_layers/simple_rnn/
  // SimpleRNN(units, activation="tanh", use_bias=True, ..., dropout=0.0, recurrent_dropout=0.0,
  //           return_sequences=False, return_state=False, go_backwards=False, stateful=False, ...)
  SimpleRNN: {
    positional: ['units', 'activation', 'use_bias'],
    required: ['units'],
    defaults: { activation: 'tanh', use_bias: true, return_sequences: false, go_backwards: false },
  },
  // https://keras.io/api/layers/recurrent_layers/lstm/
  // LSTM(units, activation="tanh", recurrent_activation="sigmoid", use_bias=True, ...,
  //      unit_forget_bias=True, ..., return_sequences=False, return_state=False, go_backwards=False, ...)
  LSTM: {
    positional: ['units', 'activation', 'recurrent_activation', 'use_bias'],
    required: ['units'],
    defaults: {
      activation: 'tanh',
      recurrent_activation: 'sigmoid',
      use_bias: true,
      unit_forget_bias: true,
      return_sequences: false,
      go_backwards: false,
    },
  },
  // https://keras.io/api/layers/recurrent_layers/gru/
  // GRU(units, activation="tanh", recurrent_activation="sigmoid", use_bias=True, ...,
  //     return_sequences=False, return_state=False, go_backwards=False, stateful=False,
  //     unroll=False, reset_after=True, use_cudnn="auto", **kwargs)
  GRU: {
    positional: ['units', 'activation', 'recurrent_activation', 'use_bias'],
    required: ['units'],
    defaults: {
      activation: 'tanh',
      recurrent_activation: 'sigmoid',
      use_bias: true,
      return_sequences: false,
      go_backwards: false,
      reset_after: true,
    },
  },
  // https://keras.io/api/layers/recurrent_layers/bidirectional/
  // Bidirectional(layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs); the
  // wrapped layer's units and return_sequences are read from its own call (see `unwrap`), its
  // return_sequences defaulting to False as documented for each recurrent layer.
  Bidirectional: {
    positional: ['layer', 'merge_mode'],
    required: ['layer', 'units'],
    defaults: { merge_mode: 'concat', return_sequences: false },
  },
  // ── end sequence ──
  // ── conv1d kinds ──
  // https://keras.io/api/layers/convolution_layers/convolution1d/
  // Conv1D(filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
  //        groups=1, activation=None, use_bias=True, ...); "kernel_size: int or tuple/list of
  //        1 integer", likewise strides and dilation_rate.
  Conv1D: {
    positional: [
      'filters',
      'kernel_size',
      'strides',
      'padding',
      'data_format',
      'dilation_rate',
      'groups',
      'activation',
      'use_bias',
    ],
    required: ['filters', 'kernel_size'],
    defaults: {
      strides: 1,
      padding: 'valid',
      data_format: null,
      dilation_rate: 1,
      groups: 1,
      activation: null,
      use_bias: true,
    },
    canonical: (c) => oneTuples(c, ['kernel_size', 'strides', 'dilation_rate']),
  },
  // https://keras.io/api/layers/pooling_layers/max_pooling1d/
  // MaxPooling1D(pool_size=2, strides=None, padding="valid", data_format=None, name=None)
  MaxPooling1D: {
    positional: ['pool_size', 'strides', 'padding', 'data_format'],
    required: [],
    defaults: { pool_size: 2, strides: null, padding: 'valid', data_format: null },
    canonical: (c) => oneTuples(c, ['pool_size', 'strides']),
  },
  // https://keras.io/api/layers/pooling_layers/average_pooling1d/
  // AveragePooling1D(pool_size, strides=None, padding="valid", data_format=None, name=None)
  // (pool_size defaults to 2 in keras/src/layers/pooling/average_pooling1d.py)
  AveragePooling1D: {
    positional: ['pool_size', 'strides', 'padding', 'data_format'],
    required: [],
    defaults: { pool_size: 2, strides: null, padding: 'valid', data_format: null },
    canonical: (c) => oneTuples(c, ['pool_size', 'strides']),
  },
  // https://keras.io/api/layers/pooling_layers/global_average_pooling1d/
  // GlobalAveragePooling1D(data_format=None, keepdims=False, **kwargs)
  GlobalAveragePooling1D: {
    positional: ['data_format', 'keepdims'],
    required: [],
    defaults: { data_format: null, keepdims: false },
  },
  // https://keras.io/api/layers/pooling_layers/global_max_pooling1d/
  // GlobalMaxPooling1D(data_format=None, keepdims=False, **kwargs)
  GlobalMaxPooling1D: {
    positional: ['data_format', 'keepdims'],
    required: [],
    defaults: { data_format: null, keepdims: false },
  },
  // https://keras.io/api/layers/pooling_layers/global_max_pooling2d/
  // GlobalMaxPooling2D(data_format=None, keepdims=False, **kwargs)
  GlobalMaxPooling2D: {
    positional: ['data_format', 'keepdims'],
    required: [],
    defaults: { data_format: null, keepdims: false },
  },
  // https://keras.io/api/layers/reshaping_layers/up_sampling2d/
  // UpSampling2D(size=(2, 2), data_format=None, interpolation="nearest", **kwargs);
  // "size: Int, or tuple of 2 integers".
  UpSampling2D: {
    positional: ['size', 'data_format', 'interpolation'],
    required: [],
    defaults: { size: [2, 2], data_format: null, interpolation: 'nearest' },
    canonical: (c) => (typeof c.size === 'number' ? { ...c, size: [c.size, c.size] } : c),
  },
  // https://keras.io/api/layers/reshaping_layers/zero_padding2d/
  // ZeroPadding2D(padding=(1, 1), data_format=None, **kwargs); "padding: Int, or tuple of 2 ints,
  // or tuple of 2 tuples of 2 ints": int → same on all sides; (h, w) → ((h, h), (w, w));
  // ((top_pad, bottom_pad), (left_pad, right_pad)). The block holds `padding` in the nested form.
  ZeroPadding2D: {
    positional: ['padding', 'data_format'],
    required: [],
    defaults: { padding: [1, 1], data_format: null },
    canonical: (c) => edgePairs(c, 'padding'),
  },
  // https://keras.io/api/layers/reshaping_layers/cropping2d/
  // Cropping2D(cropping=((0, 0), (0, 0)), data_format=None, **kwargs); cropping spelt as
  // ZeroPadding2D's padding. The block holds `cropping` in the nested form.
  Cropping2D: {
    positional: ['cropping', 'data_format'],
    required: [],
    defaults: {
      cropping: [
        [0, 0],
        [0, 0],
      ],
      data_format: null,
    },
    canonical: (c) => edgePairs(c, 'cropping'),
  },
  // ── end conv1d ──
  // ── conv2d kinds ──
  // https://keras.io/api/layers/convolution_layers/convolution2d_transpose/
  // Conv2DTranspose(filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
  //                 dilation_rate=(1, 1), activation=None, use_bias=True, ...)
  Conv2DTranspose: {
    positional: [
      'filters',
      'kernel_size',
      'strides',
      'padding',
      'data_format',
      'dilation_rate',
      'activation',
      'use_bias',
    ],
    required: ['filters', 'kernel_size'],
    defaults: {
      strides: [1, 1],
      padding: 'valid',
      data_format: null,
      dilation_rate: [1, 1],
      activation: null,
      use_bias: true,
    },
  },
  // https://keras.io/api/layers/convolution_layers/separable_convolution2d/
  // SeparableConv2D(filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
  //                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True, ...)
  SeparableConv2D: {
    positional: [
      'filters',
      'kernel_size',
      'strides',
      'padding',
      'data_format',
      'dilation_rate',
      'depth_multiplier',
      'activation',
      'use_bias',
    ],
    required: ['filters', 'kernel_size'],
    defaults: {
      strides: [1, 1],
      padding: 'valid',
      data_format: null,
      dilation_rate: [1, 1],
      depth_multiplier: 1,
      activation: null,
      use_bias: true,
    },
  },
  // https://keras.io/api/layers/convolution_layers/depthwise_convolution2d/
  // DepthwiseConv2D(kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
  //                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True, ...)
  DepthwiseConv2D: {
    positional: [
      'kernel_size',
      'strides',
      'padding',
      'depth_multiplier',
      'data_format',
      'dilation_rate',
      'activation',
      'use_bias',
    ],
    required: ['kernel_size'],
    defaults: {
      strides: [1, 1],
      padding: 'valid',
      depth_multiplier: 1,
      data_format: null,
      dilation_rate: [1, 1],
      activation: null,
      use_bias: true,
    },
  },
  // https://keras.io/api/layers/regularization_layers/spatial_dropout2d/
  // SpatialDropout2D(rate, data_format=None, seed=None, name=None, dtype=None)
  SpatialDropout2D: {
    positional: ['rate', 'data_format', 'seed'],
    required: ['rate'],
    defaults: { data_format: null, seed: null },
  },
  // https://keras.io/api/layers/regularization_layers/gaussian_noise/
  // GaussianNoise(stddev, seed=None, **kwargs)
  GaussianNoise: { positional: ['stddev', 'seed'], required: ['stddev'], defaults: { seed: null } },
  // https://keras.io/api/layers/preprocessing_layers/image_preprocessing/rescaling/
  // Rescaling(scale, offset=0.0, **kwargs)
  Rescaling: { positional: ['scale', 'offset'], required: ['scale'], defaults: { offset: 0 } },
  // https://keras.io/api/layers/reshaping_layers/permute/  Permute(dims, **kwargs)
  Permute: { positional: ['dims'], required: ['dims'], defaults: {} },
  // https://keras.io/api/layers/reshaping_layers/repeat_vector/  RepeatVector(n, **kwargs)
  RepeatVector: { positional: ['n'], required: ['n'], defaults: {} },
  // ── end conv2d ──
  // ── mixing kinds ──
  // https://keras.io/api/layers/merging_layers/multiply/  Multiply(**kwargs)
  Multiply: { positional: [], required: [], defaults: {} },
  // https://keras.io/api/layers/merging_layers/subtract/  Subtract(**kwargs)
  Subtract: { positional: [], required: [], defaults: {} },
  // https://keras.io/api/layers/merging_layers/average/  Average(**kwargs)
  Average: { positional: [], required: [], defaults: {} },
  // https://keras.io/api/layers/merging_layers/maximum/  Maximum(**kwargs)
  Maximum: { positional: [], required: [], defaults: {} },
  // https://keras.io/api/layers/merging_layers/minimum/  Minimum(**kwargs)
  Minimum: { positional: [], required: [], defaults: {} },
  // https://keras.io/api/layers/merging_layers/dot/  Dot(axes, normalize=False, **kwargs)
  Dot: { positional: ['axes', 'normalize'], required: ['axes'], defaults: { normalize: false } },
  // https://keras.io/api/layers/attention_layers/multi_head_attention/
  // MultiHeadAttention(num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
  //                    output_shape=None, attention_axes=None, kernel_initializer="glorot_uniform", ...)
  MultiHeadAttention: {
    positional: [
      'num_heads',
      'key_dim',
      'value_dim',
      'dropout',
      'use_bias',
      'output_shape',
      'attention_axes',
    ],
    required: ['num_heads', 'key_dim'],
    defaults: {
      value_dim: null,
      dropout: 0.0,
      use_bias: true,
      output_shape: null,
      attention_axes: null,
    },
  },
  // https://keras.io/api/layers/activation_layers/leaky_relu/  LeakyReLU(negative_slope=0.3, **kwargs)
  LeakyReLU: { positional: ['negative_slope'], required: [], defaults: { negative_slope: 0.3 } },
  // https://keras.io/api/layers/activation_layers/prelu/
  // PReLU(alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
  //       shared_axes=None, **kwargs)  (Netwright sets only shared_axes)
  PReLU: {
    positional: ['alpha_initializer', 'alpha_regularizer', 'alpha_constraint', 'shared_axes'],
    required: [],
    defaults: { shared_axes: null },
  },
  // https://keras.io/api/layers/activation_layers/elu/  ELU(alpha=1.0, **kwargs)
  ELU: { positional: ['alpha'], required: [], defaults: { alpha: 1.0 } },
  // https://keras.io/api/layers/activation_layers/relu/
  // ReLU(max_value=None, negative_slope=0.0, threshold=0.0, **kwargs)
  ReLU: {
    positional: ['max_value', 'negative_slope', 'threshold'],
    required: [],
    defaults: { max_value: null, negative_slope: 0.0, threshold: 0.0 },
  },
  // https://keras.io/api/layers/activation_layers/softmax/  Softmax(axis=-1, **kwargs)
  Softmax: { positional: ['axis'], required: [], defaults: { axis: -1 } },
  // ── end mixing ──
};

/** Keras takes an int for a 2-D size and means (n, n) (documented for each of these params). */
const PAIRS = new Set(['kernel_size', 'strides', 'pool_size', 'dilation_rate']);

interface Call {
  className: string;
  args: KerasValue[];
  kwargs: Record<string, KerasValue>;
}

/**
 * What a config means in Keras, so that equal meanings compare equal: an int size is a pair,
 * `activation=None` is `"linear"`, pooling `strides=None` is `pool_size` (keras.io, pooling
 * layers: "If None, it will default to pool_size"), and a `-1` in Reshape's `target_shape` is the
 * size `inferred` (keras.io: "One element of the target_shape can be -1").
 */
function meaning(
  config: Record<string, KerasValue>,
  inferred: readonly number[] | undefined,
  type: string,
): Record<string, KerasValue> {
  const out: Record<string, KerasValue> = KERAS[type]!.canonical?.({ ...config }) ?? { ...config };
  for (const [key, v] of Object.entries(out)) {
    if (PAIRS.has(key) && typeof v === 'number') out[key] = [v, v];
  }
  if ('activation' in out && out.activation === null) out.activation = 'linear';
  // keras.io (Input): dtype None means keras.config.floatx(), float32 by default.
  if ('dtype' in out && out.dtype === null) out.dtype = 'float32';
  if ('pool_size' in out && out.strides === null) out.strides = out.pool_size!;
  if ('target_shape' in out && inferred) {
    const shape = out.target_shape as number[];
    expect(shape.length).toBe(inferred.length);
    shape.forEach((d, i) => d !== -1 && expect(d).toBe(inferred[i]));
    out.target_shape = [...inferred];
  }
  return out;
}

/**
 * A wrapper's call (`Bidirectional(LSTM(3, return_sequences=True), merge_mode="sum")`) as the
 * block's flat config: `layer` is the wrapped class name, with its `units` and
 * `return_sequences`; every other argument of the wrapped call must be absent (the wrapped layer
 * keeps Keras's defaults). Other calls are returned unchanged.
 */
function unwrap(call: Call): Call {
  const inner = call.args[0] as unknown;
  if (call.className !== 'Bidirectional' || typeof inner !== 'object' || inner === null)
    return call;
  const { className, args, kwargs } = inner as Call;
  const { units, return_sequences: sequences, ...rest } = kwargs;
  expect(rest, 'the wrapped layer keeps its Keras defaults').toEqual({});
  return {
    className: call.className,
    args: [className, ...call.args.slice(1)],
    kwargs: {
      units: units ?? args[0]!,
      ...(sequences === undefined ? {} : { return_sequences: sequences }),
      ...call.kwargs,
    },
  };
}

/** The full config a generated Keras call means: positional args named, documented defaults. */
function callConfig(call: Call): Record<string, KerasValue> {
  const sig = KERAS[call.className]!;
  const config: Record<string, KerasValue> = { ...sig.defaults };
  call.args.forEach((value, i) => (config[sig.positional[i]!] = value));
  Object.assign(config, call.kwargs);
  for (const key of sig.required)
    expect(config, `${call.className} needs ${key}`).toHaveProperty(key);
  return config;
}

/** What the block asked for: its params as written in the project, over Keras's defaults. */
function nodeConfig(node: GraphNode): Record<string, KerasValue> {
  const sig = KERAS[node.type]!;
  for (const key of sig.required) {
    // Netwright has its own defaults for these; the test projects spell them out instead.
    expect(node.params, `${node.id}: test projects give ${key}`).toHaveProperty(key);
  }
  return { ...sig.defaults, ...(node.params as Record<string, KerasValue>) };
}

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function lower(project: Project): ModelIR {
  const result = lowerGraph(assertKnownParams(project.graph));
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.ir;
}

const projects: Project[] = [...TEMPLATES.map((t) => loadTemplate(t.id)), ...CATALOGUE_PROJECTS];
const files = projects.map((_, i) => join(dir, `keras_${i}.py`));
const variants = ['distributed', 'tensorboard', 'model only'] as const;
let calls: Record<string, Call[]> = {};

beforeAll(async () => {
  await tf.setBackend('cpu');
  projects.forEach((p, i) => {
    writeFileSync(
      files[i]!,
      generateKeras({ name: p.name, ir: lower(p), training: p.training }).code,
    );
  });
  const mnist = loadTemplate('mnist-cnn');
  variants.forEach((v) => {
    const code = generateKeras(
      { name: mnist.name, ir: lower(mnist), training: mnist.training },
      v === 'model only'
        ? { includeTraining: false }
        : { distributed: v === 'distributed', tensorboard: v === 'tensorboard' },
    ).code;
    writeFileSync(join(dir, `variant_${variants.indexOf(v)}.py`), code);
  });
  if (!PYTHON_MISSING) {
    const { stdout } = await python([HARNESS, 'keras-calls', ...files]);
    calls = JSON.parse(stdout) as Record<string, Call[]>;
  }
}, 120_000);
afterAll(() => tf.disposeVariables());

withPython.describe('generated Keras', () => {
  it('every file compiles with py_compile', async () => {
    const all = [...files, ...variants.map((_, i) => join(dir, `variant_${i}.py`))];
    await python(['-m', 'py_compile', ...all], {
      env: { PYTHONPYCACHEPREFIX: join(dir, 'pycache') },
    });
  });

  it.each(projects.map((p, i) => [p.name, i] as const))(
    "%s: each layer call means the block's params (Keras docs) and equals the TF.js config",
    (_name, i) => {
      const project = projects[i]!;
      const ir = lower(project);
      const nodes = new Map(project.graph.nodes.map((n) => [n.id, n]));
      const fileCalls = calls[files[i]!]!;
      // One call per block on the path, of the block's Keras class (the node type is its name).
      expect(fileCalls.map((c) => c.className)).toEqual(ir.ops.map((op) => nodes.get(op.id)!.type));
      const model = buildModel(tf, ir);
      ir.ops.forEach((op, j) => {
        const node = nodes.get(op.id)!;
        const layer = op.type === 'Input' ? undefined : model.getLayer(op.name);
        // TF.js computes a Reshape's output shape itself: it resolves the -1.
        const inferred =
          op.type === 'Reshape' ? (layer!.outputShape as number[]).slice(1) : undefined;
        const written = meaning(callConfig(unwrap(fileCalls[j]!)), inferred, node.type);
        const wanted = meaning(nodeConfig(node), inferred, node.type);
        if (op.type === 'Concatenate' && typeof wanted.axis === 'number' && wanted.axis < 0) {
          // The generated code writes the equivalent positive axis (Keras counts a negative
          // axis from the end of the input's rank, batch axis included).
          wanted.axis += op.inputShapes[0]!.length + 1;
        }
        expect({ id: op.id, ...written }).toEqual({ id: op.id, ...wanted, name: op.name });
        if (!layer) return;
        // TF.js's own config of the layer built from the IR (keys in camelCase there).
        const tfConfig = layer.getConfig();
        if (op.type === 'Bidirectional') {
          // TF.js nests the wrapped layer ({layer: {className, config}, mergeMode}); its GRU is
          // Netwright's reset_after GRU class (tfjs-layers' own GRU is reset_after=False).
          const inner = tfConfig.layer as { className: string; config: Record<string, unknown> };
          expect([
            op.id,
            inner.className,
            inner.config.units,
            inner.config.returnSequences,
          ]).toEqual([
            op.id,
            wanted.layer === 'GRU' ? 'NetwrightGRU' : wanted.layer,
            wanted.units,
            wanted.return_sequences,
          ]);
          expect([op.id, tfConfig.mergeMode]).toEqual([op.id, wanted.merge_mode]);
          return;
        }
        const leaky = wanted.activation === 'leaky_relu';
        for (const [key, value] of Object.entries(wanted)) {
          if (op.type === 'LeakyReLU' && key === 'negative_slope') {
            // tfjs-layers' LeakyReLU calls the slope alpha (Keras 2's name for it).
            expect([op.id, key, tfConfig.alpha]).toEqual([op.id, key, value]);
            continue;
          }
          if (key === 'name' || !(camel(key) in tfConfig)) continue;
          let want: unknown = value;
          if (op.type === 'MultiHeadAttention' && key === 'value_dim' && value === null) {
            // Keras's get_config reports value_dim = key_dim when it was None
            // (keras/src/layers/attention/multi_head_attention.py: `value_dim if value_dim else
            // key_dim`); so does the TF.js layer.
            want = wanted.key_dim;
          }
          if (key === 'activation' && leaky) {
            // TF.js has no leaky_relu activation string: a LeakyReLU layer (alpha 0.2, Keras's
            // documented negative_slope default for keras.activations.leaky_relu).
            if (op.type === 'Activation') {
              expect(layer.getClassName()).toBe('LeakyReLU');
              expect(tfConfig.alpha).toBeCloseTo(0.2);
              continue;
            }
            want = 'linear';
            expect(model.getLayer(leakyReluLayerName(op.name)).getConfig().alpha).toBeCloseTo(0.2);
          }
          if (key === 'data_format') {
            // keras.io: data_format None means keras.config.image_data_format(), by default
            // "channels_last"; TF.js spells the value in camelCase.
            want = camel((value as string | null) ?? 'channels_last');
          }
          if (op.type === 'LayerNormalization' && key === 'axis' && value === -1) {
            // TF.js reports LayerNormalization's axis resolved: the last axis, batch counted.
            want = [(layer.input as tf.SymbolicTensor).shape.length - 1];
          }
          // Dropout noise_shape/seed None: TF.js leaves them undefined.
          if (value === null && (key === 'noise_shape' || key === 'seed')) want = undefined;
          expect([op.id, key, tfConfig[camel(key)]]).toEqual([op.id, key, want]);
        }
      });
      model.dispose();
    },
  );
});
