/**
 * Keras source import (issue 15) on hand-written, real-world-shaped snippets. Parameter counts
 * are worked out by hand in the comments (Keras formulas: Dense in·out + out; Conv2D
 * kh·kw·in·out + out; LSTM 4·(units·(in + units) + units); BatchNormalization 4·C, half of it
 * non-trainable).
 */
import { describe, expect, it } from 'vitest';
import { importPythonSource, type SourceImportResult } from '../../shared/import/python/index.ts';

type Ok = Extract<SourceImportResult, { ok: true }>;

function ok(source: string, options = {}): Ok {
  const r = importPythonSource(source, options);
  if (!r.ok)
    throw new Error(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  return r;
}

/** The graph as `name: Type <- inputs` lines, in order. */
const wiring = (r: Ok) => {
  const nameOf = new Map(r.ir.ops.map((op) => [op.id, op.name]));
  return r.ir.ops.map(
    (op) =>
      `${op.name}: ${op.type}${op.inputs.length ? ` <- ${op.inputs.map((i) => nameOf.get(i)).join(', ')}` : ''}`,
  );
};

const errorsOf = (source: string) => {
  const r = importPythonSource(source);
  expect(r.ok).toBe(false);
  return r.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => [d.line, d.column, d.message]);
};

const MNIST_MLP = `import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Dense(128, activation="relu", input_shape=(784,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.summary()
model.fit(x_train, y_train, epochs=5)
`;

