import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { loadDataset } from '../../cli/datasets.ts';
import { generateCode } from '../../shared/codegen/index.ts';
import { labelHistogram } from '../../shared/datasets/types.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { python, withPython } from './python.ts';

const vegaData = join(
  dirname(createRequire(import.meta.url).resolve('vega-datasets')),
  '..',
  'data',
);

/**
 * The generated scripts' load_data() on the real vega-datasets files (saved as CSV, as the script
 * asks) builds the same 9 features as the app: same rows kept, same one-hot columns, numbers
 * standardised, same labels.
 */
withPython.describe('generated load_data() for the vega datasets', () => {
  for (const [dataset, json] of [
    ['penguins', 'penguins.json'],
    ['cars', 'cars.json'],
  ] as const) {
    it(`${dataset}: the script's features match the app's`, async () => {
      const project = loadTemplate(dataset === 'cars' ? 'regression-mlp' : 'mnist-mlp');
      project.training.dataset = dataset;
      project.graph.nodes[0]!.params.shape = [9];
      if (dataset === 'penguins') project.graph.nodes.at(-1)!.params.units = 3;
      const generated = generateCode(project, 'pytorch');
      if (!generated.ok) throw new Error('invalid project');
      const dir = mkdtempSync(join(tmpdir(), 'netwright-load-'));
      writeFileSync(join(dir, 'torch_model.py'), generated.code.code);
      const script = [
        'import json, sys, pandas as pd, numpy as np',
        `pd.read_json(${JSON.stringify(join(vegaData, json))}).to_csv("${dataset}.csv", index=False)`,
        'sys.path.insert(0, ".")',
        'import torch_model',
        'x, y = torch_model.load_data()',
        'print(json.dumps({"shape": list(x.shape), "y": y.tolist(), "mean": x.mean(0).tolist(), "std": x.std(0).tolist(), "onehot_rows": x[:, 6 if "cars" in torch_model.DATA_FILE else 0:][:, :3].sum(1).tolist()}))',
      ].join('\n');
      const { stdout } = await python(['-c', script], { cwd: dir });
      const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
        shape: number[];
        y: number[];
        mean: number[];
        std: number[];
        onehot_rows: number[];
      };
      const app = await loadDataset(dataset);
      const count = app.train.count + (app.test?.count ?? 0);
      expect(out.shape).toEqual([count, 9]);
      const numeric = dataset === 'cars' ? [0, 1, 2, 3, 4, 5] : [3, 4, 5, 6];
      for (const i of numeric) {
        expect(Math.abs(out.mean[i]!)).toBeLessThan(1e-4);
        expect(out.std[i]!).toBeCloseTo(1, 4);
      }
      // Each one-hot group has exactly one 1 per row.
      expect(new Set(out.onehot_rows)).toEqual(new Set([1]));
      if (app.task.kind === 'classification') {
        const histogram = labelHistogram(app.train, 3).map(
          (n, k) => n + labelHistogram(app.test!, 3)[k]!,
        );
        const scripted = [0, 1, 2].map((k) => out.y.filter((v) => v === k).length);
        expect(scripted).toEqual(histogram);
      } else {
        const appY = [...app.train.y, ...app.test!.y].sort((a, b) => a - b);
        const scriptY = [...out.y].sort((a, b) => a - b);
        expect(scriptY.length).toBe(appY.length);
        scriptY.forEach((v, i) => expect(v).toBeCloseTo(appY[i]!, 4));
      }
    });
  }
});
