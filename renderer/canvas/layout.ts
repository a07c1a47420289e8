import ELK from 'elkjs/lib/elk.bundled.js';
import type { Graph } from '../../shared/index.ts';
import type { XY } from '../store/index.ts';

const DEFAULT_SIZE = { width: 230, height: 96 };

let elk: InstanceType<typeof ELK> | undefined;

/**
 * Positions every block with ELK's layered algorithm, top to bottom, merge inputs ordered by
 * port. Returns top-left corners keyed by block id.
 */
export async function layoutGraph(
  graph: Graph,
  sizes: Readonly<Record<string, { width: number; height: number }>> = {},
): Promise<Map<string, XY>> {
  elk ??= new ELK();
  const result = await elk.layout({
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
