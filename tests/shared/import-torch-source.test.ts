/**
 * PyTorch source → project (issue 15) on real-world-shaped snippets (./torch-source-corpus.ts).
 * Every expected count is worked out by hand in the comments, from the layers' formulas
 * (Linear in·out + out; Conv2d in·out·k·k + out; LSTM Keras 4·u·(in + u + 1)).
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import { BUILTIN_DATASET_INFO } from '../../shared/datasets/fit.ts';
import { importPythonSource, type SourceImportResult } from '../../shared/import/python/index.ts';
import { lintGraph } from '../../shared/lint/index.ts';
import { summarizeModel } from '../../shared/summary.ts';
import {
  CUSTOM_MODULE,
  LSTM_TEXT,
  MLP_MODULE,
  MLP_SEQUENTIAL,
  MNIST_CNN,
  MNIST_CNN_VIEW,
  RESIDUAL,
  UNET,
} from './torch-source-corpus.ts';

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

/** `type:activation` per op, in order, for compact structure checks. */
const kinds = (r: Ok) =>
  r.ir.ops.map((o) => (o.params.activation ? `${o.type}:${o.params.activation}` : o.type));

const lineOf = (source: string, text: string) =>
  source.slice(0, source.indexOf(text)).split('\n').length;

describe('784-128-64-10 MLP', () => {
  // 784·128 + 128 = 100,480; 128·64 + 64 = 8,256; 64·10 + 10 = 650 → 109,386.
  it.each([
    ['nn.Sequential', MLP_SEQUENTIAL],
    ['nn.Module', MLP_MODULE],
  ])('in %s form imports as 109,386 parameters', (_, source) => {
    const r = imported(source);
    expect(r.framework).toBe('pytorch');
    expect(summarizeModel(analyzeGraph(r.project.graph)).total).toBe(109_386);
    expect(kinds(r)).toEqual(['Input', 'Dense:relu', 'Dense:relu', 'Dense:linear']);
    expect(r.ir.ops[0]!.outputShape).toEqual([784]);
  });

  it('reads the optimizer and the loss into the training settings', () => {
    const seq = imported(MLP_SEQUENTIAL).project.training;
    expect(seq).toMatchObject({ optimizer: 'momentum', learningRate: 0.01 });
    expect(seq.loss).toBe('sparse_categorical_crossentropy');
    const mod = imported(MLP_MODULE).project.training;
    expect(mod).toMatchObject({ optimizer: 'adam', learningRate: 0.002 });
  });

  it('names blocks after the attributes', () => {
    expect(imported(MLP_MODULE).ir.ops.map((o) => o.id)).toEqual(['input', 'fc1', 'fc2', 'fc3']);
  });
});

