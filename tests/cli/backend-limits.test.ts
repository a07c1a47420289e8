/**
 * Issue 11 item 2: shapes that `check` used to accept but a back-end cannot run. Each minimal
 * graph gets a coded diagnostic (E003) on its block from analyzeGraph, and `check`, `train` and
 * `export` exit 1 with that coded line, never a stack trace. Each failure quoted below was
 * measured on tfjs 4.22 (cpu backend) with the graph built directly from tf.layers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import { emptyProject } from '../../shared/graph/project.ts';
import type { Graph } from '../../shared/graph/types.ts';
import { graphOf } from '../shared/graph-builder.ts';
import { cli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'netwright-limits-'));

interface Case {
  title: string;
  graph: Graph;
  node: string;
  message: RegExp;
}

/** Input → blocks in a chain. */
function chainOf(input: number[], ...blocks: [string, string, Record<string, unknown>][]): Graph {
  const ids = ['in', ...blocks.map((b) => b[0])];
  return graphOf(
    [['in', 'Input', { shape: input }], ...blocks],
    ids.slice(1).map((id, i) => `${ids[i]}->${id}`),
  );
}

const CASES: Case[] = [
  {
    // TF.js: "batchNormalization is not implemented for array of rank 5 yet"
    title: 'BatchNormalization on (2, 2, 2, 2) per example (rank 5)',
    graph: chainOf([2, 2, 2, 2], ['bn', 'BatchNormalization', {}]),
    node: 'bn',
    message: /^BatchNormalization takes at most 3 axes per example .* \(None, 2, 2, 2, 2\)/,
  },
  {
    title: 'LayerNormalization on (2, 2, 2, 2) per example (rank 5)',
    graph: chainOf([2, 2, 2, 2], ['ln', 'LayerNormalization', {}]),
    node: 'ln',
    message: /^LayerNormalization takes at most 3 axes per example/,
  },
  {
    // TF.js: "expected min_ndim=3, found ndim=2"
    title: 'Flatten on a vector',
    graph: chainOf([8], ['fl', 'Flatten', {}], ['d', 'Dense', { units: 2 }]),
    node: 'fl',
    message: /^Flatten needs a feature map or matrix .* already flat: remove the Flatten/,
  },
  {
    // TF.js: "Unsupported input rank by biasAdd: 1" (Dense output of rank 6)
    title: 'Dense with softmax on (2, 2, 2, 2, 2) per example (rank 6)',
    graph: chainOf([2, 2, 2, 2, 2], ['d', 'Dense', { units: 3, activation: 'softmax' }]),
    node: 'd',
    message: /^Dense with bias and activation softmax takes at most 4 axes per example/,
  },
  {
    // TF.js predict: "sliceAlongFirstAxis() received an unsupported tensor rank: 7"
    title: 'Input of 6 axes per example (rank 7)',
    graph: chainOf([2, 2, 2, 2, 2, 2], ['d', 'Dense', { units: 3 }]),
    node: 'in',
    message: /^Input makes \(None, 2, 2, 2, 2, 2, 2\), 6 axes per example; .* at most 5/,
  },
  {
    title: 'Reshape to 6 axes per example',
    graph: chainOf([64], ['rs', 'Reshape', { target_shape: [2, 2, 2, 2, 2, 2] }]),
    node: 'rs',
    message: /^Reshape makes .* 6 axes per example/,
  },
];

function write(graph: Graph): string {
  const project = emptyProject('limits');
  project.graph = graph;
  const path = join(dir, `p${Math.random().toString(36).slice(2)}.netwright.json`);
  writeFileSync(path, JSON.stringify(project));
  return path;
}

describe('shapes a back-end cannot run get E003 on their block', () => {
  it.each(CASES.map((c) => [c.title, c] as const))('%s: analyzeGraph', (_t, c) => {
    const errors = analyzeGraph(c.graph).diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('E003');
    expect(errors[0]!.nodeId).toBe(c.node);
    expect(errors[0]!.message).toMatch(c.message);
  });

  it.each(CASES.map((c) => [c.title, c] as const))(
    '%s: check, train and export exit 1 with the coded line',
    async (_t, c) => {
      const path = write(c.graph);
      const coded = new RegExp(`^E003 \\[node ${c.node}\\] ${c.message.source.slice(1)}`);
      const check = await cli('check', path);
      expect(check.code).toBe(1);
      expect(check.stdout.split('\n').some((l) => coded.test(l))).toBe(true);
      const train = await cli('train', path, '--epochs', '1');
      expect(train.code).toBe(1);
      expect(train.stderr.split('\n').some((l) => coded.test(l))).toBe(true);
      for (const to of ['onnx', 'pytorch']) {
        const exp = await cli('export', path, '--to', to, '--out', join(dir, 'out'));
        expect(exp.code).toBe(1);
        expect(exp.stdout.split('\n').some((l) => coded.test(l))).toBe(true);
        expect(exp.stderr).not.toMatch(/\n\s+at /);
      }
    },
    60_000,
  );

  it('the ranks just below each limit still pass analysis', () => {
    const fine = [
      chainOf([2, 2, 2], ['bn', 'BatchNormalization', {}], ['ln', 'LayerNormalization', {}]),
      chainOf([2, 2], ['fl', 'Flatten', {}]),
      chainOf([2, 2, 2, 2], ['d', 'Dense', { units: 3, activation: 'softmax' }]),
      chainOf([2, 2, 2, 2, 2], ['d', 'Dense', { units: 3, activation: 'relu' }]),
      chainOf([2, 2, 2, 2, 2], ['d', 'Dense', { units: 3, activation: 'tanh', use_bias: false }]),
    ];
    for (const g of fine) expect(analyzeGraph(g).diagnostics).toEqual([]);
  });
});