describe('Keras source import: real-world snippets', () => {
  it('the classic MNIST MLP 784-128-64-10 (Sequential): 109,386 parameters', () => {
    const r = ok(MNIST_MLP);
    // 784·128 + 128 = 100,480; 128·64 + 64 = 8,256; 64·10 + 10 = 650.
    expect(r.ir.totals.total).toBe(109_386);
    expect(wiring(r)).toEqual([
      'input_layer: Input',
      'dense: Dense <- input_layer',
      'dense_1: Dense <- dense',
      'dense_2: Dense <- dense_1',
    ]);
    expect(r.ir.ops[1]!.params).toEqual({ units: 128, activation: 'relu', use_bias: true });
    expect(r.project.training).toMatchObject({
      optimizer: 'momentum',
      learningRate: 0.01,
      loss: 'sparse_categorical_crossentropy',
    });
    // model.fit is read and left out, with a warning at its line.
    expect(r.diagnostics.map((d) => [d.severity, d.line])).toEqual([['warning', 13]]);
  });

  it('the MNIST CNN with Sequential() + model.add, from keras.layers imports and a constant', () => {
    const r = ok(`from keras.models import Sequential
from keras.layers import Conv2D, MaxPooling2D, Flatten, Dense, Dropout

NUM_CLASSES = 10

model = Sequential(name="mnist_cnn")
model.add(Conv2D(32, kernel_size=(3, 3), activation='relu', input_shape=(28, 28, 1)))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Conv2D(64, (3, 3), activation='relu'))
model.add(MaxPooling2D((2, 2)))
model.add(Flatten())
model.add(Dropout(0.5))
model.add(Dense(NUM_CLASSES, activation='softmax', name="probs"))
model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
`);
    // 3·3·1·32 + 32 = 320; 3·3·32·64 + 64 = 18,496; 5·5·64 = 1600 → 1600·10 + 10 = 16,010.
    expect(r.ir.totals.total).toBe(34_826);
    expect(r.project.name).toBe('mnist_cnn');
    expect(r.ir.ops.map((o) => o.name)).toEqual([
      'input_layer',
      'conv2d',
      'max_pooling2d',
      'conv2d_1',
      'max_pooling2d_1',
      'flatten',
      'dropout',
      'probs',
    ]);
    expect(r.ir.ops[3]!.params).toMatchObject({ filters: 64, kernel_size: [3, 3] });
    expect(r.ir.ops[5]!.outputShape).toEqual([1600]);
    expect(r.project.training).toMatchObject({
      optimizer: 'adam',
      loss: 'categorical_crossentropy',
    });
  });

  it('a residual block: functional API with tf.keras spellings and layers.add', () => {
    const r = ok(`import tensorflow as tf
from tensorflow.keras import layers

inputs = tf.keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
shortcut = x
x = layers.Conv2D(16, 3, padding="same")(x)
x = layers.BatchNormalization()(x)
x = layers.add([x, shortcut])
x = layers.Activation("relu")(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = tf.keras.Model(inputs=inputs, outputs=outputs, name="resnet_block")
model.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
              loss=tf.keras.losses.SparseCategoricalCrossentropy())
`);
    expect(wiring(r)).toEqual([
      'input_layer: Input',
      'conv2d: Conv2D <- input_layer',
      'conv2d_1: Conv2D <- conv2d',
      'batch_normalization: BatchNormalization <- conv2d_1',
      'add: Add <- batch_normalization, conv2d',
      'activation: Activation <- add',
      'global_average_pooling2d: GlobalAveragePooling2D <- activation',
      'dense: Dense <- global_average_pooling2d',
    ]);
    // 3·3·3·16 + 16 = 448; 3·3·16·16 + 16 = 2,320; BN 2·16 trainable + 2·16 not; 16·10 + 10 = 170.
    expect(r.ir.totals).toEqual({ trainable: 2970, nonTrainable: 32, total: 3002 });
    expect(r.project.training).toMatchObject({
      optimizer: 'adam',
      learningRate: 0.001,
      loss: 'sparse_categorical_crossentropy',
    });
  });

  it('a small U-Net in a builder function: concatenate, Concatenate, UpSampling2D, Conv2DTranspose', () => {
    const r = ok(`import keras
from keras import layers

def build_unet(input_shape=(64, 64, 1), base=8):
    inputs = keras.Input(shape=input_shape)
    c1 = layers.Conv2D(base, 3, padding="same", activation="relu")(inputs)
    p1 = layers.MaxPooling2D()(c1)
    c2 = layers.Conv2D(base * 2, 3, padding="same", activation="relu")(p1)
    p2 = layers.MaxPooling2D()(c2)
    b = layers.Conv2D(base * 4, 3, padding="same", activation="relu")(p2)
    u2 = layers.Conv2DTranspose(base * 2, 2, strides=2, padding="same")(b)
    m2 = layers.concatenate([u2, c2])
    c3 = layers.Conv2D(base * 2, 3, padding="same", activation="relu")(m2)
    u1 = layers.UpSampling2D(size=(2, 2))(c3)
    m1 = layers.Concatenate(axis=-1)([u1, c1])
    c4 = layers.Conv2D(base, 3, padding="same", activation="relu")(m1)
    outputs = layers.Conv2D(1, 1, activation="sigmoid")(c4)
    return keras.Model(inputs, outputs, name="small_unet")

model = build_unet()
model.compile(optimizer="adam", loss="binary_crossentropy")
`);
    const byName = new Map(r.ir.ops.map((o) => [o.name, o]));
    expect(byName.get('conv2d_transpose')!.outputShape).toEqual([32, 32, 16]);
    expect(byName.get('concatenate')!.outputShape).toEqual([32, 32, 32]);
    expect(byName.get('concatenate_1')!.outputShape).toEqual([64, 64, 24]);
    expect(byName.get('up_sampling2d')!.type).toBe('UpSampling2D');
    expect(r.ir.ops.at(-1)!.outputShape).toEqual([64, 64, 1]);
    // 80 + 1,168 + 4,640 + transpose 2·2·32·16 + 16 = 2,064 + 4,624 + 9·24·8 + 8 = 1,736 + 9.
    expect(r.ir.totals.total).toBe(14_321);
    expect(r.project.name).toBe('small_unet');
    expect(r.project.training.loss).toBe('binary_crossentropy');
  });

  it('an LSTM text classifier: Embedding with input_length, Bidirectional(LSTM), LSTM', () => {
    const r = ok(`from tensorflow import keras
from tensorflow.keras.layers import Embedding, LSTM, Dense, Bidirectional

VOCAB = 10000
model = keras.Sequential([
    Embedding(VOCAB, 64, input_length=100),
    Bidirectional(LSTM(32, return_sequences=True)),
    LSTM(16),
    Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.0005), loss="binary_crossentropy")
`);
    expect(r.ir.ops[0]!.params).toEqual({ shape: [100], dtype: 'int32' });
    expect(r.ir.ops[2]!.params).toEqual({
      layer: 'LSTM',
      units: 32,
      return_sequences: true,
      merge_mode: 'concat',
    });
    // 10000·64 = 640,000; 2·4·(32·(64 + 32) + 32) = 24,832; 4·(16·(64 + 16) + 16) = 5,184; 17.
    expect(r.ir.totals.total).toBe(670_033);
    expect(r.project.training).toMatchObject({ optimizer: 'rmsprop', learningRate: 0.0005 });
  });

  it('aliases, positional Keras arguments and model.build', () => {
    const r = ok(`import tensorflow as tf
from tensorflow.keras.layers import Conv2D as C, Dense as D
import tensorflow.keras.layers as L

model = tf.keras.models.Sequential()
model.add(C(8, 3, 2, "same", name="stem"))
model.add(L.Flatten())
model.add(D(4, "softmax", False))
model.build((None, 10, 10, 1))
model.compile("sgd", "mse")
`);
    expect(r.ir.ops[1]!.params).toMatchObject({
      filters: 8,
      kernel_size: [3, 3],
      strides: [2, 2],
      padding: 'same',
    });
    expect(r.ir.ops[1]!.outputShape).toEqual([5, 5, 8]);
    expect(r.ir.ops[3]!.params).toEqual({ units: 4, activation: 'softmax', use_bias: false });
    expect(r.project.training).toMatchObject({ optimizer: 'sgd', loss: 'mse' });
  });

  it('a layer made once and called later; initializers are warned about, not silently dropped', () => {
    const r = ok(`from tensorflow import keras
from tensorflow.keras import layers
inputs = keras.Input(shape=(8,), name="features")
hidden = layers.Dense(4, kernel_initializer="he_normal", name="hidden")
out = layers.Dense(1)(hidden(inputs))
model = keras.Model(inputs=inputs, outputs=out)
`);
    expect(wiring(r)).toEqual([
      'features: Input',
      'hidden: Dense <- features',
      'dense: Dense <- hidden',
    ]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'warning', line: 4, column: 26 });
    expect(r.diagnostics[0]!.message).toContain('kernel_initializer');
  });
});

