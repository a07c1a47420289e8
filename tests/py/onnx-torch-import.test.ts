// An ONNX file made by another exporter (torch.onnx.export, python3-torch) imports as a graph.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { setModelWeights } from '../../shared/export/weights.ts';
import { importOnnx } from '../../shared/import/onnx.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { python } from '../shared/onnx-helpers.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netwright-torch-onnx-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a PyTorch MLP exported with torch.onnx.export imports with its weights', () => {
  const path = join(dir, 'mlp.onnx');
  const out = python(
    [
      'import sys, torch, torch.nn as nn',
      'torch.manual_seed(0)',
      'm = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Dropout(0.25), nn.Linear(5, 3), nn.Softmax(dim=-1)).eval()',
      'torch.onnx.export(m, torch.zeros(1, 6), sys.argv[1], opset_version=13, input_names=["features"], output_names=["probs"], dynamic_axes={"features": {0: "batch"}, "probs": {0: "batch"}})',
      'print(" ".join(repr(float(v)) for v in m[0].weight.detach().numpy().T.ravel()))',
    ].join('\n'),
    [path],
  );
  const kernel = out.trim().split(' ').map(Number);
  const result = importOnnx(new Uint8Array(readFileSync(path)), 'mlp');
  if (!result.ok) throw new Error(result.error);
  expect(result.ir.ops.map((op) => `${op.type}:${op.params.activation ?? ''}`)).toEqual([
    'Input:',
    'Dense:relu',
    'Dense:softmax',
  ]);
  expect(result.ir.totals.total).toBe(6 * 5 + 5 + 5 * 3 + 3);
  const first = result.weights!.get(result.ir.ops[1]!.name)!;
  expect(first[0]!.shape).toEqual([6, 5]);
  Array.from(first[0]!.data).forEach((v, i) => expect(v).toBeCloseTo(kernel[i]!, 6));
});

/**
 * Issue 11, item 6: a plain torch.onnx.export of a CNN (input [N, 3, H, W]) imports; the
 * imported model takes the same batch channels-last and gives PyTorch's outputs within 1e-4.
 */
it.each([
  [
    'conv, batch norm, pooling, flatten, linear',
    'nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 5, (2, 1)), nn.Tanh(), nn.Flatten(), nn.Dropout(0.3), nn.Linear(45, 6), nn.Softmax(dim=-1)',
  ],
  [
    'global average pooling head',
    'nn.Conv2d(3, 6, (3, 2), stride=(1, 2)), nn.ReLU(), nn.MaxPool2d(2, stride=1), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 3)',
  ],
])(
  'a PyTorch CNN (%s) exported with torch.onnx.export imports and agrees within 1e-4',
  async (title, layers) => {
    await tf.setBackend('cpu');
    const path = join(dir, `cnn-${title.length}.onnx`);
    const out = python(
      [
        'import sys, json, torch, torch.nn as nn',
        'torch.manual_seed(0)',
        'H = 9',
        `m = nn.Sequential(${layers})`,
        'for mod in m.modules():',
        '    if isinstance(mod, nn.BatchNorm2d):',
        '        mod.running_mean.uniform_(-0.5, 0.5); mod.running_var.uniform_(0.5, 2.0)',
        '        mod.weight.data.uniform_(0.5, 1.5); mod.bias.data.uniform_(-0.5, 0.5)',
        'm = m.eval()',
        'x = torch.rand(2, 3, H, 7) * 2 - 1',
        'torch.onnx.export(m, x, sys.argv[1], opset_version=13, input_names=["image"], output_names=["y"], dynamic_axes={"image": {0: "batch"}, "y": {0: "batch"}})',
        'with torch.no_grad(): y = m(x)',
        'print(json.dumps({"x": x.permute(0, 2, 3, 1).reshape(-1).tolist(), "y": y.reshape(-1).tolist(), "yshape": list(y.shape)}))',
      ].join('\n'),
      [path],
    );
    const want = JSON.parse(out) as { x: number[]; y: number[]; yshape: number[] };
    const result = importOnnx(new Uint8Array(readFileSync(path)), 'cnn');
    if (!result.ok) throw new Error(result.error);
    expect(result.ir.ops[0]!.params.shape).toEqual([9, 7, 3]); // channels last
    const model = buildModel(tf, result.ir);
    setModelWeights(tf, model, result.ir, result.weights!);
    const y = tf.tidy(() => model.predict(tf.tensor(want.x, [2, 9, 7, 3])) as tf.Tensor);
    expect(y.shape).toEqual(want.yshape);
    const got = await y.data();
    y.dispose();
    model.dispose();
    let worst = 0;
    got.forEach((v: number, i: number) => (worst = Math.max(worst, Math.abs(v - want.y[i]!))));
    expect(worst).toBeLessThan(1e-4);
  },
);
