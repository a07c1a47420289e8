import { describe, expect, it } from 'vitest';
import { emptyProject, parseProject, serializeProject } from '../../shared/graph/project.ts';
import { loadTemplate } from '../../shared/templates/index.ts';

const valid = () => JSON.parse(serializeProject(loadTemplate('mnist-mlp'))) as Record<string, any>;
const errorsOf = (doc: unknown) => {
  const result = parseProject(typeof doc === 'string' ? doc : JSON.stringify(doc));
  return result.ok ? [] : result.errors;
};

describe('project file', () => {
  it('round-trips and keeps unknown extra fields at every level', () => {
    const doc = valid();
    doc.futureTopLevel = { a: 1 };
    doc.graph.nodes[0].color = 'teal';
    doc.graph.edges[0].animated = true;
    doc.training.warmup = 3;
    const result = parseProject(JSON.stringify(doc));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const again = JSON.parse(serializeProject(result.project));
    expect(again.futureTopLevel).toEqual({ a: 1 });
    expect(again.graph.nodes[0].color).toBe('teal');
    expect(again.graph.edges[0].animated).toBe(true);
    expect(again.training.warmup).toBe(3);
  });

  it('fills training defaults when the section is missing', () => {
    const doc = valid();
    delete doc.training;
    const result = parseProject(JSON.stringify(doc));
    expect(result.ok && result.project.training).toMatchObject({
      dataset: 'mnist',
      epochs: 5,
      optimizer: 'adam',
    });
  });

  it('names the line and column of a JSON syntax error', () => {
    const [message] = errorsOf('{\n  "format": "netwright.project",\n  "version": 1,,\n}');
    expect(message).toMatch(/^Not valid JSON at line 3, column \d+/);
  });

  it('refuses other formats, newer versions and non-objects', () => {
    expect(errorsOf({ format: 'keras', version: 1 })[0]).toContain('Not a Netwright project');
    expect(errorsOf([1, 2])[0]).toContain('not a Netwright project');
    expect(errorsOf({ ...valid(), version: 7 })[0]).toContain('newer Netwright (format version 7)');
  });

  it('names the path of each schema error', () => {
    const doc = valid();
    doc.graph.nodes[1].position.x = 'left';
    doc.graph.edges[0].source = 5;
    doc.training.epochs = 0;
    const errors = errorsOf(doc);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^graph\.nodes\[1\]\.position\.x: /);
    expect(errors[1]).toMatch(/^graph\.edges\[0\]\.source: /);
    expect(errors[2]).toMatch(/^training\.epochs: /);
  });

  it('refuses unknown layer types, edges to missing blocks and duplicate ids', () => {
    const doc = valid();
    doc.graph.nodes[2].type = 'Teleporter';
    doc.graph.nodes[3].id = doc.graph.nodes[0].id;
    doc.graph.edges.push({ id: 'e-x', source: 'input', target: 'ghost' });
    const errors = errorsOf(doc);
    expect(errors).toContain('graph.nodes[3].id: duplicate block id "input"');
    expect(
      errors.some((e) => e.startsWith('graph.nodes[2].type: unknown layer type "Teleporter"')),
    ).toBe(true);
    expect(errors).toContain('graph.edges[3].target: no block with id "ghost"');
  });

  it('refuses files over the size limit before parsing', () => {
    const huge = ' '.repeat(33 * 1024 * 1024);
    expect(errorsOf(huge)[0]).toMatch(/^The file is 33\.0 MB; projects are limited to 32 MB/);
  });

  it('keeps hostile strings as data', () => {
    const doc = valid();
    doc.name = '"; __import__("os").system("echo pwned") #\n\u0000';
    doc.graph.nodes[1].label = '\'\'\'\\"""';
    const result = parseProject(JSON.stringify(doc));
    expect(result.ok && result.project.name).toBe(doc.name);
  });

  it('emptyProject is valid', () => {
    expect(parseProject(serializeProject(emptyProject('x'))).ok).toBe(true);
  });
});
