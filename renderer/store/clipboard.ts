import {
  blockNameBase,
  blockNames,
  defaultParams,
  freshName,
  getLayer,
  migrateLegacyParams,
  pythonIdentifier,
  validateParam,
  type Graph,
  type GraphEdge,
  type GraphNode,
} from '../../shared/index.ts';
import { checkConnection, isMergeType } from './connection.ts';

/** What Copy puts on the clipboard: blocks and the wires between them. */
export interface Fragment {
  format: typeof FRAGMENT_FORMAT;
  version: 1;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const FRAGMENT_FORMAT = 'netwright.fragment';
/** Clipboard type of a fragment (the JSON text also goes as text/plain). */
export const FRAGMENT_MIME = 'application/x-netwright-fragment+json';
/** How far each paste lands from the copied blocks. */
export const PASTE_OFFSET = { x: 40, y: 40 };
/** At most this many blocks are pasted from one clipboard. */
const MAX_PASTE_NODES = 2000;

/** The selected blocks and the wires whose both ends are selected. */
export function copyFragment(graph: Graph, nodeIds: readonly string[]): Fragment | null {
  const ids = new Set(nodeIds);
  const nodes = graph.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) return null;
  const edges = graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  return structuredClone({ format: FRAGMENT_FORMAT, version: 1, nodes, edges });
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a fragment from clipboard data (untrusted): blocks of unknown types are dropped, params
 * are validated (a bad one gets its default), labels are trimmed to 200 characters, wires must
 * join two kept blocks and pass the canvas's own checks (no cycle, no wire into an Input...). Null when nothing usable is there.
 */
export function readFragment(value: unknown): Fragment | null {
  if (!isRecord(value) || value.format !== FRAGMENT_FORMAT || !Array.isArray(value.nodes)) {
    return null;
  }
  const nodes: GraphNode[] = [];
  const ids = new Set<string>();
  for (const raw of value.nodes.slice(0, MAX_PASTE_NODES)) {
    if (!isRecord(raw) || typeof raw.id !== 'string' || typeof raw.type !== 'string') continue;
    const def = getLayer(raw.type);
    const pos = raw.position;
    if (!def || ids.has(raw.id) || !isRecord(pos)) continue;
    const x = Number(pos.x);
    const y = Number(pos.y);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const params = defaultParams(def);
    // Blocks copied from an older version may carry old param names (legacy-params.ts).
    const given = isRecord(raw.params) ? migrateLegacyParams(def.type, raw.params) : {};
    for (const spec of def.params) {
      if (!(spec.name in given)) continue;
      const result = validateParam(spec, given[spec.name]);
      if (result.ok) params[spec.name] = result.value;
    }
    const node: GraphNode = { id: raw.id, type: def.type, params, position: { x, y } };
    if (typeof raw.label === 'string' && raw.label.trim()) node.label = raw.label.slice(0, 200);
    if (typeof raw.name === 'string' && raw.name.trim()) node.name = raw.name.slice(0, 200);
    nodes.push(node);
    ids.add(raw.id);
  }
  if (nodes.length === 0) return null;
  const edges: GraphEdge[] = [];
  for (const raw of Array.isArray(value.edges) ? value.edges : []) {
    if (!isRecord(raw) || typeof raw.source !== 'string' || typeof raw.target !== 'string')
      continue;
    if (!checkConnection({ nodes, edges }, raw.source, raw.target).ok) continue;
    const edge: GraphEdge = { id: String(raw.id ?? ''), source: raw.source, target: raw.target };
    if (typeof raw.targetHandle === 'string') edge.targetHandle = raw.targetHandle;
    edges.push(edge);
  }
  return { format: FRAGMENT_FORMAT, version: 1, nodes, edges };
}

function freshId(taken: Set<string>, base: string): string {
  for (let i = 1; ; i++) {
    const id = `${base}_${i}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

/**
 * The graph with the fragment added: fresh block and wire ids (never an id or name in use), fresh
 * names (a named or labelled block's name, `_2`, `_3`... when taken), positions moved by `offset`, the
 * fragment's own wires kept (merge inputs renumbered 0..n-1 in their order). Returns the new ids.
 */
export function pasteFragment(
  graph: Graph,
  fragment: Fragment,
  offset: { x: number; y: number } = PASTE_OFFSET,
): { graph: Graph; nodeIds: string[]; edgeIds: string[] } {
  const names = new Set(blockNames(graph.nodes));
  const taken = new Set([...graph.nodes.map((n) => n.id), ...names]);
  const idMap = new Map<string, string>();
  const nodes = fragment.nodes.map((n) => {
    const id = freshId(taken, n.type.toLowerCase());
    idMap.set(n.id, id);
    names.add(id);
    const copy: GraphNode = {
      ...structuredClone(n),
      id,
      position: { x: n.position.x + offset.x, y: n.position.y + offset.y },
    };
    // A copy keeps its name when free, else `<name>_2`...; one named by its id is named by the new id.
    delete copy.name;
    if (n.name?.trim() || n.label?.trim()) {
      copy.name = freshName(names, pythonIdentifier(blockNameBase(n)));
      names.add(copy.name);
    }
    return copy;
  });
  const edgeIds = new Set(graph.edges.map((e) => e.id));
  const incoming = new Map<string, GraphEdge[]>();
  const edges: GraphEdge[] = [];
  for (const e of fragment.edges) {
    const source = idMap.get(e.source);
    const target = idMap.get(e.target);
    if (!source || !target) continue;
    let id = `e-${source}-${target}`;
    if (edgeIds.has(id)) id = freshId(edgeIds, id);
    edgeIds.add(id);
    const edge: GraphEdge = { id, source, target };
    if (e.targetHandle !== undefined) edge.targetHandle = e.targetHandle;
    edges.push(edge);
    const list = incoming.get(target);
    if (list) list.push(edge);
    else incoming.set(target, [edge]);
  }
  for (const [target, list] of incoming) {
    const node = nodes.find((n) => n.id === target)!;
    if (!isMergeType(node.type)) {
      for (const e of list) delete e.targetHandle;
      continue;
    }
    list
      .sort((a, b) => Number(a.targetHandle ?? Infinity) - Number(b.targetHandle ?? Infinity))
      .forEach((e, i) => (e.targetHandle = String(i)));
  }
  return {
    graph: { ...graph, nodes: [...graph.nodes, ...nodes], edges: [...graph.edges, ...edges] },
    nodeIds: nodes.map((n) => n.id),
    edgeIds: edges.map((e) => e.id),
  };
}
