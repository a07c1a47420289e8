import type { Edge } from '@xyflow/react';
import type { GraphEdge, GraphNode } from '../../shared/index.ts';
import type { LayerFlowNode } from './LayerNode.tsx';
import type { ShapeFlowEdge } from './ShapeEdge.tsx';

type Size = { width: number; height: number };

/**
 * Maps graph nodes to React Flow nodes, reusing the previous object whenever nothing it carries
 * changed: React Flow and the memoised block components then skip the unchanged blocks, which
 * keeps dragging one block in a 300-block graph cheap.
 */
export function createNodeMapper() {
  const cache = new WeakMap<GraphNode, LayerFlowNode>();
  return (
    nodes: readonly GraphNode[],
    selected: ReadonlySet<string>,
    measured: Readonly<Record<string, Size>>,
  ): LayerFlowNode[] =>
    nodes.map((node) => {
      const isSelected = selected.has(node.id);
      const size = measured[node.id];
      const prev = cache.get(node);
      if (prev && prev.selected === isSelected && prev.measured === size) return prev;
      const flow: LayerFlowNode = {
        id: node.id,
        type: 'layer',
        position: node.position,
        data: { node },
        selected: isSelected,
        initialWidth: 230,
        initialHeight: 92,
        ...(size ? { measured: size } : {}),
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
