/**
 * Where new blocks go: clear of the blocks already on the canvas. Pure geometry over graph
 * positions (flow coordinates, px at zoom 1, y down; a position is a block's top-left corner).
 */
import type { Graph, GraphNode } from '../../shared/index.ts';

export interface XY {
  x: number;
  y: number;
}
export interface Box extends XY {
  width: number;
  height: number;
}
export type Sizes = Readonly<Record<string, { width: number; height: number }>>;

/** A block not measured yet (React Flow's initial size in flowModel.ts). */
export const DEFAULT_BLOCK = { width: 230, height: 92 };
/** Space kept between a new block and its neighbours, px. */
export const GAP = 24;
/** Vertical space between a block and one inserted after it on a wire (the templates' spacing). */
export const CHAIN_GAP = 56;

export function boxOf(node: GraphNode, sizes: Sizes): Box {
  const size = sizes[node.id] ?? DEFAULT_BLOCK;
  return { x: node.position.x, y: node.position.y, width: size.width, height: size.height };
}

/** True when the boxes, each grown by `margin` on every side, share any area. */
export function overlaps(a: Box, b: Box, margin = 0): boolean {
  return (
    a.x - margin < b.x + b.width + margin &&
    b.x - margin < a.x + a.width + margin &&
    a.y - margin < b.y + b.height + margin &&
    b.y - margin < a.y + a.height + margin
  );
}

/**
 * The top-left corner nearest to `want` where a block of `size` keeps `gap` from every box in
 * `taken` (`want` itself when it is clear). Searches square rings of 12 px grid points around
 * `want`, ring by ring, and takes the nearest clear point of the first ring that has one; at equal
 * distance it prefers below, then right. Gives `want` back if nothing is clear within 4,800 px.
 */
export function freeSpot(
  taken: readonly Box[],
  want: XY,
  size: { width: number; height: number } = DEFAULT_BLOCK,
  gap = GAP,
): XY {
  const clear = (p: XY) => !taken.some((b) => overlaps({ ...p, ...size }, b, gap / 2));
  if (clear(want)) return { x: want.x, y: want.y };
  const step = 12;
  for (let ring = 1; ring <= 400; ring++) {
    let best: XY | null = null;
    let bestD = Infinity;
    for (let i = -ring; i <= ring; i++) {
      for (const [dx, dy] of [
        [i, -ring],
        [i, ring],
        [-ring, i],
        [ring, i],
      ] as const) {
        const p = { x: want.x + dx * step, y: want.y + dy * step };
        // At equal distance: below, then right, before above or left.
        const d = Math.hypot(dx, dy) + (dy < 0 ? 0.002 : 0) + (dx < 0 ? 0.001 : 0);
        if (d < bestD && clear(p)) {
          best = p;
          bestD = d;
        }
      }
    }
    if (best) return best;
  }
  return { x: want.x, y: want.y };
}

/** The bounding box of some boxes (null for none). */
export function boundsOf(boxes: readonly Box[]): Box | null {
  if (boxes.length === 0) return null;
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return { x, y, width: right - x, height: bottom - y };
}

/**
 * How far to move pasted blocks (`copied`, at the positions they were copied from) so that none
 * of them touches a block in `taken`: the nearest of a whole-fragment step right (the fragment's
 * width plus `gap`) or down, or both, in that order of preference at equal distance.
 */
export function clearOffset(taken: readonly Box[], copied: readonly Box[], gap = GAP): XY {
  const bounds = boundsOf(copied);
  if (!bounds) return { x: 0, y: 0 };
  const sx = bounds.width + gap;
  const sy = bounds.height + gap;
  const candidates: { x: number; y: number; d: number }[] = [];
  for (let j = 0; j <= 12; j++) {
    for (let i = 0; i <= 12; i++) {
      if (i === 0 && j === 0) continue;
      // Rightwards first: a copy beside its original reads as a copy.
      candidates.push({ x: i * sx, y: j * sy, d: i + j + (j > 0 ? 0.5 : 0) });
    }
  }
  candidates.sort((a, b) => a.d - b.d);
  for (const c of candidates) {
    const moved = copied.map((b) => ({ ...b, x: b.x + c.x, y: b.y + c.y }));
    if (!moved.some((m) => taken.some((t) => overlaps(m, t, gap / 2)))) return { x: c.x, y: c.y };
  }
  return { x: sx, y: 0 };
}

