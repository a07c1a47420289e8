/** Compares two IRs as graphs: layer names, types, params, wiring, shapes. */
import type { ModelIR } from '../../shared/ir/lower.ts';
import type { ModelWeights } from '../../shared/export/weights.ts';

export interface OpView {
  name: string;
  type: string;
  params: Record<string, unknown>;
  inputs: string[];
  outputShape: readonly number[];
}

/**
 * The IR as comparable rows. `dropDropout`: leave out Dropout (ONNX export drops it) and rewire
 * around it. `resolveReshape`: compare Reshape by its resolved shape (TF.js stores it so).
 */
export function opView(
  ir: ModelIR,
  options: { dropDropout?: boolean; resolveReshape?: boolean } = {},
): OpView[] {
  const byId = new Map(ir.ops.map((op) => [op.id, op]));
  const source = (id: string): string => {
    const op = byId.get(id)!;
    return options.dropDropout && op.type === 'Dropout' ? source(op.inputs[0]!) : op.name;
  };
  return ir.ops
    .filter((op) => !(options.dropDropout && op.type === 'Dropout'))
    .map((op) => {
      const params: Record<string, unknown> = { ...op.params };
      if (options.resolveReshape && op.type === 'Reshape') params.target_shape = op.outputShape;
      return {
        name: op.name,
        type: op.type,
        params,
        inputs: op.inputs.map(source),
        outputShape: op.outputShape,
      };
    });
}

/** Weights as plain arrays, for `toEqual`. */
export function weightsView(
  weights: ModelWeights,
): Record<string, { name: string; shape: number[]; data: number[] }[]> {
  return Object.fromEntries(
    [...weights].map(([layer, list]) => [
      layer,
      list.map((w) => ({ name: w.name, shape: w.shape, data: Array.from(w.data) })),
    ]),
  );
}
