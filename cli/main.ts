import { checkCommand } from './commands/check.ts';
import { exportCommand } from './commands/export.ts';
import { importCommand } from './commands/import.ts';
import { summaryCommand } from './commands/summary.ts';
import { trainCommand } from './commands/train.ts';
import { printable } from '../shared/diagnostics.ts';
import { CliError, EXIT } from './io.ts';

type Command = (
  args: string[],
  out: (s: string) => void,
  err: (s: string) => void,
) => Promise<number>;

/** Commands by name; each is a module in commands/. A Map: `constructor` is no command. */
const COMMANDS = new Map<string, { run: Command; help: string }>(
  Object.entries({
    export: {
      run: exportCommand,
      help: 'export FILE --to keras|pytorch|onnx|tfjs|npz|keras-project|pytorch-project --out DIR',
    },
    train: {
      run: trainCommand,
      help: 'train FILE [--dataset D|PATH.csv] [--epochs N] [--backend wasm|cpu] [--limit N] [--out FILE]',
    },
    summary: {
      run: summaryCommand,
      help: 'summary FILE [--cost]   print the model summary (Keras style); --cost: FLOPs, memory, time/epoch',
    },
    check: {
      run: checkCommand,
      help: 'check FILE              list every problem and hint with its code and block id',
    },
    import: {
      run: importCommand,
      help: 'import MODEL --out FILE  ONNX, TF.js/Keras JSON or Keras/PyTorch .py model → project',
    },
  }),
);

const USAGE = `usage: netwright <command> [options]\n\ncommands:\n${[...COMMANDS.values()]
  .map((c) => `  ${c.help}`)
  .join('\n')}`;

/** Runs the CLI; returns the exit code. Output goes through `out`/`err` so tests can capture it. */
export async function main(
  argv: string[],
  rawOut: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
  rawErr: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): Promise<number> {
  // Messages quote names and labels from files: no control character reaches the terminal.
  const safe = (write: (s: string) => void) => (s: string) =>
    write(s.split('\n').map(printable).join('\n'));
  const out = safe(rawOut);
  const err = safe(rawErr);
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h') {
    out(USAGE);
    return name ? EXIT.ok : EXIT.badInput;
  }
  const command = COMMANDS.get(name);
  if (!command) {
    err(`netwright: unknown command "${name}"\n${USAGE}`);
    return EXIT.badInput;
  }
  try {
    return await command.run(args, out, err);
  } catch (e) {
    if (e instanceof CliError) {
      err(e.message);
      return e.exitCode;
    }
    err(lastResortMessage(e));
    return EXIT.invalidGraph;
  }
}

/**
 * The one line printed for an error no command handled (a bug, or an input no check foresaw):
 * never a stack trace. Exit code 1.
 */
export function lastResortMessage(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const why =
    e instanceof RangeError && /call stack/i.test(message)
      ? 'the input is nested too deeply to process'
      : /allocation failed|out of memory/i.test(message)
        ? 'the input needs more memory than is available'
        : message.split('\n')[0]!.slice(0, 300);
  return `netwright: internal error: ${why} (please report this with the input that caused it)`;
}
