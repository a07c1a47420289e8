import { explainArithmetic, type BlockArithmetic } from '../../shared/explain/arithmetic.ts';
import type { GraphAnalysis } from '../../shared/graph/analyze.ts';
import type { Shape } from '../../shared/shape.ts';

/** The arithmetic of one block's parameter count and output shape, from the graph's analysis. */
export function arithmeticOf(analysis: GraphAnalysis, nodeId: string): BlockArithmetic {
  const info = analysis.nodes.get(nodeId);
  if (!info) return {};
  const inputs: Shape[] = [];
  for (const edge of info.inputs) {
    const shape = analysis.edgeShapes.get(edge.id);
    if (!shape) return {};
    inputs.push(shape);
  }
  try {
    return explainArithmetic(info.node.type, info.params, inputs);
  } catch {
    // Params the analysis flagged (the block shows the error): no arithmetic to show.
    return {};
  }
}
