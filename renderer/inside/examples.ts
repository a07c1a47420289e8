/**
 * The example the "Try it" and "Inside" panels run (shared, so a drawing made in one is stepped
 * through in the other), and the test sets they pick from: MNIST's test images and the tabular
 * sets' test rows, fetched from the same Vite-served files the training worker reads.
 */
import { create } from 'zustand';
import { mnistSplit } from '../../shared/datasets/mnist.ts';
import type { Dataset, Split } from '../../shared/datasets/types.ts';
import type { Cell } from '../../shared/datasets/tabular.ts';
import { carsDataset, penguinsDataset } from '../../shared/datasets/vega.ts';
import { DATA_URLS } from '../training/assets.ts';

export interface Example {
  /** The Input's values, row-major. */
  values: Float32Array;
  /** Where it came from, e.g. "test image 12 (label 7)", "your drawing", "point (0.3, −0.2)". */
  source: string;
  /** The true class or target, when known. */
  label: string | null;
  /** `draw`: the pad (kept so the pad redraws it). */
  kind: 'draw' | 'test' | 'point' | 'row' | 'fields';
}

interface ExampleStore {
  example: Example | null;
  /** For 'draw': the pad's strokes as an image (data URL), to redraw it after a tab switch. */
  drawing: string | null;
  setExample(example: Example | null, drawing?: string | null): void;
}

export const useExample = create<ExampleStore>((set) => ({
  example: null,
  drawing: null,
  setExample: (example, drawing = null) => set({ example, drawing }),
}));

let mnist: Promise<Split> | null = null;

/** MNIST's 10,000 test images (values 0..1) and labels; fetched once. */
export function mnistTest(): Promise<Split> {
  mnist ??= Promise.all(
    [DATA_URLS.testImages, DATA_URLS.testLabels].map(async (url) => {
      const r = await fetch(url!);
      if (!r.ok) throw new Error(`MNIST test set: HTTP ${r.status}`);
      return new Uint8Array(await r.arrayBuffer());
    }),
  ).then(([images, labels]) => mnistSplit(images!, labels!, 'test'));
  mnist.catch(() => (mnist = null));
  return mnist;
}

/** One MNIST test example as an `Example`. */
export async function mnistExample(index: number): Promise<Example> {
  const split = await mnistTest();
  const i = ((index % split.count) + split.count) % split.count;
  const label = String(split.y[i]);
  return {
    values: split.x.slice(i * 784, (i + 1) * 784),
    source: `test image ${i} (label ${label})`,
    label,
    kind: 'test',
  };
}

const tables = new Map<string, Promise<Dataset>>();

/** The penguins or cars data set as training encodes it (features standardised, one-hot). */
export function tableDataset(id: 'penguins' | 'cars', seed: number): Promise<Dataset> {
  const key = `${id}:${seed}`;
  let p = tables.get(key);
  if (!p) {
    p = fetch(DATA_URLS[id]!)
      .then((r) => r.json() as Promise<Record<string, Cell>[]>)
      .then((rows) => (id === 'penguins' ? penguinsDataset(rows, seed) : carsDataset(rows, seed)));
    p.catch(() => tables.delete(key));
    tables.set(key, p);
  }
  return p;
}

/** Row `index` of a data set's test split (else its training split) as an `Example`. */
export function rowExample(d: Dataset, index: number): Example {
  const split = d.test ?? d.train;
  const size = d.featureNames.length || split.x.length / Math.max(1, split.count);
  const i = ((index % split.count) + split.count) % split.count;
  const y = split.y[i]!;
  const label = d.task.kind === 'classification' ? (d.task.classNames[y] ?? String(y)) : String(y);
  return {
    values: split.x.slice(i * size, (i + 1) * size),
    source: `${d.test ? 'test' : 'training'} row ${i} (${d.task.kind === 'classification' ? 'class' : d.task.targetName} ${label})`,
    label,
    kind: 'row',
  };
}