describe('the MNIST CNN of the PyTorch examples', () => {
  it('asks for the input shape, knowing the channels', () => {
    const r = failed(MNIST_CNN);
    expect(r.needsInputShape?.known).toEqual([null, null, 1]);
    expect(r.needsInputShape?.at.line).toBe(lineOf(MNIST_CNN, 'self.conv1 = '));
  });

  it('imports with the shape given', () => {
    const r = imported(MNIST_CNN, [28, 28, 1]);
    expect(kinds(r)).toEqual([
      'Input',
      'Conv2D:relu',
      'Conv2D:relu',
      'MaxPooling2D',
      'Dropout',
      'Flatten',
      'Dense:relu',
      'Dropout',
      'Dense:linear',
    ]);
    // 1·32·9 + 32 = 320; 32·64·9 + 64 = 18,496; 9216·128 + 128 = 1,179,776; 128·10 + 10 = 1,290.
    expect(r.ir.totals.trainable).toBe(320 + 18_496 + 1_179_776 + 1_290);
    expect(r.ir.ops.find((o) => o.id === 'dropout1')!.params.rate).toBe(0.25);
    // Adadelta is not one of Netwright's optimizers: said, not silently dropped.
    expect(r.diagnostics.some((d) => /Adadelta/.test(d.message))).toBe(true);
  });

  it('checks x.view(-1, 320) against the element count', () => {
    const r = imported(MNIST_CNN_VIEW, [28, 28, 1]);
    // 28 →conv5→ 24 →pool→ 12 →conv5→ 8 →pool→ 4: 4·4·20 = 320.
    expect(r.ir.ops.find((o) => o.type === 'Flatten')!.outputShape).toEqual([320]);
    // 1·10·25 + 10 = 260; 10·20·25 + 20 = 5,020; 320·50 + 50 = 16,050; 50·10 + 10 = 510.
    expect(r.ir.totals.trainable).toBe(260 + 5_020 + 16_050 + 510);
    const bad = MNIST_CNN_VIEW.replace('x.view(-1, 320)', 'x.view(-1, 500)');
    const e = failed(bad, [28, 28, 1]);
    expect(e.diagnostics[0]!.line).toBe(lineOf(bad, 'x.view(-1, 500)'));
    expect(e.diagnostics[0]!.message).toMatch(/320 values per example/);
  });

  it('gives the double-softmax warning with a fix, and the lint fires', () => {
    const r = imported(MNIST_CNN_VIEW, [28, 28, 1]);
    expect(r.ir.ops.at(-1)!.params.activation).toBe('softmax');
    const warning = r.diagnostics.find((d) => /softmax twice/.test(d.message))!;
    expect(warning.severity).toBe('warning');
    expect(warning.line).toBe(lineOf(MNIST_CNN_VIEW, 'return torch.softmax'));
    const lint = lintGraph(r.project.graph, {
      training: r.project.training,
      dataset: BUILTIN_DATASET_INFO.mnist,
    });
    expect(lint.some((f) => f.code === 'H103')).toBe(true);
    // Applying the fix gives `return x` and a linear output.
    let fixed = MNIST_CNN_VIEW;
    for (const edit of [...warning.fix!.edits].sort((a, b) => b.from - a.from))
      fixed = fixed.slice(0, edit.from) + edit.insert + fixed.slice(edit.to);
    expect(fixed).toContain('        return x\n');
    const again = imported(fixed, [28, 28, 1]);
    expect(again.ir.ops.at(-1)!.params.activation).toBe('linear');
    expect(again.diagnostics.some((d) => /softmax/.test(d.message))).toBe(false);
  });

  it('a whole-line softmax statement is removed by the fix', () => {
    const src = MLP_MODULE.replace(
      '        x = self.fc3(x)\n',
      '        x = self.fc3(x)\n        x = F.softmax(x, dim=1)\n',
    );
    const r = imported(src);
    const fix = r.diagnostics.find((d) => d.fix)!.fix!;
    const e = fix.edits[0]!;
    expect(src.slice(0, e.from) + e.insert + src.slice(e.to)).toBe(MLP_MODULE);
  });

  it('refuses a Linear whose in_features does not match, at its line', () => {
    const bad = MNIST_CNN.replace('nn.Linear(9216, 128)', 'nn.Linear(9000, 128)');
    const e = failed(bad, [28, 28, 1]);
    expect(e.diagnostics[0]!.line).toBe(lineOf(bad, 'self.fc1 ='));
    expect(e.diagnostics[0]!.message).toMatch(/9000 input features.*9216/);
  });
});

describe('a residual block', () => {
  it('imports the skip connection as an Add of the two branches', () => {
    const r = imported(RESIDUAL, [8, 8, 3]);
    const add = r.ir.ops.find((o) => o.type === 'Add')!;
    expect(add.inputs).toEqual(['bn_b', 'conv_in']);
    // padding=1 with a 3×3 kernel at stride 1 is Keras's 'same'.
    expect(r.ir.ops.find((o) => o.id === 'conv_a')!.params.padding).toBe('same');
    // 3·16·9+16 = 448; 2 × (16·16·9+16 = 2,320); BN 2·16 trainable each; 1024·10+10 = 10,250.
    expect(r.ir.totals.trainable).toBe(448 + 2 * 2_320 + 2 * 32 + 10_250);
    expect(r.ir.totals.nonTrainable).toBe(2 * 32);
    // PyTorch momentum 0.1 = Keras 0.9; eps 1e-5.
    expect(r.ir.ops.find((o) => o.id === 'bn_a')!.params).toMatchObject({
      momentum: 0.9,
      epsilon: 1e-5,
    });
  });
});

