import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../shared/index.ts';
import { createEdgeMapper, createNodeMapper } from '../../renderer/canvas/flowModel.ts';
import { frameworkNames, paramDigest } from '../../renderer/canvas/blockInfo.ts';
import { skipPath } from '../../renderer/canvas/ShapeEdge.tsx';
import { createEditorStore } from '../../renderer/store/index.ts';

describe('graph → React Flow mapping', () => {
  it('reuses node objects that did not change, so unchanged blocks do not re-render', () => {
    const store = createEditorStore(loadTemplate('mnist-mlp'));
    const map = createNodeMapper();
    const first = map(store.getState().project.graph.nodes, new Set(), {});
    store.getState().moveNode('dense_2', { x: 50, y: 50 });
    const second = map(store.getState().project.graph.nodes, new Set(), {});
    expect(second[0]).toBe(first[0]);
    expect(second[1]).toBe(first[1]);
    expect(second[2]).not.toBe(first[2]);
    expect(second[2]!.position).toEqual({ x: 50, y: 50 });
    const selected = map(store.getState().project.graph.nodes, new Set(['input']), {});
    expect(selected[0]!.selected).toBe(true);
    expect(selected[1]).toBe(first[1]);
    const size = { width: 230, height: 88 };
    const measured = map(store.getState().project.graph.nodes, new Set(['input']), {
      dense_1: size,
    });
    expect(measured[1]!.measured).toBe(size);
    expect(measured[0]).toBe(selected[0]);
  });

  it('maps edges to the single in/out handles and keeps merge ports as data', () => {
    const store = createEditorStore(loadTemplate('residual-block'));
    const edges = createEdgeMapper()(store.getState().project.graph.edges, new Set());
    expect(edges.every((e) => e.sourceHandle === 'out' && e.targetHandle === 'in')).toBe(true);
    const ports = edges.filter((e) => (e.data as { port?: string }).port !== undefined);
    expect(ports.map((e) => (e.data as { port: string }).port).sort()).toEqual(['0', '1']);
  });
});

describe('block text', () => {
  it('shows Keras and PyTorch names and a digest of the main params', () => {
    expect(frameworkNames({ type: 'Dense', params: { units: 8, activation: 'linear' } })).toBe(
      'Dense / nn.Linear',
    );
    expect(frameworkNames({ type: 'Dense', params: { units: 8, activation: 'relu' } })).toBe(
      'Dense / nn.Linear + nn.ReLU',
    );
    expect(paramDigest({ type: 'Dense', params: { units: 128, activation: 'relu' } })).toBe(
      '128 · relu',
    );
    expect(
      paramDigest({
        type: 'Conv2D',
        params: { filters: 32, kernel_size: [3, 3], activation: 'relu' },
      }),
    ).toBe('32 · 3×3 · relu');
  });
});

describe('skip connections', () => {
  it('bow out only for long, nearly vertical wires', () => {
    expect(skipPath(0, 0, 0, 100)).toBe(null);
    expect(skipPath(0, 0, 400, 400)).toBe(null);
    const bowed = skipPath(0, 0, 10, 400);
    expect(bowed).not.toBe(null);
    expect(bowed![1]).toBeGreaterThan(120);
  });
});
