/**
 * Hand-written Keras / TF.js model JSON pieces shared by the import tests (issue 11, item 6), each
 * from its writer's format with the source cited beside it (no TensorFlow on this machine).
 *
 * The model throughout: an input of 2 features → Dense(2, linear) named `dense` → BatchNormalization
 * named `bn` (Keras arrays gamma, beta, moving_mean, moving_variance). Dense kernel
 * [[1, 2], [3, 4]] (shape [in, units], Keras layout), bias [0.5, -1]; BN gamma [2, 1], beta
 * [0, 1], moving_mean [1, 0], moving_variance [4 - ε, 1 - ε] with Keras's ε = 0.001, so that
 * √(var + ε) is exactly [2, 1]. For x = [1, 1]: dense = [1·1 + 1·3 + 0.5, 1·2 + 1·4 − 1] =
 * [4.5, 5]; bn = gamma·(dense − mean)/√(var + ε) + beta = [2·3.5/2, 1·5/1 + 1] = [3.5, 6].
 */
import * as tf from '@tensorflow/tfjs';
import { setModelWeights } from '../../shared/export/weights.ts';
import { importKerasJson, type WeightFiles } from '../../shared/import/keras.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';

export const EPS = 0.001;
export const ARRAYS: Record<string, { shape: number[]; data: number[] }> = {
  'dense/kernel': { shape: [2, 2], data: [1, 2, 3, 4] },
  'dense/bias': { shape: [2], data: [0.5, -1] },
  'bn/gamma': { shape: [2], data: [2, 1] },
  'bn/beta': { shape: [2], data: [0, 1] },
  'bn/moving_mean': { shape: [2], data: [1, 0] },
  'bn/moving_variance': { shape: [2], data: [4 - EPS, 1 - EPS] },
};
/** The hand-computed output for x = [1, 1] (see the file comment). */
export const WANT = [3.5, 6];

// ─── topologies ───

/** tf.keras 2 `Dense.get_config()` / TF.js `Dense.getConfig()` (snake_case in JSON). */
export const dense2 = (extra: Record<string, unknown> = {}) => ({
  class_name: 'Dense',
  config: {
    name: 'dense',
    trainable: true,
    dtype: 'float32',
    units: 2,
    activation: 'linear',
    use_bias: true,
    kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
    bias_initializer: { class_name: 'Zeros', config: {} },
    kernel_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
    ...extra,
  },
});
export const bn2 = {
  class_name: 'BatchNormalization',
  config: {
    name: 'bn',
    trainable: true,
    dtype: 'float32',
    axis: -1,
    momentum: 0.99,
    epsilon: EPS,
    center: true,
    scale: true,
  },
};

/**
 * Keras 3 `serialize_keras_object` form (keras/src/saving/serialization_lib.py): every object is
 * `{module, class_name, config, registered_name}`, layers add `build_config`, dtypes are
 * `DTypePolicy` objects; `Dense.get_config()` per keras/src/layers/core/dense.py.
 */
export const policy = {
  module: 'keras',
  class_name: 'DTypePolicy',
  config: { name: 'float32' },
  registered_name: null,
};
export const dense3 = (extra: Record<string, unknown> = {}) => ({
  module: 'keras.layers',
  class_name: 'Dense',
  config: {
    name: 'dense',
    trainable: true,
    dtype: policy,
    units: 2,
    activation: 'linear',
    use_bias: true,
    kernel_initializer: {
      module: 'keras.initializers',
      class_name: 'GlorotUniform',
      config: { seed: null },
      registered_name: null,
    },
    bias_initializer: {
      module: 'keras.initializers',
      class_name: 'Zeros',
      config: {},
      registered_name: null,
    },
    kernel_regularizer: null,
    bias_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  },
  registered_name: null,
  ...extra,
});
export const bn3 = {
  module: 'keras.layers',
  class_name: 'BatchNormalization',
  config: {
    name: 'bn',
    trainable: true,
    dtype: policy,
    axis: -1,
    momentum: 0.99,
    epsilon: EPS,
    center: true,
    scale: true,
    synchronized: false,
  },
  registered_name: null,
  build_config: { input_shape: [null, 2] },
};
/** Keras 3 `InputLayer.get_config()` (keras/src/layers/core/input_layer.py): `batch_shape`. */
export const input3 = {
  module: 'keras.layers',
  class_name: 'InputLayer',
  config: { batch_shape: [null, 2], dtype: 'float32', sparse: false, name: 'input_layer' },
  registered_name: null,
};
/** A Keras 3 symbolic tensor in `inbound_nodes` (serialization_lib: `__keras_tensor__`). */
export const kerasTensor = (layer: string) => ({
  class_name: '__keras_tensor__',
  config: { shape: [null, 2], dtype: 'float32', keras_history: [layer, 0, 0] },
});

