import type { ELK } from 'elkjs/lib/elk-api.js';
import type { Graph } from '../../shared/index.ts';
import type { XY } from '../store/index.ts';

const DEFAULT_SIZE = { width: 230, height: 96 };

/**
 * Above this many blocks Auto layout uses `rowLayout` instead of ELK: ELK runs on the UI thread
 * and measured 1-3 s for 200-400 blocks, ~8 s for 1,000, and overflowed its stack at 5,000
 * (bench/big-graph.bench.ts).
 */
export const ELK_MAX_BLOCKS = 300;

const ROW_GAP = 56;
const COLUMN_GAP = 48;

/**
 * Linear-time layered layout for big graphs: each block one row below its deepest input (in a
 * topological order; blocks on cycles go below the rest, one row each), the blocks of one row side
 * by side, centred on x = 0. Row heights and column widths follow `sizes` (default block size).
 * Returns top-left corners keyed by block id.
 */
export function rowLayout(
  graph: Graph,
  sizes: Readonly<Record<string, { width: number; height: number }>> = {},
): Map<string, XY> {
  const inputs = new Map<string, string[]>();
  const outputs = new Map<string, string[]>();
  const pending = new Map<string, number>();
  for (const n of graph.nodes) {
    inputs.set(n.id, []);
    outputs.set(n.id, []);
    pending.set(n.id, 0);
  }
  for (const e of graph.edges) {
    if (!inputs.has(e.source) || !inputs.has(e.target)) continue;
    inputs.get(e.target)!.push(e.source);
    outputs.get(e.source)!.push(e.target);
    pending.set(e.target, pending.get(e.target)! + 1);
  }
  const order: string[] = [];
  for (const [id, count] of pending) if (count === 0) order.push(id);
  for (let i = 0; i < order.length; i++) {
    for (const next of outputs.get(order[i]!)!) {
      const left = pending.get(next)! - 1;
      pending.set(next, left);
      if (left === 0) order.push(next);
    }
  }
  const depth = new Map<string, number>();
  let deepest = -1;
  for (const id of order) {
    let d = 0;
    for (const from of inputs.get(id)!) d = Math.max(d, (depth.get(from) ?? -1) + 1);
    depth.set(id, d);
    deepest = Math.max(deepest, d);
  }
  for (const n of graph.nodes) if (!depth.has(n.id)) depth.set(n.id, ++deepest);
  const rows: string[][] = [];
  for (const n of graph.nodes) (rows[depth.get(n.id)!] ??= []).push(n.id);
  const size = (id: string) => sizes[id] ?? DEFAULT_SIZE;
  const out = new Map<string, XY>();
  let y = 0;
  for (const row of rows) {
    if (!row) continue;
    const width = row.reduce((w, id) => w + size(id).width, 0) + COLUMN_GAP * (row.length - 1);
    let x = -width / 2;
    let height = 0;
    for (const id of row) {
      out.set(id, { x: Math.round(x), y });
      x += size(id).width + COLUMN_GAP;
      height = Math.max(height, size(id).height);
    }
    y += height + ROW_GAP;
  }
  return out;
}

let elk: ELK | undefined;

/** ELK is loaded on first use: it is large and only auto layout needs it. */
async function getElk(): Promise<ELK> {
  if (!elk) {
    const { default: ElkConstructor } = await import('elkjs/lib/elk.bundled.js');
    elk = new ElkConstructor();
  }
  return elk;
}

/**
 * Positions every block with ELK's layered algorithm, top to bottom, merge inputs ordered by
 * port; graphs above `ELK_MAX_BLOCKS` blocks get `rowLayout`. Returns top-left corners keyed by
 * block id.
 */
export async function layoutGraph(
  graph: Graph,
  sizes: Readonly<Record<string, { width: number; height: number }>> = {},
): Promise<Map<string, XY>> {
  if (graph.nodes.length > ELK_MAX_BLOCKS) return rowLayout(graph, sizes);
  const result = await (
    await getElk()
  ).layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '56',
      'elk.spacing.nodeNode': '48',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: graph.nodes.map((n) => ({
      id: n.id,
      width: sizes[n.id]?.width ?? DEFAULT_SIZE.width,
      height: sizes[n.id]?.height ?? DEFAULT_SIZE.height,
    })),
    edges: graph.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const out = new Map<string, XY>();
  for (const child of result.children ?? []) {
    out.set(child.id, { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) });
  }
  return out;
}
