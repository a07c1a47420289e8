import { budgetDiagnosticsForNodes } from '../cost/cost.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { error, warning } from '../diagnostics.ts';
import { getLayer, resolveParams, unknownParams } from '../layers/registry.ts';
import type { LayerDef, ParamCount, ResolvedParams } from '../layers/types.ts';
import type { Shape } from '../shape.ts';
import { formatShape } from '../shape.ts';
import type { Graph, GraphEdge, GraphNode } from './types.ts';
import { incomingEdges, nodeDisplayName } from './types.ts';

/** What analysis learned about one block. */
export interface NodeInfo {
  node: GraphNode;
  def?: LayerDef;
  params: ResolvedParams;
  /** Incoming edges in port order. */
  inputs: GraphEdge[];
  shape?: Shape;
  count?: ParamCount;
}

export interface GraphAnalysis {
  diagnostics: Diagnostic[];
  nodes: Map<string, NodeInfo>;
  /** The shape each edge carries, where known. */
  edgeShapes: Map<string, Shape>;
  /** Nodes in a topological order (nodes on cycles are left out). */
  order: string[];
  inputIds: string[];
  outputIds: string[];
  totals: { trainable: number; nonTrainable: number; total: number };
}

/**
 * Validates a graph and infers every shape and parameter count. Never throws on bad graphs:
 * every problem becomes a diagnostic naming its block.
 */
