import {
  Background,
  BackgroundVariant,
  ConnectionLineType,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type IsValidConnection,
  type NodeChange,
  type Node,
  type OnBeforeDelete,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { getLayer } from '../../shared/index.ts';
import { editorStore, useEditor } from '../store/index.ts';
import { groupClass } from './blockInfo.ts';
import { DROP_OFFSET, LAYER_MIME } from './dnd.ts';
import { createEdgeMapper, createNodeMapper } from './flowModel.ts';
import { frameFor } from './frame.ts';
import { boxOf, freeSpot } from './placement.ts';
import { NODE_TYPES, type LayerFlowNode } from './LayerNode.tsx';
import { EDGE_TYPES } from './ShapeEdge.tsx';

const DELETE_KEYS = ['Delete', 'Backspace'];
const DEFAULT_EDGE_OPTIONS = { type: 'shape' };
/** Above this many blocks only the visible ones are rendered. */
const VIRTUALISE_ABOVE = 120;
/** Above this many blocks the minimap (an SVG of every block, redrawn on each change) is hidden. */
const MINIMAP_MAX_BLOCKS = 2000;

const GROUP_COLOURS: Record<string, string> = {
  core: '#4f7cff',
  activation: '#f08c2e',
  norm: '#8b5cf6',
  conv: '#10a37f',
  merge: '#e0467c',
  unknown: '#94a3b8',
};

function minimapColour(node: Node): string {
  const type = (node as LayerFlowNode).data.node.type;
  return GROUP_COLOURS[groupClass(getLayer(type)?.group)] ?? '#94a3b8';
}

const isValidConnection: IsValidConnection = (c) =>
  editorStore.getState().canConnect(c.source, c.target).ok;

function onNodesChange(changes: NodeChange<LayerFlowNode>[]) {
  const state = editorStore.getState();
  const moves: { id: string; position: { x: number; y: number } }[] = [];
  const sizes: { id: string; width: number; height: number }[] = [];
  const removed: string[] = [];
  let selection: Set<string> | undefined;
  for (const change of changes) {
    switch (change.type) {
      case 'position':
        if (change.position) moves.push({ id: change.id, position: change.position });
        break;
      case 'dimensions':
        if (change.dimensions) sizes.push({ id: change.id, ...change.dimensions });
        break;
      case 'select':
        selection ??= new Set(state.selectedNodeIds);
        if (change.selected) selection.add(change.id);
        else selection.delete(change.id);
        break;
      case 'remove':
        removed.push(change.id);
        break;
    }
  }
  if (sizes.length > 0) state.setMeasured(sizes);
  if (moves.length > 0) state.moveNodes(moves);
  if (selection) state.select([...selection], editorStore.getState().selectedEdgeIds);
  if (removed.length > 0) state.removeElements(removed);
}

function onEdgesChange(changes: EdgeChange<Edge>[]) {
  const state = editorStore.getState();
  const removed: string[] = [];
  let selection: Set<string> | undefined;
  for (const change of changes) {
    if (change.type === 'select') {
      selection ??= new Set(state.selectedEdgeIds);
      if (change.selected) selection.add(change.id);
      else selection.delete(change.id);
    } else if (change.type === 'remove') removed.push(change.id);
  }
  if (selection) state.select(editorStore.getState().selectedNodeIds, [...selection]);
  if (removed.length > 0) state.removeElements([], removed);
}

/**
 * Delete key: the blocks and wires go in one store action (one undo entry), not as React Flow's
 * separate edge and node removals.
 */
const onBeforeDelete: OnBeforeDelete<LayerFlowNode> = async ({ nodes, edges }) => {
  editorStore.getState().removeElements(
    nodes.map((n) => n.id),
    edges.map((e) => e.id),
  );
  return false;
};

/** A drag (one block or many) is one undo entry, however many moves it made. */
function onNodeDragStart() {
  editorStore.getState().beginGesture();
}

function onNodeDragStop() {
  editorStore.getState().endGesture();
}

function onConnect(c: Connection) {
  const result = editorStore.getState().connect(c.source, c.target);
  if (!result.ok) editorStore.getState().notify(`Not wired: ${result.reason}`, 'error');
}

/** Says why a wire dropped on a block was refused. */
function onConnectEnd(_event: MouseEvent | TouchEvent, state: FinalConnectionState) {
  if (state.isValid !== false || !state.fromNode || !state.toNode) return;
  const from = state.fromHandle?.type === 'target' ? state.toNode : state.fromNode;
  const to = state.fromHandle?.type === 'target' ? state.fromNode : state.toNode;
  const check = editorStore.getState().canConnect(from.id, to.id);
  if (!check.ok) editorStore.getState().notify(`Not wired: ${check.reason}`, 'error');
}

/**
 * The wire under a screen point, when the point is on a wire (its 20 px hit area) and not on a
 * block.
 */
function wireAt(x: number, y: number): string | null {
  for (const el of document.elementsFromPoint(x, y)) {
    if (el.closest('.react-flow__node')) return null;
    const edge = el.closest('.react-flow__edge');
    if (edge) return edge.getAttribute('data-id');
  }
  return null;
}

/** The wire a dragged block would go into, highlighted while the block is over it. */
let dropWire: Element | null = null;

function markDropWire(x: number | null, y = 0) {
  const id = x === null ? null : wireAt(x, y);
  const el = id ? document.querySelector(`.react-flow__edge[data-id="${CSS.escape(id)}"]`) : null;
  if (el === dropWire) return;
  dropWire?.classList.remove('is-drop-target');
  el?.classList.add('is-drop-target');
  dropWire = el;
}

function onDragOver(event: DragEvent) {
  if (!event.dataTransfer.types.includes(LAYER_MIME)) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'copy';
  markDropWire(event.clientX, event.clientY);
}

function onDragLeave(event: DragEvent) {
  const to = event.relatedTarget;
  if (!(to instanceof window.Node) || !event.currentTarget.contains(to)) markDropWire(null);
}

/** The editing surface: blocks, wires, minimap and zoom controls. */
export function Canvas() {
  const { screenToFlowPosition, setViewport } = useReactFlow();
  const ref = useRef<HTMLDivElement>(null);
  const graphNodes = useEditor((s) => s.project.graph.nodes);
  const graphEdges = useEditor((s) => s.project.graph.edges);
  const selectedNodeIds = useEditor((s) => s.selectedNodeIds);
  const selectedEdgeIds = useEditor((s) => s.selectedEdgeIds);
  const measured = useEditor((s) => s.measured);
  const loadCount = useEditor((s) => s.loadCount);
  const [mapNodes] = useState(createNodeMapper);
  const [mapEdges] = useState(createEdgeMapper);

  const nodes = useMemo(
    () =>
      mapNodes(
        graphNodes,
        new Set(selectedNodeIds),
        measured,
        graphNodes.length > VIRTUALISE_ABOVE,
      ),
    [mapNodes, graphNodes, selectedNodeIds, measured],
  );
  const edges = useMemo(
    () => mapEdges(graphEdges, new Set(selectedEdgeIds)),
    [mapEdges, graphEdges, selectedEdgeIds],
  );

  useEffect(() => {
    // A freshly loaded project: frame it once its blocks have been measured, at a zoom where
    // block text stays readable (top-aligned when the graph is taller than the canvas).
    if (loadCount === 0) return;
    const timer = setTimeout(() => {
      const view = ref.current && frameFor(ref.current, 'readable');
      if (view) void setViewport(view);
    }, 60);
    return () => clearTimeout(timer);
  }, [loadCount, setViewport]);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(LAYER_MIME);
      if (!type || !getLayer(type)) return;
      event.preventDefault();
      markDropWire(null);
      const store = editorStore.getState();
      // Dropped on a wire: the block goes into it (source → new → target).
      const edgeId = wireAt(event.clientX, event.clientY);
      if (edgeId) {
        const result = store.insertOnEdge(type, edgeId);
        if (result.ok) return;
        store.notify(`Not inserted into the wire: ${result.reason}`, 'error');
      }
      // Centred under the pointer, or the nearest spot that hides no other block.
      const at = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const { project, measured } = store;
      const spot = freeSpot(
        project.graph.nodes.map((n) => boxOf(n, measured)),
        { x: at.x - DROP_OFFSET.x, y: at.y - DROP_OFFSET.y },
      );
      store.addNode(type, spot);
    },
    [screenToFlowPosition],
  );

  return (
    <div
      ref={ref}
      className="canvas"
      data-testid="canvas"
      onDrop={onDrop}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onBeforeDelete={onBeforeDelete}
        onNodeDragStart={onNodeDragStart}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        connectionLineType={ConnectionLineType.Bezier}
        deleteKeyCode={DELETE_KEYS}
        minZoom={0.1}
        maxZoom={2}
        onlyRenderVisibleElements={graphNodes.length > VIRTUALISE_ABOVE}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#c8cfdb" />
        {graphNodes.length <= MINIMAP_MAX_BLOCKS && (
          <MiniMap
            pannable
            zoomable
            nodeColor={minimapColour}
            nodeStrokeWidth={0}
            maskColor="rgba(240, 243, 248, 0.7)"
            // Smaller than React Flow's 200×150 so it rarely covers blocks on a 1280-wide window.
            style={{ width: 132, height: 96 }}
            data-testid="minimap"
          />
        )}
        <Controls showInteractive={false} data-testid="zoom-controls" />
      </ReactFlow>
      {graphNodes.length === 0 && (
        <div className="canvas__empty" data-testid="canvas-empty">
          <strong>Empty canvas</strong>
          <span>Drag a block from the palette, or press Enter on one, to start a network.</span>
        </div>
      )}
    </div>
  );
}
