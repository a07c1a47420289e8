import type { StateCreator } from 'zustand';
import {
  blockNameMap,
  blockNames,
  checkBlockName,
  defaultParams,
  emptyProject,
  getLayer,
  loadTemplate,
  validateParam,
  type GraphEdge,
  type BlockNameCheck,
  type GraphNode,
  type ParamResult,
  type Project,
} from '../../shared/index.ts';
import type { Fix } from '../../shared/lint/index.ts';
import { asWeightsSection } from '../../shared/training/weights.ts';
import { placeAdded, roomForInserted, withPositions } from '../canvas/placement.ts';
import { checkConnection, isMergeType, type ConnectionCheck } from './connection.ts';
import type { EditorState } from './index.ts';

export interface XY {
  x: number;
  y: number;
}

export type ConnectResult = { ok: true; edgeId: string } | { ok: false; reason: string };

/** The project document being edited and every edit as an action. */
export interface GraphSlice {
  project: Project;
  /** True once the document changed since it was loaded or saved. */
  dirty: boolean;
  /** Counts loaded projects, so that views can re-frame a newly loaded graph. */
  loadCount: number;
  /** Where the project was opened from or last saved to (desktop); null for a new one. */
  filePath: string | null;
  /** Adds a block with its default params; returns its id and selects it. */
  addNode(type: string, position: XY): string;
  /**
   * Adds a block on a wire, source → new → target (the wire's merge port kept), and makes room
   * for it below the source. Refused (nothing changes) when either new wire would be invalid.
   */
  insertOnEdge(type: string, edgeId: string): ConnectResult & { nodeId?: string };
  /** Wires source → target; merge blocks get targetHandle "0", "1", ... in wiring order. */
  connect(source: string, target: string): ConnectResult;
  canConnect(source: string, target: string): ConnectionCheck;
  /** Removes blocks (with their wires) and wires. */
  removeElements(nodeIds: readonly string[], edgeIds?: readonly string[]): void;
  /** Validates raw text (or a value) for one param; applies it only when valid. */
  updateParam(nodeId: string, param: string, raw: unknown): ParamResult;
  /**
   * Sets the block's label (its title on the canvas). The block keeps its name: a block named by
   * its label or id gets that name stored first, so relabelling never renames.
   */
  setLabel(nodeId: string, label: string): void;
  /**
   * Renames the block when `checkBlockName` accepts the name (trained weights stored under its old
   * layer name follow it); else changes nothing.
   */
  renameNode(nodeId: string, name: string): BlockNameCheck;
  moveNode(nodeId: string, position: XY): void;
  moveNodes(moves: ReadonlyArray<{ id: string; position: XY }>): void;
  /** New positions for many blocks at once (auto layout). */
  applyLayout(positions: ReadonlyMap<string, XY> | Record<string, XY>): void;
  loadProject(project: Project, filePath?: string | null): void;
  newFromTemplate(templateId: string): void;
  newEmpty(): void;
  /** After a save: clean, and remembers where it went. */
  markSaved(filePath?: string | null): void;
  /** Applies a lint fix to the graph and training settings as one undoable edit. */
  applyFix(fix: Fix): void;
}

/** Ids and names in use: a new block's id (its name until renamed) must be neither. */
function takenIdsAndNames(nodes: readonly GraphNode[]): Set<string> {
  return new Set([...nodes.map((n) => n.id), ...blockNames(nodes)]);
}

function uniqueId(taken: ReadonlySet<string>, base: string): string {
  for (let i = 1; ; i++) {
    const id = `${base}_${i}`;
    if (!taken.has(id)) return id;
  }
}

/** Renumbers the target handles of a merge block's wires 0..n-1, keeping their order. */
function renumberMergeInputs(edges: GraphEdge[], target: string): GraphEdge[] {
  const order = edges
    .filter((e) => e.target === target)
    .sort((a, b) => Number(a.targetHandle ?? Infinity) - Number(b.targetHandle ?? Infinity));
  const handle = new Map(order.map((e, i) => [e.id, String(i)]));
  return edges.map((e) =>
    handle.has(e.id) && e.targetHandle !== handle.get(e.id)
      ? { ...e, targetHandle: handle.get(e.id)! }
      : e,
  );
}

