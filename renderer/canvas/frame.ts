import type { Viewport } from '@xyflow/react';
import { editorStore } from '../store/index.ts';
import { boundsOf, boxOf, readableViewport, type Box } from './placement.ts';

/** Room a block's on-canvas warning or problem takes to its right (LayerNode's callout), px. */
const CALLOUT = { gap: 12, width: 240, height: 110 };
/**
 * What covers the canvas's bottom corners (React Flow panels, 15 px margin): the zoom controls
 * (3 buttons of 26×27 px) on the left, the minimap (Canvas.tsx: 132×96) on the right.
 */
const CORNERS = {
  left: { width: 26 + 15, height: 3 * 27 + 15 },
  right: { width: 132 + 15, height: 96 + 15 },
};

/**
 * The boxes the graph needs on screen (flow px): its blocks, at their measured sizes (or the
 * initial size for blocks not rendered yet), and beside each block that shows a warning or
 * problem, that callout (read from the rendered blocks).
 */
function framedBoxes(canvas: HTMLElement): Box[] {
  const { project, measured } = editorStore.getState();
  const withCallout = new Set(
    [...canvas.querySelectorAll('.react-flow__node')]
      .filter((el) => el.querySelector('[data-testid="node-lint"], [data-testid="node-error"]'))
      .map((el) => el.getAttribute('data-id')),
  );
  return project.graph.nodes.flatMap((n) => {
    const box = boxOf(n, measured);
    if (!withCallout.has(n.id)) return [box];
    return [box, { ...CALLOUT, x: box.x + box.width + CALLOUT.gap, y: box.y }];
  });
}

/**
 * The view that frames the whole graph in `canvas` (the element React Flow fills). `readable`:
 * as a freshly opened project, never below the zoom where block text is 11 px (top-aligned when
 * taller than the canvas); `whole`: all of it, down to React Flow's minimum zoom 0.1 (Fit view).
 * Works from graph positions, so blocks that are not rendered (large graphs) count too. Null for
 * an empty graph.
 */
export function frameFor(canvas: HTMLElement, mode: 'readable' | 'whole'): Viewport | null {
  const bounds = boundsOf(framedBoxes(canvas));
  if (!bounds) return null;
  const view = { width: canvas.clientWidth, height: canvas.clientHeight };
  return readableViewport(bounds, view, {
    corners: CORNERS,
    ...(mode === 'whole' ? { minZoom: 0.1 } : {}),
  });
}
