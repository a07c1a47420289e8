import type { Shape } from '../shape.ts';
import type { BlockArithmetic } from '../layers/backends/explain.ts';
import { getLayer } from '../layers/registry.ts';
import type { ResolvedParams } from '../layers/types.ts';

/**
 * The arithmetic behind a block's parameter count and output shape, as a learner would write it:
 * "784 × 128 weights + 128 biases = 100,480", "(28 − 3) / 1 + 1 = 26".
 */
export type { BlockArithmetic };

/**
 * Arithmetic for a block given its type, resolved params and input shapes (per example,
 * channels-last, in port order), from its kind's `explain.arithmetic` hook; `no weights` for a
 * kind without one, and nothing for a block without inputs (Input) or an unknown kind.
 */
export function explainArithmetic(
  type: string,
  params: ResolvedParams,
  inputs: readonly Shape[],
): BlockArithmetic {
  const def = getLayer(type);
  if (!inputs[0] || !def) return {};
  return def.explain.arithmetic ? def.explain.arithmetic(params, inputs) : { params: 'no weights' };
}
