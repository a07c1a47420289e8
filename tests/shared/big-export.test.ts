/**
 * Issue 14 item 6: ONNX export of a 50,000-block chain took 71 s with no progress. Reading the
 * fresh weights called TF.js's `model.getLayer(name)` (a scan of every layer) once per op, which
 * is quadratic; the export now scales linearly and reports progress. Bounds are ratios of a
 * 10,000-block chain's time to ten 1,000-block chains' (10 for linear work, 100 for quadratic),
 * as in big-graph.test.ts, never wall-clock targets.
 */
import { describe, expect, it } from 'vitest';
import type * as tfjs from '@tensorflow/tfjs';
import type { ExportProgress } from '../../shared/export/progress.ts';
import {
  expectedWeights,
  readModelWeights,
  type ModelWeights,
} from '../../shared/export/weights.ts';
import type { Graph } from '../../shared/graph/types.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { buildOnnxModel, exportOnnx, exportOnnxAsync } from '../../shared/onnx/export.ts';
import { zeroWeights } from '../support/zero-weights.ts';

/** Input [16], then Dense 8 / Activation relu alternating. */
function chainIr(size: number): ModelIR {
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
    });
    edges.push({ id: `e${i}`, source: `n${i - 1}`, target: `n${i}` });
  }
  const lowered = lowerGraph({ nodes, edges });
  if (!lowered.ok) throw new Error('chain does not lower');
  return lowered.ir;
}

/**
 * A stand-in for a TF.js LayersModel built from `ir`: `layers` and a `getLayer` that scans them as
 * tfjs-layers' `Container.getLayer` does; each layer's weights are the expected arrays, filled
 * with the layer's index.
 */
function fakeModel(ir: ModelIR): tfjs.LayersModel {
  const layers = ir.ops.map((op, index) => ({
    name: op.name,
    getWeights: () =>
      expectedWeights(op).map((w) => {
        const size = w.shape.reduce((a, b) => a * b, 1);
        return { shape: w.shape, data: async () => new Float32Array(size).fill(index) };
      }),
  }));
  return {
    layers,
    getLayer(name: string) {
      for (const l of layers) if (l.name === name) return l;
      throw new Error(`no layer ${name}`);
    },
  } as unknown as tfjs.LayersModel;
}

async function bestMs(fn: () => unknown, runs: number): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    await fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** 10k-to-1k time ratio of `work` on chains (one 10k run against ten 1k runs, times ten). */
async function scaling(work: (ir: ModelIR) => unknown): Promise<number> {
  const small = chainIr(1000);
  const big = chainIr(10_000);
  await work(small);
  const tenSmallMs = await bestMs(async () => {
    for (let i = 0; i < 10; i++) await work(small);
  }, 3);
  const bigMs = await bestMs(() => work(big), 3);
  return (bigMs / Math.max(tenSmallMs, 1)) * 10;
}

describe('ONNX export of big graphs', () => {
  it('reads the weights of a 10,000-layer model by name, not quadratically', async () => {
    const ir = chainIr(10_000);
    const weights = await readModelWeights(fakeModel(ir), ir);
    // 5,000 Dense layers: the first Dense 8 on 16 inputs, the rest Dense 8 on 8.
    expect(weights.size).toBe(5000);
    expect(weights.get(ir.ops[1]!.name)!.map((w) => [w.name, w.shape])).toEqual([
      ['kernel', [16, 8]],
      ['bias', [8]],
    ]);
    expect(weights.get(ir.ops[9999]!.name)![0]!.data[0]).toBe(9999);
    expect(await scaling((g) => readModelWeights(fakeModel(g), g))).toBeLessThan(30);
  });

  it('exports a 10,000-block chain not quadratically', async () => {
    const weightsOf = new Map<ModelIR, ModelWeights>();
    const ratio = await scaling((ir) => {
      if (!weightsOf.has(ir)) weightsOf.set(ir, zeroWeights(ir));
      return exportOnnx(ir, weightsOf.get(ir)!);
    });
    expect(ratio).toBeLessThan(30);
  });

  it('reports progress: graph then encode, each rising to its total; the bytes are unchanged', async () => {
    const ir = chainIr(1000);
    const weights = zeroWeights(ir);
    const reports: ExportProgress[] = [];
    const bytes = exportOnnx(ir, weights, { onProgress: (p) => reports.push({ ...p }) });
    expect(bytes).toEqual(exportOnnx(ir, weights));
    const graph = reports.filter((r) => r.stage === 'graph');
    const encode = reports.filter((r) => r.stage === 'encode');
    expect(reports).toEqual([...graph, ...encode]);
    // Ops: every 256th, then the end.
    expect(graph.map((r) => r.done)).toEqual([256, 512, 768, 1000]);
    expect(graph.every((r) => r.total === 1000)).toBe(true);
    const model = buildOnnxModel(ir, weights);
    const items = model.graph.nodes.length + model.graph.initializers.length;
    // 500 Dense (MatMul + Add, kernel + bias) and 499 Relu: 1,499 nodes and 1,000 initializers.
    expect([model.graph.nodes.length, model.graph.initializers.length]).toEqual([1499, 1000]);
    expect(encode.at(-1)).toEqual({ stage: 'encode', done: items, total: items });
    expect(encode.map((r) => r.done)).toEqual([...encode.map((r) => r.done)].sort((a, b) => a - b));
    expect(encode.length).toBe(Math.floor(items / 256) + 1);
  });

  it('exportOnnxAsync gives the same bytes and lets other tasks run while it works', async () => {
    const ir = chainIr(10_000);
    const weights = zeroWeights(ir);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      const bytes = await exportOnnxAsync(ir, weights, { onProgress: () => undefined });
      const withProgress = ticks;
      ticks = 0;
      const quiet = await exportOnnxAsync(ir, weights);
      // Without a progress callback nothing waits: no timer ran during the export.
      expect(ticks).toBe(0);
      expect(withProgress).toBeGreaterThan(0);
      expect(bytes).toEqual(quiet);
      expect(bytes).toEqual(exportOnnx(ir, weights));
    } finally {
      clearInterval(timer);
    }
  });
});
