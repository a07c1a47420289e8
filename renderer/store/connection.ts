import { getLayer, wouldCreateCycle, type Graph } from '../../shared/index.ts';

export type ConnectionCheck = { ok: true } | { ok: false; reason: string };

/**
 * Whether a wire source → target may be drawn. Refuses what can never be valid: a wire into an
 * Input, a second wire into a single-input port, a duplicate wire, and a cycle. Shape problems
 * are allowed: they are shown as diagnostics, because the user may be halfway through an edit.
 */
export function checkConnection(graph: Graph, source: string, target: string): ConnectionCheck {
  if (source === target) return { ok: false, reason: 'A block cannot feed itself' };
  const sourceNode = graph.nodes.find((n) => n.id === source);
  const targetNode = graph.nodes.find((n) => n.id === target);
  if (!sourceNode || !targetNode) return { ok: false, reason: 'That block no longer exists' };
  const def = getLayer(targetNode.type);
  if (!def) return { ok: false, reason: `Unknown layer type ${targetNode.type}` };
  if (def.inputs.max === 0) return { ok: false, reason: `${def.type} takes no inputs` };
  const incoming = graph.edges.filter((e) => e.target === target);
  if (incoming.some((e) => e.source === source)) {
    return { ok: false, reason: 'These blocks are already wired' };
  }
  if (incoming.length >= def.inputs.max) {
    return {
      ok: false,
      reason:
        def.inputs.max === 1
          ? `${def.type} takes one input and already has it`
          : `${def.type} takes at most ${def.inputs.max} inputs`,
    };
  }
  if (wouldCreateCycle(graph, source, target)) {
    return { ok: false, reason: 'That wire would make a cycle: data must flow one way' };
  }
  return { ok: true };
}

/** Whether the target block orders its inputs (merge blocks: Add, Concatenate). */
export function isMergeType(type: string): boolean {
  return (getLayer(type)?.inputs.max ?? 1) > 1;
}
