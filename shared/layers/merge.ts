import type { Shape } from '../shape.ts';
import { formatShape } from '../shape.ts';
import type { LayerDef } from './types.ts';
import { NO_PARAMS, ok } from './types.ts';

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

/**
 * Keras sets no limit on how many tensors a merge layer takes; neither does Netwright (one merge
 * port takes any number of wires).
 */
const ANY_NUMBER = Number.POSITIVE_INFINITY;

export const AddLayer: LayerDef = {
  type: 'Add',
  group: 'Merge',
  kerasName: 'Add',
  torchName: 'torch.add',
  summary:
    'Adds its inputs element by element (residual links); sizes must match or be 1, as in Keras.',
  params: [],
  inputs: { min: 2, max: ANY_NUMBER },
  inferShape: (inputs) => {
    const shape = broadcastShapes(inputs);
    if (!shape) {
      return {
        ok: false,
        code: 'E002',
        message: `Add needs inputs whose sizes match, or are 1, on each axis (counted from the last) but gets ${inputs.map(formatShape).join(' and ')}`,
      };
    }
    return ok(shape);
  },
  paramCount: () => NO_PARAMS,
};

export const ConcatenateLayer: LayerDef = {
  type: 'Concatenate',
  group: 'Merge',
  kerasName: 'Concatenate',
  torchName: 'torch.cat',
  summary: 'Joins its inputs along the last axis, in the order of its input ports.',
  params: [{ name: 'axis', label: 'Axis', kind: 'int', default: -1, min: -8, max: 8 }],
  inputs: { min: 2, max: ANY_NUMBER },
  inferShape: (inputs, p) => {
    const rank = inputs[0]!.length;
    const axisParam = p.axis as number;
    // Keras counts the batch axis: axis 1 is the first feature axis, -1 the last.
    const axis = axisParam < 0 ? rank + axisParam : axisParam - 1;
    if (axisParam === 0 || axis < 0 || axis >= rank) {
      return {
        ok: false,
        code: 'E002',
        message: `Concatenate axis ${axisParam} does not exist for inputs of rank ${rank + 1}`,
      };
    }
    const mismatch = inputs.some(
      (s) => s.length !== rank || s.some((d, i) => i !== axis && d !== inputs[0]![i]),
    );
    if (mismatch) {
      return {
        ok: false,
        code: 'E002',
        message: `Concatenate needs inputs that agree on every axis but ${axisParam}; gets ${inputs
          .map(formatShape)
          .join(' and ')}`,
      };
    }
    const out = [...inputs[0]!];
    out[axis] = inputs.reduce((sum, s) => sum + s[axis]!, 0);
    return ok(out);
  },
  paramCount: () => NO_PARAMS,
};
