import { describe, expect, it } from 'vitest';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { trainRefusal } from '../../renderer/training/trainGate.ts';

function irOf(id: string): ModelIR {
  const lowered = lowerGraph(loadTemplate(id).graph);
  if (!lowered.ok) throw new Error(`${id} does not lower`);
  return lowered.ir;
}

describe('Train refused when one batch of activations is over the budget', () => {
  it('MNIST CNN, default 2 GiB budget: 13,844 fits, 13,845 does not', () => {
    // Values kept per example, by hand from the template's shapes (Flatten is a view, keeps 0):
    // input 28·28·1 = 784, conv_1 26·26·32 = 21,632, pool_1 13·13·32 = 5,408,
    // conv_2 11·11·64 = 7,744, pool_2 5·5·64 = 1,600, dropout 1,600, dense 10: 38,778 values,
    // 155,112 bytes. 2^31 / 155,112 = 13,844.7…, so 13,844 is the largest batch that fits.
    const ops = irOf('mnist-cnn').ops;
    expect(trainRefusal(ops, 128)).toBeNull();
    expect(trainRefusal(ops, 13_844)).toBeNull();
    expect(trainRefusal(ops, 13_845)).toEqual({
      // 13,845 · 155,112 B = 2,147,525,640 B = 2.0000395… GiB: both round to 2.00 GiB, so bytes.
      reason:
        'Batch size 13,845 needs 2,147,525,640 B of activations, over the 2,147,483,648 B limit: ' +
        'use a batch size of 13,844 or less',
      maxBatchSize: 13_844,
    });
    // 65,536 · 155,112 B = 10,165,420,032 B = 9.467… GiB.
    expect(trainRefusal(ops, 65_536)?.reason).toBe(
      'Batch size 65,536 needs 9.47 GiB of activations, over the 2.00 GiB limit: ' +
        'use a batch size of 13,844 or less',
    );
  });

  it('MNIST MLP against a small budget: exactly at it passes, one example over refuses', () => {
    // 784 + 128 + 64 + 10 = 986 values per example, 3,944 bytes; 10 examples = 39,440 bytes.
    const ops = irOf('mnist-mlp').ops;
    const budget = { weightBytes: 2 ** 31, activationBytesPerBatch: 39_440 };
    expect(trainRefusal(ops, 10, budget)).toBeNull();
    expect(trainRefusal(ops, 11, budget)).toEqual({
      // 11 · 3,944 = 43,384 B = 42.37 KiB; 39,440 B = 38.52 KiB.
      reason:
        'Batch size 11 needs 42.4 KiB of activations, over the 38.5 KiB limit: ' +
        'use a batch size of 10 or less',
      maxBatchSize: 10,
    });
    // The largest batch the settings accept (65,536) fits the default budget: 258 MB.
    expect(trainRefusal(ops, 65_536)).toBeNull();
  });

  it('leaves a model whose single example is over the budget to analysis (E017)', () => {
    const ops = irOf('mnist-mlp').ops;
    expect(trainRefusal(ops, 4, { weightBytes: 2 ** 31, activationBytesPerBatch: 3_943 })).toBe(
      null,
    );
    expect(trainRefusal([], 1_000)).toBeNull();
  });
});
