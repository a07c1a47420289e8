import type { Graph } from '../../shared/graph/types.ts';
import { getLayer, unknownParams } from '../../shared/layers/registry.ts';

/**
 * Throws when a block's params hold a key its layer kind does not define (e.g. the TF.js spelling
 * `kernelSize` for Keras's `kernel_size`). The app only warns (W109) and keeps the value; a test
 * must not, because the default would silently apply and the test would assert the default.
 * Returns the graph, so it can wrap a builder: `lower(assertKnownParams(graph))`.
 */
export function assertKnownParams<G extends Graph>(graph: G): G {
  const problems: string[] = [];
  for (const node of graph.nodes) {
    const def = getLayer(node.type);
    if (!def) continue;
    for (const u of unknownParams(def, node.params ?? {})) {
      problems.push(
        `node ${node.id} (${node.type}): unknown param "${u.param}"` +
          (u.suggestion ? ` (did you mean "${u.suggestion}"?)` : ''),
      );
    }
  }
  if (problems.length > 0)
    throw new Error(`Test graph has unknown params:\n${problems.join('\n')}`);
  return graph;
}

/**
 * Builds a graph from `[id, type, params]` blocks and `source->target[:handle]` wires. Throws on a
 * param key the block's layer kind does not define (see `assertKnownParams`).
 */
export function graphOf(
  blocks: [id: string, type: string, params?: Record<string, unknown>][],
  wires: string[],
): Graph {
  return assertKnownParams({
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
  });
}
