/**
 * Issue 11, item 6: model.json files as each writer lays them out, and the weight names of
 * layers with inner objects (recurrent cells, Bidirectional's two directions, MultiHeadAttention's
 * dense layers). Fixtures are written by hand from the writers' sources, cited beside each; the
 * expected arrays are the stored ones (each filled with its own values), the expected outputs the
 * hand arithmetic of keras-json-fixtures.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importKerasJson } from '../../shared/import/keras.ts';
import {
  ARRAYS,
  WANT,
  bn2,
  bn3,
  dense2,
  dense3,
  denseBnArrays,
  input3,
  kerasTensor,
  layersModelJson,
  policy,
  predict,
  sequential,
  type StoredArray,
} from './keras-json-fixtures.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tf.disposeVariables());

const ok = (result: ReturnType<typeof importKerasJson>) => {
  if (!result.ok) throw new Error(result.error);
  return result;
};
const refused = (result: ReturnType<typeof importKerasJson>) => {
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.error;
};

// ─── model.json as each writer lays it out ───

describe('model.json writers', () => {
  // tfjs-layers `LayersModel.save('downloads://model')` (tfjs-layers models.ts `save` +
  // tfjs-core io/browser_files.ts): `modelTopology` is `model.toJSON(null, false)` itself (no
  // `model_config` wrapper), `keras_version` "tfjs-layers <v>", `backend` "tensor_flow.js";
  // one weight file `./model.weights.bin`; layers named `<snake class>_<Class><uid>` when the
  // user gave no name (tfjs-layers topology.ts `Layer` constructor, getUid), their arrays
  // `<layer>/<array>`.
  it('tfjs-layers LayersModel.save: bare modelTopology, TF.js default names, ./model.weights.bin', async () => {
    const dense = 'dense_Dense1';
    const bn = 'batch_normalization_BatchNormalization1';
    const topology = {
      class_name: 'Sequential',
      config: {
        name: 'sequential_1',
        layers: [
          dense2({
            name: dense,
            batch_input_shape: [null, 2],
            kernel_initializer: {
              class_name: 'VarianceScaling',
              config: { scale: 1, mode: 'fan_avg', distribution: 'normal', seed: null },
            },
          }),
          { ...bn2, config: { ...bn2.config, name: bn } },
        ],
      },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    };
    const { json, files } = layersModelJson(
      topology,
      [denseBnArrays((k) => k.replace(/^dense\//, `${dense}/`).replace(/^bn\//, `${bn}/`))],
      {
        fields: { generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', convertedBy: null },
        shardName: () => './model.weights.bin',
      },
    );
    expect(Object.keys(files)).toEqual(['./model.weights.bin']);
    const result = ok(importKerasJson(json, files));
    expect(result.ir.ops.map((op) => op.type)).toEqual(['Input', 'Dense', 'BatchNormalization']);
    (await predict(result)).forEach((v, i) => expect(v).toBeCloseTo(WANT[i]!, 5));
  });

  // tensorflowjs_converter --split_weights_by_layer (keras_h5_conversion.py: one weight group per
  // layer), each group its own files.
  it('tensorflowjs_converter --split_weights_by_layer: one group per layer', async () => {
    const arrays = denseBnArrays((k) => k);
    const { json, files } = layersModelJson(
      {
        keras_version: '2.15.0',
        backend: 'tensorflow',
        model_config: sequential([dense2({ batch_input_shape: [null, 2] }), bn2]),
      },
      [arrays.slice(0, 2), arrays.slice(2)],
    );
    expect(Object.keys(files)).toEqual(['group1-shard1of1.bin', 'group2-shard1of1.bin']);
    (await predict(ok(importKerasJson(json, files)))).forEach((v, i) =>
      expect(v).toBeCloseTo(WANT[i]!, 5),
    );
  });

  // --weight_shard_size_bytes: write_weights cuts a group's bytes at every shard boundary, here
  // 10 bytes, so the cuts fall inside floats (14 floats, 56 bytes → 6 shards).
  it('tensorflowjs_converter --weight_shard_size_bytes: shards cut inside a float', async () => {
    const { json, files } = layersModelJson(
      { model_config: sequential([dense2({ batch_input_shape: [null, 2] }), bn2]) },
      [denseBnArrays((k) => k)],
      { shardBytes: 10 },
    );
    expect(Object.keys(files)).toHaveLength(6);
    (await predict(ok(importKerasJson(json, files)))).forEach((v, i) =>
      expect(v).toBeCloseTo(WANT[i]!, 5),
    );
    const { ['group1-shard3of6.bin']: _, ...without } = files;
    expect(refused(importKerasJson(json, without))).toContain(
      'weight file group1-shard3of6.bin not found',
    );
  });

  // The converter's Keras 3 path (keras_h5_conversion.py `h5_v3_merged_saved_model_to_tfjs_format`):
  // `modelTopology` = {keras_version (from metadata.json), model_config (config.json with every
  // `module`, `registered_name`, `date_saved` key removed, `_discard_v3_keys`)}, no `backend`;
  // weights named by their dataset paths in model.weights.h5, walked in h5py's (sorted) key
  // order — `layers/<layer>/vars/<i>` and, once the model was fitted, the optimizer's
  // `optimizer/vars/<i>` (vars/0 the int64 iteration count: int32 in the manifest).
  it('tensorflowjs_converter from a Keras 3 .keras file: vars paths, optimizer state left out', async () => {
    const strip = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(strip)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .filter(([k]) => !['module', 'registered_name', 'date_saved'].includes(k))
                .map(([k, x]) => [k, strip(x)]),
            )
          : v;
    const config = strip({
      module: 'keras',
      class_name: 'Sequential',
      config: { name: 'sequential', dtype: policy, layers: [input3, dense3(), bn3] },
      registered_name: null,
      build_config: { input_shape: [null, 2] },
    });
    expect(JSON.stringify(config)).not.toContain('registered_name');
    const vars = (layer: string, keys: string[]): StoredArray[] =>
      keys.map((k, i) => ({ name: `layers/${layer}/vars/${i}`, ...ARRAYS[`${layer}/${k}`]! }));
    const arrays: StoredArray[] = [
      ...vars('bn', ['gamma', 'beta', 'moving_mean', 'moving_variance']),
      ...vars('dense', ['kernel', 'bias']),
      { name: 'optimizer/vars/0', shape: [], data: [250], dtype: 'int32' },
      { name: 'optimizer/vars/1', shape: [], data: [0.001] },
      { name: 'optimizer/vars/2', shape: [2, 2], data: [9, 9, 9, 9] },
      { name: 'optimizer/vars/3', shape: [2, 2], data: [9, 9, 9, 9] },
    ];
    const { json, files } = layersModelJson({ keras_version: '3.3.3', model_config: config }, [
      arrays,
    ]);
    const result = ok(importKerasJson(json, files));
    (await predict(result)).forEach((v, i) => expect(v).toBeCloseTo(WANT[i]!, 5));
    // Only the top-level `optimizer` is the optimizer: the same path inside `layers` is a stray.
    const stray = layersModelJson({ keras_version: '3.3.3', model_config: config }, [
      [...arrays, { name: 'layers/optimizer/vars/0', shape: [2], data: [1, 2] }],
    ]);
    const error = refused(importKerasJson(stray.json, stray.files));
    expect(error).toContain('weight "layers/optimizer/vars/0" [2] belongs to no layer');
    expect(error).toContain('names found: layers/bn/vars/0 [2],');
  });

  // tensorflowjs_converter --output_format=tfjs_graph_model (common.py TFJS_GRAPH_MODEL_FORMAT):
  // `format` "graph-model", `modelTopology` a GraphDef.
  it('a TF.js graph model is refused by what it is, with the way out', () => {
    const doc = {
      format: 'graph-model',
      generatedBy: '2.15.0',
      convertedBy: 'TensorFlow.js Converter v4.22.0',
      modelTopology: {
        node: [{ name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' } } }],
        library: {},
        versions: { producer: 1645 },
      },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }],
    };
    const error = refused(importKerasJson(JSON.stringify(doc)));
    expect(error).toContain('TF.js graph model');
    expect(error).toContain('layers-model');
    // Also without the `format` field (converters before tfjs 1.2 wrote none).
    const { format: _, ...bare } = doc;
    expect(refused(importKerasJson(JSON.stringify(bare)))).toContain('TF.js graph model');
  });
});

// ─── weight names of inner objects ───

/**
 * A Sequential of (steps 3, features 2) → LSTM(2, return_sequences) named `lstm` →
 * Bidirectional(GRU(1)) named `bidirectional`. tf.keras 2 and Keras 3 `Bidirectional.get_config`
 * serialise the forward layer (named `forward_gru`) as `layer` and the backward one as
 * `backward_layer` (keras/src/layers/rnn/bidirectional.py).
 */
