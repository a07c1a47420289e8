/**
 * The app's model exports (toolbar Export menu and the desktop File › Export menu): ONNX, TF.js
 * Layers, weights.npz and the Python project zip, built by shared/export/formats.ts (the same
 * code as `netwright export`) from the project's trained weights when it has them, and saved
 * through the platform adapter (a save dialog on the desktop, a download in a browser).
 */
import {
  MNIST_DATA_FILES,
  MODEL_EXPORT_FORMATS,
  projectDataFiles,
  pythonProjectExport,
  pythonProjectFolder,
  recordsToCsv,
  type ModelExportResult,
} from '../../shared/export/formats.ts';
import { writeZip } from '../../shared/npz/npz.ts';
import { exportRefusal } from './refusal.ts';
import { trackExport } from './exportProgress.ts';
import type { ExportProgressCallback } from '../../shared/export/progress.ts';
import type { Project } from '../../shared/graph/project.ts';
import type { FileFilter } from '../../shared/ipc/contract.ts';
import { HOST_COMMAND_HANDLERS } from '../commands.ts';
import { loadTf } from '../inside/inference.ts';
import { platform, PlatformError } from '../platform/index.ts';
import { editorStore } from '../store/index.ts';
import { DATA_URLS } from '../training/assets.ts';
import { SERIES_SETS } from '../../shared/datasets/window.ts';
import { pickedCsvFile } from '../training/client.ts';

export type ModelExportKind = 'onnx' | 'tfjs' | 'npz' | 'keras-project' | 'pytorch-project';

/** Menu rows: label, one-line description. */
export const MODEL_EXPORTS: { kind: ModelExportKind; label: string; hint: string }[] = [
  { kind: 'onnx', label: 'ONNX (model.onnx)', hint: 'For onnxruntime, other tools and frameworks' },
  {
    kind: 'tfjs',
    label: 'TF.js Layers (zip)',
    hint: 'model.json + weights.bin for tf.loadLayersModel',
  },
  { kind: 'npz', label: 'Weights (weights.npz)', hint: 'numpy arrays; the scripts’ --weights' },
  {
    kind: 'keras-project',
    label: 'Keras project (zip)',
    hint: 'Script, weights, requirements, data: trains offline',
  },
  {
    kind: 'pytorch-project',
    label: 'PyTorch project (zip)',
    hint: 'Script, weights, requirements, data: trains offline',
  },
];

const ZIP_FILTERS: FileFilter[] = [{ name: 'Zip archive', extensions: ['zip'] }];
const FILTERS: Record<ModelExportKind, FileFilter[]> = {
  onnx: [{ name: 'ONNX model', extensions: ['onnx'] }],
  tfjs: ZIP_FILTERS,
  npz: [{ name: 'numpy arrays', extensions: ['npz'] }],
  'keras-project': ZIP_FILTERS,
  'pytorch-project': ZIP_FILTERS,
};

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The data files the project's script reads that this session can supply (see projectDataFiles). */
async function dataFiles(project: Project): Promise<Record<string, Uint8Array | string>> {
  const out: Record<string, Uint8Array | string> = {};
  const dataset = project.training.dataset;
  if (dataset === 'mnist') {
    const [images, labels] = await Promise.all([
      fetchBytes(DATA_URLS.trainImages!),
      fetchBytes(DATA_URLS.trainLabels!),
    ]);
    out[MNIST_DATA_FILES[0]] = images;
    out[MNIST_DATA_FILES[1]] = labels;
  } else if (dataset === 'penguins' || dataset === 'cars') {
    const res = await fetch(DATA_URLS[dataset]!);
    if (!res.ok) throw new Error(`${dataset}: HTTP ${res.status}`);
    out[`${dataset}.csv`] = recordsToCsv((await res.json()) as Record<string, unknown>[]);
  } else if (dataset === 'co2' || dataset === 'seattle-weather') {
    const res = await fetch(DATA_URLS[dataset]!);
    if (!res.ok) throw new Error(`${dataset}: HTTP ${res.status}`);
    out[SERIES_SETS[dataset].file] = await res.text();
  } else if (dataset === 'csv') {
    const picked = pickedCsvFile();
    const [name] = projectDataFiles(project);
    if (picked && name !== undefined && (picked.name === name || !project.training.csv))
      out[name] = new Uint8Array(await picked.file.arrayBuffer());
  }
  return out;
}

/** Builds one export's file (name, bytes) for the project; diagnostics when it cannot. */
export async function buildModelExport(
  project: Project,
  kind: ModelExportKind,
  onProgress?: ExportProgressCallback,
): Promise<
  | { ok: true; name: string; data: Uint8Array; notes: string[] }
  | { ok: false; diagnostics: string[] }
> {
  const tf = await loadTf();
  let result: ModelExportResult;
  if (kind === 'keras-project' || kind === 'pytorch-project') {
    const framework = kind === 'keras-project' ? 'keras' : 'pytorch';
    result = await pythonProjectExport(tf, project, framework, await dataFiles(project));
  } else {
    result = await MODEL_EXPORT_FORMATS[kind].build(tf, project, { onProgress });
  }
  if (!result.ok) return result;
  const enc = new TextEncoder();
  const bytes = (c: string | Uint8Array) => (typeof c === 'string' ? enc.encode(c) : c);
  const entries = Object.entries(result.files);
  if (kind === 'tfjs') {
    const folder = pythonProjectFolder(project, 'keras').replace(/_keras$/, '_tfjs');
    const data = writeZip(
      entries.map(([path, c]) => ({
        name: `${folder}/${path.replace(/^tfjs\//, '')}`,
        data: bytes(c),
      })),
    );
    return { ok: true, name: `${folder}.zip`, data, notes: result.notes };
  }
  const [name, content] = entries[0]!;
  return { ok: true, name, data: bytes(content), notes: result.notes };
}

/**
 * Exports the current project in one format and reports the outcome in the status bar (with a
 * progress bar while a long export runs: ./exportProgress.ts).
 */
export async function exportModel(kind: ModelExportKind): Promise<void> {
  const { project, notify } = editorStore.getState();
  const label = MODEL_EXPORTS.find((e) => e.kind === kind)!.label;
  const tracker = trackExport(label);
  try {
    const built = await buildModelExport(project, kind, tracker.onProgress);
    tracker.done();
    if (!built.ok) {
      notify(exportRefusal(label, built.diagnostics, project.graph.nodes.length === 0), 'error');
      return;
    }
    const result = await platform.exportFile(built.name, built.data, FILTERS[kind]);
    if (result.saved) {
      const fresh = built.notes.some((n) => n.includes('no trained weights'));
      notify(
        `Exported ${result.location ?? built.name}${fresh ? ' (untrained weights: train first for a useful model)' : ''}`,
      );
    }
  } catch (e) {
    const message =
      e instanceof PlatformError
        ? [e.message, ...e.details.slice(0, 2)].join(': ')
        : e instanceof Error
          ? e.message
          : String(e);
    notify(`Could not export ${label}: ${message}`, 'error');
  } finally {
    tracker.done();
  }
}

// The desktop menu's File › Export commands.
HOST_COMMAND_HANDLERS.set('file:export-onnx', () => void exportModel('onnx'));
HOST_COMMAND_HANDLERS.set('file:export-tfjs', () => void exportModel('tfjs'));
HOST_COMMAND_HANDLERS.set('file:export-npz', () => void exportModel('npz'));
HOST_COMMAND_HANDLERS.set('file:export-keras-project', () => void exportModel('keras-project'));
HOST_COMMAND_HANDLERS.set('file:export-pytorch-project', () => void exportModel('pytorch-project'));