/** Blocks downstream of `from` (following wires), `from` excluded. */
function downstream(graph: Graph, from: string): Set<string> {
  const out = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    for (const e of graph.edges) {
      if (e.source === id && !out.has(e.target)) {
        out.add(e.target);
        stack.push(e.target);
      }
    }
  }
  return out;
}

/**
 * Makes room for a block just inserted on a wire `source → id → target`: it goes `CHAIN_GAP`
 * below `source` (same column), and when it would then cover or crowd `target`, `target` and
 * every block downstream of it, plus every other block whose top lies below the new block's top,
 * move down by the same amount, so the graph keeps its shape. A block that still collides after
 * that (a wide neighbour beside the chain) sends the new block to the nearest free spot.
 * Returns the new positions of the blocks that moved (the inserted one included).
 */
export function roomForInserted(
  graph: Graph,
  id: string,
  source: string,
  target: string,
  sizes: Sizes,
): Map<string, XY> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const src = byId.get(source);
  const dst = byId.get(target);
  const node = byId.get(id);
  const moves = new Map<string, XY>();
  if (!src || !dst || !node) return moves;
  const srcBox = boxOf(src, sizes);
  const size = sizes[id] ?? DEFAULT_BLOCK;
  const at: XY = {
    x: srcBox.x + (srcBox.width - size.width) / 2,
    y: srcBox.y + srcBox.height + CHAIN_GAP,
  };
  const mine: Box = { ...at, ...size };
  // Blocks that must stay clear below the new one: the wire's target and all below the line.
  const below = downstream(graph, target);
  below.add(target);
  for (const n of graph.nodes) {
    if (n.id !== id && n.id !== source && n.position.y >= at.y - size.height / 2) below.add(n.id);
  }
  below.delete(id);
  for (const up of [source, ...upstream(graph, source)]) below.delete(up);
  let shift = 0;
  for (const bid of below) {
    const b = boxOf(byId.get(bid)!, sizes);
    // Only blocks in the new block's column (or its lint/wire label's reach) need the room.
    const sameColumn = b.x < mine.x + mine.width + GAP && mine.x < b.x + b.width + GAP;
    if (sameColumn) shift = Math.max(shift, mine.y + mine.height + CHAIN_GAP - b.y);
  }
  if (shift > 0) {
    for (const bid of below) {
      const p = byId.get(bid)!.position;
      moves.set(bid, { x: p.x, y: p.y + shift });
    }
  }
  const others = graph.nodes
    .filter((n) => n.id !== id)
    .map((n) => ({ ...boxOf(n, sizes), ...(moves.get(n.id) ?? n.position) }));
  moves.set(id, freeSpot(others, at, size));
  return moves;
}

/** Blocks upstream of `from` (against the wires), `from` excluded. */
function upstream(graph: Graph, from: string): Set<string> {
  const out = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    for (const e of graph.edges) {
      if (e.target === id && !out.has(e.source)) {
        out.add(e.source);
        stack.push(e.source);
      }
    }
  }
  return out;
}

/** Applies position changes to a graph (a new graph; untouched blocks keep their objects). */
export function withPositions(graph: Graph, moves: ReadonlyMap<string, XY>): Graph {
  if (moves.size === 0) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      const p = moves.get(n.id);
      return p ? { ...n, position: { x: p.x, y: p.y } } : n;
    }),
  };
}

/**
 * After an edit that added blocks (a lint fix such as Insert Flatten): each new block that sits
 * on one wire in and one wire out gets room as if inserted on that wire; any other new block that
 * covers another goes to the nearest free spot. `before` is the graph before the edit.
 */