describe('Keras source import: what it refuses, each at its place', () => {
  it('a custom layer subclass is refused at its line', () => {
    const errors = errorsOf(`import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


class Scale(layers.Layer):
    def call(self, x):
        return x * 2.0


model = keras.Sequential([
    keras.Input(shape=(10,)),
    layers.Dense(8),
    Scale(),
])
`);
    expect(errors[0]!.slice(0, 2)).toEqual([6, 1]);
    expect(errors[0]![2]).toContain('custom Keras class');
    expect(errors[1]!.slice(0, 2)).toEqual([14, 5]);
  });

  it('a syntax error is reported at its line', () => {
    const errors = errorsOf(`from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Dense(10 activation="relu"),
])
`);
    expect(errors[0]![0]).toBe(5);
    expect(errors[0]![2]).toMatch(/syntax error/);
  });

  it('a loop building layers, a Lambda and an unknown layer class: each listed, nothing imported', () => {
    const errors = errorsOf(`from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential()
model.add(keras.Input(shape=(20,)))
for units in [64, 32]:
    model.add(layers.Dense(units, activation="relu"))
model.add(layers.Lambda(lambda t: t * 2))
model.add(layers.Conv3D(4, 3))
model.add(layers.Dense(1))
`);
    expect(errors.map((e) => e.slice(0, 2))).toEqual([
      [6, 1],
      [8, 11],
      [9, 11],
    ]);
    expect(errors[0]![2]).toContain('a for loop');
    expect(errors[1]![2]).toContain('Lambda');
    expect(errors[2]![2]).toContain('layers.Conv3D: Netwright has no block');
  });

  it('unknown calls, shared layers and tensor arithmetic are refused with reasons', () => {
    const errors = errorsOf(`from tensorflow import keras
from tensorflow.keras import layers
inputs = keras.Input(shape=(4,))
d = layers.Dense(4)
a = d(inputs)
b = d(a)
c = my_block(a)
s = a + a
model = keras.Model(inputs, a)
`);
    expect(errors.map((e) => e[0])).toEqual([6, 7, 8]);
    expect(errors[0]![2]).toContain('shared layer');
    expect(errors[1]![2]).toContain('`my_block(...)` is not a Keras layer');
    expect(errors[2]![2]).toContain('layers.Add()');
  });

  it('a setting the kind cannot represent is refused at the call (dilation)', () => {
    const errors = errorsOf(`from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([keras.Input(shape=(9, 9, 1)), layers.Conv2D(4, 3, dilation_rate=2)])
`);
    expect(errors).toEqual([[3, 57, 'layers.Conv2D: dilation is not supported by Netwright']]);
  });

  it('no input shape in the code: asks for it, then imports with the answer', () => {
    const source = `from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(10, activation="relu"), layers.Dense(2)])
`;
    const r = importPythonSource(source);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.needsInputShape?.at.line).toBe(3);
    const answered = ok(source, { inputShape: [5] });
    // 5·10 + 10 = 60; 10·2 + 2 = 22.
    expect(answered.ir.totals.total).toBe(82);
  });

  it('a script with no model says so', () => {
    expect(errorsOf('import tensorflow as tf\nx = tf.constant(1)\n')[0]![2]).toContain(
      'no Keras model found',
    );
  });
});

