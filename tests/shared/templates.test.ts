import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { formatSummary, summarizeModel } from '../../shared/summary.ts';
import { loadTemplate, TEMPLATES } from '../../shared/templates/index.ts';

const EXPECTED: Record<string, { total: number; output: number[]; chain: boolean }> = {
  'mnist-mlp': { total: 109_386, output: [10], chain: true },
  'mnist-cnn': { total: 34_826, output: [10], chain: true },
  'toy-2d-classifier': { total: 337, output: [1], chain: true },
  'regression-mlp': { total: 4_865, output: [1], chain: true },
  'residual-block': { total: 59_210, output: [10], chain: false },
  // Conv1D: kernel 3 × 1 channel × 16 filters + 16 biases = 64; Dense: 10 steps × 16 → 160 + 1.
  'co2-forecast': { total: 64 + 161, output: [1], chain: true },
  // Embedding: 1000 × 16 = 16,000; Dense: 16 × 4 + 4 = 68.
  'text-classifier': { total: 16_000 + 68, output: [4], chain: true },
};

describe('templates', () => {
  it('every template has an expectation', () => {
    expect(TEMPLATES.map((t) => t.id).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const template of TEMPLATES) {
    it(`${template.id} is valid and has the Keras parameter count`, () => {
      const project = loadTemplate(template.id);
      const expected = EXPECTED[template.id]!;
      const analysis = analyzeGraph(project.graph);
      expect(analysis.diagnostics).toEqual([]);
      expect(analysis.totals.total).toBe(expected.total);
      const lowered = lowerGraph(project.graph);
      expect(lowered.ok).toBe(true);
      if (!lowered.ok) return;
      expect(lowered.ir.ops.at(-1)!.outputShape).toEqual(expected.output);
      expect(lowered.ir.isChain).toBe(expected.chain);
    });
  }

  it('the MNIST CNN has the classic shapes', () => {
    const analysis = analyzeGraph(loadTemplate('mnist-cnn').graph);
    const shapes = analysis.order.map((id) => analysis.nodes.get(id)!.shape);
    expect(shapes).toEqual([
      [28, 28, 1],
      [26, 26, 32],
      [13, 13, 32],
      [11, 11, 64],
      [5, 5, 64],
      [1600],
      [1600],
      [10],
    ]);
  });

  it('formats the MNIST MLP summary like Keras', () => {
    const text = formatSummary(
      summarizeModel(analyzeGraph(loadTemplate('mnist-mlp').graph)),
      'MNIST MLP',
    );
    expect(text).toContain('dense_1 (Dense)');
    expect(text).toMatch(/dense_1 \(Dense\) +\(None, 128\) +100480/);
    expect(text.split('\n').slice(-4, -1)).toEqual([
      'Total params: 109,386',
      'Trainable params: 109,386',
      'Non-trainable params: 0',
    ]);
  });

  it('loadTemplate returns independent copies', () => {
    const a = loadTemplate('mnist-mlp');
    a.graph.nodes.pop();
    expect(loadTemplate('mnist-mlp').graph.nodes).toHaveLength(4);
  });
});
