/**
 * Keras / TF.js import of the sequence kinds: a TF.js model.json (+ weights) made by Netwright
 * imports back to the same blocks and weights, and a Keras 3 `to_json()` with the wrapped layer
 * nested in Bidirectional imports to the flat block params.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfjsLayersFiles, TFJS_WEIGHTS_FILE } from '../../shared/export/tfjs-layers.ts';
import { importKerasJson } from '../../shared/import/keras.ts';
import { importOnnx } from '../../shared/import/onnx.ts';
import { exportOnnx } from '../../shared/onnx/export.ts';
import { graphOf } from './graph-builder.ts';
import { opView, weightsView } from './import-helpers.ts';
import { lower, modelWithRandomWeights } from './onnx-helpers.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tf.disposeVariables());

const text = () =>
  graphOf(
    [
      ['in', 'Input', { shape: [7], dtype: 'int32' }],
      ['emb', 'Embedding', { input_dim: 20, output_dim: 4 }],
      [
        'bi',
        'Bidirectional',
        { layer: 'GRU', units: 3, return_sequences: true, merge_mode: 'sum' },
      ],
      ['rnn', 'SimpleRNN', { units: 3, activation: 'relu', return_sequences: true }],
      ['gru', 'GRU', { units: 2, return_sequences: true, use_bias: false }],
      ['lstm', 'LSTM', { units: 2 }],
    ],
    ['in->emb', 'emb->bi', 'bi->rnn', 'rnn->gru', 'gru->lstm'],
  );

const series = () =>
  graphOf(
    [
      ['in', 'Input', { shape: [6, 2] }],
      ['bi', 'Bidirectional', { layer: 'LSTM', units: 3 }],
    ],
    ['in->bi'],
  );

describe('sequence kinds: Keras / TF.js import', () => {
  it.each([
    ['token ids through every cell', text],
    ['Bidirectional LSTM on a series', series],
  ])('%s: TF.js model.json + weights → the same blocks and weights', async (_, graph) => {
    const ir = lower(graph());
    const { model, weights } = await modelWithRandomWeights(ir, 3);
    const files = await tfjsLayersFiles(tf, model);
    model.dispose();
    const result = importKerasJson(files.modelJson, { [TFJS_WEIGHTS_FILE]: files.weights });
    if (!result.ok) throw new Error(result.error);
    expect(opView(result.ir)).toEqual(opView(ir));
    expect(result.ir.ops[0]!.params.dtype).toBe(ir.ops[0]!.params.dtype);
    expect(weightsView(result.weights!)).toEqual(weightsView(weights));
  });

  it('reads a Keras 3 to_json() with Bidirectional(LSTM) nested, int32 input', () => {
    // The shape of keras.Sequential([...]).to_json() in Keras 3 (keras/src/models/sequential.py
    // get_config; Bidirectional.get_config nests {"layer": serialize(layer), "merge_mode"}).
    const json = {
      class_name: 'Sequential',
      config: {
        name: 'seq',
        layers: [
          {
            class_name: 'InputLayer',
            config: { name: 'in', batch_shape: [null, 10], dtype: 'int32' },
          },
          {
            class_name: 'Embedding',
            config: { name: 'emb', input_dim: 100, output_dim: 8, mask_zero: false },
          },
          {
            class_name: 'Bidirectional',
            config: {
              name: 'bi',
              merge_mode: 'ave',
              layer: {
                module: 'keras.layers',
                class_name: 'LSTM',
                config: {
                  name: 'lstm',
                  units: 5,
                  activation: 'tanh',
                  recurrent_activation: 'sigmoid',
                  use_bias: true,
                  return_sequences: true,
                  dropout: 0.0,
                },
              },
            },
          },
          { class_name: 'GRU', config: { name: 'gru', units: 4, reset_after: true } },
        ],
      },
    };
    const result = importKerasJson(JSON.stringify(json));
    if (!result.ok) throw new Error(result.error);
    const ops = result.ir.ops;
    expect(ops.map((o) => o.type)).toEqual(['Input', 'Embedding', 'Bidirectional', 'GRU']);
    expect(ops[0]!.params).toMatchObject({ shape: [10], dtype: 'int32' });
    expect(ops[2]!.params).toMatchObject({
      layer: 'LSTM',
      units: 5,
      return_sequences: true,
      merge_mode: 'ave',
    });
    expect(ops[3]!.outputShape).toEqual([4]);
  });

  it('refuses what Netwright cannot run, naming the setting', () => {
    const json = {
      class_name: 'Sequential',
      config: {
        name: 'seq',
        layers: [
          { class_name: 'InputLayer', config: { name: 'in', batch_shape: [null, 10, 3] } },
          { class_name: 'GRU', config: { name: 'g', units: 4, reset_after: false } },
          { class_name: 'LSTM', config: { name: 'l', units: 4, recurrent_dropout: 0.2 } },
        ],
      },
    };
    const result = importKerasJson(JSON.stringify(json));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain('layer "g" (GRU): GRU with reset_after=False');
    expect(result.error).toContain('layer "l" (LSTM): LSTM with recurrent_dropout 0.2');
  });
});

describe('sequence kinds: ONNX import', () => {
  it.each([
    [
      'Embedding on (6) ids, then Dense',
      () =>
        graphOf(
          [
            ['in', 'Input', { shape: [6], dtype: 'int32' }],
            ['emb', 'Embedding', { input_dim: 11, output_dim: 4 }],
            ['d', 'Dense', { units: 2 }],
          ],
          ['in->emb', 'emb->d'],
        ),
    ],
    [
      'Embedding on (2, 3) ids',
      () =>
        graphOf(
          [
            ['in', 'Input', { shape: [2, 3], dtype: 'int32' }],
            ['emb', 'Embedding', { input_dim: 5, output_dim: 2 }],
          ],
          ['in->emb'],
        ),
    ],
  ])('%s: Netwright ONNX → import gives the same blocks and weights', async (_, graph) => {
    const ir = lower(graph());
    const { model, weights } = await modelWithRandomWeights(ir, 5);
    model.dispose();
    const result = importOnnx(exportOnnx(ir, weights));
    if (!result.ok) throw new Error(result.error);
    expect(opView(result.ir)).toEqual(opView(ir));
    expect(result.ir.ops[0]!.params.dtype).toBe('int32');
    expect(weightsView(result.weights!)).toEqual(weightsView(weights));
  });

  const onSeq = (shape: number[], type: string, params: Record<string, unknown>) => () =>
    graphOf(
      [
        ['in', 'Input', { shape }],
        ['k', type, params],
        ['d', 'Dense', { units: 2 }],
      ],
      ['in->k', 'k->d'],
    );
  it.each([
    ['LSTM, last step', onSeq([5, 3], 'LSTM', { units: 4 })],
    [
      'SimpleRNN relu without bias, sequences',
      onSeq([4, 2], 'SimpleRNN', {
        units: 3,
        activation: 'relu',
        use_bias: false,
        return_sequences: true,
      }),
    ],
    ['GRU, sequences', onSeq([4, 3], 'GRU', { units: 2, return_sequences: true })],
    ['Bidirectional LSTM concat', series],
    [
      'Bidirectional GRU sum, sequences',
      onSeq([4, 3], 'Bidirectional', {
        layer: 'GRU',
        units: 2,
        merge_mode: 'sum',
        return_sequences: true,
      }),
    ],
    [
      'Bidirectional SimpleRNN mul',
      onSeq([4, 3], 'Bidirectional', { layer: 'SimpleRNN', units: 2, merge_mode: 'mul' }),
    ],
    [
      'Bidirectional LSTM ave, sequences',
      onSeq([4, 3], 'Bidirectional', {
        layer: 'LSTM',
        units: 2,
        merge_mode: 'ave',
        return_sequences: true,
      }),
    ],
    ['token ids through every cell', text],
  ])('%s: Netwright ONNX → import gives the same blocks and weights', async (_, graph) => {
    const ir = lower(graph());
    const { model, weights } = await modelWithRandomWeights(ir, 5);
    model.dispose();
    const result = importOnnx(exportOnnx(ir, weights));
    if (!result.ok) throw new Error(result.error);
    expect(opView(result.ir)).toEqual(opView(ir));
    // LSTM/SimpleRNN: the one Keras bias comes back as ONNX's two biases added (one is 0).
    expect(weightsView(result.weights!)).toEqual(weightsView(weights));
  });
});
