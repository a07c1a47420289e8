import { describe, expect, it } from 'vitest';
import { csvChoicesFor, csvDefaults } from '../../shared/datasets/csv-choices.ts';
import {
  csvPreview,
  csvTableDataset,
  defaultCsvTask,
  parseCsv,
  previewWithIgnored,
  type CsvTable,
} from '../../shared/datasets/csv.ts';
import {
  csvSettingsSchema,
  parseProject,
  serializeProject,
  type CsvSettings,
} from '../../shared/graph/project.ts';
import { loadTemplate } from '../../shared/templates/index.ts';

const table = (text: string): CsvTable => {
  const r = parseCsv(text);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.value;
};

/** label (text), two numbers, a colour, a unique id per row, a whole-number count, a price. */
function sample(rows = 60): string {
  const lines = ['label,x1,x2,colour,id,count,price'];
  for (let i = 0; i < rows; i++)
    lines.push(
      `${i % 2 ? 'yes' : 'no'},${i},${i * 0.5},${['red', 'blue'][i % 2]},r${i},${i % 4},${i * 1.25}`,
    );
  return `${lines.join('\n')}\n`;
}

describe('CSV import: task defaults and preview', () => {
  it('defaults the task from the target column: text and few whole numbers classify', () => {
    expect(defaultCsvTask({ type: 'categorical', distinct: 3 }, false)).toBe('classification');
    expect(defaultCsvTask({ type: 'numeric', distinct: 4 }, true)).toBe('classification');
    expect(defaultCsvTask({ type: 'numeric', distinct: 21 }, true)).toBe('regression');
    expect(defaultCsvTask({ type: 'numeric', distinct: 3 }, false)).toBe('regression');
  });

  it('previews the first rows, the row count, detected types and per-column default tasks', () => {
    const p = csvPreview(table(sample()), 's.csv');
    expect(p.rowCount).toBe(60);
    expect(p.rows).toHaveLength(8);
    expect(p.rows[1]).toEqual(['yes', '1', '0.5', 'blue', 'r1', '1', '1.25']);
    expect(p.columns.map((c) => [c.name, c.type])).toEqual([
      ['label', 'categorical'],
      ['x1', 'numeric'],
      ['x2', 'numeric'],
      ['colour', 'categorical'],
      ['id', 'ignored'],
      ['count', 'numeric'],
      ['price', 'numeric'],
    ]);
    expect(p.columns[4]!.reason).toMatch(/60 distinct text values/);
    expect(p.defaultTarget).toBe('price');
    expect(p.defaultTasks).toMatchObject({
      label: 'classification',
      count: 'classification',
      price: 'regression',
    });
    expect(previewWithIgnored(p, ['x2']).columns[2]).toMatchObject({
      type: 'ignored',
      reason: 'left out by you',
    });
  });

  it('builds the data set with the chosen target, task, normalisation and ignored columns', () => {
    const t = table(sample());
    const r = csvTableDataset(t, {
      name: 's.csv',
      target: 'label',
      task: 'classification',
      normalization: 'minmax',
      ignore: ['price', 'label'],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // The target is never ignored; id is left out (too many values); colour one-hot.
    expect(r.value.featureNames).toEqual(['x1', 'x2', 'colour=blue', 'colour=red', 'count']);
    expect(r.value.featureShape).toEqual([5]);
    expect(r.value.task).toMatchObject({ kind: 'classification', classNames: ['no', 'yes'] });
    expect(Math.min(...r.value.train.x)).toBeGreaterThanOrEqual(0);
    expect(csvTableDataset(t, { name: 's.csv', target: 'colour', task: 'regression' })).toEqual({
      ok: false,
      errors: ['s.csv: column "colour" holds text; it can only be classified'],
    });
  });

  it('leaving a column with text among numbers out clears its error', () => {
    const rows = Array.from({ length: 20 }, (_, i) => `${i},${i === 1 ? 'x' : i},${i % 2}`);
    const t = table(`a,b,y\n${rows.join('\n')}\n`);
    const bad = csvTableDataset(t, { name: 'b.csv' });
    expect(bad.ok ? [] : bad.errors).toEqual([
      'b.csv: line 3: column "b" holds numbers but this row has "x"',
    ]);
    expect(csvTableDataset(t, { name: 'b.csv', ignore: ['b'] }).ok).toBe(true);
  });
});

describe('CSV import: choices kept in the project', () => {
  const saved: CsvSettings = {
    fileName: 's.csv',
    target: 'label',
    task: 'classification',
    normalization: 'minmax',
    ignore: ['price', 'gone'],
  };

  it('applies saved choices only to a file of the same name', () => {
    expect(csvChoicesFor(saved, 's.csv')).toEqual({
      target: 'label',
      task: 'classification',
      normalization: 'minmax',
      ignore: ['price', 'gone'],
    });
    expect(csvChoicesFor(saved, 'other.csv')).toBeNull();
    expect(csvChoicesFor(undefined, 's.csv')).toBeNull();
  });

  it('keeps saved choices for the same file (dropping vanished columns), else the defaults', () => {
    const p = csvPreview(table(sample()), 's.csv');
    expect(csvDefaults(p, saved)).toEqual({ ...saved, ignore: ['price'] });
    expect(csvDefaults(p, undefined)).toEqual({
      fileName: 's.csv',
      target: 'price',
      task: 'regression',
      normalization: 'standard',
      ignore: [],
    });
    const other = csvPreview(table(sample()), 'new.csv');
    expect(csvDefaults(other, saved)).toMatchObject({
      fileName: 'new.csv',
      target: 'price',
      normalization: 'minmax',
    });
    expect(csvDefaults(p, { ...saved, target: 'nope' }).target).toBe('price');
  });

  it('validates training.csv in the project file and round-trips it', () => {
    const doc = JSON.parse(serializeProject(loadTemplate('toy-2d-classifier')));
    doc.training.dataset = 'csv';
    doc.training.csv = { fileName: 'my.csv', target: 'y', task: 'regression' };
    const ok = parseProject(JSON.stringify(doc));
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    // Defaults filled in.
    expect(ok.project.training.csv).toEqual({
      fileName: 'my.csv',
      target: 'y',
      task: 'regression',
      normalization: 'standard',
      ignore: [],
    });
    const again = parseProject(serializeProject(ok.project));
    expect(again.ok && again.project.training.csv).toEqual(ok.project.training.csv);
    // Projects without it stay valid.
    delete doc.training.csv;
    expect(parseProject(JSON.stringify(doc)).ok).toBe(true);

    doc.training.csv = { fileName: '', target: 'y', task: 'guess', ignore: [3] };
    const bad = parseProject(JSON.stringify(doc));
    expect(bad.ok ? [] : bad.errors).toEqual([
      'training.csv.fileName: must not be empty',
      expect.stringMatching(/^training\.csv\.task: /),
      expect.stringMatching(/^training\.csv\.ignore\[0\]: /),
    ]);
    expect(csvSettingsSchema.safeParse({ fileName: 'a.csv', target: 'y' }).success).toBe(false);
  });
});
