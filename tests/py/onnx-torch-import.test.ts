// An ONNX file made by another exporter (torch.onnx.export, python3-torch) imports as a graph.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importOnnx } from '../../shared/import/onnx.ts';
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