export const createGraphSlice: StateCreator<EditorState, [], [], GraphSlice> = (set, get) => {
  const setGraph = (
    nodes: GraphNode[] = get().project.graph.nodes,
    edges: GraphEdge[] = get().project.graph.edges,
  ) => {
    const project = get().project;
    set({ project: { ...project, graph: { ...project.graph, nodes, edges } }, dirty: true });
  };
  const mapNode = (id: string, fn: (n: GraphNode) => GraphNode) => {
    const nodes = get().project.graph.nodes;
    const i = nodes.findIndex((n) => n.id === id);
    if (i < 0) return;
    const next = nodes.slice();
    next[i] = fn(nodes[i]!);
    setGraph(next);
  };

  return {
    project: emptyProject(),
    dirty: false,
    loadCount: 0,
    filePath: null,

    addNode(type, position) {
      const def = getLayer(type);
      if (!def) throw new Error(`Unknown layer type ${type}`);
      const { nodes } = get().project.graph;
      const id = uniqueId(takenIdsAndNames(nodes), type.toLowerCase());
      const node: GraphNode = { id, type, params: defaultParams(def), position: { ...position } };
      setGraph([...nodes, node]);
      get().select([id], []);
      return id;
    },

    insertOnEdge(type, edgeId) {
      const def = getLayer(type);
      const graph = get().project.graph;
      const edge = graph.edges.find((e) => e.id === edgeId);
      if (!def || !edge) return { ok: false, reason: `No wire ${edgeId}` };
      const id = uniqueId(new Set(graph.nodes.map((n) => n.id)), type.toLowerCase());
      const source = graph.nodes.find((n) => n.id === edge.source)!;
      const node: GraphNode = { id, type, params: defaultParams(def), position: source.position };
      const edgeIds = new Set(graph.edges.map((e) => e.id));
      const inId = uniqueId(edgeIds, `e-${edge.source}-${id}`);
      edgeIds.add(inId);
      const outId = uniqueId(edgeIds, `e-${id}-${edge.target}`);
      const rest = graph.edges.filter((e) => e.id !== edgeId);
      const withNode = { ...graph, nodes: [...graph.nodes, node], edges: rest };
      const first = checkConnection(withNode, edge.source, id);
      if (!first.ok) return first;
      const wireIn: GraphEdge = { id: inId, source: edge.source, target: id };
      const second = checkConnection({ ...withNode, edges: [...rest, wireIn] }, id, edge.target);
      if (!second.ok) return second;
      const wireOut: GraphEdge = { ...edge, id: outId, source: id };
      const edges = graph.edges.flatMap((e) => (e.id === edgeId ? [wireIn, wireOut] : [e]));
      const next = { ...graph, nodes: [...graph.nodes, node], edges };
      const placed = withPositions(
        next,
        roomForInserted(next, id, edge.source, edge.target, get().measured),
      );
      setGraph(placed.nodes, placed.edges);
      get().select([id], []);
      return { ok: true, edgeId: outId, nodeId: id };
    },

    canConnect(source, target) {
      return checkConnection(get().project.graph, source, target);
    },

    connect(source, target) {
      const graph = get().project.graph;
      const check = checkConnection(graph, source, target);
      if (!check.ok) return check;
      const targetNode = graph.nodes.find((n) => n.id === target)!;
      const ids = new Set(graph.edges.map((e) => e.id));
      let id = `e-${source}-${target}`;
      if (ids.has(id)) id = uniqueId(ids, id);
      const edge: GraphEdge = { id, source, target };
      if (isMergeType(targetNode.type)) {
        edge.targetHandle = String(graph.edges.filter((e) => e.target === target).length);
      }
      setGraph(undefined, [...graph.edges, edge]);
      return { ok: true, edgeId: id };
    },

    removeElements(nodeIds, edgeIds = []) {
      if (nodeIds.length === 0 && edgeIds.length === 0) return;
      const { nodes, edges } = get().project.graph;
      const goneNodes = new Set(nodeIds);
      const goneEdges = new Set(edgeIds);
      const keptNodes = nodes.filter((n) => !goneNodes.has(n.id));
      let keptEdges = edges.filter(
        (e) => !goneEdges.has(e.id) && !goneNodes.has(e.source) && !goneNodes.has(e.target),
      );
      if (keptNodes.length === nodes.length && keptEdges.length === edges.length) return;
      const removed = edges.filter((e) => !keptEdges.includes(e));
      for (const target of new Set(removed.map((e) => e.target))) {
        const node = keptNodes.find((n) => n.id === target);
        if (node && isMergeType(node.type)) keptEdges = renumberMergeInputs(keptEdges, target);
      }
      setGraph(keptNodes, keptEdges);
      const { selectedNodeIds, selectedEdgeIds } = get();
      const keptEdgeIds = new Set(keptEdges.map((e) => e.id));
      get().select(
        selectedNodeIds.filter((id) => !goneNodes.has(id)),
        selectedEdgeIds.filter((id) => keptEdgeIds.has(id)),
      );
    },

    updateParam(nodeId, param, raw) {
      const node = get().project.graph.nodes.find((n) => n.id === nodeId);
      const spec = node && getLayer(node.type)?.params.find((p) => p.name === param);
      if (!node || !spec) return { ok: false, message: `No parameter ${param} on ${nodeId}` };
      const result = validateParam(spec, raw);
      if (result.ok) {
        mapNode(nodeId, (n) => ({ ...n, params: { ...n.params, [param]: result.value } }));
      }
      return result;
    },

    setLabel(nodeId, label) {
      const text = label.slice(0, 200);
      const nodes = get().project.graph.nodes;
      const current = blockNames(nodes)[nodes.findIndex((n) => n.id === nodeId)];
      mapNode(nodeId, (n) => {
        const next = { ...n };
        if (!n.name?.trim() && current !== undefined) next.name = current;
        if (text.trim() === '') delete next.label;
        else next.label = text;
        return next;
      });
    },

    renameNode(nodeId, name) {
      const project = get().project;
      const nodes = project.graph.nodes;
      const result = checkBlockName(nodes, nodeId, name);
      const node = nodes.find((n) => n.id === nodeId);
      if (!result.ok || !node || node.name === result.name) return result;
      const next = nodes.map((n) => (n.id === nodeId ? { ...n, name: result.name } : n));
      // Trained weights are stored by layer name: they follow the block to its new name.
      const before = blockNameMap(nodes);
      const after = blockNameMap(next);
      const renamed = new Map(
        [...before]
          .filter(([id, old]) => after.get(id) !== old)
          .map(([id, old]) => [old, after.get(id)!]),
      );
      const weights = asWeightsSection(project.weights);
      set({
        project: {
          ...project,
          graph: { ...project.graph, nodes: next },
          ...(weights && weights.layers.some((l) => renamed.has(l.layer))
            ? {
                weights: {
                  ...weights,
                  layers: weights.layers.map((l) =>
                    renamed.has(l.layer) ? { ...l, layer: renamed.get(l.layer)! } : l,
                  ),
                },
              }
            : {}),
        },
        dirty: true,
      });
      return result;
    },

    moveNode(nodeId, position) {
      get().moveNodes([{ id: nodeId, position }]);
    },

    moveNodes(moves) {
      if (moves.length === 0) return;
      const byId = new Map(moves.map((m) => [m.id, m.position]));
      const nodes = get().project.graph.nodes.map((n) => {
        const p = byId.get(n.id);
        return p && (p.x !== n.position.x || p.y !== n.position.y)
          ? { ...n, position: { x: p.x, y: p.y } }
          : n;
      });
      setGraph(nodes);
    },

    applyLayout(positions) {
      const map = positions instanceof Map ? positions : new Map(Object.entries(positions));
      get().moveNodes([...map].map(([id, position]) => ({ id, position })));
    },

    loadProject(project, filePath = null) {
      set({ project, dirty: false, filePath, loadCount: get().loadCount + 1 });
      get().resetView();
    },

    newFromTemplate(templateId) {
      get().loadProject(loadTemplate(templateId));
    },

    newEmpty() {
      get().loadProject(emptyProject());
    },

    markSaved(filePath) {
      set(filePath === undefined ? { dirty: false } : { dirty: false, filePath });
    },

    applyFix(fix) {
      const project = get().project;
      const next = fix.apply({ graph: project.graph, training: project.training });
      if (next.graph === project.graph && next.training === project.training) return;
      // A block the fix inserted makes room for itself instead of covering its neighbours.
      const graph =
        next.graph === project.graph
          ? next.graph
          : placeAdded(project.graph, next.graph, get().measured);
      set({ project: { ...project, graph, training: next.training }, dirty: true });
    },
  };
};
