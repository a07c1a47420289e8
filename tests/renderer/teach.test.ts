import { describe, expect, it } from 'vitest';
import { analyzeGraph, loadTemplate, type Graph } from '../../shared/index.ts';
import { lintGraph, type LintFinding } from '../../shared/lint/index.ts';
import { createEditorStore } from '../../renderer/store/index.ts';
import {
  csvFactsOf,
  findingsOf,
  lintContextFor,
  markerFor,
  runDiverged,
} from '../../renderer/teach/findings.ts';
import { allowedLayers } from '../../renderer/teach/lessons.ts';
import { finalMetrics } from '../../renderer/teach/verdict.ts';
import { stepWalk, walkOrder } from '../../renderer/teach/walk.ts';
import { arithmeticOf } from '../../renderer/teach/explain.ts';
import { loadLesson } from '../../shared/lessons/index.ts';

/** The MNIST CNN template with Flatten removed and pool_2 wired straight to Dropout. */
function cnnWithoutFlatten() {
  const project = loadTemplate('mnist-cnn');
  const graph = project.graph;
  project.graph = {
    nodes: graph.nodes.filter((n) => n.id !== 'flatten'),
    edges: [
      ...graph.edges.filter((e) => e.source !== 'flatten' && e.target !== 'flatten'),
      { id: 'e-pool_2-dropout', source: 'pool_2', target: 'dropout' },
    ],
  };
  return project;
}

describe('presenter walk', () => {
  it('walks blocks in model order, whatever order the file lists them in', () => {
    const graph = loadTemplate('mnist-mlp').graph;
    const shuffled: Graph = { ...graph, nodes: [...graph.nodes].reverse() };
    const order = walkOrder(shuffled, analyzeGraph(shuffled));
    expect(order).toEqual(['input', 'dense_1', 'dense_2', 'dense_3']);
  });

  it('appends blocks the analysis could not order', () => {
    const graph = loadTemplate('mnist-mlp').graph;
    expect(walkOrder(graph, { order: ['input', 'dense_1'] })).toEqual([
      'input',
      'dense_1',
      'dense_2',
      'dense_3',
    ]);
    expect(walkOrder(graph, { order: ['gone', 'dense_2'] })[0]).toBe('dense_2');
  });

  it('steps forward and back, stopping at the ends', () => {
    const order = ['a', 'b', 'c'];
    expect(stepWalk(order, null, 1)).toBe('a');
    expect(stepWalk(order, null, -1)).toBe('c');
    expect(stepWalk(order, 'a', 1)).toBe('b');
    expect(stepWalk(order, 'c', 1)).toBe('c');
    expect(stepWalk(order, 'a', -1)).toBe('a');
    expect(stepWalk(order, 'gone', 1)).toBe('a');
    expect(stepWalk([], null, 1)).toBeNull();
  });
});

