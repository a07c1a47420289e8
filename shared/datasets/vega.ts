import { encodeTable, type Cell } from './tabular.ts';
import type { Dataset } from './types.ts';

/**
 * Palmer penguins (vega-datasets `penguins.json`, 344 rows): classify the species (Adelie,
 * Chinstrap, Gentoo) from 9 features: Island one-hot (Biscoe, Dream, Torgersen), the four body
 * measurements standardised, Sex one-hot (FEMALE, MALE). Rows with a missing value (`null`, or
 * Sex `.`) are dropped and counted: 333 rows remain.
 */
export function penguinsDataset(rows: readonly Record<string, Cell>[], seed = 1234): Dataset {
  return encodeTable(rows, {
    id: 'penguins',
    title: 'penguins',
    features: [
      { kind: 'categorical', name: 'Island', categories: ['Biscoe', 'Dream', 'Torgersen'] },
      { kind: 'numeric', name: 'Beak Length (mm)' },
      { kind: 'numeric', name: 'Beak Depth (mm)' },
      { kind: 'numeric', name: 'Flipper Length (mm)' },
      { kind: 'numeric', name: 'Body Mass (g)' },
      { kind: 'categorical', name: 'Sex', categories: ['FEMALE', 'MALE'] },
    ],
    target: { name: 'Species', task: 'classification', classes: ['Adelie', 'Chinstrap', 'Gentoo'] },
    seed,
  });
}

/** Model year from `"1970-01-01"` (or a number). */
const year = (v: Cell): number =>
  typeof v === 'number' ? v : typeof v === 'string' ? Number(v.slice(0, 4)) : NaN;

/**
 * Cars (vega-datasets `cars.json`, 406 rows): regress Miles_per_Gallon from 9 features, matching
 * the regression template's Input [9]: Cylinders, Displacement, Horsepower, Weight_in_lbs,
 * Acceleration, Year (model year) standardised, and Origin one-hot (USA, Europe, Japan). Rows
 * with a missing value (MPG or horsepower) are dropped and counted: 392 rows remain. The target
 * stays in miles per gallon (not normalised), so the loss reads in mpg².
 */
export function carsDataset(rows: readonly Record<string, Cell>[], seed = 1234): Dataset {
  return encodeTable(rows, {
    id: 'cars',
    title: 'cars',
    features: [
      { kind: 'numeric', name: 'Cylinders' },
      { kind: 'numeric', name: 'Displacement' },
      { kind: 'numeric', name: 'Horsepower' },
      { kind: 'numeric', name: 'Weight_in_lbs' },
      { kind: 'numeric', name: 'Acceleration' },
      { kind: 'numeric', name: 'Year', read: year },
      { kind: 'categorical', name: 'Origin', categories: ['USA', 'Europe', 'Japan'] },
    ],
    target: { name: 'Miles_per_Gallon', task: 'regression' },
    seed,
  });
}
