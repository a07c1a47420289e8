import {
  encodeTable,
  isMissing,
  type Cell,
  type ColumnSpec,
  type Normalization,
} from './tabular.ts';
import type { Dataset } from './types.ts';

export interface CsvTable {
  header: string[];
  /** Data rows; `lines[i]` is the 1-based line number where `rows[i]` starts. */
  rows: string[][];
  lines: number[];
  /**
   * Columns of a `;`-separated file whose numbers were written with a decimal comma (`1,5`, the
   * usual export of locales that write 1,5): their values are read with a decimal point.
   */
  decimalComma?: string[];
}

export type CsvResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** At most this many row errors are listed; the rest are counted. */
const MAX_ERRORS = 20;

function detectDelimiter(firstLine: string): string {
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![0];
}

/**
 * RFC 4180-style CSV: quoted fields with `""` escapes and embedded newlines, CRLF or LF, a header
 * row; `,`, `;` or tab detected from the header. Rows with the wrong field count are errors that
 * name their line. Blank lines are skipped. Linear time (100k rows in well under a second).
 */
export function parseCsv(text: string): CsvResult<CsvTable> {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstBreak = text.indexOf('\n');
  const delimiter = detectDelimiter(firstBreak === -1 ? text : text.slice(0, firstBreak));
  const d = delimiter.charCodeAt(0);
  const records: string[][] = [];
  const lines: number[] = [];
  const errors: string[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let blank = true;
    for (;;) {
      // One field.
      if (text.charCodeAt(i) === 34 /* " */) {
        blank = false;
        let value = '';
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q === -1) {
            errors.push(`line ${startLine}: a quoted field is not closed`);
            return { ok: false, errors };
          }
          const chunk = text.slice(j, q);
          for (let k = chunk.indexOf('\n'); k !== -1; k = chunk.indexOf('\n', k + 1)) line++;
          value += chunk;
          if (text.charCodeAt(q + 1) === 34) {
            value += '"';
            j = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        fields.push(value);
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === d || c === 10 || c === 13) break;
          j++;
        }
        if (j > i) blank = false;
        fields.push(text.slice(i, j));
        i = j;
      }
      const c = text.charCodeAt(i);
      if (c === d) {
        blank = false;
        i++;
        continue;
      }
      if (c === 13) i++;
      if (text.charCodeAt(i) === 10) i++;
      else if (i < n && c !== 13) {
        errors.push(`line ${line}: unexpected text after a quoted field`);
        return { ok: false, errors };
      }
      line++;
      break;
    }
    if (!blank) {
      records.push(fields);
      lines.push(startLine);
    }
  }
  const header = records.shift();
  lines.shift();
  if (!header) return { ok: false, errors: ['the file is empty'] };
  const names = header.map((h) => h.trim());
  const seen = new Set<string>();
  names.forEach((name, col) => {
    if (name === '') errors.push(`line 1: column ${col + 1} has no name`);
    else if (seen.has(name)) errors.push(`line 1: column "${name}" appears twice`);
    seen.add(name);
  });
  let bad = 0;
  records.forEach((r, k) => {
    if (r.length !== names.length) {
      if (++bad <= MAX_ERRORS)
        errors.push(`line ${lines[k]}: ${r.length} fields, the header has ${names.length}`);
    }
  });
  if (bad > MAX_ERRORS)
    errors.push(`... and ${bad - MAX_ERRORS} more rows with the wrong field count`);
  if (records.length === 0) errors.push('the file has a header but no data rows');
  if (errors.length > 0) return { ok: false, errors };
  const table: CsvTable = { header: names, rows: records, lines };
  return { ok: true, value: delimiter === ';' ? readDecimalCommas(table) : table };
}

/**
 * In a `;`-separated file, a column whose present values are all whole numbers or numbers written
 * with a decimal comma (`1,5`, `-0,25`; at least one), is read with a decimal point (`1.5`): `;` is the separator
 * that locales with a decimal comma use (a `,`-separated file cannot hold an unquoted `1,5`).
 * The columns read so are listed in `decimalComma`.
 */
