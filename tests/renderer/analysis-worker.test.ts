/**
 * renderer/store/analysis.ts with a stand-in Worker (Node has none): big graphs go to the worker,
 * replies carry the request's generation, and a reply for anything but the latest request is
 * dropped, so a stale analysis never overwrites a newer one. Expected shapes and totals are worked
 * out by hand from the chain (Dense 8 after Input [16]: 16·8+8 = 136 parameters, then 72 each).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import { serializeProject, emptyProject } from '../../shared/graph/project.ts';
import type { Graph } from '../../shared/graph/types.ts';
import { toWire } from '../../renderer/store/analysis-wire.ts';
import type { WorkerReply, WorkerRequest } from '../../renderer/store/analysis.worker.ts';

type Analysis = typeof import('../../renderer/store/analysis.ts');

/** A Worker that keeps what it is sent; the test answers, in any order. */
class FakeWorker {
  static last: FakeWorker | undefined;
  sent: WorkerRequest[] = [];
  onmessage: ((e: { data: WorkerReply }) => void) | null = null;
  onerror: ((e: { preventDefault(): void }) => void) | null = null;
  constructor() {
    FakeWorker.last = this;
  }
  postMessage(m: WorkerRequest) {
    this.sent.push(structuredClone(m));
  }
  terminate() {}
  /** Answers request `index` as the real worker would. */
  answer(index: number) {
    const m = this.sent[index]!;
    if (m.kind !== 'analyse') throw new Error('not an analyse request');
    const data: WorkerReply = {
      kind: 'analyse',
      generation: m.generation,
      analysis: toWire(analyzeGraph(m.graph)),
    };
    this.onmessage!({ data: structuredClone(data) });
  }
}

/** Input [16], then Dense `units` (first) / Activation relu / Dense 8 ... : `size` blocks. */
function chain(size: number, firstUnits = 8): Graph {
  const nodes: Graph['nodes'] = [
    { id: 'n0', type: 'Input', params: { shape: [16] }, position: { x: 0, y: 0 } },
  ];
  const edges: Graph['edges'] = [];
  for (let i = 1; i < size; i++) {
    const dense = i % 2 === 1;
    nodes.push({
      id: `n${i}`,
      type: dense ? 'Dense' : 'Activation',
      params: dense ? { units: i === 1 ? firstUnits : 8 } : { activation: 'relu' },
      position: { x: 0, y: i * 120 },
    });
    edges.push({ id: `e${i}`, source: `n${i - 1}`, target: `n${i}` });
  }
  return { nodes, edges };
}

/** The same graph with block n1's units changed (a new params object, as the store makes). */
function withUnits(graph: Graph, units: number): Graph {
  return {
    nodes: graph.nodes.map((n) => (n.id === 'n1' ? { ...n, params: { units } } : n)),
    edges: graph.edges,
  };
}

let a: Analysis;