export function analyzeGraph(graph: Graph): GraphAnalysis {
  const diagnostics: Diagnostic[] = [];
  const nodes = new Map<string, NodeInfo>();
  const name = (id: string) => {
    const n = nodes.get(id)?.node;
    return n ? `${nodeDisplayName(n)}` : id;
  };

  for (const node of graph.nodes) {
    if (nodes.has(node.id)) {
      diagnostics.push(error('E014', `Two blocks share the id "${node.id}"`, { nodeId: node.id }));
      continue;
    }
    const def = getLayer(node.type);
    if (!def) {
      diagnostics.push(
        error('E009', `Unknown layer type "${node.type}"`, {
          nodeId: node.id,
        }),
      );
    }
    let params: ResolvedParams = { ...node.params };
    if (def) {
      const resolved = resolveParams(def, node.params ?? {});
      params = resolved.params;
      for (const p of resolved.problems) {
        diagnostics.push(
          error('E008', `${nodeDisplayName(node)}: ${p.message}`, {
            nodeId: node.id,
            param: p.param,
          }),
        );
      }
      for (const u of unknownParams(def, node.params ?? {})) {
        const hint = u.suggestion ? `; did you mean "${u.suggestion}"?` : '';
        diagnostics.push(
          warning(
            'W109',
            `${nodeDisplayName(node)}: unknown parameter "${u.param}" is kept but not used${hint}`,
            { nodeId: node.id, param: u.param },
          ),
        );
      }
    }
    nodes.set(node.id, { node, def, params, inputs: [] });
  }

  const validEdges: GraphEdge[] = [];
  for (const edge of graph.edges) {
    const missing = [edge.source, edge.target].filter((id) => !nodes.has(id));
    if (missing.length > 0) {
      diagnostics.push(
        error('E010', `Edge ${edge.id} connects to missing block ${missing.join(' and ')}`, {
          edgeId: edge.id,
        }),
      );
    } else validEdges.push(edge);
  }
  const incoming = incomingEdges({
    nodes: [...nodes.values()].map((i) => i.node),
    edges: validEdges,
  });
  const outgoing = new Map<string, GraphEdge[]>();
  for (const id of nodes.keys()) outgoing.set(id, []);
  for (const edge of validEdges) outgoing.get(edge.source)!.push(edge);

  // Port counts.
  for (const info of nodes.values()) {
    info.inputs = incoming.get(info.node.id) ?? [];
    const def = info.def;
    if (!def) continue;
    const count = info.inputs.length;
    const id = info.node.id;
    const label = nodeDisplayName(info.node);
    if (def.inputs.max === 0 && count > 0) {
      diagnostics.push(
        error('E007', `${label} is a model input and cannot take inputs`, { nodeId: id }),
      );
    } else if (count > def.inputs.max) {
      diagnostics.push(
        error('E007', `${label} takes ${def.inputs.max} input but has ${count}`, { nodeId: id }),
      );
    } else if (count === 0 && def.inputs.min > 0) {
      diagnostics.push(
        error('E006', `${label} has no input: wire a block's output into it`, { nodeId: id }),
      );
    } else if (count < def.inputs.min) {
      diagnostics.push(
        error('E015', `${label} merges at least ${def.inputs.min} inputs but has ${count}`, {
          nodeId: id,
        }),
      );
    }
  }

  // Topological order (Kahn); what remains sits on a cycle.
  const indegree = new Map<string, number>();
  for (const [id, list] of incoming) indegree.set(id, list.length);
  const queue = [...nodes.keys()].filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head]!;
    order.push(id);
    for (const e of outgoing.get(id) ?? []) {
      const d = indegree.get(e.target)! - 1;
      indegree.set(e.target, d);
      if (d === 0) queue.push(e.target);
    }
  }
  const ordered = new Set(order);
  const onCycle = [...nodes.keys()].filter((id) => !ordered.has(id));
  if (onCycle.length > 0) {
    // Only blocks in a strongly connected component with a loop are on a cycle; the rest of what
    // Kahn left are merely downstream of one.
    for (const id of blocksOnCycles(onCycle, outgoing)) {
      diagnostics.push(
        error('E001', `${name(id)} is part of a cycle: a network's data must flow one way`, {
          nodeId: id,
        }),
      );
    }
  }

  // Inputs and reachability.
  const inputIds = [...nodes.values()].filter((i) => i.def?.type === 'Input').map((i) => i.node.id);
  if (inputIds.length === 0 && nodes.size > 0) {
    diagnostics.push(error('E005', 'The model has no Input block: add one from the palette'));
  }
  for (const id of inputIds.slice(1)) {
    diagnostics.push(
      error('E013', `${name(id)} is a second Input; Netwright models take one Input`, {
        nodeId: id,
      }),
    );
  }
  const reachable = new Set<string>();
  const stack = inputIds.slice(0, 1);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (reachable.has(id)) continue;
    reachable.add(id);
    for (const e of outgoing.get(id) ?? []) stack.push(e.target);
  }
  if (inputIds.length > 0) {
    for (const info of nodes.values()) {
      const id = info.node.id;
      if (!reachable.has(id) && info.inputs.length > 0 && info.def?.type !== 'Input') {
        diagnostics.push(
          error(
            'E004',
            `${name(id)} is not reachable from the Input: its data comes from nowhere`,
            {
              nodeId: id,
            },
          ),
        );
      }
    }
  }

  // Shapes, in topological order.
  const edgeShapes = new Map<string, Shape>();
  const totals = { trainable: 0, nonTrainable: 0, total: 0 };
  for (const id of order) {
    const info = nodes.get(id)!;
    const def = info.def;
    if (!def) continue;
    if (info.inputs.length < def.inputs.min || info.inputs.length > def.inputs.max) continue;
    const inputShapes = info.inputs.map((e) => nodes.get(e.source)!.shape);
    if (inputShapes.some((s) => s === undefined)) continue;
    const shapes = inputShapes as Shape[];
    const dtypeProblem = tokenIdProblem(info, nodes);
    if (dtypeProblem) {
      diagnostics.push(error('E002', dtypeProblem, { nodeId: id }));
      continue;
    }
    const result = def.inferShape(shapes, info.params);
    if (!result.ok) {
      diagnostics.push(error(result.code, result.message, { nodeId: id }));
      continue;
    }
    info.shape = result.shape;
    info.count = def.paramCount(shapes, info.params);
    totals.trainable += info.count.trainable;
    totals.nonTrainable += info.count.nonTrainable;
    for (const e of outgoing.get(id) ?? []) edgeShapes.set(e.id, result.shape);
  }
  totals.total = totals.trainable + totals.nonTrainable;
  diagnostics.push(...budgetDiagnosticsForNodes(nodes, order)); // E017, before anything allocates

  const outputIds = [...reachable].filter((id) => (outgoing.get(id) ?? []).length === 0);
  if (outputIds.length > 1) {
    // One problem of the whole model, reported once, on every output block (issue 13 item 6),
    // in the file's block order.
    const outputs = new Set(outputIds);
    const ids = [...nodes.keys()].filter((id) => outputs.has(id));
    diagnostics.push(
      error(
        'E012',
        `The model has ${ids.length} outputs (${ids.map(name).join(', ')}); ` +
          'join them with a merge block or delete the extra ones',
        { nodeId: ids[0], nodeIds: ids },
      ),
    );
  }
  return { diagnostics, nodes, edgeShapes, order, inputIds, outputIds, totals };
}

