/**
 * Time series turned into supervised examples by a sliding window (forecasting): each example is
 * `W` consecutive steps of the series, its target the target column `H` steps after the window's
 * last step. Pure: the CSV text comes from the caller (cli/datasets.ts, the training worker).
 */
import { parseCsv } from './csv.ts';
import { isMissing } from './tabular.ts';
import type { Dataset, Split } from './types.ts';

/** The windowing choices of a project (`training.window`). */
export interface WindowOptions {
  /** Window length W: steps per example (≥ 1). */
  length: number;
  /** Horizon H: the target is the value H steps after the window's last step (≥ 1). */
  horizon: number;
  /**
   * Standardise each column (mean 0, spread 1; population standard deviation) with statistics of
   * the training part of the series only; the target is scaled with its column's statistics.
   */
  normalize: boolean;
}

/** Defaults: a year of monthly values predicting the next month, standardised. */
export const DEFAULT_WINDOW: WindowOptions = { length: 12, horizon: 1, normalize: true };

/** A multivariate series: `steps × columns.length` values, row-major (time first). */
export interface Series {
  columns: string[];
  values: Float32Array;
  steps: number;
}

/**
 * Reads columns of a CSV file, in file order, as a series (one row per step). Rows with a missing
 * or non-numeric value in a used column are dropped and counted (the series closes up: those steps
 * are skipped). Throws an Error naming the file when a column is absent or no row is left.
 */
export function seriesFromCsv(
  text: string,
  columns: readonly string[],
  fileName: string,
): { series: Series; dropped: number } {
  const parsed = parseCsv(text);
  if (!parsed.ok) throw new Error(`${fileName}: ${parsed.errors.join('; ')}`);
  const { header, rows } = parsed.value;
  const at = columns.map((c) => {
    const i = header.indexOf(c);
    if (i < 0) throw new Error(`${fileName}: no column "${c}" (columns: ${header.join(', ')})`);
    return i;
  });
  const kept: number[] = [];
  let dropped = 0;
  for (const row of rows) {
    const cells = at.map((i) => row[i]);
    const numbers = cells.map((c) => (isMissing(c) ? NaN : Number(c!.trim())));
    if (numbers.some((v) => !Number.isFinite(v))) dropped++;
    else kept.push(...numbers);
  }
  const steps = kept.length / columns.length;
  if (steps === 0) throw new Error(`${fileName}: no rows with numbers in ${columns.join(', ')}`);
  return { series: { columns: [...columns], values: Float32Array.from(kept), steps }, dropped };
}

/** Number of windows of length `W` with horizon `H` in `steps` steps: `steps − W − H + 1` (≥ 0). */
export function windowCount(steps: number, W: number, H: number): number {
  return Math.max(0, steps - W - H + 1);
}

/**
 * The sliding windows of a series: example `i` is steps `i … i+W−1` (all columns), shape `(W, F)`
 * (steps, features: Keras's NWC without the batch axis), row-major; its target is column
 * `target` at step `i+W−1+H`. Examples in time order, `count = steps − W − H + 1`.
 */
export function makeWindows(series: Series, target: number, W: number, H: number): Split {
  const F = series.columns.length;
  const count = windowCount(series.steps, W, H);
  const x = new Float32Array(count * W * F);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    x.set(series.values.subarray(i * F, (i + W) * F), i * W * F);
    y[i] = series.values[(i + W - 1 + H) * F + target]!;
  }
  return { x, y, count };
}

/** The first `steps` steps of a series (a view). */
function head(s: Series, steps: number): Series {
  const F = s.columns.length;
  return { columns: s.columns, values: s.values.subarray(0, steps * F), steps };
}

/** The steps from `from` on (a view). */
function tail(s: Series, from: number): Series {
  const F = s.columns.length;
  return { columns: s.columns, values: s.values.subarray(from * F), steps: s.steps - from };
}

/**
 * Where the series is cut: steps `0 … cut−1` are the training part, `cut …` the test part;
 * `cut = steps − round(steps × testFraction)` (the generated scripts use the same formula).
 */
export function seriesCut(steps: number, testFraction: number): number {
  return steps - Math.round(steps * testFraction);
}

/**
 * Per-column mean and population standard deviation (1 where it is 0) of the first `steps` steps.
 */
export function columnStats(s: Series, steps: number): { mean: number[]; std: number[] } {
  const F = s.columns.length;
  const mean = new Array<number>(F).fill(0);
  const std = new Array<number>(F).fill(0);
  for (let t = 0; t < steps; t++) for (let f = 0; f < F; f++) mean[f]! += s.values[t * F + f]!;
  for (let f = 0; f < F; f++) mean[f] = mean[f]! / Math.max(1, steps);
  for (let t = 0; t < steps; t++)
    for (let f = 0; f < F; f++) std[f]! += (s.values[t * F + f]! - mean[f]!) ** 2;
  for (let f = 0; f < F; f++) std[f] = Math.sqrt(std[f]! / Math.max(1, steps)) || 1;
  return { mean, std };
}

