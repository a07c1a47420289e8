import { mkdir, realpath } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDiagnostic } from '../../shared/diagnostics.ts';
import type { Project } from '../../shared/graph/project.ts';
import { generateCode } from '../../shared/codegen/index.ts';
import {
  CliError,
  EXIT,
  fsProblem,
  parseCommandLine,
  readProjectFile,
  writeFileAtomic,
} from '../io.ts';
import { MODEL_EXPORT_FORMATS } from '../export-formats.ts';
import type { ExportProgress, ExportProgressCallback } from '../../shared/export/progress.ts';

/** One export format: what it writes from a valid project. Later formats add a row. */
interface ExportFormat {
  /** What `--help` says about it. */
  description: string;
  /** Files to write (name → content), or the diagnostics that make the graph invalid. */
  build(
    project: Project,
    flags: ExportFlags,
    options?: { onProgress?: ExportProgressCallback },
  ): ExportResult | Promise<ExportResult>;
}

type ExportResult =
  | { ok: true; files: Record<string, string | Uint8Array>; notes?: string[] }
  | { ok: false; diagnostics: string[] };

interface ExportFlags {
  distributed: boolean;
  tensorboard: boolean;
  noTraining: boolean;
  sequential: boolean;
}

function pythonFormat(framework: 'keras' | 'pytorch', description: string): ExportFormat {
  return {
    description,
    build(project, flags) {
      const result = generateCode(project, framework, {
        includeTraining: !flags.noTraining,
        distributed: flags.distributed,
        tensorboard: flags.tensorboard,
        style: flags.sequential ? 'sequential' : 'module',
      });
      if (!result.ok) return { ok: false, diagnostics: result.diagnostics.map(formatDiagnostic) };
      return { ok: true, files: { [result.code.filename]: result.code.code } };
    },
  };
}

export const EXPORT_FORMATS: Record<string, ExportFormat> = {
  keras: pythonFormat('keras', 'keras_model.py: tf.keras model, compile and fit'),
  pytorch: pythonFormat('pytorch', 'torch_model.py: nn.Module and a training loop'),
  ...Object.fromEntries(
    Object.entries(MODEL_EXPORT_FORMATS).map(([name, f]) => [
      name,
      {
        description: f.description,
        build: (
          project: Project,
          _flags: ExportFlags,
          options?: { onProgress?: ExportProgressCallback },
        ) => f.build(project, options),
      },
    ]),
  ),
};

const STAGE_TEXT: Record<ExportProgress['stage'], string> = {
  model: 'building the model',
  weights: 'reading weights',
  graph: 'writing ONNX nodes',
  encode: 'encoding',
};

/** `export: encoding 25,600/50,000 (51%)`. */
export function progressText(p: ExportProgress): string {
  const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0;
  if (p.stage === 'model')
    return `export: ${STAGE_TEXT.model} (${p.total.toLocaleString('en-US')} layers)`;
  return `export: ${STAGE_TEXT[p.stage]} ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} (${pct}%)`;
}

/**
 * Progress for a long export: nothing during its first second, then a line at most every
 * `everyMs` — through `line` (one line each, `--progress`), or rewritten in place on a terminal
 * (`tty`, stderr is a TTY). Returns the callback and `done()`, which clears a terminal line.
 */
function progressPrinter(
  mode: 'lines' | 'tty',
  line: (s: string) => void,
  everyMs: number,
): { onProgress: ExportProgressCallback; done(): void } {
  const start = performance.now();
  let last = -Infinity;
  let shown = false;
  return {
    onProgress(p) {
      const now = performance.now();
      if (now - start < 1000 || now - last < everyMs) return;
      last = now;
      shown = true;
      if (mode === 'lines') line(progressText(p));
      else process.stderr.write(`\r\x1b[K${progressText(p)}`);
    },
    done() {
      if (mode === 'tty' && shown) process.stderr.write('\r\x1b[K');
    },
  };
}

