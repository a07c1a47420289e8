import { describe, expect, it } from 'vitest';
import { loadTemplate, type Graph } from '../../shared/index.ts';
import { lintGraph } from '../../shared/lint/index.ts';
import {
  clearOffset,
  freeSpot,
  overlaps,
  placeAdded,
  readableViewport,
  roomForInserted,
  withPositions,
  type Box,
} from '../../renderer/canvas/placement.ts';
import { createEditorStore } from '../../renderer/store/index.ts';

const block = (x: number, y: number): Box => ({ x, y, width: 230, height: 92 });

/** No two blocks of the graph share area (230×92 each unless measured), with `gap` px between. */
function anyOverlap(graph: Graph, gap = 0): string | null {
  const boxes = graph.nodes.map((n) => ({ id: n.id, ...block(n.position.x, n.position.y) }));
  for (const a of boxes) {
    for (const b of boxes) {
      if (a.id < b.id && overlaps(a, b, gap / 2)) return `${a.id} overlaps ${b.id}`;
    }
  }
  return null;
}

const chain = (...ys: number[]): Graph => ({
  nodes: ys.map((y, i) => ({ id: `n${i}`, type: 'Dense', params: {}, position: { x: 0, y } })),
  edges: ys.slice(1).map((_, i) => ({ id: `e${i}`, source: `n${i}`, target: `n${i + 1}` })),
});

