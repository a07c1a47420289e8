import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { parseProject, serializeProject } from '../../shared/graph/project.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { importWeights } from '../../shared/training/weights.ts';

const dir = mkdtempSync(join(tmpdir(), 'nw-train-'));
function projectFile(template: string, training: Record<string, unknown> = {}): string {
  const p = loadTemplate(template);
  p.training = { ...p.training, ...training };
  const file = join(dir, `${template}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, serializeProject(p));
  return file;
}

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    ['train', ...argv],
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, out, err };
}

describe('netwright train', () => {
  it('prints one JSON line per epoch and writes the trained weights with --out', async () => {
    const file = projectFile('mnist-mlp');
    const outFile = join(dir, 'trained.json');
    const r = await run([
      file,
      '--epochs',
      '2',
      '--limit',
      '600',
      '--backend',
      'cpu',
      '--out',
      outFile,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(2);
    const lines = r.out.map((l) => JSON.parse(l));
    expect(lines.map((l) => l.epoch)).toEqual([1, 2]);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(['epoch', 'loss', 'acc', 'val_loss', 'val_acc']);
      expect(l.loss).toBeGreaterThan(0);
    }
    expect(lines[1].loss).toBeLessThan(lines[0].loss);
    expect(r.err.join('\n')).toMatch(/^test: loss [\d.]+, accuracy [\d.]+ \(cpu backend\)$/);
    const saved = parseProject(readFileSync(outFile, 'utf8'));
    expect(saved.ok).toBe(true);
    if (!saved.ok) return;
    const weights = saved.project.weights as { layers: { layer: string }[] };
    expect(weights.layers.map((l) => l.layer)).toEqual(['dense_1', 'dense_2', 'dense_3']);
    const lowered = lowerGraph(saved.project.graph);
    if (!lowered.ok) throw new Error('bad graph');
    await tf.setBackend('cpu');
    const model = buildModel(tf, lowered.ir);
    expect(importWeights(tf, model, weights)).toEqual([]);
    model.dispose();
  });

  it('--dataset overrides the project; spiral on the 2-D template', async () => {
    const r = await run([
      projectFile('toy-2d-classifier'),
      '--dataset',
      'spiral',
      '--epochs',
      '1',
      '--backend',
      'wasm',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out[0]!)).toMatchObject({ epoch: 1 });
  });

  it('exit 1 with the fix when the model does not fit the data set', async () => {
    const r = await run([projectFile('mnist-mlp'), '--dataset', 'penguins', '--backend', 'cpu']);
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/Input has 784 features, penguins has 9: set Input shape to \[9\]$/);
  });

  it('exit 2 for bad options, unknown data sets and missing files', async () => {
    expect((await run([projectFile('mnist-mlp'), '--epochs', 'x'])).code).toBe(2);
    expect((await run([projectFile('mnist-mlp'), '--backend', 'webgl'])).code).toBe(2);
    const unknown = await run([projectFile('mnist-mlp'), '--dataset', 'iris']);
    expect(unknown.code).toBe(2);
    expect(unknown.err[0]).toMatch(/unknown data set "iris"/);
    const missing = await run([projectFile('regression-mlp'), '--dataset', join(dir, 'none.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.err[0]).toMatch(/none\.csv: cannot read the file: no such file/);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b\n1,2\n3\n');
    const badRun = await run([projectFile('regression-mlp'), '--dataset', bad]);
    expect(badRun.code).toBe(2);
    expect(badRun.err[0]).toBe('bad.csv: line 3: 1 fields, the header has 2');
  });

  it("uses the project's saved CSV choices: target, left-out columns", async () => {
    const csv = join(dir, 'people.csv');
    const rows = ['id,x,y,kind,height'];
    for (let i = 0; i < 60; i++) {
      const x = ((i * 37) % 17) / 17 - 0.5;
      const y = ((i * 11) % 13) / 13 - 0.5;
      rows.push(`r${i},${x},${y},${x * y > 0 ? 'same' : 'diff'},${150 + i}`);
    }
    writeFileSync(csv, `${rows.join('\n')}\n`);
    const saved = {
      dataset: 'csv',
      csv: {
        fileName: 'people.csv',
        target: 'kind',
        task: 'classification',
        normalization: 'standard',
        ignore: ['id', 'height'],
      },
    };
    // Input [2] fits x, y only when `height` is left out and `kind` is the target.
    const r = await run([
      projectFile('toy-2d-classifier', saved),
      '--dataset',
      csv,
      '--epochs',
      '1',
      '--backend',
      'cpu',
    ]);
    expect(r.err.filter((l) => !l.startsWith('test:'))).toEqual([]);
    expect(r.code).toBe(0);
    // Without the saved choices the last column is the target and height a feature: no fit.
    const plain = await run([
      projectFile('toy-2d-classifier', { dataset: 'csv' }),
      '--dataset',
      csv,
      '--epochs',
      '1',
      '--backend',
      'cpu',
    ]);
    expect(plain.code).toBe(1);
    expect(plain.err.join('\n')).toMatch(/Input has 2 features, people\.csv has \d+/);
    // It says how it read the columns, as the app does (issue 13 item 6).
    expect(plain.err).toContain(
      'note: people.csv: column "id" ignored: 60 distinct text values are too many to one-hot',
    );
    expect(plain.err).toContain('note: people.csv: column "kind" one-hot encoded (2 values)');
  });

  it('the MNIST CNN template trains on wasm, the default backend', async () => {
    // wasm had no Conv2DBackpropFilter kernel: this died with a stack trace, exit 7 (issue 10).
    const wasm = await run([projectFile('mnist-cnn'), '--epochs', '1', '--limit', '600']);
    expect(wasm.err.at(-1)).toMatch(/^test: loss [\d.]+, accuracy [\d.]+ \(wasm backend\)$/);
    expect(wasm.code).toBe(0);
    const line = JSON.parse(wasm.out[0]!);
    expect(line.epoch).toBe(1);
    // 10 classes: chance is ln 10 ≈ 2.303; one epoch on 540 images moves below it.
    expect(line.loss).toBeGreaterThan(0);
    expect(line.loss).toBeLessThan(Math.log(10));
  }, 300_000);

  it('the MNIST CNN template trains on --backend cpu as on wasm: same losses, same seed', async () => {
    // TF.js's stock cpu filter gradient read every product through TensorBuffer.get: 600 images
    // took over 40 minutes here; with shared/tfjs/cpu-conv.ts 200 images take seconds (CPU time).
    const args = [projectFile('mnist-cnn'), '--epochs', '1', '--limit', '200'];
    const cpu = await run([...args, '--backend', 'cpu']);
    expect(cpu.err.at(-1)).toMatch(/^test: loss [\d.]+, accuracy [\d.]+ \(cpu backend\)$/);
    expect(cpu.code).toBe(0);
    const wasm = await run([...args, '--backend', 'wasm']);
    expect(wasm.code).toBe(0);
    // One seed: the same initial weights, shuffle and dropout masks on both backends, so the two
    // backends' kernels (TF.js's cpu loops and our flat-array filter gradient; XNNPACK on wasm)
    // must give the same epoch to float rounding.
    const [c, w] = [JSON.parse(cpu.out[0]!), JSON.parse(wasm.out[0]!)];
    expect(Object.keys(c)).toEqual(['epoch', 'loss', 'acc', 'val_loss', 'val_acc']);
    for (const key of ['loss', 'val_loss'] as const) {
      expect(Number.isFinite(c[key])).toBe(true);
      expect(Math.abs(c[key] - w[key])).toBeLessThan(1e-4);
    }
    const testLoss = (lines: string[]) => Number(/test: loss ([\d.]+)/.exec(lines.at(-1)!)![1]);
    expect(Math.abs(testLoss(cpu.err) - testLoss(wasm.err))).toBeLessThan(1e-3);
  }, 300_000);

  it('exit 4 with one line, no stack trace, when TF.js fails while training', async () => {
    // The failure the wasm CNN had: a kernel that the backend does not register (the CNN's
    // Conv2D layers run TF.js's FusedConv2D kernel in training: shared/tfjs/fused-conv.ts).
    const conv = tf.getKernel('FusedConv2D', 'cpu')!;
    tf.unregisterKernel('FusedConv2D', 'cpu');
    try {
      const file = projectFile('mnist-cnn');
      const r = await run([file, '--epochs', '1', '--limit', '64', '--backend', 'cpu']);
      expect(r.code).toBe(4);
      expect(r.out).toEqual([]);
      expect(r.err).toEqual([
        `${file}: training failed on the cpu backend: Kernel 'FusedConv2D' not registered for backend 'cpu'`,
      ]);
    } finally {
      tf.registerKernel(conv);
    }
  });

  it('exit 3 with advice when the loss diverges', async () => {
    const file = projectFile('regression-mlp', {
      optimizer: 'sgd',
      learningRate: 10,
      dataset: 'cars',
    });
    const r = await run([file, '--epochs', '20', '--backend', 'cpu']);
    expect(r.code).toBe(3);
    expect(r.err.join('\n')).toMatch(/learning rate 10 is probably too high; try 1\./);
  });
});