export const sequential = (layers: unknown[], extra: Record<string, unknown> = {}) => ({
  class_name: 'Sequential',
  config: { name: 'sequential', layers, ...extra },
});

/** model.json of the TF.js Layers format (tfjs-converter keras_h5_conversion / tfjs-layers
 * `LayersModel.save`): `modelTopology` holds `model_config`; weights in one float32 shard. */
export function modelJson(topology: unknown, names: [string, string][]) {
  const shard = 'group1-shard1of1.bin';
  const data = names.flatMap(([, key]) => ARRAYS[key]!.data);
  const bytes = new Uint8Array(new Float32Array(data).buffer);
  const json = {
    format: 'layers-model',
    generatedBy: 'keras v2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: topology },
    weightsManifest: [
      {
        paths: [shard],
        weights: names.map(([name, key]) => ({
          name,
          shape: ARRAYS[key]!.shape,
          dtype: 'float32',
        })),
      },
    ],
  };
  return { json: JSON.stringify(json), files: { [shard]: bytes } as WeightFiles };
}

/** The imported model's output for x = [1, 1] on the cpu backend. */
export async function predict(result: Extract<ReturnType<typeof importKerasJson>, { ok: true }>) {
  const model = buildModel(tf, result.ir);
  setModelWeights(tf, model, result.ir, result.weights!);
  const y = tf.tidy(() => model.predict(tf.tensor2d([[1, 1]])) as tf.Tensor);
  const got = Array.from(await y.data());
  y.dispose();
  model.dispose();
  return got;
}

/** One array of a weights manifest as a writer stores it. */
export interface StoredArray {
  name: string;
  shape: number[];
  data: number[];
  /** float32 unless said; `int32` for Keras 3's iteration count (int64 in the h5). */
  dtype?: 'float32' | 'int32';
}

/**
 * A TF.js Layers `model.json` and its weight files as tensorflowjs `write_weights` lays them out
 * (tfjs-converter python/tensorflowjs/write_weights.py): each group's arrays little-endian, one
 * after another, cut into shards of at most `shardBytes` (cuts may fall inside an array, even
 * inside a float), named `group<g>-shard<s>of<n>.bin`. `groups`: one list per weight group
 * (`--split_weights_by_layer` writes one group per layer). `fields`: the other top-level fields
 * (`format`, `generatedBy`, `convertedBy`); `shardName`: another file naming (tfjs-layers'
 * browser download writes one `./model.weights.bin`).
 */
export function layersModelJson(
  modelTopology: unknown,
  groups: StoredArray[][],
  {
    shardBytes = 4 * 1024 * 1024,
    fields = {} as Record<string, unknown>,
    shardName = (g: number, s: number, n: number) => `group${g + 1}-shard${s + 1}of${n}.bin`,
  } = {},
): { json: string; files: WeightFiles } {
  const files: WeightFiles = {};
  const weightsManifest = groups.map((arrays, g) => {
    const parts = arrays.map((a) =>
      a.dtype === 'int32'
        ? new Uint8Array(new Int32Array(a.data).buffer)
        : new Uint8Array(new Float32Array(a.data).buffer),
    );
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      bytes.set(p, o);
      o += p.length;
    }
    const count = Math.max(1, Math.ceil(bytes.length / shardBytes));
    const paths = Array.from({ length: count }, (_, s) => {
      const path = shardName(g, s, count);
      files[path] = bytes.slice(s * shardBytes, (s + 1) * shardBytes);
      return path;
    });
    return {
      paths,
      weights: arrays.map((a) => ({ name: a.name, shape: a.shape, dtype: a.dtype ?? 'float32' })),
    };
  });
  const json = { format: 'layers-model', ...fields, modelTopology, weightsManifest };
  return { json: JSON.stringify(json), files };
}

/** The Dense + BatchNormalization arrays (ARRAYS) under the names `name` gives each key. */
export const denseBnArrays = (name: (key: string) => string): StoredArray[] =>
  Object.entries(ARRAYS).map(([key, a]) => ({ name: name(key), shape: a.shape, data: a.data }));