function readDecimalCommas(table: CsvTable): CsvTable {
  const decimalComma: string[] = [];
  table.header.forEach((name, col) => {
    let comma = false;
    for (const row of table.rows) {
      const v = (row[col] ?? '').trim();
      if (isMissing(v)) continue;
      if (DECIMAL_COMMA.test(v)) comma = true;
      // A decimal point too (`0.5` beside `2,5`) is ambiguous: left to the checks that name it.
      else if (!isNumberText(v) || v.includes('.')) return;
    }
    if (!comma) return;
    decimalComma.push(name);
    for (const row of table.rows) {
      const v = (row[col] ?? '').trim();
      if (DECIMAL_COMMA.test(v)) row[col] = v.replace(',', '.');
    }
  });
  return decimalComma.length > 0 ? { ...table, decimalComma } : table;
}

export interface CsvOptions {
  /** File name, for messages and the data set id. */
  name?: string;
  /** Target column; default the last one. */
  target?: string;
  /** Default `auto`: text targets and whole-number targets with at most 20 values classify. */
  task?: 'auto' | 'classification' | 'regression';
  normalization?: Normalization;
  /** Columns to leave out. */
  ignore?: string[];
  seed?: number;
}

export interface CsvColumnInfo {
  name: string;
  type: 'numeric' | 'categorical' | 'ignored';
  distinct: number;
  missing: number;
}

/** Text columns with more distinct values than this are ignored (names, ids). */
const MAX_CATEGORIES = 50;

const isNumberText = (s: string): boolean => {
  const t = s.trim();
  return t !== '' && Number.isFinite(Number(t));
};

/** Column types as detected: a column is numeric when at least 90% of its present values are. */
export function detectColumns(table: CsvTable, ignore: readonly string[] = []): CsvColumnInfo[] {
  return table.header.map((name, col) => {
    let numeric = 0;
    let missing = 0;
    const distinct = new Set<string>();
    for (const row of table.rows) {
      const v = row[col] ?? '';
      if (isMissing(v)) missing++;
      else {
        if (isNumberText(v)) numeric++;
        if (distinct.size <= 10_000) distinct.add(v.trim());
      }
    }
    const present = table.rows.length - missing;
    const type: CsvColumnInfo['type'] = ignore.includes(name)
      ? 'ignored'
      : present > 0 && numeric >= 0.9 * present
        ? 'numeric'
        : 'categorical';
    return { name, type, distinct: distinct.size, missing };
  });
}

/** Whether every present value of a column is a whole number (for the task default). */
function wholeNumbers(table: CsvTable, col: number): boolean {
  return table.rows.every((r) => isMissing(r[col]) || Number.isInteger(Number(r[col])));
}

/**
 * The task a target column suggests: text targets, and whole-number targets with at most 20
 * distinct values, are classified; other numbers are regressed.
 */
export function defaultCsvTask(
  column: Pick<CsvColumnInfo, 'type' | 'distinct'>,
  wholeNumbers: boolean,
): 'classification' | 'regression' {
  return column.type === 'categorical' || (wholeNumbers && column.distinct <= 20)
    ? 'classification'
    : 'regression';
}

const DECIMAL_COMMA = /^[-+]?\d*,\d+$/;

/**
 * Columns whose values are numbers written with a decimal comma (`1,5`), as errors saying what to
 * do: a column counts when at least 90% of its present values look so (as in `detectColumns`).
 */
