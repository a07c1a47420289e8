import type { Shape } from '../shape.ts';

/**
 * The shape of an element-wise merge of `inputs` (per-example shapes, batch axis not counted),
 * by Keras's rule (keras/src/layers/merging/base_merge.py `_compute_elemwise_op_output_shape`):
 * shapes are aligned on their last axis, and on each axis the sizes must be equal or one of them
 * 1 (NumPy broadcasting); a shorter shape gets size-1 axes after the batch axis. E.g.
 * `(4, 4, 3) + (4, 4, 1)` → `(4, 4, 3)`, `(4, 4, 3) + (3)` → `(4, 4, 3)`. Returns `null` when
 * two sizes differ and neither is 1.
 */
export function broadcastShapes(inputs: readonly Shape[]): Shape | null {
  const rank = Math.max(...inputs.map((s) => s.length));
  const out: number[] = Array.from({ length: rank }, () => 1);
  for (const shape of inputs) {
    const offset = rank - shape.length;
    for (let i = 0; i < shape.length; i++) {
      const d = shape[i]!;
      const o = out[offset + i]!;
      if (o === 1) out[offset + i] = d;
      else if (d !== 1 && d !== o) return null;
    }
  }
  return out;
}
