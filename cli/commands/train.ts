/**
 * `netwright train FILE [--dataset NAME|PATH.csv] [--epochs N] [--batch-size N] [--backend wasm|cpu]
 * [--limit N] [--out FILE]`: trains in Node with the app's training loop, prints one JSON line per
 * epoch and, with --out, writes the project with its trained weights (top-level `weights`).
 * Exit codes: 0 done, 1 invalid graph or a model that does not fit the data, 2 bad input,
 * 3 the loss diverged (NaN/Infinity), 4 TF.js failed while building or training the model (one
 * line naming the file, the backend and TF.js's message; never a stack trace).
 */
import { budgetDiagnostics } from '../../shared/cost/cost.ts';
import { formatDiagnostic } from '../../shared/diagnostics.ts';
import { checkDatasetFit, datasetInfo } from '../../shared/datasets/fit.ts';
import { DATASETS, serializeProject, type TrainingSettings } from '../../shared/graph/project.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { installCustomKernels } from '../../shared/tfjs/custom-kernels.ts';
import { testResults, train } from '../../shared/training/train.ts';
import { exportWeights } from '../../shared/training/weights.ts';
import { loadDataset } from '../datasets.ts';
import { CliError, EXIT, readProjectFile, refuseUnwritableTarget, writeFileAtomic } from '../io.ts';
import { quietTfjsBanner } from '../tf-quiet.ts';

export const EXIT_DIVERGED = 3;
export const EXIT_TRAIN_FAILED = 4;

/** Any error thrown by TF.js while building or training, as one line (exit 4). */
function trainFailure(file: string, backend: string, e: unknown): CliError {
  if (e instanceof CliError) return e;
  const message = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
  return new CliError(
    `${file}: training failed on the ${backend} backend: ${message || 'unknown error'}`,
    EXIT_TRAIN_FAILED,
  );
}

const USAGE =
  'usage: netwright train FILE [--dataset mnist|penguins|cars|spiral|circles|xor|blobs|co2|seattle-weather|topics|PATH.csv] [--epochs N] [--batch-size N] [--backend wasm|cpu] [--limit N] [--out FILE] [--target COLUMN]';

interface TrainArgs {
  file: string;
  dataset?: string;
  epochs?: number;
  batchSize?: number;
  backend: 'wasm' | 'cpu';
  limit?: number;
  out?: string;
  target?: string;
}

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!value || !Number.isInteger(n) || n < 1)
    throw new CliError(
      `${flag} needs a whole number of at least 1, got ${value ?? 'nothing'}\n${USAGE}`,
    );
  return n;
}

export function parseTrainArgs(args: string[]): TrainArgs {
  const parsed: Partial<TrainArgs> = { backend: 'wasm' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = () => inline ?? args[++i];
    switch (flag) {
      case '--dataset':
        parsed.dataset = value();
        if (!parsed.dataset) throw new CliError(`--dataset needs a name or a .csv path\n${USAGE}`);
        break;
      case '--epochs':
        parsed.epochs = positiveInt(flag, value());
        break;
      case '--batch-size':
        parsed.batchSize = positiveInt(flag, value());
        break;
      case '--limit':
        parsed.limit = positiveInt(flag, value());
        break;
      case '--backend': {
        const b = value();
        if (b !== 'wasm' && b !== 'cpu')
          throw new CliError(`--backend must be wasm or cpu, got ${b ?? 'nothing'}`);
        parsed.backend = b;
        break;
      }
      case '--out':
        parsed.out = value();
        if (!parsed.out) throw new CliError(`--out needs a file name\n${USAGE}`);
        break;
      case '--target':
        parsed.target = value();
        break;
      default:
        if (a.startsWith('-')) throw new CliError(`unknown option ${a}\n${USAGE}`);
        if (parsed.file)
          throw new CliError(`one project file only (got ${parsed.file} and ${a})\n${USAGE}`);
        parsed.file = a;
    }
  }
  if (!parsed.file) throw new CliError(USAGE);
  return parsed as TrainArgs;
}

/** TF.js for Node on the chosen backend (wasm falls back to cpu with a note on stderr). */
async function loadTf(backend: 'wasm' | 'cpu', err: (s: string) => void) {
  const tf = await import('@tensorflow/tfjs');
  quietTfjsBanner(tf);
  if (backend === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    // Netwright's wasm kernels: XNNPACK matmuls and conv gradients, fixed pooling (bench/README.md).
    installCustomKernels(tf);
    if (await tf.setBackend('wasm').catch(() => false)) return tf;
    err('netwright: the wasm backend did not start; training on cpu');
  }
  // Netwright's cpu kernels too (a fast Conv2D filter gradient, the fixed resize gradient).
  installCustomKernels(tf);
  await tf.setBackend('cpu');
  return tf;
}

