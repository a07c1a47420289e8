import type { GraphAnalysis } from '../../shared/graph/analyze.ts';
import type { Graph } from '../../shared/graph/types.ts';

/**
 * The presenter's walk: every block in model order (inputs first, as the summary lists them),
 * then any block the analysis could not order (a cycle, a loose part) in graph order.
 */
export function walkOrder(graph: Graph, analysis: Pick<GraphAnalysis, 'order'>): string[] {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const ordered = analysis.order.filter((id) => ids.has(id));
  const seen = new Set(ordered);
  return [...ordered, ...graph.nodes.map((n) => n.id).filter((id) => !seen.has(id))];
}

/**
 * The block one step (`delta` = ±1) from `current`, staying at the ends; from no block (or one
 * no longer there) the first step forward lands on the first block, backward on the last.
 */
export function stepWalk(
  order: readonly string[],
  current: string | null,
  delta: number,
): string | null {
  if (order.length === 0) return null;
  const i = current === null ? -1 : order.indexOf(current);
  if (i < 0) return delta >= 0 ? order[0]! : order[order.length - 1]!;
  return order[Math.min(order.length - 1, Math.max(0, i + delta))]!;
}
