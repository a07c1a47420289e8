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

/**
 * A long, nearly vertical wire (a skip connection) would run straight behind the blocks it skips;
 * it bows out to the right instead. Returns null for ordinary wires.
 */
export function skipPath(
  sx: number,
  sy: number,
  tx: number,
  ty: number,
): [path: string, labelX: number, labelY: number] | null {
  const dy = ty - sy;
  if (dy < 200 || Math.abs(tx - sx) > 140) return null;
  const k = Math.min(300, 190 + dy * 0.1);
  const c1y = sy + dy * 0.25;
  const c2y = ty - dy * 0.25;
  const path = `M ${sx},${sy} C ${sx + k},${c1y} ${tx + k},${c2y} ${tx},${ty}`;
  return [path, (sx + tx) / 2 + 0.75 * k, (sy + ty) / 2];
}

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
  const [path, labelX, labelY] =
    skipPath(sourceX, sourceY, targetX, targetY) ??
    getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
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
