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
