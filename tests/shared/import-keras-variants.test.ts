/**
 * Issue 11, item 6: the Keras / TF.js JSON forms people actually have. Every fixture here is
 * written by hand from its writer's format (no TensorFlow on this machine), with the source cited
 * beside it; expected values are hand arithmetic, not the importer's output. The model (Dense →
 * BatchNormalization) and its hand-computed output: keras-json-fixtures.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importKerasJson } from '../../shared/import/keras.ts';
import {
  ARRAYS,
  EPS,
  WANT,
  bn2,
  bn3,
  dense2,
  dense3,
  input3,
  kerasTensor,
  modelJson,
  policy,
  predict,
  sequential,
} from './keras-json-fixtures.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tf.disposeVariables());

const TOPOLOGIES: [string, unknown][] = [
  // tf.keras 2 `Sequential.to_json()`: the first layer carries `batch_input_shape`
  // (tf.keras/engine/base_layer.py get_config writes it when the layer was given input_shape).
  [
    'tf.keras 2 Sequential, batch_input_shape on the first layer',
    {
      ...sequential([dense2({ batch_input_shape: [null, 2] }), bn2]),
      keras_version: '2.15.0',
      backend: 'tensorflow',
    },
  ],
  // tf.keras 2 Sequential built with `keras.Input`: an InputLayer with `batch_input_shape`.
  [
    'tf.keras 2 Sequential, InputLayer with batch_input_shape',
    sequential([
      {
        class_name: 'InputLayer',
        config: { batch_input_shape: [null, 2], dtype: 'float32', sparse: false, name: 'in' },
      },
      dense2(),
      bn2,
    ]),
  ],
  // The constructor keyword as people write it by hand (Dense(2, input_shape=(2,))).
  ['input_shape keyword on the first layer', sequential([dense2({ input_shape: [2] }), bn2])],
  // Keras 1 / early Keras 2: `config` is the layer list itself.
  [
    'Keras 2.0 Sequential whose config is the layer list',
    { class_name: 'Sequential', config: [dense2({ batch_input_shape: [null, 2] }), bn2] },
  ],
  // Keras 3 `.keras` zip, config.json: the serialised model (saving_lib.py writes
  // `serialize_keras_object(model)`), InputLayer with `batch_shape`.
  [
    'Keras 3 .keras config.json, Sequential with InputLayer batch_shape',
    {
      module: 'keras',
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        trainable: true,
        dtype: policy,
        layers: [input3, dense3({ build_config: { input_shape: [null, 2] } }), bn3],
        build_input_shape: [null, 2],
      },
      registered_name: null,
      build_config: { input_shape: [null, 2] },
      compile_config: null,
    },
  ],
  // Keras 3 Sequential built by `model.build((None, 2))` as some versions save it: no InputLayer,
  // the shape only in build configs (Layer.get_build_config: `{"input_shape": ...}`, batch first).
  [
    "Keras 3 Sequential without InputLayer: the first layer's build_config",
    sequential([dense3({ build_config: { input_shape: [null, 2] } }), bn3]),
  ],
  [
    'Sequential without InputLayer: config.build_input_shape (tf.keras 2 Sequential.get_config)',
    sequential([dense2(), bn2], { build_input_shape: [null, 2] }),
  ],
  [
    "Sequential without InputLayer: the model's Keras 3 build_config",
    { ...sequential([dense3(), bn3]), build_config: { input_shape: [null, 2] } },
  ],
  // tf.keras 2 functional `Model.to_json()`: `input_layers` / `output_layers` as
  // [name, node, tensor] triples, `inbound_nodes` as lists of [name, node, tensor, kwargs].
  [
    'tf.keras 2 functional Model (input_layers, inbound_nodes lists)',
    {
      class_name: 'Functional',
      config: {
        name: 'model',
        layers: [
          {
            class_name: 'InputLayer',
            name: 'input_1',
            config: { batch_input_shape: [null, 2], dtype: 'float32', name: 'input_1' },
            inbound_nodes: [],
          },
          { ...dense2(), name: 'dense', inbound_nodes: [[['input_1', 0, 0, {}]]] },
          { ...bn2, name: 'bn', inbound_nodes: [[['dense', 0, 0, {}]]] },
        ],
        input_layers: [['input_1', 0, 0]],
        output_layers: [['bn', 0, 0]],
      },
    },
  ],
  // Keras 3 functional: `{args, kwargs}` call records with keras tensors; a single input or
  // output is written as one flat [name, node, tensor] triple (functional.py get_config).
  [
    'Keras 3 Functional (args/kwargs inbound_nodes, flat input_layers)',
    {
      module: 'keras.src.models.functional',
      class_name: 'Functional',
      config: {
        name: 'functional',
        trainable: true,
        layers: [
          { ...input3, name: 'input_layer', inbound_nodes: [] },
          {
            ...dense3(),
            name: 'dense',
            inbound_nodes: [{ args: [kerasTensor('input_layer')], kwargs: {} }],
          },
          {
            ...bn3,
            name: 'bn',
            inbound_nodes: [{ args: [kerasTensor('dense')], kwargs: { training: false } }],
          },
        ],
        input_layers: ['input_layer', 0, 0],
        output_layers: ['bn', 0, 0],
      },
      registered_name: 'Functional',
    },
  ],
  // tf.keras 2.0–2.3 named the functional class `Model` (2.4 renamed it `Functional`).
  [
    'tf.keras 2.3 functional saved as class Model',
    {
      class_name: 'Model',
      config: {
        name: 'model',
        layers: [
          {
            class_name: 'InputLayer',
            name: 'input_1',
            config: { batch_input_shape: [null, 2], dtype: 'float32', name: 'input_1' },
            inbound_nodes: [],
          },
          { ...dense2(), name: 'dense', inbound_nodes: [[['input_1', 0, 0, {}]]] },
          { ...bn2, name: 'bn', inbound_nodes: [[['dense', 0, 0, {}]]] },
        ],
        input_layers: [['input_1', 0, 0]],
        output_layers: [['bn', 0, 0]],
      },
      keras_version: '2.3.0',
      backend: 'tensorflow',
    },
  ],
  // Keras 3.0 functional.py get_config: `map_tensors` wraps a single KerasTensor in a list, so
  // one input or output is `[[name, node, tensor]]` (later 3.x write the flat triple, above).
  [
    'Keras 3.0 Functional with input_layers [[name, 0, 0]]',
    {
      module: 'keras.src.models.functional',
      class_name: 'Functional',
      config: {
        name: 'functional_1',
        trainable: true,
        layers: [
          { ...input3, name: 'input_layer', inbound_nodes: [] },
          {
            ...dense3(),
            name: 'dense',
            inbound_nodes: [{ args: [kerasTensor('input_layer')], kwargs: {} }],
          },
          {
            ...bn3,
            name: 'bn',
            inbound_nodes: [
              { args: [kerasTensor('dense')], kwargs: { training: false, mask: null } },
            ],
          },
        ],
        input_layers: [['input_layer', 0, 0]],
        output_layers: [['bn', 0, 0]],
      },
      registered_name: 'Functional',
      build_config: { input_shape: null },
      compile_config: null,
    },
  ],
];

// ─── weight naming schemes ───

const KERAS_ORDER = Object.keys(ARRAYS);
const SCHEMES: [string, [string, string][]][] = [
  // tfjs-layers names each variable `<layer name>/<weight name>` (Layer.addWeight in name scope)
  // and the converter strips TF's `:0` (write_weights: names as in the h5 `weight_names`).
  ['TF.js converter: dense/kernel', KERAS_ORDER.map((k) => [k, k])],
  // tf.keras 2 h5 `weight_names` attribute: TF variable names with the `:0` output suffix.
  ['tf.keras 2 variable names: dense/kernel:0', KERAS_ORDER.map((k) => [`${k}:0`, k])],
  // A SavedModel's variables carry the model's name scope.
  ['model name scope: sequential/dense/kernel', KERAS_ORDER.map((k) => [`sequential/${k}`, k])],
  // Nested name scopes (tf.name_scope blocks) with the suffix.
  [
    'nested name scopes: model/block_1/dense/kernel:0',
    KERAS_ORDER.map((k) => [`model/block_1/${k}:0`, k]),
  ],
  // Keras 3 saving_lib `.weights.h5` paths: `layers/<layer>/vars/<i>`, i in variable-creation
  // order (Dense: kernel, bias; BatchNormalization: gamma, beta, moving_mean, moving_variance).
  [
    'Keras 3 .weights.h5 paths: layers/dense/vars/0',
    KERAS_ORDER.map((k) => {
      const [layer, array] = k.split('/') as [string, string];
      const order =
        layer === 'dense'
          ? ['kernel', 'bias']
          : ['gamma', 'beta', 'moving_mean', 'moving_variance'];
      return [`layers/${layer}/vars/${order.indexOf(array)}`, k];
    }),
  ],
  // Stored out of Keras order: matched by name, not position.
  [
    'any order: bias before kernel, BN statistics first',
    [...KERAS_ORDER].reverse().map((k) => [k, k]),
  ],
];

describe('Keras / TF.js JSON variants: where the input shape is', () => {
  it.each(TOPOLOGIES)('%s', async (_, topology) => {
    // The topology alone (to_json / config.json) …
    const bare = importKerasJson(JSON.stringify(topology));
    if (!bare.ok) throw new Error(bare.error);
    expect(bare.ir.ops.map((op) => op.type)).toEqual(['Input', 'Dense', 'BatchNormalization']);
    expect(bare.ir.ops[0]!.params.shape).toEqual([2]);
    expect(bare.ir.ops[1]!.params).toMatchObject({ units: 2, activation: 'linear' });
    expect(bare.ir.totals.total).toBe(2 * 2 + 2 + 4 * 2);
    expect(bare.weights).toBeNull();
    // … and inside a converter model.json with weights: hand-computed outputs.
    const { json, files } = modelJson(topology, SCHEMES[0]![1]);
    const result = importKerasJson(json, files);
    if (!result.ok) throw new Error(result.error);
    const got = await predict(result);
    got.forEach((v, i) => expect(v).toBeCloseTo(WANT[i]!, 5));
  });

  it('a Sequential with no input shape anywhere says so', () => {
    const result = importKerasJson(JSON.stringify(sequential([dense2(), bn2])));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('layer "dense" (Dense): no input shape');
  });
});

describe('Keras / TF.js JSON variants: weight names', () => {
  it.each(SCHEMES)('%s', async (_, names) => {
    const { json, files } = modelJson(TOPOLOGIES[0]![1], names);
    const result = importKerasJson(json, files);
    if (!result.ok) throw new Error(result.error);
    const bn = result.weights!.get('bn')!;
    expect(bn.map((w) => w.name)).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    expect(Array.from(bn[3]!.data)).toEqual(Array.from(new Float32Array([4 - EPS, 1 - EPS])));
    expect(result.weights!.get('dense')!.map((w) => [w.name, w.shape])).toEqual([
      ['kernel', [2, 2]],
      ['bias', [2]],
    ]);
    const got = await predict(result);
    got.forEach((v, i) => expect(v).toBeCloseTo(WANT[i]!, 5));
  });

  // tfjs-core WeightsManifestEntry `group: 'optimizer'` (LayersModel.save with includeOptimizer):
  // Adam's slots under the variables' names plus `iter`; not the model's weights.
  it('optimizer weights (manifest group "optimizer") are left out', async () => {
    const { json, files } = modelJson(TOPOLOGIES[0]![1], SCHEMES[0]![1]);
    const doc = JSON.parse(json) as {
      weightsManifest: { weights: Record<string, unknown>[] }[];
    };
    const slots = ['dense/kernel/m', 'dense/kernel/v'];
    doc.weightsManifest[0]!.weights.push(
      ...slots.map((name) => ({ name, shape: [2, 2], dtype: 'float32', group: 'optimizer' })),
    );
    const shard = Object.keys(files)[0]!;
    const bytes = new Uint8Array(files[shard]!.length + 2 * 4 * 4);
    bytes.set(files[shard]!);
    const result = importKerasJson(JSON.stringify(doc), { [shard]: bytes });
    if (!result.ok) throw new Error(result.error);
    const got = await predict(result);
    got.forEach((v, i) => expect(v).toBeCloseTo(WANT[i]!, 5));
    // Without the group mark the same arrays are strays, and named as such.
    for (const w of doc.weightsManifest[0]!.weights) delete w.group;
    const strays = importKerasJson(JSON.stringify(doc), { [shard]: bytes });
    expect(strays.ok).toBe(false);
    if (!strays.ok) expect(strays.error).toContain('weight "dense/kernel/m" [2, 2]');
  });

  const misfit = (names: [string, string][]) => {
    const { json, files } = modelJson(TOPOLOGIES[0]![1], names);
    const result = importKerasJson(json, files);
    expect(result.ok).toBe(false);
    return result.ok ? '' : result.error;
  };
  const EXPECTED =
    'names expected: dense/kernel [2, 2], dense/bias [2], bn/gamma [2], bn/beta [2], bn/moving_mean [2], bn/moving_variance [2]';

  it('a weight of no layer: the message lists the names found and the names expected', () => {
    const names = KERAS_ORDER.map((k): [string, string] => [
      k === 'dense/kernel' ? 'dense_7/kernel' : k,
      k,
    ]);
    const error = misfit(names);
    expect(error).toContain('its weights do not fit');
    expect(error).toContain('weight "dense_7/kernel" [2, 2] belongs to no layer of the model');
    expect(error).toContain('no weight for dense/kernel [2, 2]');
    expect(error).toContain(
      'names found: dense_7/kernel [2, 2], dense/bias [2], bn/gamma [2], bn/beta [2], bn/moving_mean [2], bn/moving_variance [2]',
    );
    expect(error).toContain(EXPECTED);
  });

  it('an array the layer does not have, a wrong shape, a missing array, a duplicate', () => {
    const names: [string, string][] = [
      ['dense/kernel', 'dense/kernel'],
      ['dense/kernel:0', 'dense/kernel'],
      ['dense/recurrent_kernel', 'dense/bias'],
      ['bn/gamma', 'bn/gamma'],
      ['bn/beta', 'dense/kernel'],
      ['bn/moving_mean', 'bn/moving_mean'],
      ['layers/bn/vars/9', 'bn/moving_variance'],
    ];
    const error = misfit(names);
    expect(error).toContain('weights "dense/kernel" and "dense/kernel:0" are both dense/kernel');
    expect(error).toContain(
      'weight "dense/recurrent_kernel" [2]: layer "dense" has no array recurrent_kernel',
    );
    expect(error).toContain('weight "bn/beta" is [2, 2]; bn/beta needs [2]');
    expect(error).toContain('weight "layers/bn/vars/9" [2] belongs to no layer of the model');
    expect(error).toContain('no weight for dense/bias [2]');
    expect(error).toContain('no weight for bn/moving_variance [2]');
    expect(error).toContain(EXPECTED);
  });
});

describe('Keras / TF.js JSON variants: nested models', () => {
  // Keras allows a Sequential as a layer of a Sequential (keras.io/guides/sequential_model:
  // "a Sequential model can be used as a layer"); its config nests `config.layers`.
  const nested = {
    module: 'keras',
    class_name: 'Sequential',
    config: {
      name: 'outer',
      layers: [
        {
          module: 'keras',
          class_name: 'Sequential',
          config: { name: 'inner', layers: [input3, dense3()] },
          registered_name: null,
        },
        bn3,
      ],
    },
  };

  it.each<[string, [string, string][]]>([
    [
      'scoped names: inner/dense/kernel',
      KERAS_ORDER.map((k) => [k.startsWith('dense') ? `inner/${k}` : k, k]),
    ],
    [
      'Keras 3 paths: layers/inner/layers/dense/vars/0',
      KERAS_ORDER.map((k) => {
        const [layer, array] = k.split('/') as [string, string];
        return layer === 'dense'
          ? [`layers/inner/layers/dense/vars/${array === 'kernel' ? 0 : 1}`, k]
          : [
              `layers/bn/vars/${['gamma', 'beta', 'moving_mean', 'moving_variance'].indexOf(array)}`,
              k,
            ];
      }),
    ],
  ])('a Sequential inside a Sequential imports flat, weights by %s', async (_, names) => {
    const { json, files } = modelJson(nested, names);
    const result = importKerasJson(json, files);
    if (!result.ok) throw new Error(result.error);
    expect(result.ir.ops.map((op) => op.type)).toEqual(['Input', 'Dense', 'BatchNormalization']);
    const got = await predict(result);
    got.forEach((v, i) => expect(v).toBeCloseTo(WANT[i]!, 5));
  });

  it('a nested model inside a functional model is refused by name', () => {
    const result = importKerasJson(
      JSON.stringify({
        class_name: 'Functional',
        config: {
          name: 'model',
          layers: [
            { ...input3, name: 'input_layer', inbound_nodes: [] },
            {
              class_name: 'Sequential',
              name: 'backbone',
              config: { name: 'backbone', layers: [dense3()] },
              inbound_nodes: [{ args: [kerasTensor('input_layer')], kwargs: {} }],
            },
          ],
          input_layers: ['input_layer', 0, 0],
          output_layers: ['backbone', 0, 0],
        },
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('layer "backbone" (Sequential): a nested model');
  });
});
