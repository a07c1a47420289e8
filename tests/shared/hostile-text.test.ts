/**
 * Messages that name the place and the cause (issue 14, item 7): JSON errors at their line,
 * BOM/UTF-16 text, CSVs with one class, decimal commas, UTF-16 without a byte-order mark.
 */
import { describe, expect, it } from 'vitest';
import { csvDataset } from '../../shared/datasets/csv.ts';
import { parseProject, tooDeepPath } from '../../shared/graph/project.ts';
import { decodeText } from '../../shared/text/decode.ts';
import { jsonErrorLineColumn, jsonErrorOffset } from '../../shared/text/json-place.ts';

describe('JSON errors are placed where they are', () => {
  it.each([
    ['{"a": NaN}', 6],
    ['{"a": 1,}', 8],
    ['[1 2]', 3],
    ['{"a" 1}', 5],
    ['"abc', 4],
    ['{"a": "x\ty"}', 8],
    ['{"a": "\\q"}', 7],
    ['{"a": 01}', 7],
    ['{} x', 3],
    ['', 0],
    ['{"a": [1, {"b": tru}]}', 16],
  ])('%j fails at offset %i', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
  });

  it.each(['{}', '[]', '{"a": [1, -2.5e-3, true, false, null, "\\u00e9\\n"]}', ' 3 '])(
    '%j is valid',
    (text) => expect(jsonErrorOffset(text)).toBe(-1),
  );

  it('a NaN on line 24 is reported at line 24, not at the end of the file', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `  "k${i}": ${i},`);
    lines[23] = '  "k23": NaN,';
    const text = `{\n${lines.join('\n')}\n  "end": 0\n}`;
    // Line 1 is "{", so the 24th key sits on line 25; count from the text itself.
    const line = text.split('\n').findIndex((l) => l.includes('NaN')) + 1;
    expect(jsonErrorLineColumn(text)).toBe(`line ${line}, column 10`);
    const result = parseProject(text);
    expect(!result.ok && result.errors[0]).toMatch(
      new RegExp(`^Not valid JSON at line ${line}, column 10:`),
    );
    // V8's message quotes the text around the error with its newlines: the error is one line.
    expect(!result.ok && result.errors[0]).not.toContain('\n');
  });

  it('a 100,000-deep array is scanned without overflowing the stack', () => {
    const text = `${'['.repeat(100_000)}${']'.repeat(99_999)}`;
    expect(jsonErrorOffset(text)).toBe(text.length);
  });
});

describe('nesting depth is bounded', () => {
  it('names the path of a field nested too deep, and passes a shallow one', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = { a: deep };
    expect(tooDeepPath({ extra: deep })).toMatch(/^extra\.a\.a\.….a\.a \(64 levels down\)$/);
    expect(tooDeepPath({ extra: { a: [1, { b: 2 }] } })).toBeUndefined();
  });
});

describe('text encodings', () => {
  const text = '{"a": "é"}';
  it('reads UTF-8, UTF-8 with BOM, UTF-16 LE and BE with BOM as the same text', () => {
    const le = Buffer.from(`\ufeff${text}`, 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const bytes of [Buffer.from(text), Buffer.from(`\ufeff${text}`), le, be]) {
      const d = decodeText(bytes);
      expect(d.ok && d.text).toBe(text);
    }
  });

  it('names UTF-16 without a byte-order mark and binary files', () => {
    const d = decodeText(Buffer.from(text, 'utf16le'));
    expect(!d.ok && d.error).toMatch(/UTF-16 text without a byte-order mark \(save it as UTF-8\)/);
    const bin = decodeText(Uint8Array.from([0xff, 0x00, 0xc3]));
    expect(bin.ok).toBe(false);
    const odd = decodeText(Uint8Array.from([0xff, 0xfe, 0x41]));
    expect(!odd.ok && odd.error).toMatch(/odd number of bytes/);
  });
});

describe('CSV messages say what to do', () => {
  it('a single-class target', () => {
    const r = csvDataset('a,b,label\n1,2,cat\n3,4,cat\n', { name: 'one.csv' });
    expect(!r.ok && r.errors[0]).toBe(
      'one.csv: column "label" has one class only ("cat"); classification needs at least two classes: add rows of other classes, or pick another target column',
    );
  });

  it('decimal-comma numbers in a semicolon CSV (European spreadsheet export) are read', () => {
    const r = csvDataset('a;b;label\n1,5;2,25;0\n3,0;-4,75;1\n-1;0,5;0\n2;1;1\n', {
      name: 'eu.csv',
      normalization: 'none',
    });
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.value.featureNames).toEqual(['a', 'b']);
    const rows = [r.value.train, r.value.test!].flatMap((split) =>
      Array.from({ length: split.count }, (_, i) => [...split.x.subarray(i * 2, i * 2 + 2)]),
    );
    expect(rows.sort((p, q) => p[0]! - q[0]!)).toEqual([
      [-1, 0.5],
      [1.5, 2.25],
      [2, 1],
      [3, -4.75],
    ]);
    expect(r.value.notes).toContain('"a", "b" read with a decimal comma (1,5 = 1.5)');
  });

  it('a quoted decimal comma in a comma-separated CSV says what to do', () => {
    const r = csvDataset('a,b,label\n"1,5","2,25",0\n"3,0","4,75",1\n', { name: 'q.csv' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0]).toBe(
      'q.csv: line 2: column "a" holds numbers with a decimal comma ("1,5"); Netwright reads a decimal point: save the CSV with "." as the decimal separator (e.g. English locale export) and try again',
    );
    expect(!r.ok && r.errors).toHaveLength(2);
  });

  it('one decimal-comma value among numbers is named as such', () => {
    const rows = Array.from({ length: 12 }, (_, i) => `${i}.5;${i};${i % 2}`);
    rows[5] = '2,5;5;1';
    const r = csvDataset(`a;b;label\n${rows.join('\n')}\n`, { name: 'mix.csv' });
    expect(!r.ok && r.errors[0]).toBe(
      'mix.csv: line 7: column "a" holds numbers but this row has "2,5" (a decimal comma: use "." as the decimal separator)',
    );
  });

  it('a two-class CSV still loads (the checks refuse only what they name)', () => {
    const r = csvDataset('a,b,label\n1,2,cat\n3,4,dog\n5,6,cat\n', { name: 'two.csv' });
    expect(r.ok).toBe(true);
  });
});
