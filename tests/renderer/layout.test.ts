import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../shared/index.ts';
import { layoutGraph } from '../../renderer/canvas/layout.ts';

describe('auto layout', () => {
  it('places a chain top to bottom', async () => {
    const graph = loadTemplate('mnist-mlp').graph;
    const positions = await layoutGraph(graph);
    expect(positions.size).toBe(4);
    const ys = ['input', 'dense_1', 'dense_2', 'dense_3'].map((id) => positions.get(id)!.y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    expect(new Set(ys).size).toBe(4);
  });

  it('puts branches of a residual block side by side', async () => {
    const graph = loadTemplate('residual-block').graph;
    const positions = await layoutGraph(graph);
    expect(positions.size).toBe(graph.nodes.length);
    for (const e of graph.edges) {
      expect(positions.get(e.source)!.y).toBeLessThan(positions.get(e.target)!.y);
    }
  });
});
