import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { generateCode } from '../../shared/codegen/index.ts';
import type { Project } from '../../shared/graph/project.ts';
import {
  buildVocabulary,
  encodeText,
  topicsCsv,
  topicsDataset,
  vocabularyIds,
} from '../../shared/datasets/tokenizer.ts';
import { SERIES_SETS, seriesDataset, type WindowOptions } from '../../shared/datasets/window.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { MODEL_EXPORT_FORMATS } from '../../cli/export-formats.ts';
import { PYTHON, python, withPython } from './python.ts';

const vegaData = join(
  dirname(createRequire(import.meta.url).resolve('vega-datasets')),
  '..',
  'data',
);

/**
 * A project on `dataset` whose Input takes one example (`shape`); the rest of the model does not
 * matter: only load_data runs.
 */
function project(
  dataset: Project['training']['dataset'],
  extra: Partial<Project['training']>,
  shape: number[],
) {
  const p = loadTemplate('regression-mlp');
  p.training = { ...p.training, dataset, ...extra };
  p.graph.nodes[0]!.params.shape = shape;
  return p;
}

/** Writes both frameworks' scripts into a fresh folder; returns the folder. */
function scripts(p: Project): { dir: string; keras: string; torch: string } {
  const dir = mkdtempSync(join(tmpdir(), 'netwright-seq-'));
  const torch = generateCode(p, 'pytorch');
  const keras = generateCode(p, 'keras');
  if (!torch.ok || !keras.ok) throw new Error('invalid project');
  writeFileSync(join(dir, 'torch_model.py'), torch.code.code);
  return { dir, keras: keras.code.code, torch: torch.code.code };
}

/** The source of the top-level `def name(` … up to the next top-level line. */
function pyFunction(code: string, name: string): string {
  const start = code.indexOf(`\ndef ${name}(`);
  if (start < 0) throw new Error(`no def ${name}`);
  const rest = code.slice(start + 1);
  const end = rest.search(/\n(?=[^\s#])/);
  return end < 0 ? rest : rest.slice(0, end);
}

async function runPy(dir: string, lines: string[]): Promise<unknown> {
  const script = ['import json, sys', 'sys.path.insert(0, ".")', 'import torch_model', ...lines];
  const { stdout } = await python(['-c', script.join('\n')], { cwd: dir });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

/**
 * The generated scripts' windowing (make_windows + load_data) on the real vega-datasets CSV
 * gives the app's training windows, value for value; the Keras script holds the same functions.
 */
withPython.describe('generated time-series loader = shared/datasets/window.ts', () => {
  const cases: [keyof typeof SERIES_SETS, WindowOptions][] = [
    ['co2', { length: 12, horizon: 1, normalize: true }],
    ['seattle-weather', { length: 7, horizon: 3, normalize: false }],
    ['seattle-weather', { length: 5, horizon: 1, normalize: true }],
  ];
  for (const [name, window] of cases) {
    it(`${name}, W=${window.length} H=${window.horizon} normalize=${window.normalize}`, async () => {
      const features = SERIES_SETS[name].columns.length;
      const p = project(name, { window, validationSplit: 0.1 }, [window.length, features]);
      const { dir, keras, torch } = scripts(p);
      for (const f of ['make_windows', 'load_data'])
        expect(pyFunction(keras, f)).toBe(pyFunction(torch, f));
      const file = SERIES_SETS[name].file;
      const csv = readFileSync(join(vegaData, file), 'utf8');
      writeFileSync(join(dir, file), csv);
      const out = (await runPy(dir, [
        'x, y = torch_model.load_data()',
        'print(json.dumps({"shape": list(x.shape), "dtype": str(x.dtype), "x": x.ravel().tolist(), "y": y.tolist()}))',
      ])) as { shape: number[]; dtype: string; x: number[]; y: number[] };
      const app = seriesDataset(name, csv, window);
      expect(out.shape).toEqual([app.train.count, ...app.featureShape]);
      expect(out.dtype).toBe('float32');
      expect(out.x.length).toBe(app.train.x.length);
      let worst = 0;
      out.x.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - app.train.x[i]!))));
      out.y.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - app.train.y[i]!))));
      expect(worst).toBeLessThan(1e-4);
    });
  }
});

/**
 * The generated scripts' tokenizer gives the TypeScript tokenizer's ids: on hand-picked hard
 * sentences (case, apostrophes, digits, unknown words, truncation, padding), and on the topic
 * sentences with the vocabulary built in Python from the training split, or read from vocab.json.
 */
