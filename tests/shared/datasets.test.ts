import { describe, expect, it } from 'vitest';
import { loadDataset, loadMnist } from '../../cli/datasets.ts';
import { csvDataset, parseCsv } from '../../shared/datasets/csv.ts';
import { BUILTIN_DATASET_INFO, checkDatasetFit } from '../../shared/datasets/fit.ts';
import { parseIdx } from '../../shared/datasets/mnist.ts';
import { syntheticDataset } from '../../shared/datasets/synthetic.ts';
import { labelHistogram } from '../../shared/datasets/types.ts';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { loadTemplate } from '../../shared/templates/index.ts';

const irOf = (id: string): ModelIR => {
  const r = lowerGraph(loadTemplate(id).graph);
  if (!r.ok) throw new Error('bad template');
  return r.ir;
};

describe('MNIST', () => {
  it('loads 60k/10k from the IDX files with the known label histogram', async () => {
    const d = await loadMnist();
    expect(d.train.count).toBe(60_000);
    expect(d.test!.count).toBe(10_000);
    expect(d.train.x.length).toBe(60_000 * 784);
    expect(labelHistogram(d.train, 10)).toEqual([
      5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949,
    ]);
    expect(labelHistogram(d.test!, 10)).toEqual([
      980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009,
    ]);
    let max = 0;
    for (let i = 0; i < 784 * 100; i++) max = Math.max(max, d.train.x[i]!);
    expect(max).toBe(1);
  });

  it('rejects a file that is not IDX, and a truncated one', () => {
    expect(() => parseIdx(new Uint8Array([1, 2, 3, 4, 5]), 'x')).toThrow(
      /not an unsigned-byte IDX/,
    );
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 5, 1, 2]), 'x')).toThrow(
      /header says 5/,
    );
  });
});

describe('penguins and cars', () => {
  it('penguins: drops and counts rows with missing values, one-hot + standardised, 3 classes', async () => {
    const d = await loadDataset('penguins');
    expect(d.train.count + d.test!.count).toBe(333);
    expect(d.notes.join(' ')).toMatch(/11 of 344 rows with missing values dropped/);
    expect(d.featureShape).toEqual([9]);
    expect(d.featureNames).toEqual([
      'Island=Biscoe',
      'Island=Dream',
      'Island=Torgersen',
      'Beak Length (mm)',
      'Beak Depth (mm)',
      'Flipper Length (mm)',
      'Body Mass (g)',
      'Sex=FEMALE',
      'Sex=MALE',
    ]);
    expect(d.task).toMatchObject({ kind: 'classification', numClasses: 3 });
    // One-hot columns are 0/1 and sum to 1; numeric ones are standardised on the train split.
    for (let r = 0; r < d.train.count; r++) {
      const row = d.train.x.subarray(r * 9, r * 9 + 9);
      expect(row[0]! + row[1]! + row[2]!).toBe(1);
      expect(row[7]! + row[8]!).toBe(1);
    }
    let mean = 0;
    for (let r = 0; r < d.train.count; r++) mean += d.train.x[r * 9 + 3]!;
    expect(Math.abs(mean / d.train.count)).toBeLessThan(1e-4);
    expect(
      labelHistogram({ ...d.train, y: new Float32Array([...d.train.y, ...d.test!.y]) }, 3),
    ).toEqual([146, 68, 119]);
  });

  it('cars: 392 complete rows, 9 features, miles per gallon target', async () => {
    const d = await loadDataset('cars');
    expect(d.train.count + d.test!.count).toBe(392);
    expect(d.featureShape).toEqual([9]);
    expect(d.task).toEqual({ kind: 'regression', targetName: 'Miles_per_Gallon' });
    expect(Math.min(...d.train.y)).toBeGreaterThan(5);
    expect(Math.max(...d.train.y)).toBeLessThan(50);
  });
});

describe('synthetic sets', () => {
  it.each(['spiral', 'circles', 'xor', 'blobs'] as const)(
    '%s is seeded, balanced and 2-D',
    (kind) => {
      const a = syntheticDataset(kind, { size: 200, noise: 0.2, seed: 3 });
      const b = syntheticDataset(kind, { size: 200, noise: 0.2, seed: 3 });
      const c = syntheticDataset(kind, { size: 200, noise: 0.2, seed: 4 });
      expect(a.train.x).toEqual(b.train.x);
      expect(a.train.x).not.toEqual(c.train.x);
      expect(a.train.count).toBe(200);
      expect(a.test!.count).toBe(50);
      const [n0, n1] = labelHistogram(a.train, 2);
      expect(Math.abs(n0! - n1!)).toBeLessThan(60);
      for (const v of a.train.x) expect(Math.abs(v)).toBeLessThan(3);
    },
  );
});

