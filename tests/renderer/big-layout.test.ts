import { describe, expect, it } from 'vitest';
import type { Graph } from '../../shared/index.ts';
import { ELK_MAX_BLOCKS, layoutGraph, rowLayout } from '../../renderer/canvas/layout.ts';

function chain(size: number): Graph {
  const nodes: Graph['nodes'] = [];
  const edges: Graph['edges'] = [];
  for (let i = 0; i < size; i++) {
    nodes.push({ id: `n${i}`, type: 'Dense', params: {}, position: { x: 0, y: 0 } });
    if (i > 0) edges.push({ id: `e${i}`, source: `n${i - 1}`, target: `n${i}` });
  }
  return { nodes, edges };
}

describe('layout of big graphs', () => {
  it('lays out a 10,000-block chain without ELK, one block per row', async () => {
    const graph = chain(10_000);
    expect(graph.nodes.length).toBeGreaterThan(ELK_MAX_BLOCKS);
    const start = performance.now();
    const positions = await layoutGraph(graph);
    const ms = performance.now() - start;
    expect(positions.size).toBe(10_000);
    // Default block 230 x 96, rows 56 apart: row k at y = k * 152, centred: x = -115.
    expect(positions.get('n0')).toEqual({ x: -115, y: 0 });
    expect(positions.get('n1')).toEqual({ x: -115, y: 152 });
    expect(positions.get('n9999')).toEqual({ x: -115, y: 9999 * 152 });
    // ELK took ~8 s for 1,000 blocks on this machine; this is a generous bound for linear work.
    expect(ms).toBeLessThan(5_000);
  });

  it('puts a block below its deepest input, whatever the order of the node list', () => {
    // a → b → c, a → c; listed out of order (c first), plus d on a cycle with e.
    const graph: Graph = {
      nodes: ['c', 'b', 'a', 'd', 'e'].map((id) => ({
        id,
        type: 'Dense',
        params: {},
        position: { x: 0, y: 0 },
      })),
      edges: [
        { id: 'ab', source: 'a', target: 'b' },
        { id: 'bc', source: 'b', target: 'c' },
        { id: 'ac', source: 'a', target: 'c' },
        { id: 'de', source: 'd', target: 'e' },
        { id: 'ed', source: 'e', target: 'd' },
      ],
    };
    const sizes = { a: { width: 100, height: 40 } };
    const p = rowLayout(graph, sizes);
    // Row 0: a (100 x 40) centred at x = -50; next row at 40 + 56 = 96, default blocks after.
    expect(p.get('a')).toEqual({ x: -50, y: 0 });
    expect(p.get('b')).toEqual({ x: -115, y: 96 });
    expect(p.get('c')).toEqual({ x: -115, y: 96 + 152 });
    // The cycle's blocks come below the rest, one row each, in node-list order.
    expect(p.get('d')).toEqual({ x: -115, y: 96 + 2 * 152 });
    expect(p.get('e')).toEqual({ x: -115, y: 96 + 3 * 152 });
  });

  it('puts the blocks of one row side by side, centred', () => {
    const graph: Graph = {
      nodes: ['in', 'l', 'r'].map((id) => ({
        id,
        type: 'Dense',
        params: {},
        position: { x: 0, y: 0 },
      })),
      edges: [
        { id: 'a', source: 'in', target: 'l' },
        { id: 'b', source: 'in', target: 'r' },
      ],
    };
    const p = rowLayout(graph);
    // Row 1 is 230 + 48 + 230 = 508 wide: from -254.
    expect(p.get('l')).toEqual({ x: -254, y: 152 });
    expect(p.get('r')).toEqual({ x: -254 + 278, y: 152 });
  });
});