function decimalCommaErrors(table: CsvTable, columns: CsvColumnInfo[], name: string): string[] {
  const errors: string[] = [];
  columns.forEach((c, col) => {
    if (c.type !== 'categorical') return;
    let present = 0;
    let comma = 0;
    let first = -1;
    table.rows.forEach((row, k) => {
      const v = (row[col] ?? '').trim();
      if (isMissing(v)) return;
      present++;
      if (DECIMAL_COMMA.test(v)) {
        comma++;
        if (first < 0) first = k;
      }
    });
    if (present > 0 && comma >= 0.9 * present) {
      errors.push(
        `${name}: line ${table.lines[first]}: column "${c.name}" holds numbers with a decimal comma ("${(table.rows[first]![col] ?? '').trim()}"); Netwright reads a decimal point: save the CSV with "." as the decimal separator (e.g. English locale export) and try again`,
      );
    }
  });
  return errors;
}

/** Text in numeric columns, as errors naming their lines (at most MAX_ERRORS per column). */
function textInNumberErrors(table: CsvTable, columns: CsvColumnInfo[], name: string): string[] {
  const errors: string[] = [];
  columns.forEach((c, col) => {
    if (c.type !== 'numeric') return;
    let count = 0;
    table.rows.forEach((row, k) => {
      const v = row[col] ?? '';
      if (!isMissing(v) && !isNumberText(v) && ++count <= MAX_ERRORS) {
        errors.push(
          `${name}: line ${table.lines[k]}: column "${c.name}" holds numbers but this row has "${v.trim().slice(0, 40)}"${DECIMAL_COMMA.test(v.trim()) ? ' (a decimal comma: use "." as the decimal separator)' : ''}`,
        );
      }
    });
    if (count > MAX_ERRORS)
      errors.push(`${name}: ... and ${count - MAX_ERRORS} more non-numbers in "${c.name}"`);
  });
  return errors;
}

/** What the import dialog shows of a file before training: no data set built yet. */
export interface CsvPreview {
  name: string;
  header: string[];
  /** The first data rows as read (at most `PREVIEW_ROWS`). */
  rows: string[][];
  rowCount: number;
  /**
   * Detected types; `ignored` for columns the user left out and for text columns with too many
   * distinct values to one-hot (see `reason`).
   */
  columns: (CsvColumnInfo & { reason?: string })[];
  /** The default target (the last column) and its default task. */
  defaultTarget: string;
  /** Default task per column, were it the target. */
  defaultTasks: Record<string, 'classification' | 'regression'>;
}

export const PREVIEW_ROWS = 8;

/** Preview of a parsed table: first rows, column types, default target and tasks. */
export function csvPreview(
  table: CsvTable,
  name: string,
  ignore: readonly string[] = [],
): CsvPreview {
  const columns = detectColumns(table, ignore).map((c) =>
    c.type === 'categorical' && c.distinct > MAX_CATEGORIES
      ? {
          ...c,
          type: 'ignored' as const,
          reason: `${c.distinct} distinct text values: too many to one-hot`,
        }
      : c,
  );
  const defaultTasks: Record<string, 'classification' | 'regression'> = {};
  detectColumns(table).forEach((c, col) => {
    defaultTasks[c.name] = defaultCsvTask(c, c.type === 'numeric' && wholeNumbers(table, col));
  });
  return {
    name,
    header: table.header,
    rows: table.rows.slice(0, PREVIEW_ROWS),
    rowCount: table.rows.length,
    columns,
    defaultTarget: table.header[table.header.length - 1]!,
    defaultTasks,
  };
}

/** A preview with the user's ignored columns marked (types otherwise as detected). */
export function previewWithIgnored(preview: CsvPreview, ignore: readonly string[]): CsvPreview {
  if (ignore.length === 0) return preview;
  return {
    ...preview,
    columns: preview.columns.map((c) =>
      ignore.includes(c.name) ? { ...c, type: 'ignored', reason: 'left out by you' } : c,
    ),
  };
}

/**
 * A CSV file as a data set: types detected, numeric features normalised, text features one-hot,
 * rows with missing values dropped and counted; text in a numeric column is an error naming its
 * line. Errors say what to fix.
 */
export function csvDataset(text: string, options: CsvOptions = {}): CsvResult<Dataset> {
  const name = options.name ?? 'data.csv';
  const parsed = parseCsv(text);
  if (!parsed.ok) return { ok: false, errors: parsed.errors.map((e) => `${name}: ${e}`) };
  return csvTableDataset(parsed.value, options);
}

