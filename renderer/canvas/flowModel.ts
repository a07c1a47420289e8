import { Position, type Edge, type NodeHandle } from '@xyflow/react';
import { getLayer, type GraphEdge, type GraphNode } from '../../shared/index.ts';
import type { LayerFlowNode } from './LayerNode.tsx';
import type { ShapeFlowEdge } from './ShapeEdge.tsx';

type Size = { width: number; height: number };

/** A block's size before it is measured (LayerNode's usual size). */
const INITIAL = { width: 230, height: 92 };
/** A handle's box (11 px plus its 2 px border each side, app.css), centred on the block's edge. */
const HANDLE = 15;

/**
 * Where a not-yet-measured block's ports are (`in` top centre when its kind takes inputs, `out`
 * bottom centre), so that React Flow need not mount every block once to measure them: with
 * `onlyRenderVisibleElements` it mounts each unmeasured block once anyway, which on a
 * 10,000-block graph froze the page for 20-30 s. Mounted blocks are measured as usual.
 */
export function estimatedHandles(node: GraphNode): NodeHandle[] {
  const x = INITIAL.width / 2 - HANDLE / 2;
  const out: NodeHandle = {
    id: 'out',
    type: 'source',
    position: Position.Bottom,
    x,
    y: INITIAL.height - HANDLE / 2,
    width: HANDLE,
    height: HANDLE,
  };
  if ((getLayer(node.type)?.inputs.max ?? 0) === 0) return [out];
  const into: NodeHandle = {
    id: 'in',
    type: 'target',
    position: Position.Top,
    x,
    y: -HANDLE / 2,
    width: HANDLE,
    height: HANDLE,
  };
  return [into, out];
}

/**
 * Maps graph nodes to React Flow nodes, reusing the previous object whenever nothing it carries
 * changed: React Flow and the memoised block components then skip the unchanged blocks, which
 * keeps dragging one block in a 300-block graph cheap. `estimate`: unmeasured blocks carry
 * `estimatedHandles` (for graphs rendered with `onlyRenderVisibleElements`).
 */
export function createNodeMapper() {
  const cache = new WeakMap<GraphNode, LayerFlowNode>();
  return (
    nodes: readonly GraphNode[],
    selected: ReadonlySet<string>,
    measured: Readonly<Record<string, Size>>,
    estimate = false,
  ): LayerFlowNode[] =>
    nodes.map((node) => {
      const isSelected = selected.has(node.id);
      const size = measured[node.id];
      const withHandles = estimate && !size;
      const prev = cache.get(node);
      if (
        prev &&
        prev.selected === isSelected &&
        prev.measured === size &&
        (prev.handles !== undefined) === withHandles
      )
        return prev;
      const flow: LayerFlowNode = {
        id: node.id,
        type: 'layer',
        position: node.position,
        data: { node },
        selected: isSelected,
        initialWidth: INITIAL.width,
        initialHeight: INITIAL.height,
        ...(size ? { measured: size } : {}),
        ...(withHandles ? { handles: estimatedHandles(node) } : {}),
      };
      cache.set(node, flow);
      return flow;
    });
}

export function createEdgeMapper() {
  const cache = new WeakMap<GraphEdge, ShapeFlowEdge>();
  return (edges: readonly GraphEdge[], selected: ReadonlySet<string>): Edge[] =>
    edges.map((edge) => {
      const isSelected = selected.has(edge.id);
      const prev = cache.get(edge);
      if (prev && prev.selected === isSelected) return prev;
      const flow: ShapeFlowEdge = {
        id: edge.id,
        type: 'shape',
        source: edge.source,
        target: edge.target,
        sourceHandle: 'out',
        targetHandle: 'in',
        selected: isSelected,
        data: edge.targetHandle !== undefined ? { port: edge.targetHandle } : {},
      };
      cache.set(edge, flow);
      return flow;
    });
}
