import { describe, expect, it } from 'vitest';
import { graphToSvg, PictureError } from '../../shared/pictures/graph-svg.ts';
import { MAX_PNG_SIDE, pngSizeForSvg } from '../../shared/pictures/png-size.ts';
import { parseProject } from '../../shared/graph/project.ts';
import { loadTemplate } from '../../shared/templates/index.ts';

describe('PNG size of a graph picture (issue 14: positions near 1e308)', () => {
  it('is the SVG size times the scale', () => {
    expect(pngSizeForSvg('<svg xmlns="x" width="300" height="200" viewBox="0 0 3 2">', 2)).toEqual({
      ok: true,
      width: 600,
      height: 400,
    });
  });

  it('refuses a project whose blocks sit near ±1e308 (it passes the schema)', () => {
    const project = loadTemplate('mnist-mlp');
    project.graph.nodes[0]!.position = { x: -1e308, y: 0 };
    project.graph.nodes[1]!.position = { x: 1e308, y: 1e308 };
    expect(parseProject(JSON.stringify(project)).ok).toBe(true);
    // The SVG itself is refused now (tests/shared/picture-size.test.ts); a PNG of an SVG with no
    // finite size is refused too.
    expect(() => graphToSvg(project.graph)).toThrow(PictureError);
    const size = pngSizeForSvg('<svg width="Infinity" height="300">', 2);
    expect(!size.ok && size.error).toMatch(
      /^The picture has no finite size; the blocks lie too far apart: move them together \(Arrange\) or export SVG instead$/,
    );
  });

  it('refuses a picture over the side or area limit, naming both sizes', () => {
    const wide = pngSizeForSvg(`<svg width="${MAX_PNG_SIDE}" height="10">`, 2);
    expect(!wide.ok && wide.error).toMatch(
      /^The picture would be 32,768 × 20 pixels; a PNG is limited to 16,384 pixels a side/,
    );
    const square = pngSizeForSvg('<svg width="9000" height="9000">', 1);
    expect(square.ok).toBe(false);
    expect(pngSizeForSvg('<svg width="8000" height="8000">', 1).ok).toBe(true);
  });
});
