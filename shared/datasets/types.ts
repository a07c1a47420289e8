/**
 * The in-memory dataset every trainer reads: flat float32 features, one row per example, and
 * labels (class index as a float) or regression targets. Produced by the pure parsers and
 * generators in this folder; file reading lives in cli/ (Node) and renderer/ (fetch).
 */
export interface Split {
  /** `count × featureSize` values, row-major. */
  x: Float32Array;
  /** `count` values: the class index (0..numClasses-1) or the regression target. */
  y: Float32Array;
  count: number;
}

export type Task =
  | { kind: 'classification'; numClasses: number; classNames: string[] }
  | { kind: 'regression'; targetName: string };

export interface Dataset {
  /** `mnist`, `penguins`, `spiral`, `csv:<file name>`... */
  id: string;
  title: string;
  /** Shape of one example, e.g. `[28, 28, 1]` or `[9]`. */
  featureShape: number[];
  /** One name per feature column (for flat data); empty for images. */
  featureNames: string[];
  task: Task;
  train: Split;
  /** A held-out test split, when the data set has one (MNIST's 10k, 20% of small sets). */
  test: Split | null;
  /** Things the user should know: rows dropped, columns one-hot encoded... */
  notes: string[];
  /**
   * Examples are in time order (windows of a series): the validation examples are the last ones
   * of the training split, and no shuffle crosses the split (shared/training/train.ts).
   */
  chronological?: boolean;
  /** Text data: the tokenizer's vocabulary, index = id (0 padding, 1 unknown word). */
  vocabulary?: string[];
  /** `int32` when the examples are token ids (fed as int32 to an int32 Input); else float32. */
  inputDtype?: 'int32' | 'float32';
}

/** Number of values in one example. */
export function featureSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The first `n` rows of a split (a view, no copy). */
export function limitSplit(split: Split, n: number, size: number): Split {
  if (n >= split.count) return split;
  return { x: split.x.subarray(0, n * size), y: split.y.subarray(0, n), count: n };
}

/** Class counts of a classification split. */
export function labelHistogram(split: Split, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of split.y) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}
