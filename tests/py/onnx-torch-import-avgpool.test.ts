/**
 * Issue 11, item 6: PyTorch's `nn.AvgPool2d(..., padding=p)` as `torch.onnx.export` (torch 1.13)
 * writes it. With `count_include_pad=True` (PyTorch's default) the exporter writes a zero `Pad`
 * node (its pads an attribute at opset 9, a `Constant` node from opset 11) and an AveragePool
 * with no padding: that is ZeroPadding2D + AveragePooling2D 'valid', and the imported model gives
 * PyTorch's outputs within 1e-4. With `count_include_pad=False` it writes AveragePool with
 * explicit pads, whose average leaves the padding out: Keras has that only as 'same' padding, so
 * other pads are refused with a message naming the node.
 */
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
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netwright-torch-avgpool-'));
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Exports `nn.Sequential(features, *head)` at `opset` from a [2, 3, 8, 7] batch; `head` may say
 * `LIN` for the flattened feature count (measured by PyTorch). PyTorch's input (NHWC) and output.
 */
function exportTorch(features: string, head: string, opset: number, file: string) {
  const path = join(dir, file);
  const out = python(
    [
      'import sys, json, torch, torch.nn as nn',
      'torch.manual_seed(0)',
      `f = nn.Sequential(${features})`,
      'LIN = f(torch.zeros(1, 3, 8, 7)).numel()',
      `m = nn.Sequential(*f, ${head}).eval()`,
      'x = torch.rand(2, 3, 8, 7) * 2 - 1',
      `torch.onnx.export(m, x, sys.argv[1], opset_version=${opset}, input_names=["image"], output_names=["y"])`,
      'with torch.no_grad(): y = m(x)',
      'print(json.dumps({"x": x.permute(0, 2, 3, 1).reshape(-1).tolist(), "y": y.reshape(-1).tolist(), "yshape": list(y.shape)}))',
    ].join('\n'),
    [path],
  );
  return {
    bytes: new Uint8Array(readFileSync(path)),
    want: JSON.parse(out) as { x: number[]; y: number[]; yshape: number[] },
  };
}

it.each([
  [9, 'nn.AvgPool2d(2, stride=2, padding=1)', [2, 2]],
  [11, 'nn.AvgPool2d(3, stride=2, padding=1)', [3, 3]],
  [13, 'nn.AvgPool2d((3, 2), stride=1, padding=(1, 0), count_include_pad=True)', [3, 2]],
])(
  'opset %i: %s (Pad + AveragePool) imports as ZeroPadding2D + AveragePooling2D and agrees within 1e-4',
  async (opset, pool, poolSize) => {
    const { bytes, want } = exportTorch(
      `nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), ${pool}`,
      'nn.Flatten(), nn.Linear(LIN, 5)',
      opset,
      `avg-${opset}.onnx`,
    );
    const result = importOnnx(bytes, 'avg');
    if (!result.ok) throw new Error(result.error);
    expect(result.ir.ops.map((op) => op.type)).toEqual([
      'Input',
      'Conv2D',
      'ZeroPadding2D',
      'AveragePooling2D',
      'Flatten',
      'Dense',
    ]);
    const avg = result.ir.ops.find((op) => op.type === 'AveragePooling2D')!;
    expect(avg.params).toMatchObject({ pool_size: poolSize, padding: 'valid' });
    const model = buildModel(tf, result.ir);
    setModelWeights(tf, model, result.ir, result.weights!);
    const y = tf.tidy(() => model.predict(tf.tensor(want.x, [2, 8, 7, 3])) as tf.Tensor);
    expect(y.shape).toEqual(want.yshape);
    const got = await y.data();
    y.dispose();
    model.dispose();
    let worst = 0;
    got.forEach((v: number, i: number) => (worst = Math.max(worst, Math.abs(v - want.y[i]!))));
    expect(worst).toBeLessThan(1e-4);
  },
);

it('count_include_pad=False with padding is refused, naming the AveragePool node', () => {
  const { bytes } = exportTorch(
    'nn.Conv2d(3, 4, 3), nn.AvgPool2d(2, stride=2, padding=1, count_include_pad=False)',
    'nn.Flatten()',
    13,
    'avg-exclude.onnx',
  );
  const result = importOnnx(bytes, 'avg');
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error).toMatch(/node "[^"]*AveragePool[^"]*" \(AveragePool\)/);
  expect(result.error).toContain('count_include_pad=False');
});