describe('a small U-Net', () => {
  it('reads torch.cat over the channels and ConvTranspose2d', () => {
    const r = imported(UNET, [32, 32, 1]);
    const cat = r.ir.ops.find((o) => o.type === 'Concatenate')!;
    expect(cat.inputs).toEqual(['up', 'enc1']);
    // dim=1 of (N, C, H, W) is Keras's channels axis, -1 (the IR counts it from the batch axis: 3).
    expect(r.project.graph.nodes.find((n) => n.id === 'cat')!.params.axis).toBe(-1);
    expect(cat.params.axis).toBe(3);
    // Ports only on the merge's wires: one-input wires carry none (the canvas labels ports "#n").
    const handles = r.project.graph.edges
      .filter((e) => e.targetHandle !== undefined)
      .map((e) => `${e.source}>${e.target}:${e.targetHandle}`);
    expect(handles.sort()).toEqual(['enc1>cat:1', 'up>cat:0']);
    expect(cat.outputShape).toEqual([32, 32, 32]);
    const up = r.ir.ops.find((o) => o.id === 'up')!;
    expect(up).toMatchObject({ type: 'Conv2DTranspose', outputShape: [32, 32, 16] });
    expect(up.params).toMatchObject({ strides: [2, 2], kernel_size: [2, 2], padding: 'valid' });
    expect(r.ir.ops.at(-1)!.params.activation).toBe('sigmoid');
    // 160 + 4,640 + (32·16·4 + 16 = 2,064) + 4,624 + 17.
    expect(r.ir.totals.trainable).toBe(160 + 4_640 + 2_064 + 4_624 + 17);
    expect(r.project.training).toMatchObject({ loss: 'mse', learningRate: 0.0005 });
  });
});

describe('an LSTM text classifier', () => {
  it('reads Embedding, LSTM(batch_first=True) and the last step', () => {
    const r = imported(LSTM_TEXT, [20]);
    expect(kinds(r)).toEqual(['Input', 'Embedding', 'LSTM', 'Dense:linear']);
    expect(r.ir.ops[0]!.params.dtype).toBe('int32');
    expect(r.ir.ops[2]!.params).toMatchObject({ units: 128, return_sequences: false });
    // 5000·64 = 320,000; Keras LSTM 4·128·(64 + 128 + 1) = 98,816; 128·4 + 4 = 516.
    expect(r.ir.totals.trainable).toBe(320_000 + 98_816 + 516);
    expect(r.project.training.optimizer).toBe('rmsprop');
  });

  it('asks for the sequence length', () => {
    expect(failed(LSTM_TEXT).needsInputShape?.known).toEqual([null]);
  });

  it('reads h[-1] as the last step too', () => {
    const src = LSTM_TEXT.replace('x = out[:, -1, :]', 'x = h[-1]');
    expect(imported(src, [20]).ir.ops[2]!.params.return_sequences).toBe(false);
  });

  it('refuses an LSTM without batch_first=True', () => {
    const bad = LSTM_TEXT.replace(', batch_first=True', '');
    expect(failed(bad, [20]).diagnostics[0]!.message).toMatch(/batch_first=True/);
  });
});

