import type { DatasetFacts } from './types.ts';

/**
 * Shapes and tasks of the built-in datasets, known without loading them, so that hints can be
 * shown while a graph is edited and by `netwright check`. CSV files are known only once loaded.
 */
export const BUILTIN_DATASET_FACTS: Readonly<Record<string, DatasetFacts>> = {
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
    title: 'Palmer penguins',
    featureShape: [9],
    task: { kind: 'classification', numClasses: 3, classNames: ['Adelie', 'Chinstrap', 'Gentoo'] },
  },
  cars: {
    id: 'cars',
    title: 'Cars',
    featureShape: [9],
    task: { kind: 'regression', targetName: 'Miles_per_Gallon' },
  },
  ...Object.fromEntries(
    ['spiral', 'circles', 'xor', 'blobs'].map((id) => [
      id,
      {
        id,
        title: id[0]!.toUpperCase() + id.slice(1),
        featureShape: [2],
        task: { kind: 'classification', numClasses: 2, classNames: ['0', '1'] },
      } satisfies DatasetFacts,
    ]),
  ),
};
