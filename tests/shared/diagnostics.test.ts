import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../shared/diagnostics.ts';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import { wouldCreateCycle, type Graph } from '../../shared/graph/types.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { graphOf } from './graph-builder.ts';

const codesOf = (g: ReturnType<typeof graphOf>) =>
  analyzeGraph(g)
    .diagnostics.map((d) => `${d.code}@${d.nodeId ?? d.edgeId ?? '-'}`)
    .sort();

describe('graph diagnostics', () => {
  it('a valid chain has none and infers every edge shape', () => {
    const g = graphOf(
      [
        ['in', 'Input', { shape: [784] }],
        ['d', 'Dense', { units: 128 }],
      ],
      ['in->d'],
    );
    const a = analyzeGraph(g);
    expect(a.diagnostics).toEqual([]);
    expect(a.edgeShapes.get('in-d')).toEqual([784]);
    expect(a.nodes.get('d')!.shape).toEqual([128]);
  });

  it('E001 cycle: names the blocks on it', () => {
    const g = graphOf(
      [
        ['in', 'Input'],
        ['a', 'Dense'],
        ['b', 'Dense'],
        ['add', 'Add'],
      ],
      ['in->add:0', 'b->add:1', 'add->a', 'a->b'],
    );
    expect(codesOf(g)).toEqual(['E001@a', 'E001@add', 'E001@b']);
  });

  it('E001 names only the blocks on the cycle, not those downstream of it', () => {
    const g = graphOf(
      [
        ['in', 'Input'],
        ['a', 'Dense'],
        ['b', 'Dense'],
        ['add', 'Add'],
        ['after', 'Dense'],
        ['after2', 'Dense'],
      ],
      ['in->add:0', 'b->add:1', 'add->a', 'a->b', 'b->after', 'after->after2'],
    );
    expect(codesOf(g).filter((c) => c.startsWith('E001'))).toEqual([
      'E001@a',
      'E001@add',
      'E001@b',
    ]);
  });

  it('E002 shape mismatch in Add names the Add block and both shapes', () => {
    const g = graphOf(
      [
        ['in', 'Input', { shape: [8] }],
        ['a', 'Dense', { units: 4 }],
        ['b', 'Dense', { units: 5 }],
        ['add', 'Add'],
      ],
      ['in->a', 'in->b', 'a->add:0', 'b->add:1'],
    );
    const d = analyzeGraph(g).diagnostics;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'E002', nodeId: 'add', severity: 'error' });
    expect(d[0]!.message).toContain('(None, 4) and (None, 5)');
  });

  it('E003 Conv2D fed a vector', () => {
    const g = graphOf(
      [
        ['in', 'Input', { shape: [784] }],
        ['c', 'Conv2D'],
      ],
      ['in->c'],
    );
    expect(codesOf(g)).toEqual(['E003@c']);
  });

  it('E004 a block not reachable from the Input; E006 a block with no input', () => {
    const g = graphOf(
      [
        ['in', 'Input'],
        ['d', 'Dense'],
        ['lonely', 'Dense'],
        ['after', 'Dense'],
      ],
      ['in->d', 'lonely->after'],
    );
    expect(codesOf(g)).toEqual(['E004@after', 'E006@lonely']);
  });

  it('E005 no Input at all', () => {
    expect(codesOf(graphOf([['d', 'Dense']], []))).toEqual(['E005@-', 'E006@d']);
  });

  it('E007 an edge into an Input and too many inputs into Dense', () => {
    const g = graphOf(
      [
        ['in', 'Input'],
        ['a', 'Dense'],
        ['b', 'Dense'],
        ['in2', 'Input'],
      ],
      ['in->a', 'in->b', 'a->b', 'a->in2'],
    );
    const codes = codesOf(g);
    expect(codes).toContain('E007@b');
    expect(codes).toContain('E007@in2');
  });

  it('E008 an invalid parameter names the field', () => {
    const g = graphOf(
      [
        ['in', 'Input'],
        ['d', 'Dense', { units: 0 }],
      ],
      ['in->d'],
    );
    const d = analyzeGraph(g).diagnostics;
    expect(d).toEqual([
      expect.objectContaining({
        code: 'E008',
        nodeId: 'd',
        param: 'units',
        message: 'Dense: Units must be at least 1',
      }),
    ]);
  });

  it('W109 an unknown param is a warning naming the block and key, kept but not used', () => {
    // Built by hand: the test builder `graphOf` throws on unknown params.
    const g: Graph = {
      nodes: [
        { id: 'in', type: 'Input', params: { shape: [8, 8, 3] }, position: { x: 0, y: 0 } },
        {
          id: 'conv',
          type: 'Conv2D',
          label: 'stem',
          params: { filters: 2, kernelSize: [5, 5], future_knob: 'x' },
          position: { x: 0, y: 100 },
        },
        { id: 'pool', type: 'MaxPooling2D', params: { PoolSize: 4 }, position: { x: 0, y: 200 } },
      ],
      edges: [
        { id: 'e1', source: 'in', target: 'conv' },
        { id: 'e2', source: 'conv', target: 'pool' },
      ],
    };
    const a = analyzeGraph(g);
    expect(a.diagnostics).toEqual([
      {
        code: 'W109',
        severity: 'warning',
        nodeId: 'conv',
        param: 'kernelSize',
        message:
          'stem: unknown parameter "kernelSize" is kept but not used; did you mean "kernel_size"?',
      },
      {
        code: 'W109',
        severity: 'warning',
        nodeId: 'conv',
        param: 'future_knob',
        message: 'stem: unknown parameter "future_knob" is kept but not used',
      },
      {
        code: 'W109',
        severity: 'warning',
        nodeId: 'pool',
        param: 'PoolSize',
        message:
          'MaxPooling2D: unknown parameter "PoolSize" is kept but not used; did you mean "pool_size"?',
      },
    ]);
    // Kept for a later version, while the default kernel (3, 3) applies: 8 - 3 + 1 = 6.
    expect(a.nodes.get('conv')!.params).toMatchObject({ kernelSize: [5, 5], future_knob: 'x' });
    expect(a.nodes.get('conv')!.params.kernel_size).toEqual([3, 3]);
    expect(a.nodes.get('conv')!.shape).toEqual([6, 6, 2]);
    expect(formatDiagnostic(a.diagnostics[0]!)).toBe(
      'W109 [node conv] stem: unknown parameter "kernelSize" is kept but not used; did you mean "kernel_size"?',
    );
    // A warning does not block compiling.
    expect(lowerGraph(g).ok).toBe(true);
    // A known name in snake_case gives no warning.
    const fixed = structuredClone(g);
    fixed.nodes[1]!.params = { filters: 2, kernel_size: [5, 5] };
    fixed.nodes[2]!.params = { pool_size: 3 };
    expect(analyzeGraph(fixed).diagnostics).toEqual([]);
  });

  it('the test graph builder throws on an unknown param', () => {
    expect(() => graphOf([['d', 'Dense', { unit: 4 }]], [])).toThrow(
      'node d (Dense): unknown param "unit"',
    );
    expect(() => graphOf([['d', 'Dense', { useBias: false }]], [])).toThrow(
      'node d (Dense): unknown param "useBias" (did you mean "use_bias"?)',
    );
  });

  it('E009 unknown type and E010 edge to a missing block', () => {
    const g = graphOf(
      [
        ['in', 'Input'],
        ['x', 'Teleporter'],
      ],
      ['in->x', 'in->ghost'],
    );
    expect(codesOf(g)).toEqual(['E009@x', 'E010@in-ghost']);
  });

  it('E011 window larger than its input', () => {
    const g = graphOf(
      [
        ['in', 'Input', { shape: [2, 2, 1] }],
        ['p', 'MaxPooling2D', { pool_size: [3, 3] }],
      ],
      ['in->p'],
    );
    expect(codesOf(g)).toEqual(['E011@p']);
  });

  it('E012 more than one output', () => {
    const g = graphOf(
      [
        ['in', 'Input'],
        ['a', 'Dense'],
        ['b', 'Dense'],
      ],
      ['in->a', 'in->b'],
    );
    // One diagnostic for the model (issue 13 item 6), naming every output so each is badged.
    const e012 = analyzeGraph(g).diagnostics.filter((d) => d.code === 'E012');
    expect(e012).toHaveLength(1);
    expect(e012[0]!.nodeId).toBe('a');
    expect(e012[0]!.nodeIds).toEqual(['a', 'b']);
    expect(formatDiagnostic(e012[0]!)).toBe(
      'E012 [nodes a, b] The model has 2 outputs (Dense, Dense); join them with a merge block or delete the extra ones',
    );
  });

  it('E013 a second Input; E014 duplicate id; E015 merge with one input', () => {
    expect(
      codesOf(
        graphOf(
          [
            ['in', 'Input'],
            ['in2', 'Input'],
            ['add', 'Add'],
          ],
          ['in->add:0', 'in2->add:1'],
        ),
      ),
    ).toContain('E013@in2');
    expect(
      codesOf(
        graphOf(
          [
            ['in', 'Input'],
            ['in', 'Dense'],
          ],
          [],
        ),
      ),
    ).toEqual(['E014@in']);
    expect(
      codesOf(
        graphOf(
          [
            ['in', 'Input'],
            ['add', 'Add'],
          ],
          ['in->add:0'],
        ),
      ),
    ).toEqual(['E015@add']);
  });

  it('Concatenate orders its inputs by target handle', () => {
    const g = graphOf(
      [
        ['in', 'Input', { shape: [4] }],
        ['a', 'Dense', { units: 2 }],
        ['b', 'Dense', { units: 3 }],
        ['cat', 'Concatenate'],
      ],
      ['in->a', 'in->b', 'a->cat:1', 'b->cat:0'],
    );
    const result = lowerGraph(g);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const cat = result.ir.ops.find((o) => o.id === 'cat')!;
    expect(cat.inputs).toEqual(['b', 'a']);
    expect(cat.outputShape).toEqual([5]);
    expect(result.ir.isChain).toBe(false);
  });

  it('wouldCreateCycle refuses wiring back upstream', () => {
    const g = graphOf(
      [
        ['in', 'Input'],
        ['a', 'Dense'],
        ['b', 'Dense'],
      ],
      ['in->a', 'a->b'],
    );
    expect(wouldCreateCycle(g, 'b', 'a')).toBe(true);
    expect(wouldCreateCycle(g, 'b', 'b')).toBe(true);
    expect(wouldCreateCycle(g, 'in', 'b')).toBe(false);
  });

  it('lowerGraph refuses a graph with errors and returns them', () => {
    const g = graphOf(
      [
        ['in', 'Input', { shape: [784] }],
        ['c', 'Conv2D'],
      ],
      ['in->c'],
    );
    const result = lowerGraph(g);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.diagnostics.map((d) => d.code)).toEqual(['E003']);
  });

  it('formats diagnostics as one safe terminal line, whatever the labels hold', () => {
    const g = graphOf(
      [
        ['in', 'Input'],
        ['d\u001b[2J', 'Dense'],
      ],
      [],
    );
    g.nodes[1]!.label = 'evil\nE000 [node x] fake\u001b[31m\u202e';
    const lines = analyzeGraph(g).diagnostics.map(formatDiagnostic);
    expect(lines).toContain(
      "E006 [node d?[2J] evil?E000 [node x] fake?[31m? has no input: wire a block's output into it",
    );
    // eslint-disable-next-line no-control-regex
    for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f\u202e]/);
  });
});
