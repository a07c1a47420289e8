import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { graphToSvg } from '../../shared/pictures/graph-svg.ts';
import { loadTemplate } from '../../shared/templates/index.ts';

import { PYTHON, PYTHON3_MISSING, needs } from '../py/python.ts';

/** Parses the SVG with Python's XML parser and returns its text contents. */
function svgTexts(svg: string): string[] {
  const script =
    'import sys, json, xml.etree.ElementTree as ET\n' +
    'root = ET.fromstring(sys.stdin.read())\n' +
    'print(json.dumps([t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]))';
  return JSON.parse(
    execFileSync(PYTHON, ['-c', script], { input: svg, encoding: 'utf8' }),
  ) as string[];
}

needs(PYTHON3_MISSING).describe('graph as SVG', () => {
  it('draws every block with names, shapes and params, and labels the wires', () => {
    const project = loadTemplate('mnist-mlp');
    const texts = svgTexts(graphToSvg(project.graph, undefined, project.name));
    expect(texts.slice(0, 2)).toEqual(['MNIST MLP', '(None, 784)']); // title, first wire
    expect(texts).toContain('MNIST MLP');
    expect(texts).toContain('Dense / nn.Linear + nn.ReLU');
    expect(texts).toContain('100,480 params');
    expect(texts.filter((t) => t === '(None, 128)')).toHaveLength(2); // block + edge label
  });

  it('escapes hostile labels so the XML stays well-formed', () => {
    const project = loadTemplate('mnist-mlp');
    project.graph.nodes[1]!.label = '<script>alert("x")</script> & \u0001';
    const texts = svgTexts(graphToSvg(project.graph, undefined, '"]]><!--'));
    expect(texts[0]).toBe('"]]><!--');
    // Cut to the block's width (…), still escaped.
    expect(texts.some((t) => t.startsWith('<script>alert("x")') && t.endsWith('…'))).toBe(true);
  });
});
