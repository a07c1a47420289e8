/**
 * "Import model…": the files the user picked (an ONNX model, or a TF.js / Keras model JSON with
 * its `.bin` weight files) → the importer's result as a project ready to open, weights kept in
 * the project's `weights` section. Pure apart from ELK's layout; the command in `commands.ts`
 * shows errors and opens the project.
 */
import type { Project } from '../../shared/graph/project.ts';
import { weightsToSection } from '../../shared/export/project-weights.ts';
import { importKerasJson, type WeightFiles } from '../../shared/import/keras.ts';
import { importOnnx } from '../../shared/import/onnx.ts';

/** Models (and their weights together) above this are refused before they are read. */
export const MAX_MODEL_BYTES = 512 * 1024 * 1024;

export interface ModelFile {
  name: string;
  bytes: Uint8Array;
}

export type ModelImport =
  | {
      ok: true;
      /** The project to open: laid out by the importer, `weights` set when the source had them. */
      project: Project;
      /** Blocks and parameters, for the notice. */
      blocks: number;
      params: number;
      hasWeights: boolean;
      notes: string[];
    }
  | { ok: false; error: string };

const extension = (name: string) => name.slice(name.lastIndexOf('.') + 1).toLowerCase();
const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;
const stem = (name: string) => (name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name);

const PICK_HINT =
  'Pick an ONNX model (.onnx), or a TF.js / Keras model JSON (.json) together with its .bin weight files.';

/** The weight file paths a TF.js `model.json` names in its `weightsManifest`, in order. */
function manifestPaths(doc: unknown): string[] {
  const manifest = (doc as { weightsManifest?: { paths?: unknown }[] } | null)?.weightsManifest;
  const paths: string[] = [];
  for (const group of Array.isArray(manifest) ? manifest : []) {
    for (const p of Array.isArray(group?.paths) ? group.paths : [])
      if (typeof p === 'string' && !paths.includes(p)) paths.push(p);
  }
  return paths;
}

/** The weight files a TF.js `model.json` names, matched to the picked files by file name. */
function weightFilesFor(doc: unknown, picked: readonly ModelFile[]): WeightFiles {
  const byName = new Map(picked.map((f) => [f.name, f.bytes]));
  const files: WeightFiles = {};
  const manifest = (doc as { weightsManifest?: { paths?: unknown }[] } | null)?.weightsManifest;
  for (const group of Array.isArray(manifest) ? manifest : []) {
    for (const p of Array.isArray(group?.paths) ? group.paths : []) {
      if (typeof p !== 'string') continue;
      const bytes = byName.get(baseName(p));
      // Missing files are listed by the importer, with any other problem.
      if (bytes) files[p] = bytes;
    }
  }
  return files;
}

/** Runs the right importer on the picked files; one message when anything is wrong. */
export function importModelFiles(picked: readonly ModelFile[]): ModelImport {
  const total = picked.reduce((n, f) => n + f.bytes.byteLength, 0);
  if (total > MAX_MODEL_BYTES) {
    return {
      ok: false,
      error: `Cannot import: the files are ${(total / 1024 / 1024).toFixed(0)} MB; models are limited to ${MAX_MODEL_BYTES / 1024 / 1024} MB.`,
    };
  }
  const onnx = picked.filter((f) => extension(f.name) === 'onnx');
  const json = picked.filter((f) => extension(f.name) === 'json');
  const other = picked.filter((f) => !['onnx', 'json', 'bin'].includes(extension(f.name)));
  if (other.length > 0) {
    return {
      ok: false,
      error: `Cannot import ${other.map((f) => `"${f.name}"`).join(', ')}: not a model file. ${PICK_HINT}`,
    };
  }
  if (onnx.length + json.length !== 1) {
    return {
      ok: false,
      error:
        onnx.length + json.length === 0
          ? `Cannot import: no model among the picked files. ${PICK_HINT}`
          : `Cannot import: pick one model at a time (picked ${[...onnx, ...json].map((f) => `"${f.name}"`).join(', ')}).`,
    };
  }
  let result;
  if (onnx[0]) {
    result = importOnnx(onnx[0].bytes, stem(onnx[0].name));
  } else {
    const file = json[0]!;
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.bytes));
    } catch (e) {
      return {
        ok: false,
        error: `Cannot import "${file.name}": not valid JSON (${e instanceof Error ? e.message : String(e)}).`,
      };
    }
    // A TF.js `model.json` is named after its folder elsewhere; here the file is all there is.
    const name = stem(file.name) === 'model' ? undefined : stem(file.name);
    // No .bin picked: the model opens without weights, and the note names the files it lacks.
    const bins = picked.some((f) => extension(f.name) === 'bin');
    result = importKerasJson(doc, bins ? weightFilesFor(doc, picked) : undefined, name);
    const named = bins ? [] : manifestPaths(doc);
    if (result.ok && named.length > 0) {
      const one = named.length === 1;
      result = {
        ...result,
        notes: [
          ...result.notes.filter((n) => !n.startsWith('The model file has no weights')),
          `${file.name} names the weight file${one ? '' : 's'} ${named.join(', ')}, not picked: the model opens with fresh weights. To import its weights, pick ${file.name} together with ${one ? 'that file' : 'those files'}.`,
        ],
      };
    }
  }
  if (!result.ok) return result;
  const project = result.weights
    ? { ...result.project, weights: weightsToSection(result.weights) }
    : result.project;
  return {
    ok: true,
    project,
    blocks: result.ir.ops.length,
    params: result.ir.totals.total,
    hasWeights: result.weights !== null,
    notes: result.notes,
  };
}
