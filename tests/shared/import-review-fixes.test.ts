/**
 * Issue 15 user test (fresh eyes): the realistic snippets a reviewer pasted, each with the graph
 * expected written by hand. Parameter counts from the layer formulas: Conv2d in·out·k·k + out,
 * Linear in·out + out.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import { importPythonSource, type SourceImportResult } from '../../shared/import/python/index.ts';
import { summarizeModel } from '../../shared/summary.ts';

type Ok = Extract<SourceImportResult, { ok: true }>;

function imported(source: string, inputShape?: number[]): Ok {
  const r = importPythonSource(source, inputShape ? { inputShape } : {});
  if (!r.ok) throw new Error(`import failed: ${JSON.stringify(r.diagnostics)}`);
  return r;
}

function failed(source: string, inputShape?: number[]) {
  const r = importPythonSource(source, inputShape ? { inputShape } : {});
  if (r.ok) throw new Error('import should have failed');
  return r;
}

const kinds = (r: Ok) =>
  r.ir.ops.map((o) => (o.params.activation ? `${o.type}:${o.params.activation}` : o.type));
const params = (r: Ok) => summarizeModel(analyzeGraph(r.project.graph)).total;
const lineOf = (source: string, text: string) =>
  source.slice(0, source.indexOf(text)).split('\n').length;

/** pytorch/examples mnist/main.py, the model and the training script around it. */
const TORCH_MNIST_EXAMPLE = `from __future__ import print_function
import argparse
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torchvision import datasets, transforms
from torch.optim.lr_scheduler import StepLR


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def train(args, model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()


def main():
    device = torch.device("cpu")
    model = Net().to(device)
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)
    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)


if __name__ == '__main__':
    main()
`;

describe('1. log_softmax: the official PyTorch MNIST example', () => {
  it('imports as 1,199,882 parameters with a softmax output and cross-entropy', () => {
    const r = imported(TORCH_MNIST_EXAMPLE, [28, 28, 1]);
    // conv1 1·32·9 + 32 = 320; conv2 32·64·9 + 64 = 18,496; 28→26→24, pool 12: 12·12·64 = 9216;
    // fc1 9216·128 + 128 = 1,179,776; fc2 128·10 + 10 = 1,290 → 1,199,882.
    expect(params(r)).toBe(1_199_882);
    expect(kinds(r)).toEqual([
      'Input',
      'Conv2D:relu',
      'Conv2D:relu',
      'MaxPooling2D',
      'Dropout',
      'Flatten',
      'Dense:relu',
      'Dropout',
      'Dense:softmax',
    ]);
    expect(r.project.training.loss).toBe('sparse_categorical_crossentropy');
    const note = r.diagnostics.find((d) => d.message.includes('log_softmax'));
    expect(note?.severity).toBe('warning');
    expect(note?.line).toBe(lineOf(TORCH_MNIST_EXAMPLE, 'output = F.log_softmax'));
    // Not the double-softmax hint: log_softmax + NLL is right.
    expect(r.diagnostics.some((d) => d.fix)).toBe(false);
  });

  it('reads the old form return F.log_softmax(x) without dim', () => {
    const src = `import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(784, 10)
    def forward(self, x):
        return F.log_softmax(self.fc1(x))
`;
    const r = imported(src);
    expect(kinds(r)).toEqual(['Input', 'Dense:softmax']);
    expect(params(r)).toBe(7850); // 784·10 + 10
    expect(r.diagnostics.map((d) => d.line)).toEqual([8]);
  });
});

/** keras.io "Simple MNIST convnet", whole (data lines, summary, fit, evaluate, print). */
const KERAS_MNIST_CONVNET = `import numpy as np
import keras
from keras import layers

num_classes = 10
input_shape = (28, 28, 1)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.astype("float32") / 255
x_test = x_test.astype("float32") / 255
x_train = np.expand_dims(x_train, -1)
x_test = np.expand_dims(x_test, -1)
print("x_train shape:", x_train.shape)
y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)

model = keras.Sequential(
    [
        keras.Input(shape=input_shape),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation="softmax"),
    ]
)

model.summary()

batch_size = 128
epochs = 15

model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])

model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=0.1)

score = model.evaluate(x_test, y_test, verbose=0)
print("Test loss:", score[0])
`;

