import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../../shared/onnx/export.ts';
import { importOnnx } from '../../shared/import/onnx.ts';
import { TEMPLATES, loadTemplate } from '../../shared/templates/index.ts';
import { everyOpGraph, lower, modelWithRandomWeights, unsupportedOnnx } from './onnx-helpers.ts';
import { opView, weightsView } from './import-helpers.ts';
import { graphOf } from './graph-builder.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tf.disposeVariables());

const cases: [string, () => ReturnType<typeof everyOpGraph>][] = [
  ...TEMPLATES.map((t): [string, () => ReturnType<typeof everyOpGraph>] => [
    t.id,
    () => loadTemplate(t.id).graph,
  ]),
  ['every op', everyOpGraph],
];

describe('ONNX import', () => {
  it.each(cases)('%s: graph → ONNX → import gives the same graph and weights', async (_, graph) => {
    const ir = lower(graph());
    const { model, weights } = await modelWithRandomWeights(ir, 3);
    model.dispose();
    const result = importOnnx(exportOnnx(ir, weights));
    if (!result.ok) throw new Error(result.error);
    // ONNX has no Dropout at inference: the import has none either.
    expect(opView(result.ir)).toEqual(opView(ir, { dropDropout: true }));
    expect(weightsView(result.weights!)).toEqual(weightsView(weights));
    // Laid out: distinct positions, inputs above the blocks they feed.
    const pos = new Map(result.project.graph.nodes.map((n) => [n.id, n.position]));
    expect(new Set([...pos.values()].map((p) => `${p.x},${p.y}`)).size).toBe(pos.size);
    for (const e of result.project.graph.edges)
      expect(pos.get(e.source)!.y).toBeLessThan(pos.get(e.target)!.y);
  });

  it('keeps a Dense + standalone Activation apart from a Dense with a fused activation', async () => {
    const ir = lower(
      graphOf(
        [
          ['in', 'Input', { shape: [3] }],
          ['a', 'Dense', { units: 4, activation: 'linear' }],
          ['r', 'Activation', { activation: 'relu' }],
          ['b', 'Dense', { units: 2, activation: 'relu' }],
        ],
        ['in->a', 'a->r', 'r->b'],
      ),
    );
    const { model, weights } = await modelWithRandomWeights(ir);
    model.dispose();
    const result = importOnnx(exportOnnx(ir, weights));
    if (!result.ok) throw new Error(result.error);
    expect(result.ir.ops.map((op) => `${op.type}:${op.params.activation ?? ''}`)).toEqual([
      'Input:',
      'Dense:linear',
      'Activation:relu',
      'Dense:relu',
    ]);
  });

  it('lists every unsupported operator in one message and imports nothing', async () => {
    const { bytes, hardSwish, lpPool } = await unsupportedOnnx();
    const result = importOnnx(bytes);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain('Cannot import this ONNX model');
    expect(result.error).toContain(`node "${hardSwish}" (HardSwish)`);
    expect(result.error).toContain(`node "${lpPool}" (LpPool)`);
    expect(result.error).toContain('Nothing was imported');
    expect(result.error.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(2);
  });

  it('rejects bytes that are not ONNX with a message', () => {
    const result = importOnnx(new TextEncoder().encode('{"not": "onnx"}'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^Cannot import this file as ONNX/);
  });
});