describe('placement geometry', () => {
  it('overlaps: touching edges do not overlap; a margin makes them', () => {
    expect(overlaps(block(0, 0), block(230, 0))).toBe(false);
    expect(overlaps(block(0, 0), block(229, 0))).toBe(true);
    expect(overlaps(block(0, 0), block(0, 92))).toBe(false);
    expect(overlaps(block(0, 0), block(0, 100), 5)).toBe(true);
    expect(overlaps(block(0, 0), block(0, 100), 3)).toBe(false);
  });

  it('freeSpot keeps a clear spot, and moves a covered one to the nearest clear grid point below', () => {
    expect(freeSpot([block(0, 0)], { x: 500, y: 7 })).toEqual({ x: 500, y: 7 });
    // Needs y ≥ 92 + 24 = 116 below (or x ≥ 254 beside): the 12 px grid's first is 120.
    expect(freeSpot([block(0, 0)], { x: 0, y: 0 })).toEqual({ x: 0, y: 120 });
    // Below taken too (a block at y 120): above wins, y ≤ −116 → −120.
    expect(freeSpot([block(0, 0), block(0, 120)], { x: 0, y: 0 })).toEqual({ x: 0, y: -120 });
  });

  it('clearOffset: beside the copied blocks; below when the right is taken', () => {
    const copied = [block(0, 0), block(0, 148)];
    // Fragment 230 wide: one step right is 230 + 24.
    expect(clearOffset(copied, copied)).toEqual({ x: 254, y: 0 });
    // Something at the right: one step down, 240 + 24.
    expect(clearOffset([...copied, block(300, 100)], copied)).toEqual({ x: 0, y: 264 });
  });

  it('roomForInserted: the new block goes under its source and the rest of the graph moves down', () => {
    // n0 → n1 → n2 at y 0, 148, 296; the new block x sits on the wire n0 → n1.
    const g = chain(0, 148, 296);
    g.nodes.push({ id: 'x', type: 'Flatten', params: {}, position: { x: 0, y: 74 } });
    g.nodes.push({ id: 'side', type: 'Dense', params: {}, position: { x: 400, y: 0 } });
    g.nodes.push({ id: 'low', type: 'Dense', params: {}, position: { x: 400, y: 300 } });
    g.edges = [
      { id: 'a', source: 'n0', target: 'x' },
      { id: 'b', source: 'x', target: 'n1' },
      { id: 'c', source: 'n1', target: 'n2' },
    ];
    const moves = roomForInserted(g, 'x', 'n0', 'n1', {});
    // x at 92 + 56 = 148; n1 must start at 148 + 92 + 56 = 296: shift 148.
    expect(moves.get('x')).toEqual({ x: 0, y: 148 });
    expect(moves.get('n1')).toEqual({ x: 0, y: 296 });
    expect(moves.get('n2')).toEqual({ x: 0, y: 444 });
    expect(moves.get('low')).toEqual({ x: 400, y: 448 });
    expect(moves.has('n0')).toBe(false);
    expect(moves.has('side')).toBe(false);
    expect(anyOverlap(withPositions(g, moves), 24)).toBeNull();
  });

  it('roomForInserted uses measured sizes', () => {
    const g = chain(0, 140);
    g.nodes.push({ id: 'x', type: 'Flatten', params: {}, position: { x: 0, y: 0 } });
    g.edges = [
      { id: 'a', source: 'n0', target: 'x' },
      { id: 'b', source: 'x', target: 'n1' },
    ];
    const moves = roomForInserted(g, 'x', 'n0', 'n1', {
      n0: { width: 230, height: 120 },
      x: { width: 200, height: 80 },
    });
    // Centred under n0 (x = (230 − 200) / 2 = 15), 120 + 56 below its top.
    expect(moves.get('x')).toEqual({ x: 15, y: 176 });
    // n1 at 176 + 80 + 56 = 312.
    expect(moves.get('n1')).toEqual({ x: 0, y: 312 });
  });

  it('readableViewport: a tall graph opens at zoom 1, top-aligned and centred; a short one fits', () => {
    // 712×646 canvas (1280×720 window): a 230×1100 column needs zoom 0.53 to fit.
    expect(
      readableViewport({ x: 0, y: 0, width: 230, height: 1100 }, { width: 712, height: 646 }),
    ).toEqual({ x: 241, y: 32, zoom: 1 });
    // 230×400 fits at 1.455: capped at 1.1, centred: x = (712 − 253) / 2, y = (646 − 440) / 2.
    const v = readableViewport(
      { x: 10, y: 20, width: 230, height: 400 },
      { width: 712, height: 646 },
    );
    expect(v.zoom).toBe(1.1);
    expect(v.x).toBeCloseTo(229.5 - 11, 9);
    expect(v.y).toBeCloseTo(103 - 22, 9);
  });

  it('readableViewport: a graph reaching into the minimap corner moves left to clear it', () => {
    // A 482-wide column (block + callout) centred in 712 px ends at 597; the 147×111 corner
    // starts at 712 − 147 − 8 = 557, and the column reaches the bottom: 40 px to the left.
    const corners = { right: { width: 147, height: 111 }, left: { width: 41, height: 96 } };
    const tall = readableViewport(
      { x: 0, y: 0, width: 482, height: 1100 },
      { width: 712, height: 646 },
      { corners },
    );
    expect(tall).toEqual({ x: 115 - 40, y: 32, zoom: 1 });
    // Not down to the corner (a short graph, centred, ends 32 px above it): stays centred.
    const short = readableViewport(
      { x: 0, y: 0, width: 482, height: 300 },
      { width: 712, height: 646 },
      { corners },
    );
    expect(short.x).toBeCloseTo((712 - 482 * 1.1) / 2, 9);
    // Never past the padding: a 640-wide graph (centred at 36) can only go to x = 32.
    const wide = readableViewport(
      { x: 0, y: 0, width: 640, height: 1100 },
      { width: 712, height: 646 },
      { corners: { right: corners.right } },
    );
    expect(wide.x).toBe(32);
    // With the zoom controls in the other corner it cannot move at all (36 < 41 + 8 already).
    const stuck = readableViewport(
      { x: 0, y: 0, width: 640, height: 1100 },
      { width: 712, height: 646 },
      { corners },
    );
    expect(stuck.x).toBe(36);
    // A 560-wide column clears the minimap at left = 557 − 560 < 49 = 41 + 8: it stops at the
    // zoom controls instead (x = 49) rather than cover them.
    const both = readableViewport(
      { x: 0, y: 0, width: 560, height: 1100 },
      { width: 712, height: 646 },
      { corners },
    );
    expect(both.x).toBe(49);
  });

  it('readableViewport: a graph that fits but spans both corners moves up, not past the top padding', () => {
    const corners = { right: { width: 147, height: 111 }, left: { width: 41, height: 96 } };
    const view = { width: 712, height: 432 };
    // 640 × 250 at zoom 648 / 640: centred it ends at 342.6, under both corners; it goes up until
    // it ends 8 px above the minimap (432 − 111 − 8 = 313).
    const low = readableViewport({ x: 0, y: 0, width: 640, height: 250 }, view, { corners });
    expect(low.zoom).toBeCloseTo(648 / 640, 9);
    expect(low.y + 250 * low.zoom).toBeCloseTo(313, 9);
    // 640 × 300 would need 55 px but only has 32 above it: it stops at the top padding.
    const tall = readableViewport({ x: 0, y: 0, width: 640, height: 300 }, view, { corners });
    expect(tall.y).toBeCloseTo(32, 9);
    // Without corners both stay centred.
    expect(readableViewport({ x: 0, y: 0, width: 640, height: 250 }, view).y).toBeCloseTo(
      (432 - 250 * (648 / 640)) / 2,
      9,
    );
  });
});