withPython.describe('generated tokenizer = shared/datasets/tokenizer.ts', () => {
  it('same vocabulary and ids on the same sentences', async () => {
    const tokenizer = { vocabSize: 60, sequenceLength: 7 };
    const p = project('topics', { tokenizer }, [7]);
    const { dir, keras, torch } = scripts(p);
    for (const f of ['tokenize', 'build_vocabulary', 'encode', 'load_data'])
      expect(pyFunction(keras, f)).toBe(pyFunction(torch, f));
    writeFileSync(join(dir, 'topics.csv'), topicsCsv());
    const hard = [
      "Don't STOP the rain, it's 42 degrees!",
      'the the the cat-cat dog_dog',
      'Zebra quokka axolotl',
      '',
      '   ...   ',
      'one two three four five six seven eight nine ten eleven',
      'Tab\tseparated\nand new line',
    ];
    const out = (await runPy(dir, [
      `hard = json.loads(${JSON.stringify(JSON.stringify(hard))})`,
      'vocab = torch_model.build_vocabulary(hard, 9)',
      'ids = {w: i for i, w in enumerate(vocab) if i >= 2}',
      'enc = [torch_model.encode(t, ids, torch_model.SEQUENCE_LENGTH) for t in hard]',
      'x, y = torch_model.load_data()',
      'print(json.dumps({"vocab": vocab, "enc": enc, "x": x.ravel().tolist(), "y": y.tolist(), "shape": list(x.shape)}))',
    ])) as { vocab: string[]; enc: number[][]; x: number[]; y: number[]; shape: number[] };
    // Hand-picked sentences, vocabulary of 9 ids built from them.
    const vocab = buildVocabulary(hard, 9);
    expect(out.vocab).toEqual(vocab);
    const ids = vocabularyIds(vocab);
    expect(out.enc).toEqual(hard.map((t) => [...encodeText(t, ids, 7)]));
    // The topic sentences: vocabulary built from the training split in Python.
    const app = topicsDataset(tokenizer);
    expect(out.shape).toEqual([320, 7]);
    expect(out.x).toEqual([...app.train.x]);
    expect(out.y).toEqual([...app.train.y]);
  });

  it('reads vocab.json when present (the vocabulary the weights were trained with)', async () => {
    const tokenizer = { vocabSize: 30, sequenceLength: 5 };
    const { dir } = scripts(project('topics', { tokenizer }, [5]));
    writeFileSync(join(dir, 'topics.csv'), topicsCsv());
    // A vocabulary unlike the one the split would give: "rain" = 2, "the" = 3, nothing else.
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify(['<pad>', '<oov>', 'rain', 'the']));
    const out = (await runPy(dir, [
      'x, y = torch_model.load_data(".")',
      'print(json.dumps({"first": x[0].tolist()}))',
    ])) as { first: number[] };
    // The first training sentence: "Heavy rain is expected across the valley tonight."
    expect(out.first).toEqual([1, 2, 1, 1, 1]);
  });
});

/** Unzips a zip with Python's zipfile into a fresh folder; returns the folder and the names. */
function unzip(bytes: Uint8Array): { dir: string; names: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'netwright-seqzip-'));
  writeFileSync(join(dir, 'p.zip'), bytes);
  const names = JSON.parse(
    execFileSync(
      PYTHON,
      [
        '-c',
        'import json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nz.extractall(sys.argv[2])\nprint(json.dumps(sorted(z.namelist())))',
        join(dir, 'p.zip'),
        dir,
      ],
      { encoding: 'utf8' },
    ),
  ) as string[];
  return { dir, names };
}

/**
 * The "Python project" export (as `netwright export` builds it) carries the data: the vega CSV
 * for a time series (and the script trains on it offline with --data data), the sentences and
 * the app's vocabulary for the topic sentences.
 */
withPython.describe('Python project export of sequence data', () => {
  it('co2: data/co2-concentration.csv, trains one epoch with --data data', async () => {
    const p = project('co2', { window: { length: 12, horizon: 1, normalize: true } }, [12]);
    p.name = 'CO2';
    const r = await MODEL_EXPORT_FORMATS['pytorch-project']!.build(p);
    if (!r.ok) throw new Error(r.diagnostics.join('\n'));
    const { dir, names } = unzip(r.files['co2_pytorch.zip'] as Uint8Array);
    expect(names).toContain('co2_pytorch/data/co2-concentration.csv');
    const cwd = join(dir, 'co2_pytorch');
    expect(readFileSync(join(cwd, 'data/co2-concentration.csv'), 'utf8')).toBe(
      readFileSync(join(vegaData, 'co2-concentration.csv'), 'utf8'),
    );
    const run = spawnSync(PYTHON, ['torch_model.py', '--data', 'data', '--epochs', '1'], {
      cwd,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.stderr).not.toMatch(/Traceback/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/epoch 1\/1 {2}loss \d+\.\d{4}/);
  });

  it('topics: data/topics.csv and data/vocab.json (the vocabulary the app trains with)', async () => {
    const tokenizer = { vocabSize: 40, sequenceLength: 6 };
    const p = project('topics', { tokenizer }, [6]);
    p.name = 'Topics';
    const r = await MODEL_EXPORT_FORMATS['keras-project']!.build(p);
    if (!r.ok) throw new Error(r.diagnostics.join('\n'));
    const { dir, names } = unzip(r.files['topics_keras.zip'] as Uint8Array);
    expect(names).toEqual(
      expect.arrayContaining(['topics_keras/data/topics.csv', 'topics_keras/data/vocab.json']),
    );
    const vocab = JSON.parse(readFileSync(join(dir, 'topics_keras/data/vocab.json'), 'utf8'));
    expect(vocab).toEqual(topicsDataset(tokenizer).vocabulary);
    expect(vocab).toHaveLength(40);
    expect(readFileSync(join(dir, 'topics_keras/data/topics.csv'), 'utf8')).toBe(topicsCsv());
    const readme = readFileSync(join(dir, 'topics_keras/README.md'), 'utf8');
    expect(readme).toContain('python keras_model.py --data data');
  });
});