/** The element type a block outputs: an Input's `dtype`; every other kind gives float32. */
function outputDtype(info: NodeInfo): string {
  return info.def?.type === 'Input' ? String(info.params.dtype ?? 'float32') : 'float32';
}

/**
 * Why a block cannot read what is wired into it, element type-wise, or null: a kind that reads
 * token ids (`readsTokenIds`, Embedding) needs an int32 Input, and int32 ids feed only such kinds.
 */
function tokenIdProblem(info: NodeInfo, nodes: ReadonlyMap<string, NodeInfo>): string | null {
  const label = nodeDisplayName(info.node);
  for (const edge of info.inputs) {
    const source = nodes.get(edge.source)!;
    const from = nodeDisplayName(source.node);
    const ints = outputDtype(source) === 'int32';
    if (info.def?.readsTokenIds && !ints) {
      return `${label} reads token ids (whole numbers from 0 to input_dim - 1) but ${from} gives float32 values: wire it straight from an Input whose data type is int32`;
    }
    if (!info.def?.readsTokenIds && ints) {
      return `${label} takes float32 values but ${from} gives int32 token ids: put an Embedding between them, or set the Input's data type to float32`;
    }
  }
  return null;
}

/** Describes what a block outputs, e.g. `(None, 128)`, or `?` when unknown. */
export function describeShape(analysis: GraphAnalysis, nodeId: string): string {
  const shape = analysis.nodes.get(nodeId)?.shape;
  return shape ? formatShape(shape) : '?';
}

/**
 * The blocks of `ids` that lie on a directed cycle among themselves: members of a strongly
 * connected component of more than one block, or of a block wired to itself. Tarjan's algorithm
 * (R. Tarjan, "Depth-first search and linear graph algorithms", SIAM J. Comput. 1972), iterative so
 * a long chain cannot overflow the stack; O(blocks + wires). Order follows `ids`.
 */
function blocksOnCycles(
  ids: readonly string[],
  outgoing: ReadonlyMap<string, readonly { target: string }[]>,
): string[] {
  const within = new Set(ids);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cyclic = new Set<string>();
  let next = 0;
  for (const root of ids) {
    if (index.has(root)) continue;
    const targets = (id: string) =>
      (outgoing.get(id) ?? []).map((e) => e.target).filter((t) => within.has(t));
    const frames: { id: string; edge: number; targets: string[] }[] = [
      { id: root, edge: 0, targets: targets(root) },
    ];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      if (frame.edge < frame.targets.length) {
        const target = frame.targets[frame.edge++]!;
        if (target === frame.id) cyclic.add(target);
        if (!index.has(target)) {
          index.set(target, next);
          low.set(target, next++);
          stack.push(target);
          onStack.add(target);
          frames.push({ id: target, edge: 0, targets: targets(target) });
        } else if (onStack.has(target)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(target)!));
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        if (component.length > 1) for (const m of component) cyclic.add(m);
      }
    }
  }
  return ids.filter((id) => cyclic.has(id));
}