export function placeAdded(before: Graph, after: Graph, sizes: Sizes): Graph {
  const old = new Set(before.nodes.map((n) => n.id));
  let graph = after;
  for (const node of after.nodes) {
    if (old.has(node.id)) continue;
    const ins = graph.edges.filter((e) => e.target === node.id);
    const outs = graph.edges.filter((e) => e.source === node.id);
    if (ins.length === 1 && outs.length === 1) {
      graph = withPositions(
        graph,
        roomForInserted(graph, node.id, ins[0]!.source, outs[0]!.target, sizes),
      );
    } else {
      const current = graph.nodes.find((n) => n.id === node.id)!;
      const others = graph.nodes.filter((n) => n.id !== node.id).map((n) => boxOf(n, sizes));
      const spot = freeSpot(others, current.position, sizes[node.id] ?? DEFAULT_BLOCK);
      graph = withPositions(graph, new Map([[node.id, spot]]));
    }
  }
  return graph;
}

/** The smallest font size inside a block, px (`.block__names` in app.css). */
export const SMALLEST_BLOCK_FONT = 11;
/** Readable on a projector: the smallest block text is at least 11 px on screen. */
export const READABLE_ZOOM = 11 / SMALLEST_BLOCK_FONT;

/** A box in a bottom corner of the canvas, px. */
export interface Corner {
  width: number;
  height: number;
}

/**
 * The view (React Flow viewport: screen = flow × zoom + (x, y)) that shows a freshly opened graph
 * readably in a canvas of `view` px: as much of it as fits, never below `minZoom` nor above
 * `maxZoom`. A graph that fits is centred; one taller or wider than the canvas at that zoom is
 * aligned to its top or left edge (the Input is usually there) with `padding` px to spare.
 * `corners`: boxes in the canvas's bottom corners that cover the graph (the zoom controls on
 * the left, the minimap on the right); when the graph reaches down into one, it moves sideways
 * as far as it can without running into the other, then up as far as the top padding allows.
 */
export function readableViewport(
  bounds: Box,
  view: { width: number; height: number },
  {
    minZoom = READABLE_ZOOM,
    maxZoom = 1.1,
    padding = 32,
    corners = {},
  }: {
    minZoom?: number;
    maxZoom?: number;
    padding?: number;
    corners?: { left?: Corner; right?: Corner };
  } = {},
): { x: number; y: number; zoom: number } {
  const fit = Math.min(
    (view.width - 2 * padding) / Math.max(1, bounds.width),
    (view.height - 2 * padding) / Math.max(1, bounds.height),
  );
  const zoom = Math.min(maxZoom, Math.max(minZoom, fit));
  const place = (start: number, size: number, room: number) =>
    size * zoom <= room - 2 * padding
      ? (room - size * zoom) / 2 - start * zoom
      : padding - start * zoom;
  let x = place(bounds.x, bounds.width, view.width);
  let y = place(bounds.y, bounds.height, view.height);
  // Screen edges of the graph, and the room the corners it reaches down into leave it.
  const left = x + bounds.x * zoom;
  const right = left + bounds.width * zoom;
  const bottom = y + (bounds.y + bounds.height) * zoom;
  const gap = padding / 4;
  const reaches = (c?: Corner): c is Corner => !!c && bottom > view.height - c.height;
  const lo = reaches(corners.left) ? corners.left.width + gap : -Infinity;
  const hi = reaches(corners.right) ? view.width - corners.right.width - gap : Infinity;
  if (right > hi) x -= Math.min(right - hi, Math.max(0, left - Math.max(lo, padding)));
  else if (left < lo) x += Math.min(lo - left, Math.max(0, hi - right));
  // Still under a corner (no room sideways): move up, as far as the top padding allows.
  const under: Corner[] = [];
  if (reaches(corners.left) && x + bounds.x * zoom < lo) under.push(corners.left);
  if (reaches(corners.right) && x + (bounds.x + bounds.width) * zoom > hi)
    under.push(corners.right);
  if (under.length > 0) {
    const need = bottom - (view.height - Math.max(...under.map((c) => c.height)) - gap);
    y -= Math.min(need, Math.max(0, y + bounds.y * zoom - padding));
  }
  return {
    x,
    y,
    zoom,
  };
}