describe('lint findings in the editor', () => {
  it('uses the dataset from the training settings', () => {
    const project = loadTemplate('mnist-mlp');
    expect(lintContextFor(project.training, null).dataset?.id).toBe('mnist');
    expect(lintContextFor({ ...project.training, dataset: 'csv' }, null).dataset).toBeUndefined();
  });

  it('uses the CSV file the Training panel has read, once it is the project’s file', () => {
    const project = loadTemplate('toy-2d-classifier');
    const training = {
      ...project.training,
      dataset: 'csv' as const,
      csv: {
        fileName: 'my.csv',
        target: 'label',
        task: 'classification' as const,
        normalization: 'standard' as const,
        ignore: [],
      },
    };
    const info = {
      id: 'csv:my.csv',
      title: 'my.csv',
      featureShape: [5],
      task: { kind: 'classification' as const, numClasses: 2, classNames: ['no', 'yes'] },
      trainCount: 480,
      testCount: 120,
      notes: [],
    };
    const csvState = (loading: boolean) => ({
      csv: {
        fileId: 1,
        name: 'my.csv',
        size: 100,
        loading,
        preview: null,
        info,
        errors: [],
        ms: 1,
      },
    });
    // The worker's answer, not while it reads the file again with new choices.
    expect(csvFactsOf(csvState(false))).toBe(info);
    expect(csvFactsOf(csvState(true))).toBeNull();
    expect(csvFactsOf({ csv: null })).toBeNull();

    expect(lintContextFor(training, null, info).dataset).toEqual({
      id: 'csv',
      title: 'my.csv',
      featureShape: [5],
      task: info.task,
    });
    // Another file than the project's, another dataset, or nothing read yet: no facts.
    expect(
      lintContextFor({ ...training, csv: { ...training.csv, fileName: 'other.csv' } }, null, info)
        .dataset,
    ).toBeUndefined();
    expect(lintContextFor(training, null, null).dataset).toBeUndefined();
    expect(lintContextFor({ ...training, dataset: 'xor' }, null, info).dataset?.id).toBe('xor');

    // The Input block gets W105 with its fix; the output (1 sigmoid unit) fits.
    const findings = findingsOf(project.graph, training, null, info);
    const w105 = findings.find((f) => f.code === 'W105')!;
    expect(w105.message).toBe('Input has 2 features, my.csv has 5: set Input shape to [5]');
    expect(findings.filter((f) => f.code === 'W107')).toEqual([]);
    const fixed = w105.fix!.apply({ graph: project.graph, training });
    expect(findingsOf(fixed.graph, training, null, info).filter((f) => f.code === 'W105')).toEqual(
      [],
    );
    expect(findingsOf(project.graph, training, null, null).map((f) => f.code)).not.toContain(
      'W105',
    );
  });

  it('holds a divergence only while the learning rate is the one that diverged', () => {
    const training = loadTemplate('mnist-mlp').training;
    const run = { diverged: true, learningRate: training.learningRate };
    expect(lintContextFor(training, run).lastRun).toEqual({ diverged: true });
    expect(lintContextFor({ ...training, learningRate: 0.0001 }, run).lastRun).toBeUndefined();
    expect(lintContextFor(training, { ...run, diverged: false }).lastRun).toBeUndefined();
    const project = loadTemplate('mnist-mlp');
    const codes = findingsOf(project.graph, project.training, run).map((f) => f.code);
    expect(codes).toContain('W106');
  });

  it('maps findings to one marker per block: warning beats hint, every message with its code', () => {
    const f = (
      code: LintFinding['code'],
      severity: 'warning' | 'hint',
      nodeId: string,
    ): LintFinding => ({
      code,
      severity,
      nodeId,
      message: `${code} message`,
    });
    const findings = [
      f('H103', 'hint', 'out'),
      f('W101', 'warning', 'out'),
      f('W102', 'warning', 'x'),
    ];
    expect(markerFor(findings, 'out')).toEqual({
      severity: 'warning',
      text: 'H103: H103 message\nW101: W101 message',
    });
    expect(markerFor([f('H103', 'hint', 'out')], 'out')?.severity).toBe('hint');
    expect(markerFor(findings, 'none')).toBeNull();
  });

  it('memoises findings: moving a block does not recompute them', () => {
    const project = cnnWithoutFlatten();
    const first = findingsOf(project.graph, project.training, null);
    expect(first.map((x) => x.code)).toContain('W101');
    const moved = {
      ...project.graph,
      nodes: project.graph.nodes.map((n) =>
        n.id === 'dense' ? { ...n, position: { x: 5, y: 5 } } : n,
      ),
    };
    // analysisOf keeps its analysis when only positions change.
    expect(findingsOf(moved, project.training, null)).toBe(
      findingsOf(moved, project.training, null),
    );
  });

  it('tells a diverged run from its reports', () => {
    const ok = { batchLosses: [1, 0.5], epochs: [{ loss: 0.5 }], error: null };
    expect(runDiverged(ok)).toBe(false);
    expect(runDiverged({ ...ok, batchLosses: [1, NaN] })).toBe(true);
    expect(runDiverged({ ...ok, epochs: [{ loss: Infinity }] })).toBe(true);
    expect(
      runDiverged({ ...ok, error: 'The loss became NaN at epoch 1, batch 3: training stopped.' }),
    ).toBe(true);
    expect(runDiverged({ ...ok, error: 'Training worker failed: boom' })).toBe(false);
  });
});