describe('placing added blocks in the store', () => {
  it('Insert Flatten (W101) makes room instead of covering Dropout and Dense', () => {
    const store = createEditorStore(loadTemplate('mnist-cnn'));
    const s = () => store.getState();
    s().removeElements(['flatten']);
    expect(s().connect('pool_2', 'dropout').ok).toBe(true);
    const finding = lintGraph(s().project.graph, { training: s().project.training }).find(
      (f) => f.code === 'W101',
    );
    expect(finding?.fix?.title).toBe('Insert Flatten');
    s().applyFix(finding!.fix!);
    const graph = s().project.graph;
    const pos = (id: string) => graph.nodes.find((n) => n.id === id)!.position;
    const flatten = graph.nodes.find((n) => n.type === 'Flatten')!;
    // Template: dropout at y 840; the new block 840 + 92 + 56 = 988; dense to 988 + 148 = 1136.
    expect(flatten.position).toEqual({ x: 0, y: 988 });
    expect(pos('dense')).toEqual({ x: 0, y: 1136 });
    expect(pos('dropout')).toEqual({ x: 0, y: 840 });
    expect(anyOverlap(graph, 24)).toBeNull();
    // One undo step takes it all back.
    s().undo();
    expect(s().project.graph.nodes.some((n) => n.type === 'Flatten')).toBe(false);
    expect(s().project.graph.nodes.find((n) => n.id === 'dense')!.position).toEqual({
      x: 0,
      y: 980,
    });
  });

  it('placeAdded sends a new unwired block that covers another to a free spot', () => {
    const before = chain(0, 148);
    const after: Graph = {
      ...before,
      nodes: [
        ...before.nodes,
        { id: 'new', type: 'Dense', params: {}, position: { x: 10, y: 10 } },
      ],
    };
    const placed = placeAdded(before, after, {});
    expect(anyOverlap(placed, 24)).toBeNull();
    expect(placed.nodes[0]).toBe(before.nodes[0]);
  });

  it('insertOnEdge: a block dropped on a wire goes into it, wires and merge port kept', () => {
    const store = createEditorStore(loadTemplate('mnist-mlp'));
    const s = () => store.getState();
    const wire = s().project.graph.edges.find((e) => e.target === 'dense_2')!;
    const result = s().insertOnEdge('Dropout', wire.id);
    expect(result).toMatchObject({ ok: true, nodeId: 'dropout_1' });
    const g = s().project.graph;
    expect(g.edges.filter((e) => e.target === 'dropout_1').map((e) => e.source)).toEqual([
      'dense_1',
    ]);
    expect(g.edges.filter((e) => e.source === 'dropout_1').map((e) => e.target)).toEqual([
      'dense_2',
    ]);
    expect(g.edges.some((e) => e.id === wire.id)).toBe(false);
    expect(anyOverlap(g, 24)).toBeNull();
    expect(s().selectedNodeIds).toEqual(['dropout_1']);

    // An Input takes no wire in: refused, nothing changes.
    const edges = s().project.graph.edges;
    expect(s().insertOnEdge('Input', edges[0]!.id)).toEqual({
      ok: false,
      reason: 'Input takes no inputs',
    });
    expect(s().project.graph.edges).toBe(edges);

    // Into a merge block's second port: the new wire keeps the port.
    const res = createEditorStore(loadTemplate('residual-block'));
    const port = res.getState().project.graph.edges.find((e) => e.targetHandle === '1')!;
    expect(res.getState().insertOnEdge('Dropout', port.id).ok).toBe(true);
    const into = res.getState().project.graph.edges.filter((e) => e.target === port.target);
    expect(into.map((e) => e.targetHandle).sort()).toEqual(['0', '1']);
    expect(into.find((e) => e.targetHandle === '1')!.source).toBe('dropout_1');
  });
});
