/**
 * Round trip as a property (issue 15): graph → generated Keras script (shared/codegen/keras.ts)
 * → importPythonSource → the same graph: every op's kind, params and wiring by name, and the
 * same Keras parameter count. Over every template, every lesson, one graph per catalogue kind
 * and the project fixtures under tests/fixtures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCode } from '../../shared/codegen/index.ts';
import { emptyProject, parseProjectValue, type Project } from '../../shared/graph/project.ts';
import type { Graph } from '../../shared/graph/types.ts';
import { importPythonSource } from '../../shared/import/python/index.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { LESSONS, loadLesson } from '../../shared/lessons/index.ts';
import { LAYERS, defaultParams } from '../../shared/layers/registry.ts';
import { TEMPLATES, loadTemplate } from '../../shared/templates/index.ts';
import type { Shape } from '../../shared/shape.ts';
import { graphOf } from './graph-builder.ts';

/** What must survive the round trip: per op (by name) its kind, params and inputs (by name). */
function view(ir: ModelIR) {
  const nameOf = new Map(ir.ops.map((op) => [op.id, op.name]));
  return {
    ops: Object.fromEntries(
      ir.ops.map((op) => [
        op.name,
        { type: op.type, params: op.params, inputs: op.inputs.map((i) => nameOf.get(i)) },
      ]),
    ),
    output: nameOf.get(ir.outputId),
    totals: ir.totals,
  };
}

function roundTrip(label: string, project: Project): void {
  const lowered = lowerGraph(project.graph);
  expect(lowered.ok, `${label}: the graph lowers`).toBe(true);
  if (!lowered.ok) return;
  const code = generateCode(project, 'keras');
  expect(code.ok, label).toBe(true);
  if (!code.ok) return;
  const back = importPythonSource(code.code.code);
  if (!back.ok) {
    const lines = code.code.code.split('\n');
    throw new Error(
      `${label}: the generated Keras code does not import:\n${back.diagnostics
        .map((d) => `${d.line}:${d.column} ${d.message}\n    ${lines[d.line - 1]}`)
        .join('\n')}`,
    );
  }
  expect(back.framework).toBe('keras');
  expect(view(back.ir), label).toEqual(view(lowered.ir));
  expect(back.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(back.project.training.optimizer, label).toBe(project.training.optimizer);
  expect(back.project.training.learningRate, label).toBe(project.training.learningRate);
}

/** Per-example inputs to try on each kind: an image, a vector, a sequence. */
const SAMPLES: Shape[] = [[8, 8, 3], [6], [5, 4]];

/** Input → one block of `type` (default params) on the first sample shape the kind accepts. */
function kindGraph(type: string): Graph | undefined {
  const def = LAYERS.find((l) => l.type === type)!;
  const params: Record<string, unknown> =
    type === 'Reshape' ? { target_shape: [2, 3] } : defaultParams(def);
  for (const sample of SAMPLES) {
    const inputs = Array.from({ length: Math.max(1, def.inputs.min) }, () => sample);
    if (!def.inferShape(inputs, params as never).ok) continue;
    const dtype = type === 'Embedding' ? 'int32' : 'float32';
    return graphOf(
      [
        ['in', 'Input', { shape: sample, dtype }],
        ['layer', type, params],
      ],
      inputs.map((_, i) => (inputs.length > 1 ? `in->layer:${i}` : 'in->layer')),
    );
  }
  return undefined;
}

describe('graph → Keras code → import gives the same graph', () => {
  it.each(TEMPLATES.map((t) => t.id))('template %s', (id) => {
    roundTrip(id, loadTemplate(id));
  });

  it.each(LESSONS.map((l) => l.id))('lesson %s', (id) => {
    roundTrip(id, loadLesson(id));
  });

  it.each(LAYERS.filter((l) => l.type !== 'Input').map((l) => l.type))('kind %s', (type) => {
    const graph = kindGraph(type);
    expect(graph, `${type} accepts one of the sample inputs`).toBeDefined();
    roundTrip(type, { ...emptyProject(type), graph: graph! });
  });

  it('a kind with every setting away from its default (Conv2D, strides and padding)', () => {
    const graph = graphOf(
      [
        ['in', 'Input', { shape: [9, 9, 2] }],
        [
          'c',
          'Conv2D',
          {
            filters: 3,
            kernel_size: [2, 3],
            strides: [2, 1],
            padding: 'same',
            activation: 'tanh',
            use_bias: false,
          },
        ],
      ],
      ['in->c'],
    );
    const project = { ...emptyProject('conv'), graph };
    project.training = { ...project.training, optimizer: 'rmsprop', learningRate: 0.005 };
    roundTrip('conv', project);
  });

  const fixtures = join(import.meta.dirname, '..', 'fixtures', 'fuzz');
  it.each(readdirSync(fixtures).filter((f) => f.endsWith('.json')))('fixture %s', (file) => {
    const parsed = parseProjectValue(JSON.parse(readFileSync(join(fixtures, file), 'utf8')));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    // Fuzz fixtures that record a graph Netwright refuses (shape errors) have no code to read.
    if (!lowerGraph(parsed.project.graph).ok) return;
    roundTrip(file, parsed.project);
  });
});