export async function trainCommand(
  args: string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const opts = parseTrainArgs(args);
  const project = await readProjectFile(opts.file);
  // A FIFO or device as --out is refused now, not after the whole run.
  if (opts.out) await refuseUnwritableTarget(opts.out);
  if (project.graph.nodes.length === 0) {
    throw new CliError(
      `${opts.file}: the graph is empty, so there is no model to train; add an Input block and layers (or open another project) and try again`,
      EXIT.invalidGraph,
    );
  }
  const lowered = lowerGraph(project.graph);
  if (!lowered.ok) {
    for (const d of lowered.diagnostics) err(formatDiagnostic(d));
    // Never exit 1 without a word.
    if (lowered.diagnostics.length === 0) err(`${opts.file}: the graph cannot be built as a model`);
    return EXIT.invalidGraph;
  }
  const ir = lowered.ir;
  const datasetName = opts.dataset ?? project.training.dataset;
  if (datasetName === 'csv')
    throw new CliError(
      `${opts.file}: the project trains on a CSV file: pass it with --dataset PATH.csv`,
    );
  const settings: TrainingSettings = {
    ...project.training,
    ...(opts.epochs ? { epochs: opts.epochs } : {}),
    ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
  };
  // E017 for the batch actually trained (analysis checked one example), before anything loads.
  const overBudget = budgetDiagnostics(ir.ops, { batchSize: settings.batchSize });
  for (const d of overBudget) err(formatDiagnostic(d));
  if (overBudget.length > 0) return EXIT.invalidGraph;
  // A CSV keeps the choices saved with the project (target, task, normalisation, left-out
  // columns); --target overrides the saved target.
  const saved = project.training.csv;
  const dataset = await loadDataset(datasetName, {
    seed: settings.seed,
    ...(project.training.window ? { window: project.training.window } : {}),
    ...(project.training.tokenizer ? { tokenizer: project.training.tokenizer } : {}),
    csv: {
      ...(saved
        ? {
            target: saved.target,
            task: saved.task,
            normalization: saved.normalization,
            ignore: saved.ignore,
          }
        : {}),
      ...(opts.target ? { target: opts.target } : {}),
    },
  });
  // How a CSV was read (columns one-hot encoded or left out, decimal commas), as the app shows.
  if (datasetName.toLowerCase().endsWith('.csv'))
    for (const note of dataset.notes) err(`note: ${dataset.title}: ${note}`);
  const problems = checkDatasetFit(ir, datasetInfo(dataset), settings.loss);
  if (problems.length > 0) {
    for (const p of problems) err(`${opts.file}: ${p.message}`);
    return EXIT.invalidGraph;
  }
  const tf = await loadTf(opts.backend, err);
  let model: ReturnType<typeof buildModel>;
  try {
    model = buildModel(tf, ir, { seed: settings.seed });
  } catch (e) {
    throw trainFailure(opts.file, tf.getBackend(), e);
  }
  try {
    const result = await train(tf, model, ir, dataset, {
      settings,
      ...(opts.limit ? { limit: opts.limit } : {}),
      onEpoch: (log) => {
        const { seconds: _s, ...line } = log;
        out(JSON.stringify(line));
      },
    });
    if (result.status === 'diverged') {
      err(result.message ?? 'the loss diverged');
      return EXIT_DIVERGED;
    }
    const test = await testResults(tf, model, ir, dataset, settings, 0, opts.limit ?? Infinity);
    if (test) {
      const metric =
        test.acc !== null
          ? `, accuracy ${test.acc.toFixed(4)}`
          : test.mae !== null
            ? `, mean absolute error ${test.mae.toFixed(4)}`
            : '';
      err(`test: loss ${test.loss.toFixed(4)}${metric} (${tf.getBackend()} backend)`);
    }
    if (opts.out) {
      const weights = await exportWeights(model, {
        dataset: datasetName,
        epochs: result.history.length,
      });
      const trained = {
        ...project,
        training: {
          ...project.training,
          ...(DATASETS.includes(datasetName as never)
            ? { dataset: datasetName as TrainingSettings['dataset'] }
            : { dataset: 'csv' as const }),
        },
        weights,
      };
      await writeFileAtomic(opts.out, serializeProject(trained));
    }
    return EXIT.ok;
  } catch (e) {
    throw trainFailure(opts.file, tf.getBackend(), e);
  } finally {
    model.dispose();
  }
}
