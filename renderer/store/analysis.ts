import {
  analyzeGraph,
  diagnosticNodeIds,
  summarizeModel,
  type Diagnostic,
  type Graph,
  type GraphAnalysis,
  type GraphNode,
  type ModelSummary,
} from '../../shared/index.ts';
import type { LossSetting } from '../../shared/codegen/loss.ts';
import { lossTakesActivationOf } from '../../shared/explain/torch-names.ts';

import { fromWire } from './analysis-wire.ts';
import type { WorkerReply, WorkerRequest } from './analysis.worker.ts';
import { parseProject, type ProjectResult } from '../../shared/graph/project.ts';

/**
 * Analysis is derived from the graph, never stored. It is memoised on what analysis reads: the
 * edges and each node's id, type, params, label and name. Moving a block replaces only its position, so
 * dragging does not re-run shape inference.
 *
 * Graphs of `WORKER_MIN_BLOCKS` blocks or more are analysed in a Web Worker
 * (./analysis.worker.ts): `analyzeGraph` takes ~1 s on the main thread for 10,000 blocks, a frozen
 * page. Until the worker answers, `analysisOf` returns the last finished analysis of a big graph of
 * the same project (shapes stay on screen while an edit is re-analysed) or an empty one, and
 * `analysisPending()` is true (the status bar says "Analysing…"). Each request carries a
 * generation number; a reply for anything but the latest request is dropped, so a stale result
 * never overwrites a newer one. Smaller graphs stay synchronous: their analysis takes under
 * ~50 ms, and an answer in the same render keeps every panel consistent with the canvas at once.
 * Without `Worker` (unit tests, Node) or after the worker fails, every graph is analysed here.
 */
interface Memo {
  nodes: readonly GraphNode[];
  edges: Graph['edges'];
  analysis: GraphAnalysis;
  summary?: ModelSummary;
  byNode?: Map<string, Diagnostic[]>;
  /** `lossTakesActivationOf` per loss setting. */
  lossTakes?: Map<LossSetting, string | null>;
}

/** Graphs with at least this many blocks are analysed off the main thread. */
export const WORKER_MIN_BLOCKS = 1000;
/** Project files of at least this many characters (~900 blocks) are parsed off the main thread. */
export const WORKER_MIN_FILE_CHARS = 256 * 1024;

/** The analysis of the graph last finished (for a big graph, possibly an older graph than now). */
let memo: Memo | undefined;
/** The graph whose analysis the worker is computing, and its request's generation. */
let pending: { generation: number; nodes: readonly GraphNode[]; edges: Graph['edges'] } | undefined;
let generation = 0;
let worker: Worker | undefined;
let workerBroken = false;
/** The last answer of `memoFor`, by graph object: repeated calls in one render cost nothing. */
let seen: { graph: Graph; memo: Memo } | undefined;
const listeners = new Set<() => void>();

const EMPTY: GraphAnalysis = {
  diagnostics: [],
  nodes: new Map(),
  edgeShapes: new Map(),
  order: [],
  inputIds: [],
  outputIds: [],
  totals: { trainable: 0, nonTrainable: 0, total: 0 },
};

function sameStructure(a: readonly GraphNode[], b: readonly GraphNode[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (
      x.id !== y.id ||
      x.type !== y.type ||
      x.params !== y.params ||
      x.label !== y.label ||
      x.name !== y.name
    ) {
      return false;
    }
  }
  return true;
}

function notify(): void {
  seen = undefined;
  for (const l of listeners) l();
}

/**
 * Calls `listener` whenever a worker analysis arrives or one is given up (the store re-renders
 * what reads the analysis). Returns the unsubscribe function.
 */
