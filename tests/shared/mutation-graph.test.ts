/**
 * Tests added where mutation testing (Stryker, see docs/testing.md) found mutants of shared/graph
 * that the other tests let survive: exact diagnostic text (what the user reads), port-count
 * boundaries, wire order, totals and the project-file checks.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph, describeShape } from '../../shared/graph/analyze.ts';
import {
  emptyProject,
  graphIntegrityErrors,
  parseProject,
  parseProjectValue,
  serializeProject,
} from '../../shared/graph/project.ts';
import type { Graph } from '../../shared/graph/types.ts';
import {
  handleOrder,
  incomingEdges,
  nodeDisplayName,
  wouldCreateCycle,
} from '../../shared/graph/types.ts';
import { graphOf } from './graph-builder.ts';

const messages = (g: Graph) =>
  analyzeGraph(g).diagnostics.map((d) => `${d.code} ${d.nodeId ?? d.edgeId ?? '-'} ${d.message}`);

describe('analyzeGraph diagnostics text', () => {
  it('a valid chain: order, shapes per edge, totals 784·10+10 = 7850', () => {
    const g = graphOf(
      [
        ['in', 'Input', { shape: [784] }],
        ['d', 'Dense', { units: 10 }],
      ],
      ['in->d'],
    );
    const a = analyzeGraph(g);
    expect(a.diagnostics).toEqual([]);
    expect(a.order).toEqual(['in', 'd']);
    expect(a.inputIds).toEqual(['in']);
    expect(a.outputIds).toEqual(['d']);
    expect(a.totals).toEqual({ trainable: 7850, nonTrainable: 0, total: 7850 });
    expect([...a.edgeShapes]).toEqual([['in-d', [784]]]);
    expect(describeShape(a, 'd')).toBe('(None, 10)');
    expect(describeShape(a, 'nope')).toBe('?');
    expect(a.nodes.get('d')!.count).toEqual({ trainable: 7850, nonTrainable: 0 });
  });

  it('batch-norm totals add trainable and non-trainable: 4·16 + 2·16·... ', () => {
    const g = graphOf(
      [
        ['in', 'Input', { shape: [16] }],
        ['bn', 'BatchNormalization'],
      ],
      ['in->bn'],
    );
    // gamma, beta trainable (32); moving mean, variance not (32).
    expect(analyzeGraph(g).totals).toEqual({ trainable: 32, nonTrainable: 32, total: 64 });
  });

  it('E007 texts: into an Input, and more wires than a one-input block takes', () => {
    const g = graphOf(
      [
        ['in', 'Input', { shape: [4] }],
        ['a', 'Dense', { units: 2 }],
        ['b', 'Dense', { units: 2 }],
      ],
      ['in->a', 'a->in', 'in->b', 'a->b'],
    );
    const m = messages(g);
    expect(m).toContain('E007 in Input is a model input and cannot take inputs');
    expect(m).toContain('E007 b Dense takes 1 input but has 2');
  });

  it('E006 and E015 texts; a merge with exactly two inputs is fine', () => {
    const g = graphOf(
      [
        ['in', 'Input', { shape: [4] }],
        ['d', 'Dense', { units: 4 }],
        ['add', 'Add'],
        ['add2', 'Add'],
      ],
      ['in->add', 'in->d', 'd->add2', 'in->add2'],
    );
    const m = messages(g);
    expect(m).toContain('E015 add Add merges at least 2 inputs but has 1');
    expect(m.filter((x) => x.includes('add2 Add merges'))).toEqual([]);
    const lonely = graphOf(
      [
        ['in', 'Input', { shape: [4] }],
        ['d', 'Dense', { units: 4 }],
      ],
      [],
    );
    expect(messages(lonely)).toContain("E006 d Dense has no input: wire a block's output into it");
    const noMerge = graphOf(
      [
        ['in', 'Input', { shape: [4] }],
        ['add', 'Add'],
      ],
      [],
    );
    // Zero wires into a merge is "no input", not "too few".
    expect(messages(noMerge).filter((x) => x.startsWith('E0') && x.includes(' add '))).toEqual([
      "E006 add Add has no input: wire a block's output into it",
    ]);
  });

  it('E001 names the blocks on the cycle', () => {
    const g = graphOf(
      [
        ['in', 'Input', { shape: [4] }],
        ['a', 'Dense', { units: 4 }],
        ['b', 'Dense', { units: 4 }],
      ],
      ['in->a:0', 'b->a:1', 'a->b'],
    );
    const m = messages(g).filter((x) => x.startsWith('E001'));
    expect(m).toEqual([
      "E001 a Dense is part of a cycle: a network's data must flow one way",
      "E001 b Dense is part of a cycle: a network's data must flow one way",
    ]);
    expect(analyzeGraph(g).order).toEqual(['in']);
  });

  it('E005, E013, E004 and E012 texts', () => {
    expect(messages({ nodes: [], edges: [] })).toEqual([]);
    expect(messages(graphOf([['d', 'Dense', { units: 2, activation: 'relu' }]], []))).toContain(
      'E005 - The model has no Input block: add one from the palette',
    );
    const g = graphOf(
      [
        ['in', 'Input', { shape: [4] }],
        ['in2', 'Input', { shape: [4] }],
        ['x', 'Dense', { units: 3 }],
        ['y', 'Dense', { units: 3 }],
      ],
      ['in->x', 'in2->y'],
    );
    const m = messages(g);
    expect(m).toContain('E013 in2 Input is a second Input; Netwright models take one Input');
    expect(m).toContain(
      'E004 y Dense is not reachable from the Input: its data comes from nowhere',
    );
    // The second Input has no inputs of its own, so it is not reported as unreachable.
    expect(m.some((x) => x.startsWith('E004 in2'))).toBe(false);
    const two = graphOf(
      [
        ['in', 'Input', { shape: [4] }],
        ['x', 'Dense', { units: 3 }],
        ['y', 'Dense', { units: 3 }],
      ],
      ['in->x', 'in->y'],
    );
    expect(
      messages(two)
        .filter((x) => x.startsWith('E012'))
        .sort(),
    ).toEqual([
      'E012 x The model has 2 outputs (Dense, Dense); join them with a merge block or delete the extra ones',
    ]);
  });

  it('E009, E010, E014, E008 and W109 texts; labels name blocks', () => {
    const g: Graph = {
      nodes: [
        { id: 'in', type: 'Input', params: { shape: [4] }, position: { x: 0, y: 0 } },
        { id: 'in', type: 'Input', params: { shape: [4] }, position: { x: 0, y: 0 } },
        { id: 'q', type: 'Quantum', params: {}, position: { x: 0, y: 0 } },
        {
          id: 'd',
          type: 'Dense',
          label: ' head ',
          params: { units: 0, Units: 3, foo: 1 },
          position: { x: 0, y: 0 },
        },
      ],
      edges: [
        { id: 'e1', source: 'in', target: 'd' },
        { id: 'e2', source: 'ghost', target: 'zz' },
      ],
    };
    const a = analyzeGraph(g);
    const m = messages(g);
    expect(m).toContain('E014 in Two blocks share the id "in"');
    expect(m).toContain('E009 q Unknown layer type "Quantum"');
    expect(m).toContain('E008 d head: Units must be at least 1');
    expect(m).toContain(
      'W109 d head: unknown parameter "Units" is kept but not used; did you mean "units"?',
    );
    expect(m).toContain('W109 d head: unknown parameter "foo" is kept but not used');
    expect(m).toContain('E010 e2 Edge e2 connects to missing block ghost and zz');
    expect(a.diagnostics.find((d) => d.code === 'E008')!.param).toBe('units');
    expect(a.diagnostics.find((d) => d.code === 'W109')).toMatchObject({
      severity: 'warning',
      param: 'Units',
    });
    // The invalid units fell back to the default 32: 4·32 + 32 = 160.
    expect(a.nodes.get('d')!.count).toEqual({ trainable: 160, nonTrainable: 0 });
    expect(a.nodes.get('q')!.params).toEqual({});
  });

  it('shape errors carry their code and block; downstream blocks are skipped', () => {
    const g = graphOf(
      [
        ['in', 'Input', { shape: [4] }],
        ['c', 'Conv2D', { filters: 2 }],
        ['d', 'Dense', { units: 2 }],
      ],
      ['in->c', 'c->d'],
    );
    const a = analyzeGraph(g);
    expect(a.diagnostics.map((d) => [d.code, d.nodeId])).toEqual([['E003', 'c']]);
    expect(a.nodes.get('d')!.shape).toBeUndefined();
    expect(a.totals.total).toBe(0);
  });
});

describe('graph helpers', () => {
  it('nodeDisplayName: trimmed label, else the type', () => {
    expect(nodeDisplayName({ id: 'x', type: 'Dense', label: '  out  ' })).toBe('out');
    expect(nodeDisplayName({ id: 'x', type: 'Dense', label: '   ' })).toBe('Dense');
    expect(nodeDisplayName({ id: 'x', type: 'Dense' })).toBe('Dense');
  });

  it('handleOrder: integer handles sort first, others last', () => {
    expect(handleOrder({ targetHandle: '2' })).toBe(2);
    expect(handleOrder({ targetHandle: '0' })).toBe(0);
    expect(handleOrder({})).toBe(Number.MAX_SAFE_INTEGER);
    expect(handleOrder({ targetHandle: 'a' })).toBe(Number.MAX_SAFE_INTEGER);
    expect(handleOrder({ targetHandle: '1.5' })).toBe(Number.MAX_SAFE_INTEGER);
    const g = graphOf(
      [
        ['a', 'Input', { shape: [1] }],
        ['b', 'Input', { shape: [1] }],
        ['c', 'Input', { shape: [1] }],
        ['m', 'Concatenate'],
      ],
      ['a->m', 'b->m:1', 'c->m:0'],
    );
    expect(
      incomingEdges(g)
        .get('m')!
        .map((e) => e.source),
    ).toEqual(['c', 'b', 'a']);
    expect(incomingEdges(g).get('a')).toEqual([]);
  });

  it('wouldCreateCycle follows wires downstream from the target only', () => {
    const g = graphOf(
      [
        ['a', 'Input', { shape: [1] }],
        ['b', 'Dense', { units: 1 }],
        ['c', 'Dense', { units: 1 }],
        ['d', 'Dense', { units: 1 }],
      ],
      ['a->b', 'b->c', 'a->d', 'd->c'],
    );
    expect(wouldCreateCycle(g, 'c', 'a')).toBe(true);
    expect(wouldCreateCycle(g, 'c', 'd')).toBe(true);
    expect(wouldCreateCycle(g, 'b', 'b')).toBe(true);
    expect(wouldCreateCycle(g, 'a', 'c')).toBe(false);
    expect(wouldCreateCycle(g, 'b', 'd')).toBe(false);
  });
});

describe('project files', () => {
  const base = () => JSON.parse(serializeProject(emptyProject('P'))) as Record<string, unknown>;

  it('serialises with two-space indent and a trailing newline; defaults documented', () => {
    const text = serializeProject(emptyProject());
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "format": "netwright.project",');
    const p = emptyProject();
    expect(p.name).toBe('Untitled');
    expect(p.training).toEqual({
      dataset: 'mnist',
      epochs: 5,
      batchSize: 64,
      optimizer: 'adam',
      learningRate: 0.001,
      loss: 'auto',
      validationSplit: 0.1,
      shuffle: true,
      seed: 42,
    });
  });

  it('version and format errors, word for word', () => {
    expect(parseProjectValue([])).toEqual({
      ok: false,
      errors: ['The file is JSON but not a Netwright project (expected an object)'],
    });
    expect(parseProjectValue(null).ok).toBe(false);
    expect(parseProjectValue({ format: 'x' })).toEqual({
      ok: false,
      errors: ['Not a Netwright project: "format" is "x", expected "netwright.project"'],
    });
    expect(parseProjectValue({})).toEqual({
      ok: false,
      errors: ['Not a Netwright project: "format" is null, expected "netwright.project"'],
    });
    for (const version of [0, 1.5, '1']) {
      expect(parseProjectValue({ ...base(), version })).toEqual({
        ok: false,
        errors: ['"version" must be a whole number of at least 1'],
      });
    }
    expect(parseProjectValue({ ...base(), version: 2 })).toEqual({
      ok: false,
      errors: [
        'This project was saved by a newer Netwright (format version 2); this version reads up to 1',
      ],
    });
    expect(parseProjectValue(base()).ok).toBe(true);
  });

  it('schema error paths: dotted keys and [index]', () => {
    const doc = base();
    (doc.graph as Graph).nodes.push({
      id: '',
      type: 'Dense',
      params: {},
      position: { x: 0, y: Number.NaN as unknown as number },
    });
    (doc.training as Record<string, unknown>).epochs = 0;
    const r = parseProjectValue(JSON.parse(JSON.stringify(doc)));
    expect(r.ok).toBe(false);
    const errors = (r as { errors: string[] }).errors;
    expect(errors).toContain('graph.nodes[0].id: must not be empty');
    expect(errors.some((e) => e.startsWith('graph.nodes[0].position.y: '))).toBe(true);
    expect(errors.some((e) => e.startsWith('training.epochs: '))).toBe(true);
    expect(parseProjectValue({ format: 'netwright.project', version: 1 })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^graph: /)],
    });
  });

  it('integrity errors name the index, id and end', () => {
    expect(
      graphIntegrityErrors({
        nodes: [
          { id: 'a', type: 'Input', params: {}, position: { x: 0, y: 0 } },
          { id: 'a', type: 'Dense', params: {}, position: { x: 0, y: 0 } },
        ],
        edges: [
          { id: 'e', source: 'a', target: 'b' },
          { id: 'e', source: 'c', target: 'a' },
        ],
      }),
    ).toEqual([
      'graph.nodes[1].id: duplicate block id "a"',
      'graph.edges[0].target: no block with id "b"',
      'graph.edges[1].id: duplicate edge id "e"',
      'graph.edges[1].source: no block with id "c"',
    ]);
  });

  it('JSON syntax errors give line and column; the size limit is 32 MB', () => {
    const r = parseProject('{\n  "a": 1,\n  oops\n}');
    expect(r.ok).toBe(false);
    expect((r as { errors: string[] }).errors[0]).toMatch(/^Not valid JSON at line 3, column 3: /);
    const big = ' '.repeat(32 * 1024 * 1024 + 1);
    expect(parseProject(big)).toEqual({
      ok: false,
      errors: ['The file is 32.0 MB; projects are limited to 32 MB'],
    });
    expect(parseProject(serializeProject(emptyProject('Q')))).toMatchObject({
      ok: true,
      project: { name: 'Q' },
    });
  });
});