const rnn = (cls: string, name: string, units: number, extra: Record<string, unknown> = {}) => ({
  class_name: cls,
  config: {
    name,
    trainable: true,
    dtype: 'float32',
    return_sequences: false,
    return_state: false,
    go_backwards: false,
    stateful: false,
    unroll: false,
    units,
    activation: 'tanh',
    recurrent_activation: 'sigmoid',
    use_bias: true,
    dropout: 0,
    recurrent_dropout: 0,
    ...extra,
  },
});
const RNN_MODEL = sequential([
  {
    class_name: 'InputLayer',
    config: { batch_input_shape: [null, 3, 2], dtype: 'float32', name: 'steps' },
  },
  rnn('LSTM', 'lstm', 2, { return_sequences: true, unit_forget_bias: true }),
  {
    class_name: 'Bidirectional',
    config: {
      name: 'bidirectional',
      trainable: true,
      merge_mode: 'concat',
      layer: rnn('GRU', 'forward_gru', 1, { reset_after: true }),
      backward_layer: rnn('GRU', 'backward_gru', 1, { reset_after: true, go_backwards: true }),
    },
  },
]);

/** Keras's arrays of one direction, in creation order (LSTMCell/GRUCell `build`). */
const CELL = ['kernel', 'recurrent_kernel', 'bias'] as const;
/** Every array of RNN_MODEL: layer, direction, array, shape (LSTM 4 gates, GRU 3 with 2 biases). */
const RNN_ARRAYS: {
  layer: string;
  dir: '' | 'forward' | 'backward';
  array: string;
  shape: number[];
}[] = [
  ...CELL.map((array, i) => ({
    layer: 'lstm',
    dir: '' as const,
    array,
    shape: [[2, 8], [2, 8], [8]][i]!,
  })),
  ...(['forward', 'backward'] as const).flatMap((dir) =>
    CELL.map((array, i) => ({
      layer: 'bidirectional',
      dir,
      array,
      shape: [
        [2, 3],
        [1, 3],
        [2, 3],
      ][i]!,
    })),
  ),
];
/** Array k holds 100k, 100k + 1, …: every array its own values. */
const fill = (k: number, shape: number[]) =>
  Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => 100 * k + i);