export function onAnalysisUpdate(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * True while `analysisOf(graph)` is a stand-in (an older graph's analysis or an empty one) because
 * the worker has not answered for `graph` yet.
 */
export function analysisPending(graph: Graph): boolean {
  return !isCurrent(memoFor(graph), graph);
}

function isCurrent(m: Memo, graph: Graph): boolean {
  return m.nodes === graph.nodes && m.edges === graph.edges;
}

/**
 * Another project was loaded (its graph `graph`): forgets the last analysis unless it is this
 * graph's (the worker analysed it while parsing the file), so another project's shapes never show
 * on this one's blocks while the worker runs; drops any request in flight.
 */
export function forgetAnalysis(graph: Graph): void {
  if (memo && memo.edges === graph.edges && sameStructure(memo.nodes, graph.nodes)) return;
  memo = undefined;
  seen = undefined;
  if (pending) {
    pending = undefined;
    generation++;
  }
}

/** Parse requests in flight, by id. */
const parsing = new Map<number, (reply: WorkerReply | null) => void>();
let parseId = 0;

function onReply(reply: WorkerReply): void {
  if (reply.kind === 'parse') {
    parsing.get(reply.id)?.(reply);
    parsing.delete(reply.id);
    return;
  }
  const job = pending;
  if (!job || reply.generation !== job.generation) return; // stale: a newer request is out
  pending = undefined;
  const graph = { nodes: job.nodes, edges: job.edges } as Graph;
  const analysis = 'analysis' in reply ? fromWire(reply.analysis, graph) : null;
  memo = { nodes: job.nodes, edges: job.edges, analysis: analysis ?? analyzeGraph(graph) };
  notify();
}

function workerFailed(): void {
  workerBroken = true;
  for (const settle of parsing.values()) settle(null);
  parsing.clear();
  worker?.terminate();
  worker = undefined;
  const job = pending;
  pending = undefined;
  generation++;
  if (job) {
    const graph = { nodes: job.nodes, edges: job.edges } as Graph;
    memo = { nodes: job.nodes, edges: job.edges, analysis: analyzeGraph(graph) };
  }
  notify();
}

/** The worker, started on first use; undefined when there is none to use. */
function theWorker(): Worker | undefined {
  if (workerBroken || typeof Worker === 'undefined') return undefined;
  if (!worker) {
    try {
      worker = new Worker(new URL('./analysis.worker.ts', import.meta.url), {
        type: 'module',
        name: 'analysis',
      });
    } catch {
      workerBroken = true;
      return undefined;
    }
    worker.onmessage = (e: MessageEvent<WorkerReply>) => onReply(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      workerFailed();
    };
  }
  return worker;
}

/** Sends `graph` to the worker; false when there is no worker to use. */
function request(graph: Graph): boolean {
  const worker = theWorker();
  if (!worker) return false;
  const message: WorkerRequest = {
    kind: 'analyse',
    generation: ++generation,
    graph: { nodes: graph.nodes as GraphNode[], edges: graph.edges },
  };
  pending = { generation: message.generation, nodes: graph.nodes, edges: graph.edges };
  worker.postMessage(message);
  return true;
}

function memoFor(graph: Graph): Memo {
  if (seen && seen.graph === graph) return seen.memo;
  const m = lookup(graph);
  seen = { graph, memo: m };
  return m;
}

function lookup(graph: Graph): Memo {
  if (memo && memo.edges === graph.edges && sameStructure(memo.nodes, graph.nodes)) {
    memo.nodes = graph.nodes;
    return memo;
  }
  if (graph.nodes.length >= WORKER_MIN_BLOCKS) {
    const asked =
      pending !== undefined &&
      pending.edges === graph.edges &&
      sameStructure(pending.nodes, graph.nodes);
    if (asked || request(graph)) {
      const stale = memo && memo.nodes.length >= WORKER_MIN_BLOCKS ? memo : undefined;
      return stale ?? { nodes: [], edges: [], analysis: EMPTY };
    }
  }
  if (pending) {
    // The graph shown is small now: the answer in flight is for a graph no longer shown.
    pending = undefined;
    generation++;
  }
  memo = { nodes: graph.nodes, edges: graph.edges, analysis: analyzeGraph(graph) };
  return memo;
}

/**
 * `parseProject(text)`, off the main thread for a file of `WORKER_MIN_FILE_CHARS` or more (the
 * zod validation of a 10,000-block file is a long task): the worker also analyses the graph, and
 * `analysisOf` has that analysis as soon as the project is loaded. Small files, or no worker:
 * parsed here. Never rejects: a worker failure falls back to parsing here.
 */
export async function parseProjectFile(text: string): Promise<ProjectResult> {
  const w = text.length >= WORKER_MIN_FILE_CHARS ? theWorker() : undefined;
  if (!w) return parseProject(text);
  const id = ++parseId;
  const reply = await new Promise<WorkerReply | null>((settle) => {
    parsing.set(id, settle);
    w.postMessage({ kind: 'parse', id, text } satisfies WorkerRequest);
  });
  if (!reply || reply.kind !== 'parse' || 'error' in reply) return parseProject(text);
  const { result } = reply;
  if (result.ok && reply.analysis) {
    const graph = result.project.graph;
    const analysis = fromWire(reply.analysis, graph);
    if (analysis) {
      memo = { nodes: graph.nodes, edges: graph.edges, analysis };
      seen = undefined;
    }
  }
  return result;
}

export function analysisOf(graph: Graph): GraphAnalysis {
  return memoFor(graph).analysis;
}

/**
 * The analysis of `graph` as it is now, computed here if the worker has not answered (for a
 * picture or anything else that must not show a stale or empty analysis).
 */
export function analysisNow(graph: Graph): GraphAnalysis {
  const m = memoFor(graph);
  return isCurrent(m, graph) ? m.analysis : analyzeGraph(graph);
}

export function summaryOf(graph: Graph): ModelSummary {
  const m = memoFor(graph);
  m.summary ??= summarizeModel(m.analysis);
  return m.summary;
}

/** Diagnostics grouped by block id. */
export function diagnosticsByNode(graph: Graph): Map<string, Diagnostic[]> {
  const m = memoFor(graph);
  if (!m.byNode) {
    m.byNode = new Map();
    for (const d of m.analysis.diagnostics) {
      // A diagnostic of several blocks (E012: every output) belongs to each of them.
      for (const id of diagnosticNodeIds(d)) {
        const list = m.byNode.get(id);
        if (list) list.push(d);
        else m.byNode.set(id, [d]);
      }
    }
  }
  return m.byNode;
}

/**
 * The block whose activation the generated PyTorch loss applies itself (its subtitle leaves the
 * activation out, as the code does), for the project's loss setting; memoised with the analysis.
 */
export function lossTakesActivation(graph: Graph, loss: LossSetting): string | null {
  const m = memoFor(graph);
  m.lossTakes ??= new Map();
  if (!m.lossTakes.has(loss)) m.lossTakes.set(loss, lossTakesActivationOf(m.analysis, loss));
  return m.lossTakes.get(loss)!;
}
