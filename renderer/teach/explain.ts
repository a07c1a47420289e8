import { explainArithmetic, type BlockArithmetic } from '../../shared/explain/arithmetic.ts';
import type { GraphAnalysis } from '../../shared/graph/analyze.ts';
import type { Shape } from '../../shared/shape.ts';

/** Per analysis (a new one on every structural edit), each block's arithmetic once worked out. */
const memo = new WeakMap<GraphAnalysis, Map<string, BlockArithmetic>>();

/**
 * The arithmetic of one block's parameter count and output shape, from the graph's analysis.
 * Memoised per analysis: every block's selectors run on every store update, and on a 10,000-block
 * graph working it out again each time froze the page for seconds.
 */
export function arithmeticOf(analysis: GraphAnalysis, nodeId: string): BlockArithmetic {
  let byNode = memo.get(analysis);
  if (!byNode) memo.set(analysis, (byNode = new Map()));
  let result = byNode.get(nodeId);
  if (!result) byNode.set(nodeId, (result = computeArithmetic(analysis, nodeId)));
  return result;
}

function computeArithmetic(analysis: GraphAnalysis, nodeId: string): BlockArithmetic {
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
