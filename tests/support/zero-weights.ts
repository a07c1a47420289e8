import { expectedWeights, type ModelWeights } from '../../shared/export/weights.ts';
import type { ModelIR } from '../../shared/ir/lower.ts';

/**
 * All-zero weights for every op of `ir` that has weights, in the shapes and order
 * `expectedWeights` gives: the cheapest weights an export can be run with (big-graph tests and
 * the big-graph bench).
 */
export function zeroWeights(ir: ModelIR): ModelWeights {
  const weights: ModelWeights = new Map();
  for (const op of ir.ops) {
    const expected = expectedWeights(op);
    if (expected.length === 0) continue;
    weights.set(
      op.name,
      expected.map((w) => ({
        name: w.name,
        shape: w.shape,
        data: new Float32Array(w.shape.reduce((a, b) => a * b, 1)),
      })),
    );
  }
  return weights;
}