describe('what cannot be read is refused at its place', () => {
  it('a custom module class used inside the model', () => {
    const e = failed(CUSTOM_MODULE);
    expect(e.diagnostics).toHaveLength(1);
    expect(e.diagnostics[0]!.line).toBe(lineOf(CUSTOM_MODULE, 'self.act = Swish()'));
    expect(e.diagnostics[0]!.message).toMatch(/Swish is a custom module class/);
  });

  it('a loop building layers', () => {
    const src = MLP_MODULE.replace(
      '        self.fc3 = nn.Linear(64, 10)\n',
      '        self.fc3 = nn.Linear(64, 10)\n        for i in range(3):\n            setattr(self, f"h{i}", nn.Linear(10, 10))\n',
    );
    const e = failed(src);
    expect(e.diagnostics[0]).toMatchObject({ line: lineOf(src, 'for i'), column: 9 });
    expect(e.diagnostics[0]!.message).toMatch(/a for loop in __init__/);
  });

  it('control flow in forward', () => {
    const src = MLP_MODULE.replace(
      '        x = self.fc3(x)\n',
      '        if x.sum() > 0:\n            x = -x\n        x = self.fc3(x)\n',
    );
    const e = failed(src);
    expect(e.diagnostics[0]).toMatchObject({ line: lineOf(src, 'if x.sum()'), column: 9 });
    expect(e.diagnostics[0]!.message).toMatch(/an if statement in forward/);
  });

  it('an unknown call in forward', () => {
    const src = MLP_MODULE.replace('x = F.relu(self.fc1(x))', 'x = my_norm(self.fc1(x))');
    const e = failed(src);
    expect(e.diagnostics[0]!.line).toBe(lineOf(src, 'my_norm'));
    expect(e.diagnostics[0]!.message).toMatch(/my_norm\(…\) is not something Netwright can read/);
  });

  it('an argument only known when the code runs', () => {
    const src = MLP_MODULE.replace('nn.Linear(784, 128)', 'nn.Linear(784, hidden_size())');
    expect(failed(src).diagnostics[0]!.message).toMatch(
      /out_features .* not a value Netwright can read/,
    );
  });

  it('a layer computed but never used', () => {
    const src = MLP_MODULE.replace(
      '        x = self.fc3(x)\n',
      '        y = self.fc3(x)\n        x = self.fc3(x)\n',
    );
    expect(failed(src).diagnostics[0]!.message).toMatch(/called a second time/);
  });
});

describe('the spellings of imports and layers', () => {
  it('torch.nn.Sequential with only `import torch`, nn.Flatten and nn.Softmax', () => {
    const src = `import torch

model = torch.nn.Sequential(
    torch.nn.Flatten(),
    torch.nn.Linear(28 * 28, 32),
    torch.nn.Tanh(),
    torch.nn.Linear(32, 10),
    torch.nn.Softmax(dim=1),
)
loss_fn = torch.nn.MSELoss()
`;
    const r = imported(src, [28, 28, 1]);
    expect(kinds(r)).toEqual(['Input', 'Flatten', 'Dense:tanh', 'Dense:softmax']);
    // 784·32 + 32 = 25,120; 32·10 + 10 = 330.
    expect(r.ir.totals.trainable).toBe(25_120 + 330);
    expect(r.project.training.loss).toBe('mse');
  });

  it('a features nn.Sequential attribute, a reused nn.ReLU module and x.flatten(1)', () => {
    const src = `from torch import nn, optim


class SmallCNN(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.relu = nn.ReLU()
        self.fc1 = nn.Linear(8 * 16 * 16, 64)
        self.fc2 = nn.Linear(64, classes)

    def forward(self, x):
        x = self.features(x)
        x = x.flatten(1)
        x = self.relu(self.fc1(x))
        return self.fc2(x)


net = SmallCNN()
opt = optim.SGD(net.parameters(), lr=0.1)
`;
    const r = imported(src, [32, 32, 3]);
    expect(kinds(r)).toEqual([
      'Input',
      'Conv2D:relu',
      'MaxPooling2D',
      'Flatten',
      'Dense:relu',
      'Dense:linear',
    ]);
    expect(r.ir.ops.map((o) => o.id)).toEqual([
      'input',
      'features_0',
      'features_2',
      'flatten',
      'fc1',
      'fc2',
    ]);
    expect(r.project.training).toMatchObject({ optimizer: 'sgd', learningRate: 0.1 });
    expect(r.project.name).toBe('SmallCNN');
  });

  it("a file in Netwright's own layout states INPUT_SHAPE; one in PyTorch order is not taken", () => {
    const keras = MNIST_CNN.replace('class Net', 'INPUT_SHAPE = (28, 28, 1)\n\n\nclass Net');
    expect(imported(keras).ir.ops[0]!.outputShape).toEqual([28, 28, 1]);
    const torchOrder = MNIST_CNN.replace('class Net', 'INPUT_SHAPE = (1, 28, 28)\n\n\nclass Net');
    expect(failed(torchOrder).needsInputShape?.known).toEqual([null, null, 1]);
  });
});

