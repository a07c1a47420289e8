import { permutation, rng } from './random.ts';
import type { Dataset, Split, Task } from './types.ts';

/** One table cell as read from JSON or CSV. */
export type Cell = string | number | boolean | null | undefined;

/** Values that mean "missing": the row is dropped and counted. */
export function isMissing(v: Cell): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'number') return !Number.isFinite(v);
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' || t === '.' || t === 'NA' || t === 'N/A' || t === 'NaN' || t === 'null';
  }
  return false;
}

export type Normalization = 'standard' | 'minmax' | 'none';

export interface NumericColumn {
  kind: 'numeric';
  name: string;
  /** Reads the cell; defaults to Number(). Return NaN for unusable values. */
  read?: (v: Cell) => number;
}

export interface CategoricalColumn {
  kind: 'categorical';
  name: string;
  /** Category order for one-hot; default: sorted distinct values. */
  categories?: string[];
}

export type ColumnSpec = NumericColumn | CategoricalColumn;

export interface EncodeOptions {
  id: string;
  title: string;
  features: ColumnSpec[];
  target:
    | { name: string; task: 'classification'; classes?: string[] }
    | { name: string; task: 'regression' };
  normalization?: Normalization;
  /** Fraction held out as the test split; default 0.2. */
  testFraction?: number;
  /** Seed of the train/test shuffle. */
  seed?: number;
  notes?: string[];
}

const readNumber = (v: Cell): number =>
  typeof v === 'number'
    ? v
    : typeof v === 'string'
      ? Number(v.trim())
      : typeof v === 'boolean'
        ? Number(v)
        : NaN;

const text = (v: Cell): string => String(v).trim();

/**
 * Encodes rows of records into a data set: numeric features normalised (statistics from the
 * training rows), categorical ones one-hot; rows with a missing value in a used column dropped
 * and counted in `notes`; a seeded shuffle, then a train/test split.
 */
export function encodeTable(
  rows: readonly Record<string, Cell>[],
  options: EncodeOptions,
): Dataset {
  const { features, target } = options;
  const used = [...features.map((f) => f.name), target.name];
  const kept = rows.filter((r) => used.every((c) => !isMissing(r[c])));
  const dropped = rows.length - kept.length;
  const notes = [...(options.notes ?? [])];
  if (dropped > 0) notes.push(`${dropped} of ${rows.length} rows with missing values dropped`);
  if (kept.length === 0)
    throw new Error(`${options.title}: no rows left after dropping missing values`);

  // Categories and feature names.
  const featureNames: string[] = [];
  const categories = new Map<string, string[]>();
  for (const f of features) {
    if (f.kind === 'categorical') {
      const cats = f.categories ?? [...new Set(kept.map((r) => text(r[f.name])))].sort();
      categories.set(f.name, cats);
      for (const c of cats) featureNames.push(`${f.name}=${c}`);
    } else featureNames.push(f.name);
  }
  const width = featureNames.length;

  let task: Task;
  let classIndex: Map<string, number> | null = null;
  if (target.task === 'classification') {
    const classNames = target.classes ?? [...new Set(kept.map((r) => text(r[target.name])))].sort();
    classIndex = new Map(classNames.map((c, i) => [c, i]));
    task = { kind: 'classification', numClasses: classNames.length, classNames };
  } else task = { kind: 'regression', targetName: target.name };

  const order = permutation(kept.length, rng(options.seed ?? 1234));
  const testCount = Math.round(kept.length * (options.testFraction ?? 0.2));
  const trainCount = kept.length - testCount;
  const x = new Float32Array(kept.length * width);
  const y = new Float32Array(kept.length);
  for (let i = 0; i < kept.length; i++) {
    const row = kept[order[i]!]!;
    let col = 0;
    for (const f of features) {
      if (f.kind === 'numeric') {
        x[i * width + col++] = (f.read ?? readNumber)(row[f.name]);
      } else {
        const cats = categories.get(f.name)!;
        const at = cats.indexOf(text(row[f.name]));
        if (at >= 0) x[i * width + col + at] = 1;
        col += cats.length;
      }
    }
    const t = row[target.name];
    if (classIndex) {
      const c = classIndex.get(text(t));
      if (c === undefined) throw new Error(`${options.title}: unknown class "${text(t)}"`);
      y[i] = c;
    } else y[i] = readNumber(t);
  }
  const spans = features.map((f) => ({
    numeric: f.kind === 'numeric',
    width: f.kind === 'numeric' ? 1 : categories.get(f.name)!.length,
  }));
  normalizeColumns(x, width, trainCount, kept.length, spans, options.normalization ?? 'standard');
  const split = (from: number, to: number): Split => ({
    x: x.subarray(from * width, to * width),
    y: y.subarray(from, to),
    count: to - from,
  });
  return {
    id: options.id,
    title: options.title,
    featureShape: [width],
    featureNames,
    task,
    train: split(0, trainCount),
    test: testCount > 0 ? split(trainCount, kept.length) : null,
    notes,
  };
}

/**
 * Normalises numeric feature columns in place (`spans[i]`: 1 for numeric, the category count for
 * one-hot), with statistics of the first `fitRows` rows (the training split).
 */
function normalizeColumns(
  x: Float32Array,
  width: number,
  fitRows: number,
  rows: number,
  spans: { numeric: boolean; width: number }[],
  mode: Normalization,
): void {
  if (mode === 'none') return;
  let col = 0;
  for (const span of spans) {
    if (span.numeric) {
      let a: number;
      let b: number;
      if (mode === 'standard') {
        let sum = 0;
        for (let r = 0; r < fitRows; r++) sum += x[r * width + col]!;
        const mean = sum / Math.max(1, fitRows);
        let sq = 0;
        for (let r = 0; r < fitRows; r++) sq += (x[r * width + col]! - mean) ** 2;
        a = mean;
        b = Math.sqrt(sq / Math.max(1, fitRows)) || 1;
      } else {
        let min = Infinity;
        let max = -Infinity;
        for (let r = 0; r < fitRows; r++) {
          const v = x[r * width + col]!;
          if (v < min) min = v;
          if (v > max) max = v;
        }
        a = min;
        b = max - min || 1;
      }
      for (let r = 0; r < rows; r++) x[r * width + col] = (x[r * width + col]! - a) / b;
    }
    col += span.width;
  }
}
