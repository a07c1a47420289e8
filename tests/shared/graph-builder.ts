import type { Graph } from '../../shared/graph/types.ts';

/** Builds a graph from `[id, type, params]` blocks and `source->target[:handle]` wires. */
export function graphOf(
  blocks: [id: string, type: string, params?: Record<string, unknown>][],
  wires: string[],
): Graph {
  return {
    nodes: blocks.map(([id, type, params], i) => ({
      id,
      type,
      params: params ?? {},
      position: { x: 0, y: i * 100 },
    })),
    edges: wires.map((w) => {
      const [pair, handle] = w.split(':');
      const [source, target] = pair!.split('->');
      return {
        id: `${source}-${target}`,
        source: source!,
        target: target!,
        ...(handle ? { targetHandle: handle } : {}),
      };
    }),
  };
}