describe('tensor operations read as blocks', () => {
  const wrap = (init: string, forward: string) => `import torch
import torch.nn as nn


class M(nn.Module):
    def __init__(self):
        super().__init__()
${init}

    def forward(self, x):
${forward}


model = M()
`;

  it('x[:, :, 1:-1, 2:6] on an 8×8 map is a Cropping2D', () => {
    const src = wrap(
      '        self.conv = nn.Conv2d(3, 4, 3, padding=1)',
      '        x = self.conv(x)\n        return x[:, :, 1:-1, 2:6]',
    );
    const r = imported(src, [8, 8, 3]);
    const crop = r.ir.ops.at(-1)!;
    expect(crop.type).toBe('Cropping2D');
    // Rows 1..6 of 8: 1 cut at the top, 1 at the bottom; columns 2..5: 2 at each side.
    expect(crop.params).toMatchObject({
      cropping: [
        [1, 1],
        [2, 2],
      ],
    });
    expect(crop.outputShape).toEqual([6, 4, 4]);
  });

  it('a permute of a sequence that nothing undoes is a Permute block', () => {
    const src = wrap(
      '        self.fc = nn.Linear(10, 5)',
      '        x = x.permute(0, 2, 1)\n        return self.fc(x)',
    );
    const r = imported(src, [10, 4]);
    expect(kinds(r)).toEqual(['Input', 'Permute', 'Dense:linear']);
    expect(r.ir.ops[1]!.params.dims).toEqual([2, 1]);
    // (10, 4) → (4, 10) → Linear(10, 5) → (4, 5).
    expect(r.ir.ops[2]!.outputShape).toEqual([4, 5]);
  });

  it('nn.Sequential(depthwise, 1×1) is a SeparableConv2D; two plain convs stay two Conv2D', () => {
    const separable = wrap(
      '        self.sep = nn.Sequential(nn.Conv2d(4, 4, 3, groups=4, bias=False), nn.Conv2d(4, 8, 1))',
      '        return self.sep(x)',
    );
    const r = imported(separable, [6, 6, 4]);
    expect(kinds(r)).toEqual(['Input', 'SeparableConv2D:linear']);
    // Keras: depthwise 3·3·4 = 36, pointwise 4·8 + 8 = 40.
    expect(r.ir.totals.trainable).toBe(36 + 40);
    const plain = separable.replace(', groups=4, bias=False', '');
    expect(kinds(imported(plain, [6, 6, 4]))).toEqual(['Input', 'Conv2D:linear', 'Conv2D:linear']);
  });

  it('(a + b) / 2 is an Average, a + b + c one Add of three', () => {
    const src = wrap(
      '        self.a = nn.Linear(6, 6)\n        self.b = nn.Linear(6, 6)',
      '        a = self.a(x)\n        b = self.b(x)\n        m = (a + b) / 2\n        return m + a + b',
    );
    const r = imported(src);
    expect(r.ir.ops.find((o) => o.type === 'Average')!.inputs).toEqual(['a', 'b']);
    expect(r.ir.ops.at(-1)!).toMatchObject({ type: 'Add', inputs: ['m', 'a', 'b'] });
  });
});
