/**
 * Big graphs: how each stage scales on chains of 1k / 5k / 10k / 50k blocks (Input, then Dense 8
 * and Activation relu alternating). Stages: project parse (JSON text → validated project), shape
 * inference (`analyzeGraph`), lint, summary, lowering to the IR, the import's layered layout,
 * the app's Auto layout (`layoutGraph`: ELK for small graphs, `rowLayout` above), ONNX export with given
 * weights (`exportOnnx`) and the fresh-weight step of an export (TF.js CPU, up to `TFJS_MAX`).
 * `node bench/big-graph.bench.ts [SIZE...]`. Prints one JSON object on its last line; the
 * `ratio_10k_1k` of a stage is its 10k time over its 1k time (10 for linear, 100 for quadratic).
 */
import { analyzeGraph } from '../shared/graph/analyze.ts';
import { parseProject, serializeProject, emptyProject } from '../shared/graph/project.ts';
import type { Graph } from '../shared/graph/types.ts';
import { lintGraph } from '../shared/lint/index.ts';
import { summarizeModel } from '../shared/summary.ts';
import { lowerGraph } from '../shared/ir/lower.ts';
import { layeredLayout } from '../shared/import/build.ts';
import { exportOnnx } from '../shared/onnx/export.ts';
import { zeroWeights } from '../tests/support/zero-weights.ts';

const TFJS_MAX = 5_000;

/** A chain of `size` blocks: Input [16], then Dense 8 / Activation relu alternating. */
export function chainGraph(size: number): Graph {
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
  return { nodes, edges };
}

function time<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const value = fn();
  return [value, Number((performance.now() - start).toFixed(1))];
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, Number((performance.now() - start).toFixed(1))];
}

const sizes = process.argv.slice(2).map(Number);
const results: Record<string, number | null>[] = [];
for (const size of sizes.length > 0 ? sizes : [1000, 5000, 10_000, 50_000]) {
  const graph = chainGraph(size);
  const row: Record<string, number | null> = { nodes: size };
  const text = serializeProject({ ...emptyProject('big'), graph });
  const [parsed, parseMs] = time(() => parseProject(text));
  if (!parsed.ok) throw new Error(`bench project invalid: ${parsed.errors[0]}`);
  row.parse_ms = parseMs;
  const [analysis, analyzeMs] = time(() => analyzeGraph(graph));
  if (analysis.diagnostics.length > 0)
    throw new Error(`bench graph invalid: ${analysis.diagnostics[0]!.message}`);
  row.analyze_ms = analyzeMs;
  row.lint_ms = time(() => lintGraph(graph, { training: emptyProject().training }, analysis))[1];
  row.summary_ms = time(() => summarizeModel(analysis))[1];
  const [lowered, lowerMs] = time(() => lowerGraph(graph));
  if (!lowered.ok) throw new Error('bench graph does not lower');
  row.lower_ms = lowerMs;
  const inputsOf = new Map<string, string[]>();
  for (const e of graph.edges)
    inputsOf.set(e.target, [...(inputsOf.get(e.target) ?? []), e.source]);
  row.layered_layout_ms = time(() =>
    layeredLayout(
      graph.nodes.map((n) => n.id),
      (id) => inputsOf.get(id) ?? [],
    ),
  )[1];
  const { layoutGraph } = await import('../renderer/canvas/layout.ts');
  // Auto layout: ELK up to ELK_MAX_BLOCKS (renderer/canvas/layout.ts), rowLayout above.
  row.auto_layout_ms = (await timeAsync(() => layoutGraph(graph)))[1];
  const weights = zeroWeights(lowered.ir);
  const [bytes, onnxMs] = time(() => exportOnnx(lowered.ir, weights, { name: 'big' }));
  row.onnx_export_ms = onnxMs;
  row.onnx_bytes = bytes.length;
  if (size <= TFJS_MAX) {
    const tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    const { modelAndWeights } = await import('../shared/export/formats.ts');
    const project = { ...emptyProject('big'), graph };
    row.fresh_weights_ms = (await timeAsync(() => modelAndWeights(tf, project)))[1];
  } else row.fresh_weights_ms = null;
  results.push(row);
  process.stderr.write(`${JSON.stringify(row)}\n`);
}
const at = (n: number) => results.find((r) => r.nodes === n);
const ratios: Record<string, number> = {};
const small = at(1000);
const big = at(10_000);
if (small && big) {
  for (const key of Object.keys(small)) {
    const a = small[key];
    const b = big[key];
    if (key.endsWith('_ms') && typeof a === 'number' && typeof b === 'number' && a > 0)
      ratios[key] = Number((b / a).toFixed(1));
  }
}
console.log(JSON.stringify({ bench: 'big-graph', results, ratio_10k_1k: ratios }));
