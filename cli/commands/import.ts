/**
 * `netwright import MODEL --out FILE`: an ONNX model (`.onnx`) or a TF.js / Keras model JSON
 * (`model.json` with its weight files beside it, or a Keras `to_json()` file) → a project file,
 * laid out, with the weights kept. Unsupported parts: one message, exit 1, nothing written.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { serializeProject } from '../../shared/graph/project.ts';
import { importOnnx } from '../../shared/import/onnx.ts';
import { importKerasJson, type WeightFiles } from '../../shared/import/keras.ts';
import type { ImportResult } from '../../shared/import/build.ts';
import { weightsToSection } from '../../shared/export/project-weights.ts';
import { CliError, EXIT, parseCommandLine, writeFileAtomic } from '../io.ts';

const USAGE = 'usage: netwright import MODEL(.onnx|.json) --out FILE';
const MAX_MODEL_BYTES = 512 * 1024 * 1024;

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new CliError(`${path}: is a folder`);
    if (info.size > MAX_MODEL_BYTES)
      throw new CliError(`${path}: the file is larger than ${MAX_MODEL_BYTES / 1024 / 1024} MB`);
    return new Uint8Array(await readFile(path));
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(
      `${path}: cannot read the file: ${code === 'ENOENT' ? 'no such file' : String(e)}`,
    );
  }
}

/** The weight files a TF.js model.json names, read from its folder (never outside it). */
async function manifestFiles(modelPath: string, doc: unknown): Promise<WeightFiles | undefined> {
  const manifest = (doc as { weightsManifest?: { paths?: unknown }[] } | null)?.weightsManifest;
  if (!Array.isArray(manifest)) return undefined;
  const dir = resolve(dirname(modelPath));
  const files: WeightFiles = {};
  for (const group of manifest) {
    for (const p of Array.isArray(group.paths) ? group.paths : []) {
      if (typeof p !== 'string') continue;
      const full = resolve(dir, p);
      if (!full.startsWith(dir + sep))
        throw new CliError(
          `${modelPath}: weight file "${p}" lies outside the model's folder; refused`,
        );
      try {
        files[p] = await readBytes(full);
      } catch {
        // Missing files are reported by the importer, with the others.
      }
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
      options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
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
  let result: ImportResult;
  if (extname(model).toLowerCase() === '.onnx') {
    result = importOnnx(bytes, name);
  } else {
    const text = new TextDecoder().decode(bytes);
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new CliError(
        `${model}: not an .onnx file and not valid JSON (${(e as Error).message})`,
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