describe('CSV', () => {
  it('detects types, one-hot encodes text, picks the target, and drops rows with gaps', () => {
    const text =
      'a,b,colour,label\n1,2,red,yes\n2,"3",blue,no\n3,,red,yes\n4,5,"gre""en",no\n5,6,red,yes\n';
    const r = csvDataset(text, { name: 't.csv' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const d = r.value;
    expect(d.featureNames).toEqual(['a', 'b', 'colour=blue', 'colour=gre"en', 'colour=red']);
    expect(d.task).toEqual({ kind: 'classification', numClasses: 2, classNames: ['no', 'yes'] });
    expect(d.notes.join(' ')).toMatch(/1 of 5 rows with missing values dropped/);
  });

  it('names the line of a row with the wrong field count, counting quoted newlines', () => {
    const text = 'a,b,y\n1,2,3\n"multi\nline",2,3\n4,5\n6,7,8\n';
    const r = csvDataset(text, { name: 'bad.csv' });
    expect(r).toEqual({ ok: false, errors: ['bad.csv: line 5: 2 fields, the header has 3'] });
  });

  it('names the line of text in a numeric column', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i},${i * 2},${i % 2}`);
    rows[17] = '17,oops,1';
    const r = csvDataset(`x,z,y\n${rows.join('\n')}\n`, { name: 'n.csv', target: 'y' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual(['n.csv: line 19: column "z" holds numbers but this row has "oops"']);
  });

  it('reports a missing target column and an unclosed quote', () => {
    expect(csvDataset('a,b\n1,2\n', { target: 'c', name: 'f.csv' })).toEqual({
      ok: false,
      errors: ['f.csv: no column "c" to predict (columns: a, b)'],
    });
    expect(parseCsv('a,b\n1,"2\n')).toMatchObject({
      ok: false,
      errors: ['line 2: a quoted field is not closed'],
    });
  });

  it('regression on a real-valued target; 100k rows parse', () => {
    // No time bound here: a timed test fails on a loaded machine (speed belongs in npm run bench).
    const lines = ['f1,f2,cat,target'];
    for (let i = 0; i < 100_000; i++)
      lines.push(`${i % 97},${(i * 7) % 13}.5,${'abc'[i % 3]},${(i % 1000) / 10}`);
    const r = csvDataset(lines.join('\n'), { name: 'big.csv' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.task.kind).toBe('regression');
    expect(r.value.train.count + r.value.test!.count).toBe(100_000);
    expect(r.value.featureShape).toEqual([5]);
  });
});

describe('dataset fit check', () => {
  it('accepts matching models and explains mismatches with the fix', () => {
    expect(checkDatasetFit(irOf('mnist-mlp'), BUILTIN_DATASET_INFO.mnist)).toEqual([]);
    expect(checkDatasetFit(irOf('mnist-cnn'), BUILTIN_DATASET_INFO.mnist)).toEqual([]);
    expect(checkDatasetFit(irOf('toy-2d-classifier'), BUILTIN_DATASET_INFO.spiral)).toEqual([]);
    expect(checkDatasetFit(irOf('regression-mlp'), BUILTIN_DATASET_INFO.cars)).toEqual([]);
    const p = checkDatasetFit(irOf('mnist-mlp'), BUILTIN_DATASET_INFO.penguins).map(
      (x) => x.message,
    );
    expect(p).toEqual([
      'Input has 784 features, penguins has 9: set Input shape to [9]',
      'The output has 10 units, penguins has 3 classes: set the last layer to 3 units with softmax',
    ]);
    expect(checkDatasetFit(irOf('toy-2d-classifier'), BUILTIN_DATASET_INFO.mnist)[0]!.message).toBe(
      'Input has 2 features, MNIST has 784: set Input shape to [784] or [28, 28, 1]',
    );
    expect(checkDatasetFit(irOf('mnist-mlp'), BUILTIN_DATASET_INFO.cars)[1]!.message).toMatch(
      /1 unit, activation linear/,
    );
  });
});
