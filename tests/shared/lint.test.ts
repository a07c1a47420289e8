import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import { trainingSchema } from '../../shared/graph/project.ts';
import type { Graph } from '../../shared/graph/types.ts';
import { BUILTIN_DATASET_INFO } from '../../shared/datasets/fit.ts';
import { lintGraph, type LintContext } from '../../shared/lint/index.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { graphOf } from './graph-builder.ts';

const training = trainingSchema.parse({});
const ctx = (dataset?: string, extra: Partial<LintContext> = {}): LintContext => ({
  training,
  dataset: dataset ? BUILTIN_DATASET_INFO[dataset as keyof typeof BUILTIN_DATASET_INFO] : undefined,
  ...extra,
});

/** Finds the one finding with `code`, applies its fix, and returns the fixed graph. */
function applyFix(graph: Graph, context: LintContext, code: string) {
  const finding = lintGraph(graph, context).find((f) => f.code === code);
  expect(finding, `expected ${code}`).toBeDefined();
  const before = JSON.stringify(graph);
  const fixed = finding!.fix!.apply({ graph, training: context.training });
  expect(JSON.stringify(graph)).toBe(before); // the fix never mutates its input
  return { finding: finding!, fixed };
}

describe('teaching lints and their fixes', () => {
  it('the templates raise no warnings on their own datasets', () => {
    for (const id of [
      'mnist-mlp',
      'mnist-cnn',
      'toy-2d-classifier',
      'regression-mlp',
      'residual-block',
    ]) {
      const project = loadTemplate(id);
      const findings = lintGraph(project.graph, ctx(project.training.dataset));
      expect(findings.filter((f) => f.severity !== 'hint').map((f) => f.code)).toEqual([]);
    }
  });

  it('W101 Dense after a conv output without Flatten; the fix inserts Flatten', () => {
    const g = graphOf(
      [
        ['in', 'Input', { shape: [28, 28, 1] }],
        ['conv', 'Conv2D'],
        ['pool', 'MaxPooling2D'],
        ['out', 'Dense', { units: 10, activation: 'softmax' }],
      ],
      ['in->conv', 'conv->pool', 'pool->out'],
    );
    const { finding, fixed } = applyFix(g, ctx('mnist'), 'W101');
    expect(finding.nodeId).toBe('out');
    const analysis = analyzeGraph(fixed.graph);
    expect(analysis.diagnostics).toEqual([]);
    const flatten = fixed.graph.nodes.find((n) => n.type === 'Flatten')!;
    expect(analysis.nodes.get('out')!.inputs[0]!.source).toBe(flatten.id);
    expect(analysis.nodes.get('out')!.shape).toEqual([10]);
    expect(lintGraph(fixed.graph, ctx('mnist')).some((f) => f.code === 'W101')).toBe(false);
  });

  it('W101 Dense fed by a Concatenate of feature maps; the fix inserts Flatten', () => {
    const g = graphOf(
      [
        ['in', 'Input', { shape: [28, 28, 1] }],
        ['a', 'Conv2D', { filters: 4, kernel_size: 3, padding: 'same' }],
        ['b', 'Conv2D', { filters: 4, kernel_size: 3, padding: 'same' }],
        ['cat', 'Concatenate'],
        ['out', 'Dense', { units: 10, activation: 'softmax' }],
      ],
      ['in->a', 'in->b', 'a->cat', 'b->cat', 'cat->out'],
    );
    expect(analyzeGraph(g).nodes.get('cat')!.shape).toEqual([28, 28, 8]);
    const { finding, fixed } = applyFix(g, ctx('mnist'), 'W101');
    expect(finding.nodeId).toBe('out');
    expect(finding.message).toContain('(None, 28, 28, 8)');
    const analysis = analyzeGraph(fixed.graph);
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.nodes.get('out')!.shape).toEqual([10]);
    expect(lintGraph(fixed.graph, ctx('mnist')).some((f) => f.code === 'W101')).toBe(false);
    // A Concatenate of sequences (rank 2) is not a feature map: no W101.
    const seq = graphOf(
      [
        ['in', 'Input', { shape: [5, 3] }],
        ['a', 'Dense', { units: 4 }],
        ['b', 'Dense', { units: 4 }],
        ['cat', 'Concatenate'],
        ['out', 'Dense', { units: 2, activation: 'softmax' }],
      ],
      ['in->a', 'in->b', 'a->cat', 'b->cat', 'cat->out'],
    );
    expect(lintGraph(seq, ctx()).some((f) => f.code === 'W101')).toBe(false);
  });

  it('W105 offers "Set shape" only when the network still compiles after it', () => {
    const csv = {
      id: 'csv',
      title: 'iris.csv',
      featureShape: [4],
      task: { kind: 'classification' as const, numClasses: 3, classNames: ['a', 'b', 'c'] },
    };
    // A CNN fed a 4-column CSV: Input [4] would break its Conv2D (needs a 3-D input).
    const cnn = loadTemplate('mnist-cnn').graph;
    const w105 = lintGraph(cnn, ctx(undefined, { dataset: csv })).find((f) => f.code === 'W105');
    expect(w105).toBeDefined();
    expect(w105!.fix).toBeUndefined();
    expect(w105!.message).toMatch(
      /^Input has 784 features, iris\.csv has 4\. No one-click fix: after "Set shape to \[4\]" the network would not compile \(E003 \[node conv/,
    );
    // An MLP fed the same CSV: the fix is offered and leaves a graph without errors.
    const mlp = loadTemplate('mnist-mlp').graph;
    const { fixed } = applyFix(mlp, ctx(undefined, { dataset: csv }), 'W105');
    expect(analyzeGraph(fixed.graph).diagnostics).toEqual([]);
  });

  it('W102 stacked Dense without activation; the fix sets relu', () => {
    const g = graphOf(
      [
        ['in', 'Input', { shape: [2] }],
        ['a', 'Dense', { units: 8 }],
        ['out', 'Dense', { units: 1, activation: 'sigmoid' }],
      ],
      ['in->a', 'a->out'],
    );
    const { finding, fixed } = applyFix(g, ctx('xor'), 'W102');
    expect(finding.nodeId).toBe('a');
    expect(fixed.graph.nodes.find((n) => n.id === 'a')!.params.activation).toBe('relu');
    expect(lintGraph(fixed.graph, ctx('xor'))).toEqual([]);
  });

  it('H103 softmax output with cross-entropy is a hint for PyTorch, not for regression', () => {
    const g = loadTemplate('mnist-mlp').graph;
    const hint = lintGraph(g, ctx('mnist')).find((f) => f.code === 'H103')!;
    expect(hint.severity).toBe('hint');
    expect(hint.nodeId).toBe('dense_3');
    // It names the method the generated PyTorch module has (issue 13 item 6).
    expect(hint.message).toContain('predict_proba()');
    expect(hint.message).not.toMatch(/\bpredict\(\)/);
    expect(
      lintGraph(g, ctx(undefined, { training: { ...training, loss: 'mse' } })).some(
        (f) => f.code === 'H103',
      ),
    ).toBe(false);
  });

  it('W104 sigmoid output on a multi-class dataset; the fix makes it softmax with one unit per class', () => {
    const g = graphOf(
      [
        ['in', 'Input', { shape: [9] }],
        ['h', 'Dense', { units: 16, activation: 'relu' }],
        ['out', 'Dense', { units: 1, activation: 'sigmoid' }],
      ],
      ['in->h', 'h->out'],
    );
    const { fixed } = applyFix(g, ctx('penguins'), 'W104');
    expect(fixed.graph.nodes.find((n) => n.id === 'out')!.params).toMatchObject({
      units: 3,
      activation: 'softmax',
    });
    expect(lintGraph(fixed.graph, ctx('penguins')).filter((f) => f.severity !== 'hint')).toEqual(
      [],
    );
  });

  it('W107 output units differ from the number of classes', () => {
    const g = loadTemplate('mnist-mlp').graph;
    g.nodes[0]!.params.shape = [9];
    const { fixed } = applyFix(g, ctx('penguins'), 'W107');
    expect(fixed.graph.nodes.find((n) => n.id === 'dense_3')!.params.units).toBe(3);
  });

  it('W105 Input does not match the dataset; the message names the fix', () => {
    const g = loadTemplate('mnist-mlp').graph;
    const { finding, fixed } = applyFix(g, ctx('penguins'), 'W105');
    expect(finding.message).toBe('Input has 784 features, penguins has 9: set Input shape to [9]');
    expect(fixed.graph.nodes.find((n) => n.id === 'input')!.params.shape).toEqual([9]);
    // The MLP's flat 784 fits MNIST's 28×28×1 images: no warning.
    expect(lintGraph(g, ctx('mnist')).some((f) => f.code === 'W105')).toBe(false);
  });

  it('W106 a diverged run suggests a ten times lower learning rate', () => {
    const g = loadTemplate('toy-2d-classifier').graph;
    const context = ctx('spiral', {
      training: { ...training, learningRate: 0.5 },
      lastRun: { diverged: true },
    });
    const { fixed } = applyFix(g, context, 'W106');
    expect(fixed.training.learningRate).toBe(0.05);
    expect(lintGraph(g, ctx('spiral')).some((f) => f.code === 'W106')).toBe(false);
  });
});
