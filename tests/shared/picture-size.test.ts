/**
 * Issue 14 item 6: Picture → PNG of a project with positions near 1e308 hung silently. Graph
 * pictures (SVG, and the PNG drawn from it) of blocks far apart are refused with a message,
 * quickly, never made at an absurd size. Fixtures are generated here.
 */
import { describe, expect, it } from 'vitest';
import { parseProject, serializeProject, emptyProject } from '../../shared/graph/project.ts';
import type { Graph } from '../../shared/graph/types.ts';
import {
  BLOCK_WIDTH,
  MAX_PICTURE_SIDE,
  PictureError,
  graphToSvg,
} from '../../shared/pictures/graph-svg.ts';
import { pngSizeForSvg } from '../../shared/pictures/png-size.ts';

/** Input [4] → Dense 2 → Dense 1 at the given positions. */
function chainAt(positions: [number, number][]): Graph {
  const types = [
    { type: 'Input', params: { shape: [4] } },
    { type: 'Dense', params: { units: 2 } },
    { type: 'Dense', params: { units: 1 } },
  ];
  return {
    nodes: positions.map(([x, y], i) => ({ id: `n${i}`, ...types[i]!, position: { x, y } })),
    edges: positions
      .slice(1)
      .map((_, i) => ({ id: `e${i}`, source: `n${i}`, target: `n${i + 1}` })),
  };
}

/** The project round-trips through the file format (the schema lets these positions through). */
function throughFile(graph: Graph): Graph {
  const parsed = parseProject(serializeProject({ ...emptyProject('far'), graph }));
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.project.graph;
}

const FAR = /the blocks lie too far apart: move them together \(Arrange\) and export again$/;

/** graphToSvg's error for `graph`, and how long it took to say so. */
function refusal(graph: Graph): { message: string; ms: number } {
  const start = performance.now();
  try {
    graphToSvg(graph, undefined, 'far');
  } catch (e) {
    expect(e).toBeInstanceOf(PictureError);
    return { message: (e as Error).message, ms: performance.now() - start };
  }
  throw new Error('graphToSvg made a picture');
}

describe('graph pictures of blocks far apart', () => {
  it('refuses blocks at +1e308 and -1e308 (no finite size)', () => {
    const graph = throughFile(
      chainAt([
        [-1e308, 0],
        [0, 200],
        [1e308, 1e308],
      ]),
    );
    const { message, ms } = refusal(graph);
    expect(message).toMatch(/^The picture has no finite size; /);
    expect(message).toMatch(FAR);
    expect(ms).toBeLessThan(2000);
  });

  it('refuses one block at 1e308, naming the size', () => {
    const { message } = refusal(
      throughFile(
        chainAt([
          [0, 0],
          [0, 200],
          [1e308, 400],
        ]),
      ),
    );
    expect(message).toMatch(
      /^The picture would be 1\.0e\+308 × [\d,]+ pixels; a picture is limited to 1,000,000 pixels a side: /,
    );
    expect(message).toMatch(FAR);
  });

  it('refuses one block at -1e308 (height this time)', () => {
    const { message } = refusal(
      throughFile(
        chainAt([
          [0, -1e308],
          [0, 200],
          [0, 400],
        ]),
      ),
    );
    expect(message).toMatch(/^The picture would be [\d,]+ × 1\.0e\+308 pixels; /);
  });

  it('refuses two blocks 1e15 apart, and the PNG likewise', () => {
    const graph = throughFile(
      chainAt([
        [0, 0],
        [1e15, 0],
        [1e15, 200],
      ]),
    );
    expect(refusal(graph).message).toMatch(/^The picture would be 1\.0e\+15 × [\d,]+ pixels; /);
  });

  it('draws blocks 500,000 px apart as SVG (under the limit), whose PNG is refused', () => {
    const graph = throughFile(
      chainAt([
        [0, 0],
        [500_000, 0],
        [500_000, 200],
      ]),
    );
    const svg = graphToSvg(graph, undefined, 'far');
    // Margins of 40 px: from x = -40 to 500,000 + BLOCK_WIDTH + 40.
    const width = Number(/<svg[^>]*\swidth="(\d+)"/.exec(svg)![1]);
    expect(width).toBe(500_000 + BLOCK_WIDTH + 80);
    expect(width).toBeLessThanOrEqual(MAX_PICTURE_SIDE);
    const png = pngSizeForSvg(svg, 2);
    expect(!png.ok && png.error).toMatch(
      /^The picture would be 1,000,600 × \d[\d,]* pixels; a PNG is limited to 16,384 pixels a side/,
    );
  });

  it('never gets NaN or Infinity positions: the file is refused with the place named', () => {
    const text = serializeProject({ ...emptyProject('far'), graph: chainAt([[0, 0]]) });
    // JSON has no Infinity, but 1e999 reads as Infinity; NaN is not JSON at all.
    const infinite = parseProject(text.replace('"x": 0', '"x": 1e999'));
    expect(infinite.ok).toBe(false);
    expect(!infinite.ok && infinite.errors.join('\n')).toMatch(/graph\.nodes\[0\]\.position\.x/);
    const nan = parseProject(text.replace('"x": 0', '"x": NaN'));
    expect(!nan.ok && nan.errors.join('\n')).toMatch(/^Not valid JSON at line \d+, column \d+/);
  });
});