/** What `windowedDataset` builds: names, the predicted column, the window and the test share. */
export interface WindowedOptions {
  id: string;
  title: string;
  /** Column (of `series.columns`) whose future value is predicted. */
  target: string;
  window: WindowOptions;
  /** Fraction of the steps, at the end, held out as the test part; default 0.2. */
  testFraction?: number;
  notes?: string[];
}

/**
 * A forecasting data set from a series. The series is cut in time (`seriesCut`): training
 * examples are the windows lying wholly in the training part, test examples those wholly in the
 * test part, so no step of the test part appears in a training example, as input or target (the
 * `W+H−1` windows that would straddle the cut are left out). Normalisation statistics come from
 * the training part only. Examples stay in time order and the data set is marked `chronological`:
 * the trainer takes validation examples from the end of the training split, never shuffled across.
 * Errors: an Error naming the data set when a window option is not a positive whole number or the
 * training part is too short for one window.
 */
export function windowedDataset(series: Series, options: WindowedOptions): Dataset {
  const { length: W, horizon: H, normalize } = options.window;
  for (const [name, v] of [
    ['window length', W],
    ['horizon', H],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`${options.title}: the ${name} must be a whole number ≥ 1 (it is ${v})`);
  }
  const target = series.columns.indexOf(options.target);
  if (target < 0) throw new Error(`${options.title}: no column "${options.target}"`);
  const cut = seriesCut(series.steps, options.testFraction ?? 0.2);
  if (windowCount(cut, W, H) === 0) {
    throw new Error(
      `${options.title}: the training part has ${cut} steps, too few for a window of ${W} and a horizon of ${H} (at most ${cut - H} steps per window)`,
    );
  }
  let scaled = series;
  const notes = [...(options.notes ?? [])];
  if (normalize) {
    const { mean, std } = columnStats(series, cut);
    const F = series.columns.length;
    const values = new Float32Array(series.values.length);
    for (let t = 0; t < series.steps; t++)
      for (let f = 0; f < F; f++)
        values[t * F + f] = (series.values[t * F + f]! - mean[f]!) / std[f]!;
    scaled = { ...series, values };
    notes.push(
      `standardised with the training part's statistics (${options.target}: mean ${round(mean[target]!)}, spread ${round(std[target]!)})`,
    );
  }
  const train = makeWindows(head(scaled, cut), target, W, H);
  const test = makeWindows(tail(scaled, cut), target, W, H);
  notes.push(
    `windows of ${W} steps predicting ${options.target} ${H} step${H === 1 ? '' : 's'} ahead; the last ${series.steps - cut} steps are the test part`,
  );
  return {
    id: options.id,
    title: options.title,
    featureShape: [W, series.columns.length],
    featureNames: [...series.columns],
    task: { kind: 'regression', targetName: options.target },
    train,
    test: test.count > 0 ? test : null,
    notes,
    chronological: true,
  };
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** The built-in time series: a vega-datasets CSV, the columns read, the column predicted. */
export interface SeriesSet {
  title: string;
  /** File name in vega-datasets' `data/` folder (also `DATA_FILE` of the generated scripts). */
  file: string;
  columns: string[];
  target: string;
  description: string;
}

/**
 * The built-in time series by data set name: CO₂ (1 feature, ppm; shape `(W, 1)`) and Seattle
 * weather (4 features: °C, °C, mm, m/s; shape `(W, 4)`), both from the npm package vega-datasets.
 */
export const SERIES_SETS = {
  co2: {
    title: 'CO₂ at Mauna Loa',
    file: 'co2-concentration.csv',
    columns: ['CO2'],
    target: 'CO2',
    description: 'monthly CO₂ concentration (ppm), 1958–2020',
  },
  'seattle-weather': {
    title: 'Seattle weather',
    file: 'seattle-weather.csv',
    columns: ['temp_max', 'temp_min', 'precipitation', 'wind'],
    target: 'temp_max',
    description: 'daily weather 2012–2015: tomorrow’s highest temperature (°C)',
  },
} as const satisfies Record<string, SeriesSet>;

/** `co2` or `seattle-weather`. */
export type SeriesSetName = keyof typeof SERIES_SETS;

/** Whether a data set name is one of the built-in time series. */
export function isSeriesSet(name: string): name is SeriesSetName {
  return Object.hasOwn(SERIES_SETS, name);
}

/**
 * A built-in time series data set from its CSV text, windowed as asked (see `windowedDataset`
 * for shapes and the split). Errors: an Error naming the file or data set (missing column, no
 * numbers, window too long for the training part).
 */
export function seriesDataset(
  name: SeriesSetName,
  csvText: string,
  window: WindowOptions,
): Dataset {
  const set: SeriesSet = SERIES_SETS[name];
  const { series, dropped } = seriesFromCsv(csvText, set.columns, set.file);
  return windowedDataset(series, {
    id: name,
    title: set.title,
    target: set.target,
    window,
    notes: dropped > 0 ? [`${dropped} rows with missing values dropped`] : [],
  });
}
