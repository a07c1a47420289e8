/**
 * The generated PyTorch files run: for every template and for projects using every catalogue
 * entry, build_model() builds, has the app's trainable parameter count, maps a random batch to
 * the inferred output shape, and main() trains one short epoch on a tiny synthetic data set.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import {
  generatePytorch,
  torchTrainableCount,
  type PytorchOptions,
} from '../../shared/codegen/pytorch.ts';
import { lossPlan } from '../../shared/codegen/loss.ts';
import type { Project } from '../../shared/graph/project.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { TEMPLATES, loadTemplate } from '../../shared/templates/index.ts';
import { assertKnownParams } from '../shared/graph-builder.ts';
import { CATALOGUE_PROJECTS } from './graphs.ts';
import { HARNESS, python, withPython } from './python.ts';

const dir = mkdtempSync(join(tmpdir(), 'netwright-torch-'));
const MARKER = join(dir, 'PWNED');

/**
 * Keras's channels-last (H, W, C) as PyTorch's channels-first (C, H, W): nn.Conv2d takes
 * (N, C, H, W) (https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html). Written here, not
 * imported from the generator, so that a wrong transposition there fails the test.
 */
const channelsFirst = (shape: readonly number[]): number[] =>
  shape.length === 3 ? [shape[2]!, shape[0]!, shape[1]!] : [...shape];

function lower(project: Project): ModelIR {
  const result = lowerGraph(assertKnownParams(project.graph));
  if (!result.ok) throw new Error(`${project.name}: ${JSON.stringify(result.diagnostics)}`);
  return result.ir;
}

/** A project whose name and labels try to break out of strings, comments and docstrings. */
function evilProject(): Project {
  const payload = `__import__('os').system('touch ${MARKER}')`;
  const project = loadTemplate('residual-block');
  project.name = `Evil"""\n${payload}\n'''"\\ \u202e#`;
  project.graph.nodes.forEach((node, i) => {
    node.label = [
      `"); ${payload} #`,
      `\n${payload}\n`,
      `'''${payload}'''`,
      `self`,
      `x`,
      `half`,
      `\\" + ${payload} + "`,
    ][i % 7];
  });
  return project;
}

interface Case {
  title: string;
  project: Project;
  options: PytorchOptions;
}

const cases: Case[] = [
  ...TEMPLATES.map((t) => ({
    title: `template ${t.id}`,
    project: loadTemplate(t.id),
    options: {},
  })),
  ...TEMPLATES.map((t) => ({
    title: `template ${t.id}, sequential style`,
    project: loadTemplate(t.id),
    options: { style: 'sequential' as const },
  })),
  ...CATALOGUE_PROJECTS.map((p) => ({ title: p.name, project: p, options: {} })),
  ...CATALOGUE_PROJECTS.map((p) => ({
    title: `${p.name}, sequential style`,
    project: p,
    options: { style: 'sequential' as const },
  })),
  { title: 'names full of quotes and __import__', project: evilProject(), options: {} },
  {
    title: 'model only (no training run)',
    project: loadTemplate('mnist-cnn'),
    options: { includeTraining: false },
  },
];

interface Result {
  file: string;
  trainable?: number;
  output?: number[];
  probaRange?: [number, number];
  trainLog?: string;
  trainedIsModule?: boolean;
  error?: string;
}

const results = new Map<string, Result>();

withPython.describe('generated PyTorch runs under /usr/bin/python3', () => {
  beforeAll(async () => {
    const manifest = cases.map((c, i) => {
      const ir = lower(c.project);
      const code = generatePytorch(
        { name: c.project.name, ir, training: c.project.training },
        c.options,
      );
      const file = join(dir, `case_${i}.py`);
      writeFileSync(file, code.code);
      const plan = lossPlan(ir, c.project.training.loss);
      return {
        file,
        input: channelsFirst(ir.ops[0]!.outputShape),
        kerasInput: ir.ops[0]!.outputShape,
        // Token ids (an int32 Input): random ids below the smallest Embedding vocabulary.
        ids:
          ir.ops[0]!.params.dtype === 'int32'
            ? Math.min(
                ...ir.ops
                  .filter((o) => o.type === 'Embedding')
                  .map((o) => o.params.input_dim as number),
              )
            : null,
        targets: plan.targets,
        units: plan.units,
        train: c.options.includeTraining !== false,
      };
    });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    await python([HARNESS, 'torch', join(dir, 'manifest.json'), join(dir, 'results.json')]);
    const list = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Result[];
    list.forEach((r, i) => results.set(cases[i]!.title, r));
  }, 300_000);

  it.each(cases.map((c) => [c.title, c] as const))('%s', (_title, c) => {
    const r = results.get(c.title)!;
    expect(r.error ?? '').toBe('');
    const ir = lower(c.project);
    // Keras's count, except where PyTorch keeps more (LSTM/SimpleRNN: two bias vectors).
    expect(r.trainable).toBe(torchTrainableCount(ir));
    // Feature maps come out channels first, (C, H, W); everything else as in Keras.
    expect(r.output).toEqual(channelsFirst(ir.ops.at(-1)!.outputShape));
    const plan = lossPlan(ir, c.project.training.loss);
    if (plan.logitsActivation) {
      expect(r.probaRange![0]).toBeGreaterThanOrEqual(0);
      expect(r.probaRange![1]).toBeLessThanOrEqual(1);
    }
    if (c.options.includeTraining !== false) {
      expect(r.trainedIsModule).toBe(true);
      expect(r.trainLog).toMatch(
        plan.metric === 'mae'
          ? /epoch 1\/1 {2}loss \d+\.\d{4} {2}mae /
          : /epoch 1\/1 {2}loss \d+\.\d{4} {2}accuracy /,
      );
    }
  });

  it('the hostile names ran nothing: no marker file, and they only appear escaped', () => {
    expect(existsSync(MARKER)).toBe(false);
    const project = evilProject();
    const code = generatePytorch({
      name: project.name,
      ir: lower(project),
      training: project.training,
    }).code;
    // The payload never starts a line of code: it appears only inside comments and strings.
    for (const line of code.split('\n')) {
      if (line.includes('__import__')) expect(line).toMatch(/^\s*(#|""")| {2}# |"""/);
    }
    expect(code).toMatch(/^class Evil\w*\(nn\.Module\):$/m);
    expect(code).not.toContain('\u202e');
  });
});