describe('Keras source import: layers the model does not use', () => {
  it('a layer off the path to the output is left out with a warning at its line', () => {
    const r = ok(`from tensorflow import keras
from tensorflow.keras import layers
inputs = keras.Input(shape=(3,))
x = layers.Dense(2)(inputs)
probe = layers.Dense(5)(inputs)
model = keras.Model(inputs=inputs, outputs=x)
`);
    expect(r.ir.ops.map((o) => o.name)).toEqual(['input_layer', 'dense']);
    expect(r.diagnostics.map((d) => [d.severity, d.line, d.message])).toEqual([
      ['warning', 5, 'layer "dense_1" is not part of the model (not on its path): left out'],
    ]);
  });
});

describe('Keras source import: a whole Keras 2 tutorial script', () => {
  it('input_dim, fit/evaluate results assigned, print: the model imports, the rest are warnings', () => {
    const r = ok(`from keras.models import Sequential
from keras.layers import Dense
X, y = load_dataset()
model = Sequential()
model.add(Dense(12, input_dim=8, activation='relu'))
model.add(Dense(1, activation='sigmoid'))
model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
history = model.fit(X, y, epochs=150, batch_size=10)
_, accuracy = model.evaluate(X, y)
print('Accuracy: %.2f' % (accuracy*100))
`);
    // 8·12 + 12 = 108; 12·1 + 1 = 13.
    expect(r.ir.totals.total).toBe(121);
    expect(r.ir.ops[0]!.params).toEqual({ shape: [8], dtype: 'float32' });
    expect(r.project.training.loss).toBe('binary_crossentropy');
    // Data loading (line 3) is not model code and assigns no layer: skipped with a warning.
    expect(r.diagnostics.map((d) => [d.severity, d.line])).toEqual([
      ['warning', 3],
      ['warning', 8],
      ['warning', 9],
      ['warning', 10],
    ]);
  });
});

describe('Keras source import: names from the file', () => {
  it('name= values are made safe ids, and shape checks still find their layer', () => {
    const r = ok(`from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2, name="my dense; import os")])
`);
    expect(r.ir.ops.map((o) => o.id)).toEqual(['input_layer', 'my_dense_import_os']);
    const errors = errorsOf(`from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([keras.Input(shape=(6, 6, 2)), layers.BatchNormalization(axis=1, name="bn 1")])
`);
    expect(errors).toEqual([[3, 57, 'layer "bn_1": normalises an axis other than the last']]);
  });
});
