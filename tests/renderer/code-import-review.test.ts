/** Issue 15 user test: the dialog side (pure model) of the review fixes. */
import { describe, expect, it } from 'vitest';
import {
  frameworkOf,
  looksLikeModelCode,
  previewCode,
  shapeMisfit,
} from '../../renderer/code-import/model.ts';

const TORCH_CNN = `import torch
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3)
        self.fc = nn.Linear(8 * 26 * 26, 10)
    def forward(self, x):
        x = F.relu(self.conv1(x))
        return self.fc(torch.flatten(x, 1))
`;

describe('a snippet without imports', () => {
  it('is model code, with its framework from the names', () => {
    expect(looksLikeModelCode('model = nn.Sequential(nn.Linear(784, 10))')).toBe(true);
    expect(frameworkOf('model = nn.Sequential(nn.Linear(784, 10))')).toBe('pytorch');
    expect(frameworkOf('x = layers.Dense(3)(inputs)')).toBe('keras');
    // Unreadable but Python-looking: still opens the dialog, which shows the error.
    expect(looksLikeModelCode('model = nn.Sequential(nn.Linear(784, 10)')).toBe(true);
    expect(looksLikeModelCode('Dense layer with 128 units')).toBe(false);
  });
});

describe('the input-shape field', () => {
  it('reports a shape of the wrong rank on the field, not in the code', () => {
    const p = previewCode(TORCH_CNN, '64, 64');
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.shapeError).toContain('3 axes');
    expect(p.askShape?.known).toEqual([null, null, 1]);
  });

  it('reports sizes the code contradicts', () => {
    expect(shapeMisfit([null, null, 1], [28, 28, 3])).toContain('size 3 as 1');
    expect(shapeMisfit([null, null, 1], [28, 28, 1])).toBe('');
    expect(shapeMisfit([null], [28, 28, 1])).toBe('');
  });

  it('imports with a fitting shape', () => {
    const p = previewCode(TORCH_CNN, '28, 28, 1');
    // conv 1·8·9 + 8 = 80; fc 5408·10 + 10 = 54,090 → 54,170.
    expect(p.ok && p.params).toBe(54_170);
  });
});
