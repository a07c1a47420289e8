/**
 * ONNX files made by another exporter (torch.onnx.export, python3-torch) with the conv1d group's
 * operators import as blocks and give PyTorch's outputs within 1e-4: a sequence model (input
 * `(N, steps, C)`, permuted to NCW inside, Conv1d, pooling, a mean or max over steps) and an image
 * model (a max over height and width of NCHW maps). PyTorch 1.13 writes ZeroPad2d, Upsample and
 * slicing with `Constant` nodes, which the ONNX importer does not read yet (any kind): those forms
 * are covered by Netwright's own files (tests/shared/import-onnx-conv1d.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setModelWeights } from '../../shared/export/weights.ts';
import { importOnnx } from '../../shared/import/onnx.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { python } from '../shared/onnx-helpers.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netwright-torch-onnx-conv1d-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it.each([
  [
    'sequence: Conv1d stride 2, ReLU, MaxPool1d, mean over steps',
    [13, 3],
    [
      'class M(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.conv = nn.Conv1d(3, 4, 3, stride=2)',
      '        self.max = nn.MaxPool1d(2)',
      '    def forward(self, x):',
      '        v = torch.relu(self.conv(x.permute(0, 2, 1)))',
      '        v = self.max(v).permute(0, 2, 1)',
      '        return v.mean(dim=1)',
    ],
    ['Input', 'Conv1D', 'MaxPooling1D', 'GlobalAveragePooling1D'],
  ],
  [
    'sequence: max over steps',
    [6, 2],
    ['class M(nn.Module):', '    def forward(self, x):', '        return x.amax(dim=1)'],
    ['Input', 'GlobalMaxPooling1D'],
  ],
  [
    'image: Conv2d, max over height and width',
    [5, 4, 2],
    [
      'class M(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.conv = nn.Conv2d(2, 3, 3)',
      '    def forward(self, x):',
      '        return torch.tanh(self.conv(x)).amax(dim=(2, 3))',
    ],
    ['Input', 'Conv2D', 'GlobalMaxPooling2D'],
  ],
] as const)(
  'a PyTorch model (%s) exported with torch.onnx.export imports and agrees within 1e-4',
  async (title, shape, source, kinds) => {
    await tf.setBackend('cpu');
    const image = shape.length === 3;
    const path = join(dir, `m-${title.length}.onnx`);
    // Images: PyTorch takes (N, C, H, W); the imported model takes them channels last.
    const torchShape = image
      ? `2, ${shape[2]}, ${shape[0]}, ${shape[1]}`
      : `2, ${shape.join(', ')}`;
    const out = python(
      [
        'import sys, json, torch, torch.nn as nn',
        'torch.manual_seed(0)',
        ...source,
        'm = M().eval()',
        `x = torch.rand(${torchShape}) * 2 - 1`,
        'torch.onnx.export(m, x, sys.argv[1], opset_version=13, input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})',
        'with torch.no_grad(): y = m(x)',
        `xs = x.permute(0, 2, 3, 1) if ${image ? 'True' : 'False'} else x`,
        'print(json.dumps({"x": xs.reshape(-1).tolist(), "y": y.reshape(-1).tolist(), "yshape": list(y.shape)}))',
      ].join('\n'),
      [path],
    );
    const want = JSON.parse(out) as { x: number[]; y: number[]; yshape: number[] };
    const result = importOnnx(new Uint8Array(readFileSync(path)), 'm');
    if (!result.ok) throw new Error(result.error);
    expect(result.ir.ops.map((op) => op.type)).toEqual(kinds);
    expect(result.ir.ops[0]!.params.shape).toEqual(shape);
    const model = buildModel(tf, result.ir);
    if (result.weights) setModelWeights(tf, model, result.ir, result.weights);
    const y = tf.tidy(() => model.predict(tf.tensor(want.x, [2, ...shape])) as tf.Tensor);
    expect(y.shape).toEqual(want.yshape);
    const got = await y.data();
    y.dispose();
    model.dispose();
    let worst = 0;
    got.forEach((v: number, i: number) => (worst = Math.max(worst, Math.abs(v - want.y[i]!))));
    expect(worst).toBeLessThan(1e-4);
  },
);
