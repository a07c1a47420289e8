import { parseArgs } from 'node:util';
import { formatCost, modelCost } from '../../shared/cost/cost.ts';
import { formatDiagnostic, hasErrors, printable } from '../../shared/diagnostics.ts';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import { lowerAnalysis } from '../../shared/ir/lower.ts';
import { formatSummary, summarizeModel } from '../../shared/summary.ts';
import { CliError, EXIT, parseCommandLine, readProjectFile } from '../io.ts';

const USAGE =
  'usage: netwright summary FILE [--cost [--batch-size N] [--samples-per-second R] [--samples N]]';

/** MNIST's training set: 60,000 images (LeCun et al., http://yann.lecun.com/exdb/mnist/). */
const MNIST_TRAIN_IMAGES = 60_000;

function positive(flag: string, value: string | undefined, int: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (int && !Number.isInteger(n)))
    throw new CliError(
      `netwright summary: ${flag} needs a ${int ? 'whole ' : ''}number above 0, got ${value}\n${USAGE}`,
      EXIT.badInput,
    );
  return n;
}

/**
 * `netwright summary FILE [--cost]`: Keras-style summary; with `--cost` also parameters, FLOPs per
 * example, memory for the project's batch size and optimizer, and the time per epoch when a
 * measured `--samples-per-second` is given. Exit 1 with diagnostics on an invalid graph.
 */
export async function summaryCommand(args: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseCommandLine('summary', USAGE, () =>
    parseArgs({
      args,
      allowPositionals: true,
      options: {
        cost: { type: 'boolean', default: false },
        'batch-size': { type: 'string' },
        'samples-per-second': { type: 'string' },
        samples: { type: 'string' },
      },
    }),
  );
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    out(USAGE);
    return EXIT.badInput;
  }
  const batchSize = positive('--batch-size', values['batch-size'], true);
  const samplesPerSecond = positive('--samples-per-second', values['samples-per-second'], false);
  const samples = positive('--samples', values.samples, true);
  const project = await readProjectFile(file);
  const analysis = analyzeGraph(project.graph);
  if (hasErrors(analysis.diagnostics)) {
    for (const d of analysis.diagnostics) out(formatDiagnostic(d));
    return EXIT.invalidGraph;
  }
  // The name comes from the file: control characters escaped, as `check` does (no forged lines).
  out(formatSummary(summarizeModel(analysis), printable(project.name)));
  if (!values.cost) return EXIT.ok;
  const lowered = lowerAnalysis(analysis);
  if (!lowered.ok) {
    for (const d of lowered.diagnostics) out(formatDiagnostic(d));
    return EXIT.invalidGraph;
  }
  const t = project.training;
  const epochSamples =
    samples ??
    (t.dataset === 'mnist'
      ? MNIST_TRAIN_IMAGES - Math.floor(MNIST_TRAIN_IMAGES * t.validationSplit)
      : undefined);
  const cost = modelCost(lowered.ir.ops, {
    batchSize: batchSize ?? t.batchSize,
    optimizer: t.optimizer,
    ...(samplesPerSecond !== undefined ? { samplesPerSecond } : {}),
    ...(epochSamples !== undefined ? { samplesPerEpoch: epochSamples } : {}),
  });
  out('');
  out(formatCost(cost));
  if (samplesPerSecond !== undefined && epochSamples === undefined)
    out(`(give --samples N, the training examples per epoch, to predict the time per epoch)`);
  return EXIT.ok;
}
