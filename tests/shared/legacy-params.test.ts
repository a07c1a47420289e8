// Projects saved before ZeroPadding2D / Cropping2D held Keras's `padding` / `cropping` load with
// the new params and the same shapes.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import { migrateLegacyParams } from '../../shared/graph/legacy-params.ts';
import { parseProject } from '../../shared/graph/project.ts';

// A version-1 project file as the app wrote it before the rename (params as pairs).
const OLD_FILE = JSON.stringify({
  format: 'netwright.project',
  version: 1,
  name: 'old padding',
  graph: {
    nodes: [
      { id: 'in', type: 'Input', params: { shape: [5, 4, 3] }, position: { x: 0, y: 0 } },
      {
        id: 'pad',
        type: 'ZeroPadding2D',
        params: { height_padding: [2, 0], width_padding: [1, 3] },
        position: { x: 0, y: 100 },
      },
      {
        id: 'crop',
        type: 'Cropping2D',
        params: { height_cropping: [1, 2], width_cropping: [0, 1] },
        position: { x: 0, y: 200 },
      },
      {
        id: 'pad2',
        type: 'ZeroPadding2D',
        params: { height_padding: 1 },
        position: { x: 0, y: 300 },
      },
    ],
    edges: [
      { id: 'e1', source: 'in', target: 'pad' },
      { id: 'e2', source: 'pad', target: 'crop' },
      { id: 'e3', source: 'crop', target: 'pad2' },
    ],
  },
});

describe('old ZeroPadding2D / Cropping2D params', () => {
  it('an old project file loads with padding / cropping in the nested Keras form', () => {
    const result = parseProject(OLD_FILE);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const params = Object.fromEntries(result.project.graph.nodes.map((n) => [n.id, n.params]));
    expect(params.pad).toEqual({
      padding: [
        [2, 0],
        [1, 3],
      ],
    });
    expect(params.crop).toEqual({
      cropping: [
        [1, 2],
        [0, 1],
      ],
    });
    // A missing half takes Keras's default side (padding 1); one number meant both sides.
    expect(params.pad2).toEqual({
      padding: [
        [1, 1],
        [1, 1],
      ],
    });
    // Same shapes as before: (5, 4, 3) → pad (2+0, 1+3) → (7, 8, 3) → crop (1+2, 0+1) → (4, 7, 3)
    // → pad 1 all round → (6, 9, 3); no warnings about unknown params.
    const analysis = analyzeGraph(result.project.graph);
    expect(analysis.nodes.get('pad')!.shape).toEqual([7, 8, 3]);
    expect(analysis.nodes.get('crop')!.shape).toEqual([4, 7, 3]);
    expect(analysis.nodes.get('pad2')!.shape).toEqual([6, 9, 3]);
    expect(analysis.diagnostics.filter((d) => d.code === 'W109')).toEqual([]);
  });

  it('leaves new params and other kinds alone; never mutates', () => {
    const now = { padding: 2, height_padding: [0, 0] };
    expect(migrateLegacyParams('ZeroPadding2D', now)).toBe(now);
    const dense = { units: 3, height_padding: [1, 1] };
    expect(migrateLegacyParams('Dense', dense)).toBe(dense);
    const old = { height_cropping: '1, 2' };
    expect(migrateLegacyParams('Cropping2D', old)).toEqual({
      cropping: [
        [1, 2],
        [0, 0],
      ],
    });
    expect(old).toEqual({ height_cropping: '1, 2' });
  });
});