beforeEach(async () => {
  vi.resetModules();
  FakeWorker.last = undefined;
  vi.stubGlobal('Worker', FakeWorker);
  a = await import('../../renderer/store/analysis.ts');
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('analysis of big graphs in a worker', () => {
  it('analyses a small graph here, at once, without a worker', () => {
    const graph = chain(a.WORKER_MIN_BLOCKS - 1);
    expect(a.analysisOf(graph).totals.total).toBe(136 + 72 * 498);
    expect(a.analysisPending(graph)).toBe(false);
    expect(FakeWorker.last).toBeUndefined();
  });

  it('sends a big graph to the worker, says pending, then has its analysis', () => {
    const graph = chain(1000);
    const updates = vi.fn();
    a.onAnalysisUpdate(updates);
    expect(a.analysisOf(graph).nodes.size).toBe(0);
    expect(a.analysisPending(graph)).toBe(true);
    // Asking again in the same state sends nothing more.
    a.analysisOf({ nodes: [...graph.nodes], edges: graph.edges });
    const worker = FakeWorker.last!;
    expect(worker.sent.map((m) => m.kind === 'analyse' && m.generation)).toEqual([1]);
    worker.answer(0);
    expect(updates).toHaveBeenCalledTimes(1);
    expect(a.analysisPending(graph)).toBe(false);
    const analysis = a.analysisOf(graph);
    // 500 Dense: 136 + 499 · 72.
    expect(analysis.totals.total).toBe(136 + 499 * 72);
    expect(analysis.nodes.get('n999')!.shape).toEqual([8]);
    // NodeInfo points at the page's own node and edge objects.
    expect(analysis.nodes.get('n5')!.node).toBe(graph.nodes[5]);
    expect(analysis.nodes.get('n5')!.inputs[0]).toBe(graph.edges[4]);
    expect(analysis.diagnostics).toEqual([]);
  });

  it('drops a stale reply that arrives after the newer one', () => {
    const first = chain(1000);
    a.analysisOf(first);
    const second = withUnits(first, 9);
    // While the worker runs, the first graph's analysis is not there to show: still empty.
    expect(a.analysisOf(second).nodes.size).toBe(0);
    const worker = FakeWorker.last!;
    expect(worker.sent.map((m) => m.kind === 'analyse' && m.generation)).toEqual([1, 2]);
    worker.answer(1);
    // Dense 9 on 16, then Dense 8 on 9: 153 + 80 + 498 · 72.
    expect(a.analysisOf(second).totals.total).toBe(153 + 80 + 498 * 72);
    worker.answer(0);
    expect(a.analysisOf(second).totals.total).toBe(153 + 80 + 498 * 72);
    expect(a.analysisPending(second)).toBe(false);
  });

  it('drops a stale reply that arrives first, and shows the older analysis meanwhile', () => {
    const first = chain(1000);
    a.analysisOf(first);
    const worker = FakeWorker.last!;
    worker.answer(0);
    const second = withUnits(first, 9);
    // The last big analysis stands in while the edit is analysed.
    expect(a.analysisOf(second).totals.total).toBe(136 + 499 * 72);
    expect(a.analysisPending(second)).toBe(true);
    const third = withUnits(first, 10);
    a.analysisOf(third);
    worker.answer(1); // the second graph's, no longer shown
    expect(a.analysisPending(third)).toBe(true);
    expect(a.analysisOf(third).totals.total).toBe(136 + 499 * 72);
    worker.answer(2);
    // Dense 10 on 16, then Dense 8 on 10: 170 + 88 + 498 · 72.
    expect(a.analysisOf(third).totals.total).toBe(170 + 88 + 498 * 72);
    // analysisNow never waits and never returns a stand-in.
    expect(a.analysisNow(second).totals.total).toBe(153 + 80 + 498 * 72);
  });

  it('falls back to analysing here when the worker fails', () => {
    const graph = chain(1000);
    a.analysisOf(graph);
    FakeWorker.last!.onerror!({ preventDefault() {} });
    expect(a.analysisPending(graph)).toBe(false);
    expect(a.analysisOf(graph).totals.total).toBe(136 + 499 * 72);
    const next = withUnits(graph, 9);
    expect(a.analysisOf(next).totals.total).toBe(153 + 80 + 498 * 72);
  });

  it('parses a big project file in the worker and has its analysis on arrival', async () => {
    const graph = chain(3000);
    const text = serializeProject({ ...emptyProject('big'), graph });
    expect(text.length).toBeGreaterThanOrEqual(a.WORKER_MIN_FILE_CHARS);
    const parsing = a.parseProjectFile(text);
    const worker = FakeWorker.last!;
    const request = worker.sent[0]!;
    expect(request.kind).toBe('parse');
    if (request.kind !== 'parse') return;
    const { parseProject } = await import('../../shared/graph/project.ts');
    const result = parseProject(request.text);
    if (!result.ok) throw new Error('fixture invalid');
    worker.onmessage!({
      data: structuredClone({
        kind: 'parse',
        id: request.id,
        result,
        analysis: toWire(analyzeGraph(result.project.graph)),
      } satisfies WorkerReply),
    });
    const parsed = await parsing;
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(a.analysisPending(parsed.project.graph)).toBe(false);
    expect(a.analysisOf(parsed.project.graph).totals.total).toBe(136 + 1499 * 72);
    expect(worker.sent).toHaveLength(1);
  });
});