const USAGE = `usage: netwright export FILE --to ${Object.keys(EXPORT_FORMATS).join('|')} --out DIR [options]

formats:
${Object.entries(EXPORT_FORMATS)
  .map(([name, f]) => `  ${name.padEnd(10)} ${f.description}`)
  .join('\n')}

options (Python formats):
  --no-training   the model and build_model() only, no training run
  --distributed   DistributedDataParallel under torchrun / tf.distribute.MirroredStrategy
  --tensorboard   log to TensorBoard under logs/
  --sequential    nn.Sequential instead of an nn.Module class (PyTorch, chains only)

options (onnx, tfjs, npz):
  --progress      a progress line on stderr every second once an export has taken a second
                  (on a terminal, a line rewritten in place without the flag)`;

/** `netwright export FILE --to FORMAT --out DIR`: exit 1 with diagnostics on an invalid graph. */
export async function exportCommand(
  args: string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const { values, positionals } = parseCommandLine('export', USAGE, () =>
    parseArgs({
      args,
      allowPositionals: true,
      options: {
        to: { type: 'string' },
        out: { type: 'string' },
        'no-training': { type: 'boolean', default: false },
        distributed: { type: 'boolean', default: false },
        tensorboard: { type: 'boolean', default: false },
        sequential: { type: 'boolean', default: false },
        progress: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }),
  );
  if (values.help) {
    out(USAGE);
    return EXIT.ok;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1 || !values.to || !values.out) {
    err(USAGE);
    return EXIT.badInput;
  }
  const format = Object.hasOwn(EXPORT_FORMATS, values.to) ? EXPORT_FORMATS[values.to] : undefined;
  if (!format) {
    throw new CliError(
      `netwright export: unknown format "${values.to}" (known: ${Object.keys(EXPORT_FORMATS).join(', ')})`,
    );
  }
  const project = await readProjectFile(file);
  if (project.graph.nodes.length === 0) {
    throw new CliError(
      `${file}: the graph is empty, so there is no model to export; add an Input block and layers (or open another project) and try again`,
      EXIT.invalidGraph,
    );
  }
  // Progress only when asked (--progress: plain lines) or on a terminal, so piped output and the
  // tests' captured stderr stay as they were.
  const printer =
    values.progress || process.stderr.isTTY
      ? progressPrinter(values.progress ? 'lines' : 'tty', err, values.progress ? 1000 : 200)
      : undefined;
  let result: ExportResult;
  try {
    result = await format.build(
      project,
      {
        distributed: values.distributed,
        tensorboard: values.tensorboard,
        noTraining: values['no-training'],
        sequential: values.sequential,
      },
      { onProgress: printer?.onProgress },
    );
  } finally {
    printer?.done();
  }
  if (!result.ok) {
    for (const d of result.diagnostics) out(d);
    return EXIT.invalidGraph;
  }
  for (const note of result.notes ?? []) err(note);
  // Data files first, manifests (`*.json` beside data files) last: a run killed in between leaves
  // the old manifest, which the importer checks against the data's size, never a new manifest
  // that names data not yet written.
  const entries = Object.entries(result.files).sort(
    ([a], [b]) => Number(a.endsWith('.json')) - Number(b.endsWith('.json')),
  );
  for (const [name, content] of entries) {
    const path = join(values.out, name);
    try {
      await mkdir(dirname(path), { recursive: true });
    } catch (e) {
      throw fsProblem(dirname(path), 'create the folder', e);
    }
    // A link planted in the output folder (a file or a sub-folder) never redirects a write.
    const [realOut, realDir] = await Promise.all([realpath(values.out), realpath(dirname(path))]);
    if (realDir !== realOut && !realDir.startsWith(realOut + sep))
      throw new CliError(
        `${dirname(path)}: cannot write: it is a link out of ${values.out}; refused to write through it. Remove the link or choose another folder.`,
      );
    await writeFileAtomic(path, content, 'refuse');
    out(`wrote ${path}`);
  }
  return EXIT.ok;
}
