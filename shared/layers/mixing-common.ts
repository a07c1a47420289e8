import type { Shape } from '../shape.ts';
import { formatShape } from '../shape.ts';
import { broadcastShapes } from './broadcast.ts';
import type { ShapeResult } from './types.ts';
import { ok } from './types.ts';

/**
 * Output shape of an element-wise merge (Multiply, Subtract, Average, Maximum, Minimum): Keras's
 * broadcasting rule, as for Add (see `broadcastShapes`; keras/src/layers/merging/base_merge.py
 * `_compute_elemwise_op_output_shape`). Shapes are per example (batch axis not counted); e.g.
 * `(4, 3)` and `(1, 3)` → `(4, 3)`. E002 naming the layer when two sizes differ and neither is 1.
 */
export function elementwiseMergeShape(layer: string, inputs: readonly Shape[]): ShapeResult {
  const shape = broadcastShapes(inputs);
  if (!shape) {
    return {
      ok: false,
      code: 'E002',
      message: `${layer} needs inputs whose sizes match, or are 1, on each axis (counted from the last) but gets ${inputs.map(formatShape).join(' and ')}`,
    };
  }
  return ok(shape);
}

/**
 * A Keras axis (0 = batch axis; negative counts from the end) made positive for a tensor of
 * per-example rank `rank` (batch axis not counted): `-1` on `(5, 3)` → 2. Returns `null` for the
 * batch axis or an axis that does not exist (Keras raises on both).
 */
export function kerasAxis(axis: number, rank: number): number | null {
  const a = axis < 0 ? axis + rank + 1 : axis;
  return a >= 1 && a <= rank ? a : null;
}