describe('2. data and run lines around a Keras model are skipped with warnings', () => {
  it('imports the keras.io MNIST convnet as 34,826 parameters', () => {
    const r = imported(KERAS_MNIST_CONVNET);
    // 28→26 pool 13 → 11 pool 5: 5·5·64 = 1600. Conv 1·32·9 + 32 = 320; 32·64·9 + 64 = 18,496;
    // Dense 1600·10 + 10 = 16,010 → 34,826 (the figure keras.io prints).
    expect(params(r)).toBe(34_826);
    expect(kinds(r)).toEqual([
      'Input',
      'Conv2D:relu',
      'MaxPooling2D',
      'Conv2D:relu',
      'MaxPooling2D',
      'Flatten',
      'Dropout',
      'Dense:softmax',
    ]);
    expect(r.project.training.loss).toBe('categorical_crossentropy');
    const warned = r.diagnostics.map((d) => d.line);
    for (const text of [
      '(x_train, y_train), (x_test',
      'x_train = np.expand_dims',
      'y_train = keras.utils',
      'model.fit(',
    ])
      expect(warned).toContain(lineOf(KERAS_MNIST_CONVNET, text));
    expect(r.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
  });

  it('still refuses an unknown Keras call that feeds the model', () => {
    const src = `import keras
from keras import layers
inputs = keras.Input(shape=(8,))
x = keras.ops.relu(inputs)
model = keras.Model(inputs, layers.Dense(1)(x))
`;
    const r = failed(src);
    expect(r.diagnostics[0]!.line).toBe(4);
  });
});

describe('3. a loss or optimizer made at module level and passed to compile', () => {
  it('reads the TF beginner quickstart (loss_fn = …SparseCategoricalCrossentropy(…))', () => {
    const src = `import tensorflow as tf
model = tf.keras.models.Sequential([
  tf.keras.layers.Flatten(input_shape=(28, 28)),
  tf.keras.layers.Dense(128, activation='relu'),
  tf.keras.layers.Dropout(0.2),
  tf.keras.layers.Dense(10)
])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.SGD(1e-3)
model.compile(optimizer=optimizer, loss=loss_fn, metrics=['accuracy'])
`;
    const r = imported(src);
    // 784·128 + 128 = 100,480; 128·10 + 10 = 1,290 → 101,770.
    expect(params(r)).toBe(101_770);
    expect(r.project.training).toMatchObject({
      loss: 'sparse_categorical_crossentropy',
      optimizer: 'sgd',
      learningRate: 0.001,
    });
  });

  it('resolves them when the model is built in a function', () => {
    const src = `from tensorflow import keras
optimizer = keras.optimizers.Adam(1e-3)
def build():
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
    model.compile(optimizer=optimizer, loss=keras.losses.MeanSquaredError())
    return model
model = build()
`;
    const r = imported(src);
    expect(r.project.training).toMatchObject({
      optimizer: 'adam',
      learningRate: 0.001,
      loss: 'mse',
    });
  });

  it('quotes a string optimizer once', () => {
    const src = `import keras
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
model.compile(optimizer='adadelta', loss='mse')
`;
    const w = imported(src).diagnostics.find((d) => d.message.includes('adadelta'));
    expect(w?.message).toMatch(/^optimizer 'adadelta' is not one/);
  });
});

describe('7. function parameters with annotated defaults', () => {
  it('reads def build_model(num_classes: int = 10)', () => {
    const src = `import tensorflow as tf
from tensorflow import keras


def build_model(num_classes: int = 10) -> keras.Model:
    """Builds the MLP."""
    model = keras.Sequential([
        keras.layers.Flatten(input_shape=(28, 28)),  # 784
        keras.layers.Dense(128, activation='relu'),
        keras.layers.Dense(num_classes, activation='softmax'),
    ])
    model.compile(optimizer='sgd', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    return model


model = build_model()
`;
    const r = imported(src);
    expect(params(r)).toBe(101_770);
    expect(r.ir.ops.at(-1)!.outputShape).toEqual([10]);
  });

  it('reads an annotated __init__ default in PyTorch', () => {
    const src = `import torch.nn as nn
class Net(nn.Module):
    def __init__(self, hidden: int = 32, classes: int = 3):
        super().__init__()
        self.fc1 = nn.Linear(4, hidden)
        self.fc2 = nn.Linear(hidden, classes)
    def forward(self, x):
        return self.fc2(self.fc1(x).relu())
`;
    // 4·32 + 32 = 160; 32·3 + 3 = 99 → 259.
    expect(params(imported(src))).toBe(259);
  });
});

describe('12. the input-shape question when nothing is known', () => {
  it('says no size is known instead of "as far as (?)"', () => {
    const src = `import torch.nn as nn
model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
`;
    const r = failed(src);
    expect(r.needsInputShape?.message).toContain('no size of the input');
    expect(r.diagnostics[0]!.message).not.toContain('as far as');
  });
});

describe('4. the double-softmax hint for nn.Sequential', () => {
  const src = `import torch
import torch.nn as nn
model = nn.Sequential(
    nn.Linear(784, 128),
    nn.ReLU(),
    nn.Linear(128, 10),
    nn.Softmax(dim=1),
)
def train():
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
`;

  it('warns at nn.Softmax with a fix that removes it', () => {
    const r = imported(src);
    const d = r.diagnostics.find((x) => x.fix);
    expect(d?.line).toBe(7);
    expect(d?.message).toContain('softmax twice');
    let fixed = src;
    for (const e of [...d!.fix!.edits].sort((a, b) => b.from - a.from))
      fixed = fixed.slice(0, e.from) + e.insert + fixed.slice(e.to);
    expect(fixed).toContain('nn.Linear(128, 10),\n)');
    const again = imported(fixed);
    expect(kinds(again)).toEqual(['Input', 'Dense:relu', 'Dense:linear']);
    expect(again.diagnostics.some((x) => x.fix)).toBe(false);
  });

  it('says nothing without CrossEntropyLoss', () => {
    const r = imported(src.replace('nn.CrossEntropyLoss()', 'nn.MSELoss()'));
    expect(r.diagnostics.some((x) => x.fix)).toBe(false);
  });
});

describe('5. adaptive pooling to 1 is a global pooling', () => {
  const RESNET_SMALL = `import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 16, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(16)
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(x))
        out = F.relu(out + x)
        out = self.pool(out)
        out = out.view(out.size(0), -1)
        return self.fc(out)
`;

  it('nn.AdaptiveAvgPool2d((1, 1)) + view → GlobalAveragePooling2D, no Flatten', () => {
    const r = imported(RESNET_SMALL, [32, 32, 3]);
    expect(r.ir.ops.map((o) => o.type)).toEqual([
      'Input',
      'Conv2D',
      'BatchNormalization',
      'Activation',
      'Conv2D',
      'BatchNormalization',
      'Add',
      'Activation',
      'GlobalAveragePooling2D',
      'Dense',
    ]);
    // Conv 3·16·9 = 432 and 16·16·9 = 2,304 (no bias); BN 4·16 = 64 each (Keras counts the
    // moving mean and variance); Dense 16·10 + 10 = 170 → 3,034 (torch: 2,970 + 64 buffers).
    expect(params(r)).toBe(3034);
    expect(r.ir.ops.at(-2)!.outputShape).toEqual([16]);
  });

  it.each([
    ['nn.AdaptiveAvgPool2d(1)', 'GlobalAveragePooling2D'],
    ['nn.AdaptiveMaxPool2d(1)', 'GlobalMaxPooling2D'],
    ['nn.AdaptiveMaxPool2d((1, 1))', 'GlobalMaxPooling2D'],
  ])('%s, nn.Flatten() in nn.Sequential → %s', (pool, type) => {
    const r = imported(
      `import torch.nn as nn
model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), ${pool}, nn.Flatten(), nn.Linear(8, 2))
`,
      [8, 8, 3],
    );
    expect(r.ir.ops.map((o) => o.type)).toEqual(['Input', 'Conv2D', type, 'Dense']);
    // 3·8·9 + 8 = 224; 8·2 + 2 = 18 → 242.
    expect(params(r)).toBe(242);
  });

  it('refuses another output size at its line', () => {
    const r = failed(
      `import torch.nn as nn
model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.AdaptiveAvgPool2d((2, 2)), nn.Flatten())
`,
      [8, 8, 3],
    );
    expect(r.diagnostics[0]!.line).toBe(2);
    expect(r.diagnostics[0]!.message).toContain('output size (2, 2)');
  });
});

describe('12. nn.Sequential block names', () => {
  it('names blocks by kind without gaps (dense, dense_1)', () => {
    const r = imported(`import torch.nn as nn
model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10))
`);
    expect(r.ir.ops.map((o) => o.id)).toEqual(['input', 'dense', 'dropout', 'dense_1']);
  });
});

describe('6. keras.Input(shape=(None,)): one question, no cascade', () => {
  const src = `from tensorflow import keras
from tensorflow.keras import layers

max_features = 20000
inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(max_features, 128)(inputs)
x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
x = layers.Bidirectional(layers.LSTM(64))(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
`;

  it('asks for the shape at the Input line, in Python terms', () => {
    const r = failed(src);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.line).toBe(5);
    expect(r.diagnostics[0]!.message).toContain('(None,)');
    expect(r.diagnostics[0]!.message).not.toContain('null');
    expect(r.needsInputShape?.known).toEqual([null]);
  });

  it('imports with the shape given', () => {
    const r = imported(src, [200]);
    // Embedding 20000·128 = 2,560,000; each BiLSTM 2·4·64·(128 + 64 + 1) = 98,816 (both take
    // 128 features); Dense 128 + 1 = 129 → 2,757,761.
    expect(params(r)).toBe(2_757_761);
    expect(r.ir.ops[0]!.params).toEqual({ shape: [200], dtype: 'int32' });
  });

  it('refuses a shape of another rank at the Input', () => {
    const r = failed(src, [64, 64]);
    expect(r.diagnostics[0]!.line).toBe(5);
    expect(r.diagnostics[0]!.message).toContain('(64, 64)');
  });

  it('asks for the open axes of a Sequential Input too', () => {
    const r = failed(`import keras
model = keras.Sequential([keras.Input(shape=(None, 8)), keras.layers.LSTM(4)])
`);
    expect(r.needsInputShape?.known).toEqual([null, 8]);
    expect(r.diagnostics[0]!.message).toContain('(None, 8)');
  });
});

