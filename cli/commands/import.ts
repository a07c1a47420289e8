/**
 * `netwright import MODEL --out FILE`: an ONNX model (`.onnx`), a TF.js / Keras model JSON
 * (`model.json` with its weight files beside it, or a Keras `to_json()` file), or Keras /
 * PyTorch model source (`.py`, read and never run; `--input-shape 28,28,1` when the code does not
 * say it) → a project file, laid out, with the weights kept. Unsupported parts: one message (for
 * source, `file:line:col: error: …` per problem), exit 1, nothing written.
 */
import { lstat } from 'node:fs/promises';
import { basename, dirname, extname, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { jsonErrorPlace, serializeProject } from '../../shared/graph/project.ts';
import { importOnnx } from '../../shared/import/onnx.ts';
import { importKerasJson, type WeightFiles } from '../../shared/import/keras.ts';
import type { ImportResult } from '../../shared/import/build.ts';
import { weightsToSection } from '../../shared/export/project-weights.ts';
import { readRegularFile, realPathInside } from '../../electron/fs/read.ts';
import { decodeText } from '../../shared/text/decode.ts';
import { formatSourceDiagnostic, importPythonSource } from '../../shared/import/python/index.ts';
import { CliError, EXIT, parseCommandLine, readWhy, writeFileAtomic } from '../io.ts';

const USAGE = 'usage: netwright import MODEL(.onnx|.json|.py) --out FILE [--input-shape 28,28,1]';
const MAX_MODEL_BYTES = 512 * 1024 * 1024;

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readRegularFile(path, MAX_MODEL_BYTES, 'models');
  } catch (e) {
    throw new CliError(`${path}: cannot read the file: ${readWhy(e)}`);
  }
}

/**
 * The weight files a TF.js model.json names, read from its folder and never outside it: each path
 * is resolved with every symlink followed before the containment check, only regular files are
 * read, and all of them together are bounded by the model limit (bytes actually read).
 */
async function manifestFiles(modelPath: string, doc: unknown): Promise<WeightFiles | undefined> {
  const manifest = (doc as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(manifest)) return undefined;
  const dir = resolve(dirname(modelPath));
  const files: WeightFiles = Object.create(null) as WeightFiles;
  let total = 0;
  for (const group of manifest as unknown[]) {
    const paths = (group as { paths?: unknown } | null)?.paths;
    for (const p of Array.isArray(paths) ? (paths as unknown[]) : []) {
      if (typeof p !== 'string' || Object.hasOwn(files, p)) continue;
      const full = resolve(dir, p);
      if (!full.startsWith(dir + sep))
        throw new CliError(
          `${modelPath}: weight file "${p}" lies outside the model's folder; refused`,
        );
      const exists = await lstat(full).then(
        () => true,
        () => false,
      );
      // Missing files are reported by the importer, with the others.
      if (!exists) continue;
      const real = await realPathInside(dir, full);
      if (real === undefined)
        throw new CliError(
          `${modelPath}: weight file "${p}" is a link to a place outside the model's folder; refused`,
        );
      let bytes: Uint8Array;
      try {
        bytes = await readRegularFile(real, MAX_MODEL_BYTES - total, 'models (all files together)');
      } catch (e) {
        throw new CliError(`${modelPath}: weight file "${p}": ${readWhy(e)}`);
      }
      total += bytes.length;
      files[p] = bytes;
    }
  }
  return files;
}

export async function importCommand(
  args: string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const { values, positionals } = parseCommandLine('import', USAGE, () =>
    parseArgs({
      args,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        'input-shape': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }),
  );
  if (values.help) {
    out(USAGE);
    return EXIT.ok;
  }
  const model = positionals[0];
  if (!model || positionals.length > 1 || !values.out) {
    err(USAGE);
    return EXIT.badInput;
  }
  const bytes = await readBytes(model);
  const name = basename(model, extname(model));
  if (extname(model).toLowerCase() === '.py')
    return importSource(model, bytes, name, values.out, values['input-shape'], out, err);
  if (values['input-shape'] !== undefined)
    throw new CliError(`--input-shape is for Python source (.py); ${model} says its own shape`);
  let result: ImportResult;
  if (extname(model).toLowerCase() === '.onnx') {
    result = importOnnx(bytes, name);
  } else {
    const decoded = decodeText(bytes);
    if (!decoded.ok) throw new CliError(`${model}: not an .onnx file and ${decoded.error}`);
    let doc: unknown;
    try {
      doc = JSON.parse(decoded.text);
    } catch (e) {
      throw new CliError(
        `${model}: not an .onnx file and not valid JSON at ${jsonErrorPlace(decoded.text, (e as Error).message)}: ${(e as Error).message}`,
      );
    }
    result = importKerasJson(doc, await manifestFiles(model, doc), undefined);
  }
  if (!result.ok) {
    err(`${model}: ${result.error}`);
    return EXIT.invalidGraph;
  }
  const project = result.weights
    ? { ...result.project, weights: weightsToSection(result.weights) }
    : result.project;
  await writeFileAtomic(values.out, serializeProject(project));
  for (const note of result.notes) err(`note: ${note}`);
  out(
    `wrote ${values.out}: ${result.ir.ops.length} blocks, ${result.ir.totals.total.toLocaleString('en-US')} parameters${result.weights ? ', weights kept' : ''}`,
  );
  return EXIT.ok;
}

/** `--input-shape 28,28,1` → `[28, 28, 1]`: positive integers, Keras order (channels last). */
function parseInputShape(text: string): number[] {
  const dims = text.split(',').map((d) => d.trim());
  if (dims.length === 0 || dims.length > 8 || dims.some((d) => !/^[1-9][0-9]{0,6}$/.test(d)))
    throw new CliError(
      `--input-shape ${JSON.stringify(text)}: give the shape of one example as positive integers separated by commas, channels last, e.g. 28,28,1`,
    );
  return dims.map(Number);
}

/** A `.py` model: Keras or PyTorch source, read (never run) into a project. */
async function importSource(
  model: string,
  bytes: Uint8Array,
  name: string,
  outPath: string,
  inputShape: string | undefined,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const shape = inputShape === undefined ? undefined : parseInputShape(inputShape);
  const decoded = decodeText(bytes);
  if (!decoded.ok) throw new CliError(`${model}: ${decoded.error}`);
  const result = importPythonSource(decoded.text, {
    name,
    ...(shape ? { inputShape: shape } : {}),
  });
  for (const d of result.diagnostics) err(formatSourceDiagnostic(d, model));
  if (!result.ok) {
    if (result.needsInputShape) {
      // An example of the code's rank: its fixed sizes kept (1 channel), a guess for the rest.
      const known = result.needsInputShape.known;
      const example =
        known.length > 0
          ? known.map((k) => k ?? (known.length === 3 ? 28 : 100)).join(',')
          : '28,28,1';
      err(
        `${model}: the input shape is not in the code: run again with --input-shape, e.g. --input-shape ${example}`,
      );
    }
    return EXIT.invalidGraph;
  }
  await writeFileAtomic(outPath, serializeProject(result.project));
  out(
    `wrote ${outPath}: ${result.framework === 'keras' ? 'Keras' : 'PyTorch'} code, ${result.ir.ops.length} blocks, ${result.ir.totals.total.toLocaleString('en-US')} parameters`,
  );
  return EXIT.ok;
}
