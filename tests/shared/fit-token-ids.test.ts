/**
 * An Embedding whose input_dim is smaller than the text set's token ids is caught before training
 * (it failed in TF.js's Gather: "the index value 360 is not in [0, 99]"), on the Embedding block,
 * with the fix; one as large as the vocabulary passes.
 */
import { describe, expect, it } from 'vitest';
import { builtinDatasetInfo, checkDatasetFit } from '../../shared/datasets/fit.ts';
import { graphOf } from './graph-builder.ts';
import { lower } from './onnx-helpers.ts';

function textModel(inputDim: number) {
  return lower(
    graphOf(
      [
        ['in', 'Input', { shape: [16], dtype: 'int32' }],
        ['emb', 'Embedding', { input_dim: inputDim, output_dim: 8 }],
        ['pool', 'GlobalAveragePooling1D', {}],
        ['out', 'Dense', { units: 4, activation: 'softmax' }],
      ],
      ['in->emb', 'emb->pool', 'pool->out'],
    ),
  );
}

describe('Embedding input_dim against the tokenizer', () => {
  const info = builtinDatasetInfo({
    dataset: 'topics',
    tokenizer: { vocabSize: 1000, sequenceLength: 16 },
  })!;

  it('input_dim 100 < 1000 ids: a problem on the Embedding with the fix', () => {
    const problems = checkDatasetFit(textModel(100), info, 'auto');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.nodeId).toBe('emb');
    expect(problems[0]!.message).toContain('input_dim 100');
    expect(problems[0]!.message).toContain('token ids up to 999');
    expect(problems[0]!.fix).toEqual({
      title: 'Set input_dim to 1000',
      params: { input_dim: 1000 },
    });
  });

  it('input_dim equal to the vocabulary size fits', () => {
    expect(checkDatasetFit(textModel(1000), info, 'auto')).toEqual([]);
  });
});
