import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfjsLayersFiles, TFJS_WEIGHTS_FILE } from '../../shared/export/tfjs-layers.ts';
import { importKerasJson } from '../../shared/import/keras.ts';
import { TEMPLATES, loadTemplate } from '../../shared/templates/index.ts';
import { everyOpGraph, lower, modelWithRandomWeights } from './onnx-helpers.ts';
import { opView, weightsView } from './import-helpers.ts';

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
  // Add(d, d): the TF.js model reads the repeat through an identity layer (build-model.ts).
  [
    'a merge reading one tensor twice',
    () => ({
      nodes: [
        { id: 'in', type: 'Input', params: { shape: [4] }, position: { x: 0, y: 0 } },
        { id: 'd', type: 'Dense', params: { units: 3 }, position: { x: 0, y: 1 } },
        { id: 'sum', type: 'Add', params: {}, position: { x: 0, y: 2 } },
        { id: 'sum2', type: 'Add', params: {}, position: { x: 0, y: 3 } },
      ],
      edges: [
        { id: 'e0', source: 'in', target: 'd' },
        { id: 'e1', source: 'd', target: 'sum', targetHandle: '0' },
        { id: 'e2', source: 'd', target: 'sum', targetHandle: '1' },
        { id: 'e3', source: 'sum', target: 'sum2', targetHandle: '0' },
        { id: 'e4', source: 'd', target: 'sum2', targetHandle: '1' },
      ],
    }),
  ],
];

describe('TF.js / Keras JSON import', () => {
  it.each(cases)(
    '%s: TF.js model.json + weights → import gives the same graph and weights',
    async (_, graph) => {
      const ir = lower(graph());
      const { model, weights } = await modelWithRandomWeights(ir, 9);
      const files = await tfjsLayersFiles(tf, model);
      model.dispose();
      const result = importKerasJson(files.modelJson, { [TFJS_WEIGHTS_FILE]: files.weights });
      if (!result.ok) throw new Error(result.error);
      expect(opView(result.ir)).toEqual(opView(ir, { resolveReshape: true }));
      expect(weightsView(result.weights!)).toEqual(weightsView(weights));
    },
  );

  it('model.toJSON() (topology only) imports without weights, with a note', async () => {
    const ir = lower(loadTemplate('residual-block').graph);
    const { model } = await modelWithRandomWeights(ir);
    const result = importKerasJson(model.toJSON(null, true) as string);
    model.dispose();
    if (!result.ok) throw new Error(result.error);
    expect(result.weights).toBeNull();
    expect(result.notes.join(' ')).toMatch(/no weights/);
    expect(opView(result.ir)).toEqual(opView(ir));
  });

  it('reads a Keras 3 functional to_json()', () => {
    const text = readFileSync(
      new URL('../fixtures/onnx/keras3-functional.json', import.meta.url),
      'utf8',
    );
    const result = importKerasJson(text);
    if (!result.ok) throw new Error(result.error);
    expect(result.project.name).toBe('tiny_resnet');
    expect(result.ir.ops.map((op) => `${op.name}:${op.type}`)).toEqual([
      'pixels:Input',
      'stem:Conv2D',
      'bn:BatchNormalization',
      'skip:Add',
      'gap:GlobalAveragePooling2D',
      // `logits` is reserved in generated code: the block gets a safe name.
      'logits_layer:Dense',
    ]);
    const skip = result.ir.ops.find((op) => op.name === 'skip')!;
    expect(skip.inputs).toEqual(['bn', 'stem']);
    expect(result.ir.ops.find((op) => op.name === 'stem')!.params).toMatchObject({
      padding: 'same',
      activation: 'relu',
      filters: 4,
    });
    expect(result.ir.totals.total).toBe(3 * 3 * 3 * 4 + 4 + 4 * 4 + 4 * 3 + 3);
  });

  it('lists every unsupported layer in one message and imports nothing', () => {
    const json = {
      class_name: 'Sequential',
      config: {
        name: 'seq',
        layers: [
          { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 10, 4] } },
          { class_name: 'ConvLSTM1D', config: { name: 'conv_lstm', filters: 8 } },
          { class_name: 'Dense', config: { name: 'd', units: 3, activation: 'hard_sigmoid' } },
          { class_name: 'Dense', config: { name: 'ok', units: 3, activation: 'relu' } },
        ],
      },
    };
    const result = importKerasJson(JSON.stringify(json));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain('Cannot import this Keras model');
    expect(result.error).toContain('layer "conv_lstm" (ConvLSTM1D)');
    expect(result.error).toContain('layer "d" (Dense): activation "hard_sigmoid"');
    expect(result.error.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(2);
  });

  it('a model.json whose weight file is missing fails with its name', async () => {
    const ir = lower(loadTemplate('toy-2d-classifier').graph);
    const { model } = await modelWithRandomWeights(ir);
    const files = await tfjsLayersFiles(tf, model);
    model.dispose();
    const result = importKerasJson(files.modelJson, {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(`${TFJS_WEIGHTS_FILE} not found`);
  });

  it('an invalid JSON text gets a message, not a crash', () => {
    const result = importKerasJson('{"class_name": ');
    expect(result.ok).toBe(false);
  });
});