describe('applyFix', () => {
  it('applies a fix as one undoable edit; undo restores the graph', () => {
    const project = cnnWithoutFlatten();
    const store = createEditorStore(project);
    const before = store.getState().project;
    const finding = lintGraph(before.graph, lintContextFor(before.training, null)).find(
      (f) => f.code === 'W101',
    )!;
    store.getState().applyFix(finding.fix!);
    const after = store.getState().project;
    expect(after.graph.nodes.some((n) => n.type === 'Flatten')).toBe(true);
    expect(store.getState().dirty).toBe(true);
    expect(
      lintGraph(after.graph, lintContextFor(after.training, null)).map((f) => f.code),
    ).not.toContain('W101');
    store.getState().undo();
    expect(store.getState().project).toBe(before);
    expect(store.getState().canUndo).toBe(false);
    store.getState().redo();
    expect(store.getState().project).toBe(after);
  });

  it('undoes a training-settings fix (learning rate) too', () => {
    const store = createEditorStore(loadTemplate('mnist-mlp'));
    const lr = store.getState().project.training.learningRate;
    const finding = lintGraph(
      store.getState().project.graph,
      lintContextFor(store.getState().project.training, { diverged: true, learningRate: lr }),
    ).find((f) => f.code === 'W106')!;
    store.getState().applyFix(finding.fix!);
    expect(store.getState().project.training.learningRate).toBeLessThan(lr);
    store.getState().undo();
    expect(store.getState().project.training.learningRate).toBe(lr);
  });
});

describe('block arithmetic from the analysis', () => {
  it('explains a Dense count and a Conv2D shape', () => {
    const mlp = loadTemplate('mnist-mlp').graph;
    expect(arithmeticOf(analyzeGraph(mlp), 'dense_1').params).toBe(
      '784 × 128 weights + 128 biases = 100,480',
    );
    const cnn = loadTemplate('mnist-cnn').graph;
    expect(arithmeticOf(analyzeGraph(cnn), 'conv_1').shape).toEqual([
      'height: (28 − 3) / 1 + 1 = 26',
      'width: (28 − 3) / 1 + 1 = 26',
    ]);
    expect(arithmeticOf(analyzeGraph(cnn), 'missing')).toEqual({});
  });
});

describe('lessons in the editor', () => {
  it('reads the palette a lesson allows', () => {
    expect(allowedLayers(loadLesson('xor-hidden-layer').lesson)).toEqual(
      new Set(['Input', 'Dense', 'Activation']),
    );
    expect(allowedLayers(undefined)).toBeNull();
    expect(allowedLayers({ title: 'broken' })).toBeNull();
  });

  it('takes final metrics from the last epoch and the test set, skipping missing ones', () => {
    const epoch = (loss: number, val_acc: number | null) => ({
      epoch: 1,
      loss,
      acc: 0.5,
      val_loss: null,
      val_acc,
      seconds: 1,
    });
    expect(
      finalMetrics({ epochs: [epoch(0.9, 0.4), epoch(0.3, 0.97)], test: { loss: 0.2, acc: 0.96 } }),
    ).toEqual({ loss: 0.3, acc: 0.5, val_acc: 0.97, test_loss: 0.2, test_acc: 0.96 });
    expect(finalMetrics({ epochs: [], test: null })).toEqual({});
    expect(finalMetrics({ epochs: [epoch(NaN, null)], test: null })).toEqual({ acc: 0.5 });
  });
});