describe('8. code without import lines', () => {
  it('reads nn.Sequential(nn.Linear(784, 10)) as PyTorch with a note', () => {
    const r = imported('model = nn.Sequential(nn.Linear(784, 10))\n');
    expect(r.framework).toBe('pytorch');
    expect(params(r)).toBe(7850); // 784·10 + 10
    expect(r.diagnostics.map((d) => d.message).join()).toContain('no import lines');
  });

  it('reads layers.Dense / Sequential([Dense(…)]) as Keras', () => {
    const a = imported('model = keras.Sequential([layers.Dense(10, input_shape=(4,))])\n');
    expect(a.framework).toBe('keras');
    expect(params(a)).toBe(50); // 4·10 + 10
    const b = imported('model = Sequential([Dense(3, input_shape=(2,)), Dense(1)])\n');
    expect(params(b)).toBe(13); // 2·3 + 3 + 3·1 + 1
  });

  it('still says it cannot tell for other code', () => {
    const r = failed('x = np.zeros(3)\n');
    expect(r.diagnostics[0]!.message).toContain('cannot tell');
  });
});

describe('9. one syntax error, at its cause', () => {
  it('an unclosed nn.Linear( is reported at its own line, once', () => {
    const src = `import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 10
    def forward(self, x):
        return self.fc1(x)
`;
    const r = failed(src);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!).toMatchObject({ line: 5, column: 29 });
    expect(r.diagnostics[0]!.message).toContain('never closed');
  });

  it('a missing comma in a list: only the first error', () => {
    const src = `from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu")
    layers.Dense(64, activation="relu")
    layers.Dense(10, activation="softmax"),
])
`;
    const r = failed(src);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.line).toBe(6);
  });
});

