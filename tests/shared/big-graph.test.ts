/**
 * Big graphs: the shared analysis scales linearly. Bounds are ratios of a 10,000-block chain's time
 * to a 1,000-block chain's (10 for linear work, 100 for quadratic), never wall-clock targets.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import type { Graph } from '../../shared/graph/types.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { blockNames, uniqueNames } from '../../shared/ir/names.ts';
import { lintGraph } from '../../shared/lint/index.ts';
import { emptyProject } from '../../shared/graph/project.ts';

/** Input [16], then Dense 8 / Activation relu alternating; every block named `name` when given. */
function chain(size: number, name?: string): Graph {
  const nodes: Graph['nodes'] = [
    { id: 'n0', type: 'Input', params: { shape: [16] }, position: { x: 0, y: 0 } },
  ];
  const edges: Graph['edges'] = [];
  for (let i = 1; i < size; i++) {
    const dense = i % 2 === 1;
    nodes.push({
      id: `n${i}`,
      type: dense ? 'Dense' : 'Activation',
      params: dense ? { units: 8 } : { activation: 'relu' },
      position: { x: 0, y: i * 120 },
      ...(name === undefined ? {} : { name }),
    });
    edges.push({ id: `e${i}`, source: `n${i - 1}`, target: `n${i}` });
  }
  return { nodes, edges };
}

/** Best of `runs` timings of `fn` (the least disturbed by other work on the machine). */
function bestMs(fn: () => unknown, runs: number): number {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/**
 * 10k-to-1k time ratio of `work`: one run on a 10,000-block chain against ten runs on a 1,000-block
 * chain (the same number of blocks, so garbage collection weighs alike), times ten. Linear work
 * gives about 10, quadratic about 100.
 */
function scaling(work: (g: Graph) => unknown, name?: string): number {
  const small = chain(1000, name);
  const big = chain(10_000, name);
  work(small);
  const tenSmallMs = bestMs(() => {
    for (let i = 0; i < 10; i++) work(small);
  }, 3);
  const bigMs = bestMs(() => work(big), 3);
  return (bigMs / Math.max(tenSmallMs, 1)) * 10;
}

describe('big graphs scale linearly', () => {
  it('analyzes a 10,000-block chain, with no errors, not quadratically', () => {
    const analysis = analyzeGraph(chain(10_000));
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.order.length).toBe(10_000);
    expect(scaling((g) => analyzeGraph(g))).toBeLessThan(30);
  });

  it('lowers and lints a 10,000-block chain whose blocks all share one name, not quadratically', () => {
    const lowered = lowerGraph(chain(10_000, 'dense'));
    expect(lowered.ok).toBe(true);
    if (!lowered.ok) return;
    expect(lowered.ir.ops.map((op) => op.name).slice(0, 4)).toEqual([
      'n0',
      'dense',
      'dense_2',
      'dense_3',
    ]);
    expect(lowered.ir.ops.at(-1)!.name).toBe('dense_9999');
    const training = emptyProject().training;
    expect(
      scaling((g) => lintGraph(g, { training }, lowerGraph(g).analysis), 'dense'),
    ).toBeLessThan(30);
  });

  it('names 10,000 same-named blocks not quadratically', () => {
    const nodes = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `n${i}`, name: 'x' }));
    const ratio = (work: (n: number) => unknown) => {
      work(1000);
      const tenSmall = bestMs(() => {
        for (let i = 0; i < 10; i++) work(1000);
      }, 5);
      return (bestMs(() => work(10_000), 5) / Math.max(tenSmall, 1)) * 10;
    };
    // These runs take milliseconds, so cache and Map growth weigh more than in the tests above
    // (31–39 measured for the linear code on a loaded 2-core machine); the quadratic code gave 128.
    expect(ratio((n) => blockNames(nodes(n)))).toBeLessThan(55);
    const uRatio = ratio((n) => uniqueNames(Array.from({ length: n }, () => 'x')));
    expect(uRatio).toBeLessThan(55);
  });
});

/** The definition of the names, written out plainly (first free suffix from 2, each time). */
function naiveUnique(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((base) => {
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  });
}

describe('the linear-time naming gives the same names as the definition', () => {
  it('uniqueNames on repeats mixed with literal suffixed names', () => {
    const names = ['a', 'a_2', 'a', 'a', 'a_3', 'b', 'a', 'b', 'b_2', 'b', 'a_4', 'a'];
    expect(uniqueNames(names)).toEqual(naiveUnique(names));
    expect(uniqueNames(names)).toEqual([
      'a',
      'a_2',
      'a_3',
      'a_4',
      'a_3_2',
      'b',
      'a_5',
      'b_2',
      'b_2_2',
      'b_3',
      'a_4_2',
      'a_6',
    ]);
  });

  it('blockNames reserves every base first, then gives repeats the first free suffix', () => {
    const nodes = ['fc', 'fc', 'fc_2', 'fc', 'pool', 'fc_3', 'fc'].map((name, i) => ({
      id: `n${i}`,
      name,
    }));
    // Bases fc, fc_2, pool, fc_3 are reserved: repeats of fc get fc_4, fc_5, fc_6.
    expect(blockNames(nodes)).toEqual(['fc', 'fc_4', 'fc_2', 'fc_5', 'pool', 'fc_3', 'fc_6']);
  });
});
