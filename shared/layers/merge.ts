import { formatShape, shapesEqual } from '../shape.ts';
import type { LayerDef } from './types.ts';
import { NO_PARAMS, ok } from './types.ts';

export const AddLayer: LayerDef = {
  type: 'Add',
  group: 'Merge',
  kerasName: 'Add',
  torchName: 'torch.add',
  summary: 'Adds its inputs element by element; all must have the same shape (residual links).',
  params: [],
  inputs: { min: 2, max: 16 },
  inferShape: (inputs) => {
    const first = inputs[0]!;
    const other = inputs.find((s) => !shapesEqual(s, first));
    if (other) {
      return {
        ok: false,
        code: 'E002',
        message: `Add needs inputs of one shape but gets ${inputs.map(formatShape).join(' and ')}`,
      };
    }
    return ok(first);
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
  inputs: { min: 2, max: 16 },
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