type Namer = (a: (typeof RNN_ARRAYS)[number], index: number) => string;
const RNN_SCHEMES: [string, Namer][] = [
  // tf.keras 2 h5 `weight_names` (TF variable names): the cell is a layer named `lstm_cell` in the
  // RNN's scope; built a second and third time in one graph its scope is numbered
  // (`bidirectional/forward_lstm/lstm_cell_1/bias:0` in files people saved). The converter drops
  // `:0` (keras_h5_conversion.py normalize_weight_name).
  [
    'tf.keras 2 h5 via the converter: lstm/lstm_cell/kernel, bidirectional/forward_gru/gru_cell_1/kernel',
    (a) =>
      a.dir === ''
        ? `lstm/lstm_cell/${a.array}`
        : `bidirectional/${a.dir}_gru/gru_cell_${a.dir === 'forward' ? 1 : 2}/${a.array}`,
  ],
  [
    'tf.keras 2 variable names: lstm/lstm_cell/kernel:0',
    (a) =>
      a.dir === ''
        ? `lstm/lstm_cell/${a.array}:0`
        : `bidirectional/${a.dir}_gru/gru_cell/${a.array}:0`,
  ],
  // Keras 3 variable paths (a legacy .h5 saved by Keras 3): the Bidirectional's inner layers build
  // in their own scopes, so `forward_gru/gru_cell/kernel` carries no `bidirectional/`.
  [
    'Keras 3 variable paths: forward_gru/gru_cell/kernel (no Bidirectional scope)',
    (a) => (a.dir === '' ? `lstm/lstm_cell/${a.array}` : `${a.dir}_gru/gru_cell/${a.array}`),
  ],
  // tfjs-layers' Bidirectional names its copies `forward_` / `backward_` + the serialised layer's
  // name (`forward_gru` → `forward_forward_gru`, `backward_forward_gru`); cells add no scope.
  [
    'TF.js: lstm/kernel, bidirectional/forward_forward_gru/kernel',
    (a) => (a.dir === '' ? `lstm/${a.array}` : `bidirectional/${a.dir}_forward_gru/${a.array}`),
  ],
  // Keras 3 .weights.h5 paths (saving_lib `_save_state`): the RNN's `cell`, the Bidirectional's
  // `forward_layer` / `backward_layer` attributes, `vars/<i>` in creation order.
  [
    'Keras 3 .weights.h5 paths: layers/lstm/cell/vars/0, layers/bidirectional/forward_layer/cell/vars/0',
    (a) =>
      a.dir === ''
        ? `layers/lstm/cell/vars/${CELL.indexOf(a.array as (typeof CELL)[number])}`
        : `layers/bidirectional/${a.dir}_layer/cell/vars/${CELL.indexOf(a.array as (typeof CELL)[number])}`,
  ],
];

