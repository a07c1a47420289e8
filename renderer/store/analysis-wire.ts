/**
 * A `GraphAnalysis` as the analysis worker posts it: structured-clonable (no layer definitions, no
 * copies of the graph's nodes and edges, which the page already holds), and back. The page
 * rebuilds each `NodeInfo` from its own graph, so `info.node` and `info.inputs` are the very
 * objects of the graph it sent.
 */
import type { GraphAnalysis, NodeInfo } from '../../shared/graph/analyze.ts';
import type { Graph, GraphEdge, GraphNode } from '../../shared/graph/types.ts';
import { getLayer } from '../../shared/layers/registry.ts';

/** One block's inferred facts, by id; `inputs` are edge ids in port order. */
export interface WireNodeInfo {
  id: string;
  params: NodeInfo['params'];
  inputs: string[];
  shape?: NodeInfo['shape'];
  count?: NodeInfo['count'];
}

/** `GraphAnalysis` with `nodes` as a list of `WireNodeInfo`. */
export interface WireAnalysis extends Omit<GraphAnalysis, 'nodes'> {
  nodes: WireNodeInfo[];
}

/** The clonable form of `analysis` (worker side). */
export function toWire(analysis: GraphAnalysis): WireAnalysis {
  const nodes: WireNodeInfo[] = [];
  for (const [id, info] of analysis.nodes) {
    const w: WireNodeInfo = { id, params: info.params, inputs: info.inputs.map((e) => e.id) };
    if (info.shape !== undefined) w.shape = info.shape;
    if (info.count !== undefined) w.count = info.count;
    nodes.push(w);
  }
  return { ...analysis, nodes };
}

/**
 * The analysis again, against `graph` (the graph the worker analysed: same node and edge ids).
 * Returns null if the graph lacks a node or edge the analysis names (it was not that graph).
 */
export function fromWire(wire: WireAnalysis, graph: Graph): GraphAnalysis | null {
  const nodeById = new Map<string, GraphNode>();
  for (const n of graph.nodes) if (!nodeById.has(n.id)) nodeById.set(n.id, n);
  const edgeById = new Map<string, GraphEdge>();
  for (const e of graph.edges) if (!edgeById.has(e.id)) edgeById.set(e.id, e);
  const nodes = new Map<string, NodeInfo>();
  for (const w of wire.nodes) {
    const node = nodeById.get(w.id);
    if (!node) return null;
    const inputs: GraphEdge[] = [];
    for (const id of w.inputs) {
      const edge = edgeById.get(id);
      if (!edge) return null;
      inputs.push(edge);
    }
    const info: NodeInfo = { node, params: w.params, inputs };
    const def = getLayer(node.type);
    if (def) info.def = def;
    if (w.shape !== undefined) info.shape = w.shape;
    if (w.count !== undefined) info.count = w.count;
    nodes.set(w.id, info);
  }
  return { ...wire, nodes };
}
