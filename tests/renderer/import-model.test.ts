import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTfjsLayers, TFJS_WEIGHTS_FILE } from '../../shared/export/tfjs-layers.ts';
import { exportOnnx } from '../../shared/onnx/export.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { importModelFiles } from '../../renderer/project/importModel.ts';
import { lower, modelWithRandomWeights } from '../shared/onnx-helpers.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tf.disposeVariables());

const text = (s: string) => new TextEncoder().encode(s);

describe('importModelFiles', () => {
  it('imports an ONNX file named after the file, weights in the project section', async () => {
    const ir = lower(loadTemplate('toy-2d-classifier').graph);
    const { model, weights } = await modelWithRandomWeights(ir);
    model.dispose();
    const result = importModelFiles([{ name: 'spiral.onnx', bytes: exportOnnx(ir, weights) }]);
    if (!result.ok) throw new Error(result.error);
    expect(result.project.name).toBe('spiral');
    expect(result.hasWeights).toBe(true);
    // By hand: Dense 2→16, 16→16, 16→1: (2·16 + 16) + (16·16 + 16) + (16 + 1) = 337.
    expect(result.params).toBe(337);
    expect((result.project.weights as { layers: unknown[] }).layers).toHaveLength(3);
  });

  it('matches TF.js weight files by name; without any .bin it imports without weights', async () => {
    const ir = lower(loadTemplate('toy-2d-classifier').graph);
    const { model, weights } = await modelWithRandomWeights(ir);
    model.dispose();
    const files = await exportTfjsLayers(tf, ir, weights);
    const json = { name: 'model.json', bytes: text(files.modelJson) };
    const withWeights = importModelFiles([json, { name: TFJS_WEIGHTS_FILE, bytes: files.weights }]);
    if (!withWeights.ok) throw new Error(withWeights.error);
    expect(withWeights.hasWeights).toBe(true);
    const bare = importModelFiles([json]);
    if (!bare.ok) throw new Error(bare.error);
    expect(bare.hasWeights).toBe(false);
    expect(bare.project.weights).toBeUndefined();
    // The note names the weight file that was not picked (issue 13 item 6).
    expect(bare.notes.join('\n')).toContain(
      `model.json names the weight file ${TFJS_WEIGHTS_FILE}, not picked`,
    );
    expect(bare.notes.join('\n')).not.toContain('The model file has no weights');
    // A .bin that is not the one the manifest names: the importer says which is missing.
    const wrong = importModelFiles([json, { name: 'other.bin', bytes: files.weights }]);
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error).toContain(`${TFJS_WEIGHTS_FILE} not found`);
  });

  it('refuses no model, two models, other files and bad JSON with one message', () => {
    const cases: [Parameters<typeof importModelFiles>[0], RegExp][] = [
      [[{ name: 'w.bin', bytes: new Uint8Array(4) }], /no model among the picked files/],
      [
        [
          { name: 'a.onnx', bytes: new Uint8Array(4) },
          { name: 'b.json', bytes: text('{}') },
        ],
        /one model at a time/,
      ],
      [[{ name: 'notes.txt', bytes: text('hi') }], /"notes.txt": not a model file/],
      [[{ name: 'm.json', bytes: text('{nope') }], /"m.json": not valid JSON/],
      [[{ name: 'm.onnx', bytes: text('{"not": "onnx"}') }], /^Cannot import this file as ONNX/],
    ];
    for (const [files, message] of cases) {
      const result = importModelFiles(files);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(message);
    }
  });
});
