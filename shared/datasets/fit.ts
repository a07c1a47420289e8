import { outputActivation, outputUnits, resolveLoss, type LossSetting } from '../codegen/loss.ts';
import type { ModelIR } from '../ir/lower.ts';
import { getLayer } from '../layers/registry.ts';
import { formatShape } from '../shape.ts';
import type { TrainingSettings } from '../graph/project.ts';
import { DEFAULT_TOKENIZER } from './tokenizer.ts';
import { TOPIC_CLASSES } from './topics/sentences.ts';
import type { Dataset, Task } from './types.ts';
import { featureSize } from './types.ts';
import { DEFAULT_WINDOW, SERIES_SETS, type SeriesSetName } from './window.ts';

/** What the fit check needs to know about a data set (available before loading it). */
export interface DatasetShapeInfo {
  id: string;
  title: string;
  featureShape: number[];
  task: Task;
  /**
   * Text data: the token ids run `0 … tokenIds − 1` (padding and out-of-vocabulary included), so a
   * block reading them (Embedding) needs `input_dim ≥ tokenIds` (a larger id fails in TF.js's
   * Gather at training time).
   */
  tokenIds?: number;
}

const BINARY: Task = { kind: 'classification', numClasses: 2, classNames: ['0', '1'] };

/** Shape of a windowed series: `[W, F]` (steps, features). */
function seriesInfo(name: SeriesSetName, length: number): DatasetShapeInfo {
  const set = SERIES_SETS[name];
  return {
    id: name,
    title: set.title,
    featureShape: [length, set.columns.length],
    task: { kind: 'regression', targetName: set.target },
  };
}

/** Shape of the topic sentences: `[L]` token ids, 4 classes. */
function topicsInfo(sequenceLength: number, vocabSize: number): DatasetShapeInfo {
  return {
    tokenIds: vocabSize,
    id: 'topics',
    title: 'topic sentences',
    featureShape: [sequenceLength],
    task: { kind: 'classification', numClasses: 4, classNames: [...TOPIC_CLASSES] },
  };
}

/**
 * Shapes of the built-in data sets, known without loading them; the time series and the text set
 * at their default window and tokenizer (see `builtinDatasetInfo` for a project's own choices).
 */
export const BUILTIN_DATASET_INFO: Record<
  Exclude<TrainingSettings['dataset'], 'csv'>,
  DatasetShapeInfo
> = {
  mnist: {
    id: 'mnist',
    title: 'MNIST',
    featureShape: [28, 28, 1],
    task: {
      kind: 'classification',
      numClasses: 10,
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    },
  },
  penguins: {
    id: 'penguins',
    title: 'penguins',
    featureShape: [9],
    task: { kind: 'classification', numClasses: 3, classNames: ['Adelie', 'Chinstrap', 'Gentoo'] },
  },
  cars: {
    id: 'cars',
    title: 'cars',
    featureShape: [9],
    task: { kind: 'regression', targetName: 'Miles_per_Gallon' },
  },
  spiral: { id: 'spiral', title: 'spiral', featureShape: [2], task: BINARY },
  circles: { id: 'circles', title: 'circles', featureShape: [2], task: BINARY },
  xor: { id: 'xor', title: 'xor', featureShape: [2], task: BINARY },
  blobs: { id: 'blobs', title: 'blobs', featureShape: [2], task: BINARY },
  co2: seriesInfo('co2', DEFAULT_WINDOW.length),
  'seattle-weather': seriesInfo('seattle-weather', DEFAULT_WINDOW.length),
  topics: topicsInfo(DEFAULT_TOKENIZER.sequenceLength, DEFAULT_TOKENIZER.vocabSize),
};

/**
 * The shape facts of a project's built-in data set with its window (`training.window.length`)
 * or tokenizer (`training.tokenizer.sequenceLength`); `null` for a CSV file (known once read).
 */
export function builtinDatasetInfo(
  training: Pick<TrainingSettings, 'dataset' | 'window' | 'tokenizer'>,
): DatasetShapeInfo | null {
  const d = training.dataset;
  if (d === 'csv') return null;
  if (d === 'co2' || d === 'seattle-weather')
    return seriesInfo(d, training.window?.length ?? DEFAULT_WINDOW.length);
  if (d === 'topics')
    return topicsInfo(
      training.tokenizer?.sequenceLength ?? DEFAULT_TOKENIZER.sequenceLength,
      training.tokenizer?.vocabSize ?? DEFAULT_TOKENIZER.vocabSize,
    );
  return BUILTIN_DATASET_INFO[d];
}

export function datasetInfo(d: Dataset): DatasetShapeInfo {
  return {
    id: d.id,
    title: d.title,
    featureShape: d.featureShape,
    task: d.task,
    ...(d.vocabulary ? { tokenIds: d.vocabulary.length } : {}),
  };
}

/** The change that resolves a fit problem, as new params for the block it names. */
export interface FitFix {
  title: string;
  params: Record<string, unknown>;
}

