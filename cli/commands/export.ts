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

/** One export format: what it writes from a valid project. Later formats add a row. */
interface ExportFormat {
  /** What `--help` says about it. */
  description: string;
  /** Files to write (name → content), or the diagnostics that make the graph invalid. */
  build(project: Project, flags: ExportFlags): ExportResult | Promise<ExportResult>;
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
  ...MODEL_EXPORT_FORMATS,
};

const USAGE = `usage: netwright export FILE --to ${Object.keys(EXPORT_FORMATS).join('|')} --out DIR [options]

formats:
${Object.entries(EXPORT_FORMATS)
  .map(([name, f]) => `  ${name.padEnd(10)} ${f.description}`)
  .join('\n')}

options (Python formats):
  --no-training   the model and build_model() only, no training run
  --distributed   DistributedDataParallel under torchrun / tf.distribute.MirroredStrategy
  --tensorboard   log to TensorBoard under logs/
  --sequential    nn.Sequential instead of an nn.Module class (PyTorch, chains only)`;

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
  const result = await format.build(project, {
    distributed: values.distributed,
    tensorboard: values.tensorboard,
    noTraining: values['no-training'],
    sequential: values.sequential,
  });
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