/** `csvDataset` on an already parsed table (the app parses once, then tries settings). */
export function csvTableDataset(table: CsvTable, options: CsvOptions = {}): CsvResult<Dataset> {
  const name = options.name ?? 'data.csv';
  const targetName = options.target ?? table.header[table.header.length - 1]!;
  const targetCol = table.header.indexOf(targetName);
  if (targetCol === -1) {
    return {
      ok: false,
      errors: [
        `${name}: no column "${targetName}" to predict (columns: ${table.header.join(', ')})`,
      ],
    };
  }
  if (table.header.length < 2)
    return { ok: false, errors: [`${name}: needs at least one feature column and a target`] };
  const ignore = (options.ignore ?? []).filter((c) => c !== targetName);
  const columns = detectColumns(table, ignore);
  const notes: string[] = [];
  if (table.decimalComma)
    notes.push(
      `${table.decimalComma.map((c) => `"${c}"`).join(', ')} read with a decimal comma (1,5 = 1.5)`,
    );
  const errors = [
    ...decimalCommaErrors(table, columns, name),
    ...textInNumberErrors(table, columns, name),
  ];
  if (errors.length > 0) return { ok: false, errors };
  const target = columns[targetCol]!;
  let task = options.task ?? 'auto';
  if (task === 'auto')
    task = defaultCsvTask(target, target.type === 'numeric' && wholeNumbers(table, targetCol));
  if (task === 'regression' && target.type !== 'numeric') {
    return {
      ok: false,
      errors: [`${name}: column "${targetName}" holds text; it can only be classified`],
    };
  }
  const features: ColumnSpec[] = [];
  columns.forEach((c, col) => {
    if (col === targetCol || c.type === 'ignored') return;
    if (c.type === 'categorical' && c.distinct > MAX_CATEGORIES) {
      notes.push(
        `column "${c.name}" ignored: ${c.distinct} distinct text values are too many to one-hot`,
      );
      return;
    }
    if (c.type === 'categorical')
      notes.push(`column "${c.name}" one-hot encoded (${c.distinct} values)`);
    features.push({ kind: c.type === 'numeric' ? 'numeric' : 'categorical', name: c.name });
  });
  if (features.length === 0) return { ok: false, errors: [`${name}: no usable feature columns`] };
  if (task === 'classification') {
    const values = new Set<string>();
    for (const row of table.rows) {
      const v = (row[targetCol] ?? '').trim();
      if (!isMissing(v)) values.add(v);
      if (values.size > 1) break;
    }
    if (values.size < 2) {
      const only = [...values][0];
      return {
        ok: false,
        errors: [
          `${name}: column "${targetName}" has ${only === undefined ? 'no values' : `one class only ("${only.slice(0, 40)}")`}; classification needs at least two classes: add rows of other classes, or pick another target column`,
        ],
      };
    }
  }
  const records = table.rows.map((row) => {
    const rec: Record<string, Cell> = {};
    table.header.forEach((h, col) => (rec[h] = row[col]));
    return rec;
  });
  try {
    const dataset = encodeTable(records, {
      id: `csv:${name}`,
      title: name,
      features,
      target:
        task === 'classification'
          ? {
              name: targetName,
              task,
              classes: [
                ...new Set(
                  records
                    .filter((r) => !isMissing(r[targetName]))
                    .map((r) => String(r[targetName]).trim()),
                ),
              ].sort((a, b) =>
                isNumberText(a) && isNumberText(b) ? Number(a) - Number(b) : a.localeCompare(b),
              ),
            }
          : { name: targetName, task },
      normalization: options.normalization ?? 'standard',
      seed: options.seed ?? 1234,
      notes,
    });
    return { ok: true, value: dataset };
  } catch (e) {
    return { ok: false, errors: [`${name}: ${e instanceof Error ? e.message : String(e)}`] };
  }
}