export interface FitProblem {
  /** The IR op (node) id to point at. */
  nodeId: string;
  /** Which end of the model does not fit. */
  end: 'input' | 'output';
  message: string;
  fix?: FitFix;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Does the model fit the data set? The Input must take as many values per example as the data
 * has (the examples are reshaped to the Input's shape when only the layout differs, e.g. MNIST
 * into [784]); the output must match the task. Each problem names its block and the fix.
 */
export function checkDatasetFit(
  ir: ModelIR,
  info: DatasetShapeInfo,
  loss: LossSetting = 'auto',
): FitProblem[] {
  const problems: FitProblem[] = [];
  const input = ir.ops.find((op) => op.id === ir.inputId)!;
  const output = ir.ops.find((op) => op.id === ir.outputId)!;
  const inputShape = input.outputShape;
  const have = featureSize(inputShape);
  const need = featureSize(info.featureShape);
  if (have !== need) {
    const layout = info.featureShape.length > 1 ? ` or [${info.featureShape.join(', ')}]` : '';
    // Keep the Input's layout when it is an image and the data is too; else flat features.
    const shape =
      inputShape.length > 1 && info.featureShape.length > 1 ? info.featureShape : [need];
    problems.push({
      nodeId: input.id,
      end: 'input',
      fix: { title: `Set shape to [${shape.join(', ')}]`, params: { shape: [...shape] } },
      message: `Input has ${plural(have, 'feature')}, ${info.title} has ${need}: set Input shape to [${need}]${layout}`,
    });
  }
  if (info.tokenIds !== undefined) {
    for (const op of ir.ops) {
      const dim = op.params.input_dim;
      if (!getLayer(op.type)?.readsTokenIds || typeof dim !== 'number' || dim >= info.tokenIds)
        continue;
      problems.push({
        nodeId: op.id,
        end: 'input',
        fix: { title: `Set input_dim to ${info.tokenIds}`, params: { input_dim: info.tokenIds } },
        message: `${op.label} has input_dim ${dim}, but ${info.title} has token ids up to ${info.tokenIds - 1} (the tokenizer's vocabulary): set input_dim to ${info.tokenIds}`,
      });
    }
  }
  const out = output.outputShape;
  // Fixes that set units/activation only on a kind made to be an output layer (Dense).
  const head = getLayer(output.type)?.explain.outputHead === true;
  const units = out[out.length - 1] ?? 0;
  // The real last activation: a Dropout after a sigmoid output still outputs probabilities.
  const activation = outputActivation(ir) ?? (output.params.activation as string | undefined);
  if (info.task.kind === 'classification') {
    const k = info.task.numClasses;
    const binaryOk = k === 2 && units === 1;
    if (out.length !== 1 || (units !== k && !binaryOk)) {
      problems.push({
        nodeId: output.id,
        end: 'output',
        ...(out.length === 1 && head
          ? {
              fix: { title: `Use ${k} softmax units`, params: { units: k, activation: 'softmax' } },
            }
          : {}),
        message:
          out.length !== 1
            ? `The output has shape ${formatShape(out)}; ${info.title} needs one score per class: add Flatten and a Dense with ${k} units`
            : `The output has ${plural(units, 'unit')}, ${info.title} has ${k} classes: set the last layer to ${k} units with softmax${k === 2 ? ' (or 1 unit with sigmoid)' : ''}`,
      });
    } else if (units === 1 && activation !== 'sigmoid') {
      problems.push({
        nodeId: output.id,
        end: 'output',
        ...(head ? { fix: { title: 'Use sigmoid', params: { activation: 'sigmoid' } } } : {}),
        message: `The single output unit needs activation sigmoid to classify ${info.title} (it has ${activation ?? 'none'})`,
      });
    }
  } else if (out.length !== 1 || units !== 1) {
    problems.push({
      nodeId: output.id,
      end: 'output',
      ...(out.length === 1 && head
        ? { fix: { title: 'Use 1 linear unit', params: { units: 1, activation: 'linear' } } }
        : {}),
      message: `The output has shape ${formatShape(out)}, ${info.title} predicts one number: set the last layer to 1 unit, activation linear`,
    });
  }
  // A wrong output already says what to change; the loss is checked once it fits.
  const lossProblem = problems.some((p) => p.end === 'output')
    ? null
    : checkLossFit(ir, info, loss);
  if (lossProblem) problems.push(lossProblem);
  return problems;
}

/**
 * Does the loss fit the targets? A cross-entropy needs class labels (a regression target is a
 * real number, not a class id), and a categorical one at least two output units (TF.js's oneHot
 * refuses depth 1, and with one class there is nothing to learn). `null` when it fits.
 */
function checkLossFit(
  ir: ModelIR,
  info: DatasetShapeInfo,
  setting: LossSetting,
): FitProblem | null {
  const loss = resolveLoss(ir, setting);
  if (loss === 'mse') return null;
  const output = ir.ops.find((op) => op.id === ir.outputId)!;
  if (info.task.kind === 'regression') {
    return {
      nodeId: output.id,
      end: 'output',
      message: `The loss ${loss} needs class labels, but ${info.title} predicts a number (${info.task.targetName}): set the loss to mse (or auto) in the training settings`,
    };
  }
  const units = outputUnits(ir);
  if (loss !== 'binary_crossentropy' && units < 2) {
    return {
      nodeId: output.id,
      end: 'output',
      message: `The loss ${loss} needs one output unit per class, but the output has ${units}: use ${info.task.numClasses} softmax units, or 1 sigmoid unit with binary_crossentropy`,
    };
  }
  return null;
}