describe('weight names of recurrent cells and Bidirectional directions', () => {
  it.each(RNN_SCHEMES)('%s', (_, name) => {
    const stored = RNN_ARRAYS.map((a, k) => ({
      name: name(a, k),
      shape: a.shape,
      data: fill(k, a.shape),
    }));
    // Stored in reverse: matched by name, not place.
    const { json, files } = layersModelJson({ model_config: RNN_MODEL }, [[...stored].reverse()]);
    const result = ok(importKerasJson(json, files));
    expect(result.ir.ops.map((op) => op.type)).toEqual(['Input', 'LSTM', 'Bidirectional']);
    const view = (layer: string) =>
      result.weights!.get(layer)!.map((w) => [w.name, w.shape, Array.from(w.data)]);
    expect(view('lstm')).toEqual(
      CELL.map((array, k) => [array, RNN_ARRAYS[k]!.shape, fill(k, RNN_ARRAYS[k]!.shape)]),
    );
    expect(view('bidirectional')).toEqual(
      RNN_ARRAYS.slice(3).map((a, j) => [`${a.dir}_gru/${a.array}`, a.shape, fill(3 + j, a.shape)]),
    );
  });

  it('a cell array of the wrong shape and a missing direction: names found and expected', () => {
    const stored = RNN_ARRAYS.filter((a) => a.dir !== 'backward').map((a, k) => ({
      name: RNN_SCHEMES[0]![1](a, k),
      shape: a.array === 'bias' && a.layer === 'lstm' ? [4] : a.shape,
      data: fill(k, a.array === 'bias' && a.layer === 'lstm' ? [4] : a.shape),
    }));
    const { json, files } = layersModelJson({ model_config: RNN_MODEL }, [stored]);
    const error = refused(importKerasJson(json, files));
    expect(error).toContain('weight "lstm/lstm_cell/bias" is [4]; lstm/bias needs [8]');
    expect(error).toContain('no weight for bidirectional/backward_gru/kernel [2, 3]');
    expect(error).toContain('names found: lstm/lstm_cell/kernel [2, 8],');
    expect(error).toContain(
      'names expected: lstm/kernel [2, 8], lstm/recurrent_kernel [2, 8], lstm/bias [8], bidirectional/forward_gru/kernel [2, 3], bidirectional/forward_gru/recurrent_kernel [1, 3], bidirectional/forward_gru/bias [2, 3], bidirectional/backward_gru/kernel [2, 3]',
    );
  });
});

describe('weight names of MultiHeadAttention', () => {
  // Keras 3 functional self-attention `mha(x, x)` (the call records query and value as args).
  const model = {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: 'functional',
      layers: [
        {
          ...input3,
          config: { ...input3.config, batch_shape: [null, 3, 2] },
          name: 'input_layer',
          inbound_nodes: [],
        },
        {
          module: 'keras.layers',
          class_name: 'MultiHeadAttention',
          config: {
            name: 'mha',
            trainable: true,
            dtype: policy,
            num_heads: 1,
            key_dim: 1,
            value_dim: 1,
            dropout: 0,
            use_bias: true,
            output_shape: null,
            attention_axes: [1],
          },
          registered_name: null,
          name: 'mha',
          inbound_nodes: [
            { args: [kerasTensor('input_layer'), kerasTensor('input_layer')], kwargs: {} },
          ],
        },
      ],
      input_layers: ['input_layer', 0, 0],
      output_layers: ['mha', 0, 0],
    },
  };
  /** Keras's arrays (multi_head_attention.py `build`: query, key, value, output dense). */
  const MHA: [string, number[]][] = [
    ['query/kernel', [2, 1, 1]],
    ['query/bias', [1, 1]],
    ['key/kernel', [2, 1, 1]],
    ['key/bias', [1, 1]],
    ['value/kernel', [2, 1, 1]],
    ['value/bias', [1, 1]],
    ['attention_output/kernel', [1, 1, 2]],
    ['attention_output/bias', [2]],
  ];
  const keras3 = (array: string) => {
    const [dense, what] = array.split('/') as [string, string];
    const scope = dense === 'attention_output' ? 'output_dense' : `${dense}_dense`;
    return `layers/mha/${scope}/vars/${what === 'kernel' ? 0 : 1}`;
  };

  it.each<[string, (array: string) => string]>([
    // tf.keras 2 / TF.js: the dense layers are EinsumDense named query, key, value,
    // attention_output inside the layer's scope.
    ['tf.keras 2: mha/query/kernel:0', (a) => `mha/${a}:0`],
    // Keras 3 .weights.h5: MultiHeadAttention's `query_dense`, …, `output_dense` properties.
    ['Keras 3 .weights.h5: layers/mha/query_dense/vars/0', keras3],
  ])('%s', (_, name) => {
    const stored = MHA.map(([array, shape], k) => ({
      name: name(array),
      shape,
      data: fill(k, shape),
    }));
    const { json, files } = layersModelJson({ model_config: model }, [stored]);
    const result = ok(importKerasJson(json, files));
    expect(result.weights!.get('mha')!.map((w) => [w.name, Array.from(w.data)])).toEqual(
      MHA.map(([array, shape], k) => [array, fill(k, shape)]),
    );
  });
});
