/**
 * Shape inference over large graphs: analyzeGraph on a 2,000-node graph (a long chain of blocks
 * with residual Add links every few blocks), median of repeated runs. Prints one JSON object.
 */
import { analyzeGraph } from '../shared/graph/analyze.ts';
import type { Graph } from '../shared/graph/types.ts';

export function syntheticGraph(size: number): Graph {
  const nodes: Graph['nodes'] = [
    { id: 'n0', type: 'Input', params: { shape: [64] }, position: { x: 0, y: 0 } },
  ];
  const edges: Graph['edges'] = [];
  let skipFrom = 'n0';
  for (let i = 1; i < size; i++) {
    const id = `n${i}`;
    const prev = `n${i - 1}`;
    const isAdd = i % 5 === 0;
    const type = isAdd ? 'Add' : ['Dense', 'BatchNormalization', 'Activation', 'Dropout'][i % 4]!;
    const params = type === 'Dense' ? { units: 64, activation: 'relu' } : {};
    nodes.push({ id, type, params, position: { x: 0, y: i * 100 } });
    edges.push({ id: `e${i}`, source: prev, target: id, targetHandle: isAdd ? '0' : undefined });
    if (isAdd) {
      edges.push({ id: `s${i}`, source: skipFrom, target: id, targetHandle: '1' });
      skipFrom = id;
    }
  }
  return { nodes, edges };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const results = [];
for (const size of [300, 2000]) {
  const graph = syntheticGraph(size);
  const first = analyzeGraph(graph);
  if (first.diagnostics.length > 0)
    throw new Error(`bench graph invalid: ${first.diagnostics[0]!.message}`);
  const times: number[] = [];
  for (let run = 0; run < 30; run++) {
    const start = performance.now();
    analyzeGraph(graph);
    times.push(performance.now() - start);
  }
  results.push({
    name: `analyzeGraph ${size} nodes`,
    nodes: size,
    edges: graph.edges.length,
    median_ms: Number(median(times).toFixed(3)),
    min_ms: Number(Math.min(...times).toFixed(3)),
    runs: times.length,
  });
}
console.log(JSON.stringify({ bench: 'shape-inference', results }));
