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

/**
 * Analysis is derived from the graph, never stored. It is memoised on what analysis reads: the
 * edges and each node's id, type, params, label and name. Moving a block replaces only its position, so
 * dragging does not re-run shape inference.
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

let memo: Memo | undefined;

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

function memoFor(graph: Graph): Memo {
  if (memo && memo.edges === graph.edges && sameStructure(memo.nodes, graph.nodes)) {
    memo.nodes = graph.nodes;
    return memo;
  }
  memo = { nodes: graph.nodes, edges: graph.edges, analysis: analyzeGraph(graph) };
  return memo;
}

export function analysisOf(graph: Graph): GraphAnalysis {
  return memoFor(graph).analysis;
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
