/**
 * The graph document: what a project file stores and what the canvas edits. Every back-end reads
 * it through `analyzeGraph` / `lowerGraph`, never through React Flow objects.
 */
export interface GraphNode {
  id: string;
  /** Keras class name from the layer catalogue, e.g. `Dense`. */
  type: string;
  /** Keras config names, e.g. `{ units: 128, activation: 'relu' }`. */
  params: Record<string, unknown>;
  position: { x: number; y: number };
  /** Free text shown as the block's title on the canvas; names the block only when `name` is absent. */
  label?: string;
  /**
   * The block's name as the user set it (renaming in the inspector). The name every panel and
   * back-end uses is `blockNames` (`shared/ir/names.ts`): this field, else the label, else the id,
   * made a unique safe Python identifier. Absent in files from before names were stored.
   */
  name?: string;
  [extra: string]: unknown;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** Orders the inputs of merge blocks: "0", "1", ... */
  targetHandle?: string;
  [extra: string]: unknown;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  [extra: string]: unknown;
}

/** The name a block is shown with: its label, else its type. */
export function nodeDisplayName(node: Pick<GraphNode, 'label' | 'type' | 'id'>): string {
  return node.label?.trim() ? node.label.trim() : node.type;
}

/** Sort key of an edge's target handle; edges without one come after numbered ones. */
export function handleOrder(edge: Pick<GraphEdge, 'targetHandle'>): number {
  const n = edge.targetHandle === undefined ? NaN : Number(edge.targetHandle);
  return Number.isInteger(n) ? n : Number.MAX_SAFE_INTEGER;
}

/** The incoming edges of every node, ordered by target handle (stable for ties). */
export function incomingEdges(graph: Graph): Map<string, GraphEdge[]> {
  const incoming = new Map<string, GraphEdge[]>();
  for (const node of graph.nodes) incoming.set(node.id, []);
  for (const edge of graph.edges) incoming.get(edge.target)?.push(edge);
  for (const list of incoming.values()) list.sort((a, b) => handleOrder(a) - handleOrder(b));
  return incoming;
}

/** True when adding an edge source → target would close a cycle. */
export function wouldCreateCycle(graph: Graph, source: string, target: string): boolean {
  if (source === target) return true;
  const outgoing = new Map<string, string[]>();
  for (const e of graph.edges) {
    const list = outgoing.get(e.source);
    if (list) list.push(e.target);
    else outgoing.set(e.source, [e.target]);
  }
  // Is `source` reachable from `target`?
  const stack = [target];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === source) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(outgoing.get(id) ?? []));
  }
  return false;
}
