import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../cli/datasets.ts';
import { builtinDatasetInfo, checkDatasetFit } from '../../shared/datasets/fit.ts';
import type { Project } from '../../shared/graph/project.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { checkGoal, readLesson } from '../../shared/lessons/lesson.ts';
import { LESSONS, loadLesson } from '../../shared/lessons/index.ts';
import { loadTemplate, TEMPLATES } from '../../shared/templates/index.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { installCustomKernels } from '../../shared/tfjs/custom-kernels.ts';
import { testResults, train } from '../../shared/training/train.ts';
import { analyzeGraph } from '../../shared/graph/analyze.ts';

beforeAll(async () => {
  installCustomKernels(tf);
  await tf.setBackend('cpu');
});

const lowered = (p: Project): ModelIR => {
  const r = lowerGraph(p.graph);
  if (!r.ok) throw new Error(`does not lower: ${JSON.stringify(r)}`);
  return r.ir;
};

const dataOf = (p: Project) =>
  loadDataset(p.training.dataset, {
    seed: p.training.seed,
    ...(p.training.window ? { window: p.training.window } : {}),
    ...(p.training.tokenizer ? { tokenizer: p.training.tokenizer } : {}),
  });

/** Puts a new block between `after` and the block it fed (rewires that one edge). */
function insertAfter(p: Project, after: string, node: Project['graph']['nodes'][number]) {
  const edge = p.graph.edges.find((e) => e.source === after)!;
  p.graph.nodes.push(node);
  p.graph.edges.push({ id: `e-${after}-${node.id}`, source: after, target: node.id });
  edge.source = node.id;
  edge.id = `e-${node.id}-${edge.target}`;
}

describe('sequence and text templates', () => {
  it('are offered: every layer kind they use is in this build', () => {
    expect(TEMPLATES.map((t) => t.id)).toEqual(
      expect.arrayContaining(['co2-forecast', 'text-classifier']),
    );
    expect(LESSONS.map((l) => l.id)).toEqual(
      expect.arrayContaining(['forecast-with-lstm', 'words-to-topics']),
    );
  });

  for (const id of ['co2-forecast', 'text-classifier']) {
    it(`${id}: fits its data set, its data loads, a few steps train without leaking`, async () => {
      const project = loadTemplate(id);
      const ir = lowered(project);
      const info = builtinDatasetInfo(project.training)!;
      expect(checkDatasetFit(ir, info, project.training.loss)).toEqual([]);
      const data = await dataOf(project);
      expect(data.featureShape).toEqual(info.featureShape);
      expect(ir.ops[0]!.outputShape).toEqual(data.featureShape);
      const before = tf.memory().numTensors;
      const model = buildModel(tf, ir, { seed: 1 });
      const result = await train(tf, model, ir, data, {
        settings: { ...project.training, epochs: 3 },
        limit: 128,
      });
      expect(result.status).toBe('done');
      const losses = result.history.map((h) => h.loss);
      expect(losses.every(Number.isFinite)).toBe(true);
      // Three epochs over the same 115 examples: the training loss goes down.
      expect(losses[2]!).toBeLessThan(losses[0]!);
      const test = await testResults(tf, model, ir, data, project.training, 0, 64);
      expect(Number.isFinite(test!.loss)).toBe(true);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

/**
 * Each lesson starts with an output that does not fit its data set; the change its instructions
 * ask for fixes that, and training the project's settings then meets the goal (the lesson can be
 * done).
 */
describe('sequence and text lessons', () => {
  const cases = [
    {
      id: 'forecast-with-lstm',
      fix: (p: Project) =>
        insertAfter(p, 'input', {
          id: 'lstm',
          type: 'LSTM',
          params: { units: 16, use_bias: true, return_sequences: false },
          position: { x: 0, y: 70 },
        }),
    },
    {
      id: 'words-to-topics',
      fix: (p: Project) =>
        insertAfter(p, 'embedding', {
          id: 'pool',
          type: 'GlobalAveragePooling1D',
          params: {},
          position: { x: 0, y: 210 },
        }),
    },
  ];
  for (const { id, fix } of cases) {
    it(`${id}: the start does not fit; the asked change reaches the goal`, async () => {
      const project = loadLesson(id);
      const read = readLesson(project);
      if (!read?.ok) throw new Error('lesson unreadable');
      const info = builtinDatasetInfo(project.training)!;
      const start = checkDatasetFit(lowered(project), info, project.training.loss);
      expect(start.map((p) => p.end)).toEqual(['output']);
      fix(project);
      const ir = lowered(project);
      expect(checkDatasetFit(ir, info, project.training.loss)).toEqual([]);
      const data = await dataOf(project);
      const model = buildModel(tf, ir, { seed: project.training.seed });
      const result = await train(tf, model, ir, data, { settings: project.training });
      model.dispose();
      const last = result.history.at(-1)!;
      const metrics = {
        loss: last.loss,
        ...(last.val_loss !== undefined && last.val_loss !== null
          ? { val_loss: last.val_loss }
          : {}),
        ...(last.val_acc !== undefined && last.val_acc !== null ? { val_acc: last.val_acc } : {}),
      };
      const verdict = checkGoal(read.lesson, {
        metrics,
        totalParams: analyzeGraph(project.graph).totals.total,
        layerTypes: project.graph.nodes.map((n) => n.type),
      });
      expect(verdict.reasons).toEqual([expect.stringMatching(/^Goal met/)]);
    }, 300_000);
  }
});
