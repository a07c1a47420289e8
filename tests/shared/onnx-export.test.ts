import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../../shared/onnx/export.ts';
import { samePadding as samePads } from '../../shared/layers/layout.ts';
import { TEMPLATES, loadTemplate } from '../../shared/templates/index.ts';
import type { ModelIR } from '../../shared/ir/lower.ts';
import {
  everyOpGraph,
  lower,
  modelWithRandomWeights,
  python,
  randomArray,
  rng,
} from './onnx-helpers.ts';

let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  ort.env.wasm.numThreads = 1;
  dir = mkdtempSync(join(tmpdir(), 'netwright-onnx-'));
});
afterAll(() => {
  tf.disposeVariables();
  rmSync(dir, { recursive: true, force: true });
});

/** Exports `ir` with random weights; returns the largest |ONNX − TF.js| over a random batch. */
async function parity(ir: ModelIR, batch = 3): Promise<number> {
  const { model, weights } = await modelWithRandomWeights(ir, 7);
  const bytes = exportOnnx(ir, weights);
  const inShape = ir.ops[0]!.params.shape as number[];
  const size = batch * inShape.reduce((a, b) => a * b, 1);
  // Token ids (an int32 Input, text-classifier): ids below every Embedding's input_dim.
  const ids = ir.ops[0]!.params.dtype === 'int32';
  const vocab = Math.min(...ir.ops.map((op) => (op.params.input_dim as number) ?? Infinity));
  const random = rng(3);
  const x = ids
    ? Int32Array.from({ length: size }, () => Math.floor(random() * vocab))
    : randomArray(size, random);
  const shape = [batch, ...inShape];
  const expected = tf.tidy(() =>
    (model.predict(tf.tensor(x, shape, ids ? 'int32' : 'float32')) as tf.Tensor).dataSync(),
  );
  const session = await ort.InferenceSession.create(bytes);
  const result = await session.run({
    [session.inputNames[0]!]: ids
      ? new ort.Tensor('int32', x as Int32Array, shape)
      : new ort.Tensor('float32', x as Float32Array, shape),
  });
  const got = result[session.outputNames[0]!]!;
  expect(got.dims).toEqual([batch, ...ir.ops.at(-1)!.outputShape]);
  const data = got.data as Float32Array;
  expect(data.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(data[i]! - expected[i]!));
  await session.release();
  model.dispose();
  return worst;
}

describe('ONNX export', () => {
  it('computes TF SAME pads (asymmetric: the extra cell after)', () => {
    expect(samePads(9, 3, 2)).toEqual([1, 1]);
    expect(samePads(5, 2, 1)).toEqual([0, 1]);
    expect(samePads(28, 3, 1)).toEqual([1, 1]);
    expect(samePads(3, 2, 2)).toEqual([0, 1]);
  });

  it.each(TEMPLATES.map((t) => t.id))(
    'template %s: onnxruntime matches TF.js within 1e-4',
    async (id) => {
      const worst = await parity(lower(loadTemplate(id).graph));
      expect(worst).toBeLessThan(1e-4);
    },
  );

  it('a graph with every supported op matches TF.js within 1e-4', async () => {
    const worst = await parity(lower(everyOpGraph()), 4);
    expect(worst).toBeLessThan(1e-4);
  });

  it('python3-onnx checker accepts every exported model (opset 17)', async () => {
    // This test exports its own files: it must not rely on the parity tests having run first.
    const graphs = [...TEMPLATES.map((t) => loadTemplate(t.id).graph), everyOpGraph()];
    const written: string[] = [];
    for (const [i, graph] of graphs.entries()) {
      const ir = lower(graph);
      const { model, weights } = await modelWithRandomWeights(ir, 7);
      model.dispose();
      const path = join(dir, `model_${i}.onnx`);
      writeFileSync(path, exportOnnx(ir, weights));
      written.push(path);
    }
    const out = python(
      [
        'import sys, onnx',
        'for p in sys.argv[1:]:',
        '    m = onnx.load(p)',
        '    onnx.checker.check_model(m, full_check=True)',
        '    print(m.opset_import[0].version, len(m.graph.initializer))',
      ].join('\n'),
      written,
    );
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(written.length);
    for (const line of lines) expect(line.startsWith('17 ')).toBe(true);
  });
});
