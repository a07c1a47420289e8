import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDiagnostic } from '../../shared/diagnostics.ts';
import type { Project } from '../../shared/graph/project.ts';
import { generateCode } from '../../shared/codegen/index.ts';
import { CliError, EXIT, parseCommandLine, readProjectFile, writeFileAtomic } from '../io.ts';
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
  const format = EXPORT_FORMATS[values.to];
  if (!format) {
    throw new CliError(
      `netwright export: unknown format "${values.to}" (known: ${Object.keys(EXPORT_FORMATS).join(', ')})`,
    );
  }
  const project = await readProjectFile(file);
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
  try {
    await mkdir(values.out, { recursive: true });
    for (const [name, content] of Object.entries(result.files)) {
      const path = join(values.out, name);
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, content);
      out(`wrote ${path}`);
    }
  } catch (e) {
    throw new CliError(`${values.out}: cannot write: ${(e as Error).message}`);
  }
  return EXIT.ok;
}
