import { describe, expect, it } from 'vitest';
import { graphIntegrityErrors, loadTemplate, type Graph } from '../../shared/index.ts';
import {
  copyFragment,
  pasteFragment,
  readFragment,
  PASTE_OFFSET,
} from '../../renderer/store/clipboard.ts';
import { createEditorStore } from '../../renderer/store/index.ts';

const mlp = () => loadTemplate('mnist-mlp').graph;

describe('clipboard fragments', () => {
  it('copies the selected blocks and only the wires between them', () => {
    const g = mlp();
    const f = copyFragment(g, ['dense_1', 'dense_2'])!;
    expect(f.nodes.map((n) => n.id)).toEqual(['dense_1', 'dense_2']);
    expect(f.edges.map((e) => [e.source, e.target])).toEqual([['dense_1', 'dense_2']]);
    expect(copyFragment(g, [])).toBe(null);
  });

  it('pastes with fresh ids, offset positions and internal wires remapped', () => {
    const g = mlp();
    const f = copyFragment(g, ['dense_1', 'dense_2'])!;
    const { graph, nodeIds, edgeIds } = pasteFragment(g, f);
    expect(nodeIds).toEqual(['dense_4', 'dense_5']);
    expect(graph.nodes).toHaveLength(g.nodes.length + 2);
    const src = g.nodes.find((n) => n.id === 'dense_1')!;
    const copy = graph.nodes.find((n) => n.id === 'dense_4')!;
    expect(copy.position).toEqual({
      x: src.position.x + PASTE_OFFSET.x,
      y: src.position.y + PASTE_OFFSET.y,
    });
    expect(copy.params).toEqual(src.params);
    expect(copy.params).not.toBe(src.params);
    expect(edgeIds).toHaveLength(1);
    expect(graph.edges.find((e) => e.id === edgeIds[0])).toMatchObject({
      source: 'dense_4',
      target: 'dense_5',
    });
    expect(graphIntegrityErrors(graph)).toEqual([]);
    // The original is untouched.
    expect(g.nodes).toHaveLength(4);
  });

  it('renumbers merge inputs among the pasted wires', () => {
    const g: Graph = {
      nodes: [
        { id: 'a', type: 'Input', params: {}, position: { x: 0, y: 0 } },
        { id: 'b', type: 'Dense', params: {}, position: { x: 0, y: 0 } },
        { id: 'c', type: 'Dense', params: {}, position: { x: 0, y: 0 } },
        { id: 'm', type: 'Add', params: {}, position: { x: 0, y: 0 } },
      ],
      edges: [
        { id: 'e1', source: 'b', target: 'm', targetHandle: '0' },
        { id: 'e2', source: 'c', target: 'm', targetHandle: '1' },
      ],
    };
    const f = copyFragment(g, ['c', 'm'])!;
    const { graph, edgeIds } = pasteFragment(g, f);
    expect(graph.edges.find((e) => e.id === edgeIds[0])).toMatchObject({
      source: 'dense_1',
      target: 'add_1',
      targetHandle: '0',
    });
  });

  it('reads untrusted clipboard data defensively', () => {
    expect(readFragment(null)).toBe(null);
    expect(readFragment({ format: 'other', nodes: [] })).toBe(null);
    const f = readFragment({
      format: 'netwright.fragment',
      version: 1,
      nodes: [
        {
          id: 'x',
          type: 'Dense',
          params: { units: -5, activation: 'relu' },
          position: { x: 1, y: 2 },
        },
        { id: 'y', type: 'Evil<script>', params: {}, position: { x: 0, y: 0 } },
        { id: 'z', type: 'Dense', params: {}, position: { x: 'nope', y: 0 } },
        { id: 'i', type: 'Input', params: {}, position: { x: 0, y: 0 }, label: 'L'.repeat(500) },
      ],
      edges: [
        { id: 'e', source: 'x', target: 'i' },
        { id: 'f', source: 'i', target: 'x' },
        { id: 'g', source: 'x', target: 'y' },
        { id: 'h', source: 'x', target: 'x' },
      ],
    })!;
    expect(f.nodes.map((n) => n.id)).toEqual(['x', 'i']);
    expect(f.nodes[0]!.params).toMatchObject({ units: 32, activation: 'relu' });
    expect(f.nodes[1]!.label).toHaveLength(200);
    expect(f.edges.map((e) => e.id)).toEqual(['f']);
  });

  it('store: copy, paste twice (each clear of every block), duplicate, select all; each one undo step', () => {
    const store = createEditorStore(loadTemplate('mnist-mlp'));
    const s = () => store.getState();
    s().select(['dense_1', 'dense_2']);
    expect(s().copySelection()!.nodes).toHaveLength(2);
    const first = s().paste();
    const second = s().paste();
    expect(first).toEqual(['dense_4', 'dense_5']);
    expect(second).toEqual(['dense_6', 'dense_7']);
    const pos = (id: string) => s().project.graph.nodes.find((n) => n.id === id)!.position;
    // dense_1 and dense_2 (x 0, y 140 and 280; 230×92 each) span 230 px: a paste lands one
    // fragment width plus a 24 px gap to the right of the blocks it would cover, 254 px per step.
    expect(pos('dense_4')).toEqual({ x: 254, y: 140 });
    expect(pos('dense_5')).toEqual({ x: 254, y: 280 });
    expect(pos('dense_6')).toEqual({ x: 508, y: 140 });
    expect(s().selectedNodeIds).toEqual(second);
    expect(s().duplicateSelection()).toEqual(['dense_8', 'dense_9']);
    expect(s().project.graph.edges.filter((e) => e.source === 'dense_8')).toHaveLength(1);
    s().selectAll();
    expect(s().selectedNodeIds).toHaveLength(10);
    expect(s().selectedEdgeIds).toHaveLength(s().project.graph.edges.length);
    s().undo();
    s().undo();
    s().undo();
    expect(s().project.graph.nodes).toHaveLength(4);
  });
});
