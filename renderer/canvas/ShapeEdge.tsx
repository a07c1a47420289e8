import {
  BaseEdge,
  EdgeLabelRenderer,
  getBezierPath,
  type Edge,
  type EdgeProps,
} from '@xyflow/react';
import { memo } from 'react';
import { formatShape } from '../../shared/index.ts';
import { analysisOf, useEditor } from '../store/index.ts';

export type ShapeFlowEdge = Edge<{ port?: string }, 'shape'>;

/** A wire labelled with the tensor shape it carries, e.g. "(None, 128)". */
function ShapeEdgeView({
  id,
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
  selected,
  markerEnd,
  data,
}: EdgeProps<ShapeFlowEdge>) {
  const shape = useEditor((s) => {
    const sh = analysisOf(s.project.graph).edgeShapes.get(id);
    return sh ? formatShape(sh) : undefined;
  });
  const [path, labelX, labelY] = getBezierPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
  });
  const port = data?.port;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className="wire" />
      <EdgeLabelRenderer>
        <div
          className={`wire-label${selected ? ' is-selected' : ''}${shape ? '' : ' is-unknown'}`}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          data-testid={`edge-label-${id}`}
        >
          {port !== undefined && <span className="wire-label__port">#{Number(port) + 1}</span>}
          {shape ?? '?'}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

export const ShapeEdge = memo(ShapeEdgeView);

export const EDGE_TYPES = { shape: ShapeEdge };
