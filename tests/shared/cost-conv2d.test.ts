/**
 * Cost (FLOPs, parameters, kept values) and explanation arithmetic of the conv2d group's kinds,
 * every expected number worked out by hand in the comments (conventions of shared/cost/cost.ts:
 * a multiply-add is 2 FLOPs, an element-wise op 1 per value, training 3 × forward unless a kind
 * says otherwise).
 */
import { describe, expect, it } from 'vitest';
import { modelCost } from '../../shared/cost/cost.ts';
import { explainArithmetic } from '../../shared/explain/arithmetic.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { graphOf } from './graph-builder.ts';

function irOf(graph: Parameters<typeof lowerGraph>[0]): ModelIR {
  const lowered = lowerGraph(graph);
  if (!lowered.ok) throw new Error(JSON.stringify(lowered.diagnostics));
  return lowered.ir;
}

const blocks: [string, string, Record<string, unknown>][] = [
  ['in', 'Input', { shape: [4, 4, 2] }],
  ['resc', 'Rescaling', { scale: 0.5, offset: 1 }],
  ['noise', 'GaussianNoise', { stddev: 0.1 }],
  ['dw', 'DepthwiseConv2D', { kernel_size: [3, 3], padding: 'same', depth_multiplier: 2 }],
  ['sd', 'SpatialDropout2D', { rate: 0.2 }],
  ['sep', 'SeparableConv2D', { filters: 3, kernel_size: [3, 3] }],
  ['up', 'Conv2DTranspose', { filters: 2, kernel_size: [2, 2], strides: [2, 2], use_bias: false }],
  ['perm', 'Permute', { dims: [3, 1, 2] }],
  ['gap', 'GlobalAveragePooling2D', {}],
  ['rep', 'RepeatVector', { n: 2 }],
];
const ir = irOf(
  graphOf(
    blocks,
    blocks.slice(1).map((b, i) => `${blocks[i]![0]}->${b[0]}`),
  ),
);

describe('conv2d kinds: cost by hand', () => {
  it('shapes along the chain', () => {
    // (4,4,2) → same 3×3 ×2 → (4,4,4) → valid 3×3 → (2,2,3) → 2×2 stride 2 valid: 2·2 + 0 = 4
    // → (4,4,2) → dims (3,1,2) → (2,4,4) → GAP → (4) → ×2 → (2,4).
    expect(ir.ops.map((op) => op.outputShape)).toEqual([
      [4, 4, 2],
      [4, 4, 2],
      [4, 4, 2],
      [4, 4, 4],
      [4, 4, 4],
      [2, 2, 3],
      [4, 4, 2],
      [2, 4, 4],
      [4],
      [2, 4],
    ]);
  });

  it('FLOPs, params and kept values', () => {
    const cost = modelCost(ir.ops, { batchSize: 2, optimizer: 'sgd' });
    // resc: ×, + on 32 values = 64. noise, sd, perm, rep: 0 at inference.
    // dw: 64 outputs × 3·3 multiply-adds = 1,152, + 64 biases = 1,216.
    // sep: depthwise 2·9·4 channels·2·2 = 288; pointwise 2·4·12 outputs = 96; 12 biases → 396.
    // up: each of the 2·2·3 = 12 inputs stamps 2·2·2 values: 2·8·12 = 192 (no bias).
    // gap: 32 adds (as GlobalAveragePooling2D counts its input).
    expect(cost.layers.map((l) => [l.id, l.forwardFlops])).toEqual([
      ['in', 0],
      ['resc', 64],
      ['noise', 0],
      ['dw', 1216],
      ['sd', 0],
      ['sep', 396],
      ['up', 192],
      ['perm', 0],
      ['gap', 32],
      ['rep', 0],
    ]);
    expect(cost.forwardFlops).toBe(1900);
    // 3 · 1,900 = 5,700; GaussianNoise draws and adds (2 · 32 = 64); SpatialDropout2D
    // multiplies by its mask (64).
    expect(cost.trainingFlops).toBe(5700 + 64 + 64);
    // dw 9·2·2 + 4 = 40; sep 9·4·1 + 4·3 + 3 = 51; up 2·2·2·3 = 24 → 115.
    expect(cost.params).toEqual({ trainable: 115, nonTrainable: 0, total: 115 });
    // Kept per example: 32 + 32 + 32 + 64 + 64 + 12 + 32 + 32 + 4 + 8 = 312; × 2 × 4 B.
    expect(cost.activationBytesPerBatch).toBe(312 * 2 * 4);
  });
});

describe('conv2d kinds: explanation arithmetic', () => {
  const op = (id: string) => ir.ops.find((o) => o.id === id)!;
  const arithmetic = (id: string) =>
    explainArithmetic(op(id).type, op(id).params, op(id).inputShapes);

  it('Conv2DTranspose: weights and the transposed output size', () => {
    expect(arithmetic('up')).toEqual({
      params: '2 × 2 × 2 filters × 3 channels = 24 (no bias)',
      shape: ['height: 2 × 2 + max(2 − 2, 0) = 4', 'width: 2 × 2 + max(2 − 2, 0) = 4'],
    });
  });

  it('DepthwiseConv2D and SeparableConv2D: their two kinds of weights', () => {
    expect(arithmetic('dw').params).toBe('3 × 3 × 2 channels × 2 per channel + 4 biases = 40');
    expect(arithmetic('sep').params).toBe(
      '3 × 3 × 4 × 1 depthwise + 4 × 3 pointwise + 3 biases = 51',
    );
  });
});