describe('10. graph-check errors at the layer that made the block', () => {
  it('Dense(99999999999999999999) is reported at its own line, as written, one per layer', () => {
    const src = `import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(8),
    layers.Dense(99999999999999999999),
    layers.Dense(2, name="head"),
    layers.Dense(99999999999, name="huge"),
])
`;
    const r = failed(src);
    expect(r.diagnostics.map((d) => [d.line, d.column])).toEqual([
      [6, 5],
      [8, 5],
    ]);
    expect(r.diagnostics[0]!.message).toMatch(/^layers\.Dense\(…\): /);
    expect(r.diagnostics[1]!.message).toMatch(/^layer "huge": /);
    for (const d of r.diagnostics) {
      expect(d.message).not.toMatch(/E0\d\d|\[node/);
      expect(d.message).not.toContain('\n');
    }
  });
});

describe('1b. nn.LogSoftmax at the end of an nn.Sequential', () => {
  it('is read as softmax with a note, the loss NLL → cross-entropy', () => {
    const src = `import torch.nn as nn
model = nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10), nn.LogSoftmax(dim=1))
criterion = nn.NLLLoss()
`;
    const r = imported(src);
    expect(kinds(r)).toEqual(['Input', 'Dense:relu', 'Dense:softmax']);
    // 784·64 + 64 = 50,240; 64·10 + 10 = 650 → 50,890.
    expect(params(r)).toBe(50_890);
    expect(r.project.training.loss).toBe('sparse_categorical_crossentropy');
    expect(r.diagnostics.map((d) => d.message).join()).toContain('LogSoftmax is read as softmax');
    expect(r.diagnostics.some((d) => d.fix)).toBe(false);
  });
});
