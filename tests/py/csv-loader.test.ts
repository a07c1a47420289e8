import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCode } from '../../shared/codegen/index.ts';
import { csvDataset } from '../../shared/datasets/csv.ts';
import { labelHistogram } from '../../shared/datasets/types.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { python, withPython } from './python.ts';

/** Column names with quotes and a backslash: they reach the code only as escaped strings. */
const TARGET = 'kind "a"\\b';
const FILE = 'we"ird\\.csv';

function csvText(): string {
  const lines = [`x1,x2,colour,id,"${TARGET.replace(/"/g, '""')}",noise`];
  for (let i = 0; i < 80; i++)
    lines.push(
      `${(i % 9) - 4},${(i * 7) % 11},${['red', 'blue', 'green'][i % 3]},r${i},${i % 2 ? 'yes' : 'no'},${i === 5 ? '' : i * 0.1}`,
    );
  return `${lines.join('\n')}\n`;
}

function project() {
  const p = loadTemplate('toy-2d-classifier');
  p.training.dataset = 'csv';
  p.training.csv = {
    fileName: FILE,
    target: TARGET,
    task: 'classification',
    normalization: 'standard',
    ignore: ['id', 'noise'],
  };
  p.graph.nodes[0]!.params.shape = [5];
  return p;
}

describe('generated load_data() for a CSV project', () => {
  it('names the saved file, target and left-out columns as escaped Python strings', () => {
    for (const framework of ['keras', 'pytorch'] as const) {
      const generated = generateCode(project(), framework);
      if (!generated.ok) throw new Error('invalid project');
      const code = generated.code.code;
      expect(code).toContain('DATA_FILE = "we\\"ird\\\\.csv"');
      expect(code).toContain('TARGET = "kind \\"a\\"\\\\b"  # the column to predict');
      expect(code).toContain('IGNORED = ["id", "noise"]  # columns left out');
      expect(code).toContain('target = df.pop(TARGET)');
    }
    // Without saved choices: the last column, as before.
    const p = project();
    delete p.training.csv;
    const plain = generateCode(p, 'pytorch');
    expect(plain.ok && plain.code.code).toContain('df.iloc[:, -1]');
  });

  withPython.it('builds the same features and labels as the app', async () => {
    const generated = generateCode(project(), 'pytorch');
    if (!generated.ok) throw new Error('invalid project');
    const dir = mkdtempSync(join(tmpdir(), 'netwright-csv-'));
    writeFileSync(join(dir, 'torch_model.py'), generated.code.code);
    writeFileSync(join(dir, FILE), csvText());
    const script = [
      'import json, sys',
      'sys.path.insert(0, ".")',
      'import torch_model',
      'x, y = torch_model.load_data()',
      'print(json.dumps({"shape": list(x.shape), "y": y.tolist(), "mean": x.mean(0).tolist(), "std": x.std(0).tolist()}))',
    ].join('\n');
    const { stdout } = await python(['-c', script], { cwd: dir });
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      shape: number[];
      y: number[];
      mean: number[];
      std: number[];
    };
    const app = csvDataset(csvText(), {
      name: FILE,
      target: TARGET,
      task: 'classification',
      ignore: ['id', 'noise'],
    });
    if (!app.ok) throw new Error(app.errors.join('\n'));
    const d = app.value;
    // x1, x2 standardised, colour one-hot: 5 features for all 80 rows (noise's gap is ignored).
    expect(d.featureShape).toEqual([5]);
    expect(out.shape).toEqual([d.train.count + d.test!.count, 5]);
    for (const i of [0, 1]) {
      expect(Math.abs(out.mean[i]!)).toBeLessThan(1e-4);
      expect(out.std[i]!).toBeCloseTo(1, 4);
    }
    const appHistogram = labelHistogram(d.train, 2).map(
      (n, k) => n + labelHistogram(d.test!, 2)[k]!,
    );
    expect([0, 1].map((k) => out.y.filter((v) => v === k).length)).toEqual(appHistogram);
  });
});

withPython.describe('generated load_data() keeps the app’s feature order', () => {
  it('a text column between number columns is one-hot in place, categories sorted', async () => {
    const rows = ['a,colour,b,label'];
    for (let i = 0; i < 40; i++)
      rows.push(`${i},${['red', 'blue', 'green'][i % 3]},${(i * 7) % 11},${i % 2 ? 'yes' : 'no'}`);
    const text = `${rows.join('\n')}\n`;
    const p = loadTemplate('toy-2d-classifier');
    p.training.dataset = 'csv';
    p.training.csv = {
      fileName: 'order.csv',
      target: 'label',
      task: 'classification',
      normalization: 'none',
      ignore: [],
    };
    p.graph.nodes[0]!.params.shape = [5];
    const generated = generateCode(p, 'pytorch');
    if (!generated.ok) throw new Error('invalid project');
    const dir = mkdtempSync(join(tmpdir(), 'netwright-csv-order-'));
    writeFileSync(join(dir, 'torch_model.py'), generated.code.code);
    writeFileSync(join(dir, 'order.csv'), text);
    const script =
      'import json, sys\nsys.path.insert(0, ".")\nimport torch_model\n' +
      'x, y = torch_model.load_data()\nprint(json.dumps({"x": x.tolist(), "y": y.tolist()}))';
    const { stdout } = await python(['-c', script], { cwd: dir });
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as { x: number[][]; y: number[] };
    const app = csvDataset(text, {
      name: 'order.csv',
      target: 'label',
      task: 'classification',
      normalization: 'none',
    });
    if (!app.ok) throw new Error(app.errors.join('\n'));
    const d = app.value;
    expect(d.featureNames).toEqual(['a', 'colour=blue', 'colour=green', 'colour=red', 'b']);
    // The app shuffles rows into train/test: compare rows as a set, keyed by the unique `a`.
    const appRows: number[][] = [];
    for (const split of [d.train, d.test!])
      for (let r = 0; r < split.count; r++) appRows.push([...split.x.subarray(r * 5, r * 5 + 5)]);
    const byA = (m: number[][]) => [...m].sort((u, v) => u[0]! - v[0]!);
    expect(byA(out.x)).toEqual(byA(appRows));
  });
});
