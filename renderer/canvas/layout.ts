import type { ELK } from 'elkjs/lib/elk-api.js';
import type { Graph } from '../../shared/index.ts';
import type { XY } from '../store/index.ts';

const DEFAULT_SIZE = { width: 230, height: 96 };

let elk: ELK | undefined;

/** ELK is loaded on first use: it is large and only auto layout needs it. */
async function getElk(): Promise<ELK> {
  if (!elk) {
    const { default: ElkConstructor } = await import('elkjs/lib/elk.bundled.js');
    elk = new ElkConstructor();
  }
  return elk;
}

/**
 * Positions every block with ELK's layered algorithm, top to bottom, merge inputs ordered by
 * port. Returns top-left corners keyed by block id.
 */
export async function layoutGraph(
  graph: Graph,
  sizes: Readonly<Record<string, { width: number; height: number }>> = {},
): Promise<Map<string, XY>> {
  const result = await (
    await getElk()
  ).layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '56',
      'elk.spacing.nodeNode': '48',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: graph.nodes.map((n) => ({
      id: n.id,
      width: sizes[n.id]?.width ?? DEFAULT_SIZE.width,
      height: sizes[n.id]?.height ?? DEFAULT_SIZE.height,
    })),
    edges: graph.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const out = new Map<string, XY>();
  for (const child of result.children ?? []) {
    out.set(child.id, { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) });
  }
  return out;
}
