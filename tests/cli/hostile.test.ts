/**
 * Hostile and broken inputs against the real CLI (issue 14): each is refused with one clear line
 * naming its place and cause, exit 1 or 2, no stack trace, no hang, bounded memory, and nothing
 * written outside the target (nothing at all when refused).
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectRefused, listing, runCli } from './hostile-support.ts';

const ROOT = join(import.meta.dirname, '../..');
const TEMPLATE = join(ROOT, 'shared/templates/mnist-mlp.json');
const base = mkdtempSync(join(tmpdir(), 'netwright-hostile-'));
let n = 0;
/** A fresh empty folder per case. */
const fresh = () => {
  const d = join(base, `case${++n}`);
  mkdirSync(d);
  return d;
};
const mkfifo = (path: string) => execFileSync('mkfifo', [path]);

/** A Keras `to_json()` model without weights: Input 4 → Dense 3 softmax (15 parameters). */
const KERAS = JSON.stringify({
  class_name: 'Sequential',
  config: {
    name: 's',
    layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 4], name: 'in' } },
      { class_name: 'Dense', config: { name: 'd', units: 3, activation: 'softmax' } },
    ],
  },
});

let tfjsDir: string;
let tfjsModel: Record<string, unknown>;
let tfjsBin: Uint8Array;

beforeAll(async () => {
  const out = join(base, 'exported');
  const r = await runCli(['export', TEMPLATE, '--to', 'tfjs', '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  // Data first, manifest last: a run killed in between never leaves a new manifest beside old data.
  const wrote = r.stdout.split('\n').filter((l) => l.startsWith('wrote '));
  expect(wrote.map((l) => l.split('/').pop())).toEqual(['group1-shard1of1.bin', 'model.json']);
  tfjsDir = join(out, 'tfjs');
  tfjsModel = JSON.parse(readFileSync(join(tfjsDir, 'model.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  tfjsBin = readFileSync(join(tfjsDir, 'group1-shard1of1.bin'));
}, 60_000);

/** A copy of the exported TF.js model in a fresh folder, the manifest edited by `edit`. */
function tfjsCopy(edit?: (doc: Record<string, unknown>) => unknown) {
  const dir = fresh();
  cpSync(tfjsDir, dir, { recursive: true });
  const doc = structuredClone(tfjsModel);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(edit ? edit(doc) : doc));
  return dir;
}

describe.concurrent('reading never leaves the folder, never reads without bound', () => {
  it('check FILE on a FIFO is refused at once (no hang)', async () => {
    const dir = fresh();
    mkfifo(join(dir, 'p.json'));
    expectRefused(await runCli(['check', join(dir, 'p.json')]), 2, 'p.json', /FIFO/);
  });

  it('summary of a project that is a link to /dev/zero is refused as a device', async () => {
    const dir = fresh();
    symlinkSync('/dev/zero', join(dir, 'zero.json'));
    expectRefused(await runCli(['summary', join(dir, 'zero.json')]), 2, 'zero.json', /device/);
  });

  it('import /dev/urandom is refused as a device', async () => {
    const dir = fresh();
    const r = await runCli(['import', '/dev/urandom', '--out', join(dir, 'o.json')]);
    expectRefused(r, 2, '/dev/urandom', /device/);
    expect(listing(dir)).toEqual([]);
  });

  it('a weights.bin symlink to /etc/passwd is refused, not imported', async () => {
    const dir = tfjsCopy();
    const bin = join(dir, 'group1-shard1of1.bin');
    execFileSync('rm', [bin]);
    symlinkSync('/etc/passwd', bin);
    const r = await runCli(['import', join(dir, 'model.json'), '--out', join(dir, 'o.json')]);
    expectRefused(r, 2, 'group1-shard1of1.bin', /outside the model's folder/);
    expect(existsSync(join(dir, 'o.json'))).toBe(false);
  });

  it('a weights.bin symlink to /dev/zero is refused with memory bounded', async () => {
    const dir = tfjsCopy();
    const bin = join(dir, 'group1-shard1of1.bin');
    execFileSync('rm', [bin]);
    symlinkSync('/dev/zero', bin);
    const r = await runCli(['import', join(dir, 'model.json'), '--out', join(dir, 'o.json')]);
    expectRefused(r, 2, 'group1-shard1of1.bin', /outside the model's folder/);
  });

  it('a weights.bin that is a FIFO inside the folder is refused (no hang)', async () => {
    const dir = tfjsCopy();
    const bin = join(dir, 'group1-shard1of1.bin');
    execFileSync('rm', [bin]);
    mkfifo(bin);
    const r = await runCli(['import', join(dir, 'model.json'), '--out', join(dir, 'o.json')]);
    expectRefused(r, 2, 'group1-shard1of1.bin', /FIFO/);
  });

  it('a weight path with ../ is refused', async () => {
    const dir = tfjsCopy((doc) => {
      (doc.weightsManifest as { paths: string[] }[])[0]!.paths = ['../exported/x.bin'];
      return doc;
    });
    const r = await runCli(['import', join(dir, 'model.json'), '--out', join(dir, 'o.json')]);
    expectRefused(r, 2, '../exported/x.bin', /outside the model's folder/);
  });
});

describe.concurrent('weight files must match their manifest exactly', () => {
  for (const [what, bytes, word] of [
    ['longer', () => Buffer.concat([tfjsBin, Buffer.alloc(4)]), 'longer'],
    ['shorter', () => tfjsBin.subarray(0, 100), 'shorter'],
  ] as const) {
    it(`a .bin ${what} than the manifest says is refused, nothing written`, async () => {
      const dir = tfjsCopy();
      writeFileSync(join(dir, 'group1-shard1of1.bin'), bytes());
      const r = await runCli(['import', join(dir, 'model.json'), '--out', join(dir, 'o.json')]);
      expectRefused(r, 1, 'model.json', new RegExp(`${word} than the manifest says`));
      expect(listing(dir)).toEqual(['group1-shard1of1.bin', 'model.json']);
    });
  }

  it('a model.json without its .bin names the missing file and what to do, nothing written', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'model.json'), JSON.stringify(tfjsModel));
    const r = await runCli(['import', join(dir, 'model.json'), '--out', join(dir, 'o.json')]);
    expectRefused(
      r,
      1,
      'model.json',
      /weight file group1-shard1of1\.bin not found: model\.json names it; put it beside model\.json/,
    );
    expect(r.stderr).not.toContain('does not support');
    expect(listing(dir)).toEqual(['model.json']);
  });

  it('the exported pair imports (the check refuses only mismatches)', async () => {
    const dir = tfjsCopy();
    const r = await runCli(['import', join(dir, 'model.json'), '--out', join(dir, 'o.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('109,386 parameters, weights kept');
  });
});

describe.concurrent('saving never replaces what is not a regular file', () => {
  it('import --out FIFO is refused and the FIFO stays', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'k.json'), KERAS);
    mkfifo(join(dir, 'out.json'));
    const r = await runCli(['import', join(dir, 'k.json'), '--out', join(dir, 'out.json')]);
    expectRefused(r, 2, 'out.json', /FIFO \(named pipe\), not a regular file; refused/);
    expect(lstatSync(join(dir, 'out.json')).isFIFO()).toBe(true);
    expect(listing(dir)).toEqual(['k.json', 'out.json']);
  });

  it('import --out /dev/full is refused and /dev/full stays a device', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'k.json'), KERAS);
    const r = await runCli(['import', join(dir, 'k.json'), '--out', '/dev/full']);
    expectRefused(r, 2, '/dev/full', /device, not a regular file; refused/);
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
    expect(listing('/dev').filter((f) => f.startsWith('.full.'))).toEqual([]);
  });

  it('import --out LINK writes through to the real file; the link stays a link', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'k.json'), KERAS);
    writeFileSync(join(dir, 'real.json'), 'old');
    symlinkSync('real.json', join(dir, 'link.json'));
    const r = await runCli(['import', join(dir, 'k.json'), '--out', join(dir, 'link.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'real.json'), 'utf8')).format).toBe(
      'netwright.project',
    );
  });

  it('export never writes through a link planted in its output folder (file or sub-folder)', async () => {
    const dir = fresh();
    const victim = join(fresh(), 'victim.txt');
    writeFileSync(victim, 'precious');
    const out = join(dir, 'out');
    mkdirSync(out);
    symlinkSync(victim, join(out, 'keras_model.py'));
    const r = await runCli(['export', TEMPLATE, '--to', 'keras', '--out', out]);
    expectRefused(r, 2, 'keras_model.py', /symbolic link; refused to write through it/);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(join(out, 'keras_model.py')).isSymbolicLink()).toBe(true);

    // A sub-folder the export writes into (tfjs/) that links elsewhere.
    const elsewhere = fresh();
    const out2 = join(dir, 'out2');
    mkdirSync(out2);
    symlinkSync(elsewhere, join(out2, 'tfjs'));
    const r2 = await runCli(['export', TEMPLATE, '--to', 'tfjs', '--out', out2]);
    // (TF.js's banner and the untrained-weights note come first here: assert the line itself.)
    expect(r2.code, r2.stderr).toBe(2);
    expect(r2.stdout + r2.stderr).not.toMatch(/^\s+at /m);
    expect(r2.stderr).toMatch(
      /tfjs: cannot write: it is a link out of .*refused to write through it/,
    );
    expect(listing(elsewhere)).toEqual([]);
  }, 180_000); // four CLI exports (each starts Node + TF.js): 17 s alone, >60 s on a loaded machine

  it('export --out onto an existing file names the cause in plain words', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'taken'), 'x');
    const r = await runCli(['export', TEMPLATE, '--to', 'keras', '--out', join(dir, 'taken')]);
    expectRefused(r, 2, 'taken', /already exists/);
    expect(readFileSync(join(dir, 'taken'), 'utf8')).toBe('x');
  });
});

/** Edits of the exported TF.js manifest that crashed the importer before (issue 14, item 5). */
const MANIFEST_EDITS: [string, (doc: Record<string, unknown>) => unknown, RegExp][] = [
  ['a null group', (d) => ({ ...d, weightsManifest: [null] }), /weightsManifest\[0\]/],
  [
    'a group without paths',
    (d) => ({ ...d, weightsManifest: [{ weights: [] }] }),
    /weightsManifest\[0\]\.paths/,
  ],
  [
    'a negative shape',
    (d) => {
      const m = d.weightsManifest as { weights: { shape: unknown }[] }[];
      m[0]!.weights[0]!.shape = [-784, 128];
      return d;
    },
    /weightsManifest\[0\]\.weights\[0\]\.shape\[0\]/,
  ],
  [
    'a shape that is not a list',
    (d) => {
      const m = d.weightsManifest as { weights: { shape: unknown }[] }[];
      m[0]!.weights[0]!.shape = 'big';
      return d;
    },
    /weightsManifest\[0\]\.weights\[0\]\.shape/,
  ],
  [
    'null weights',
    (d) => {
      (d.weightsManifest as { weights: unknown }[])[0]!.weights = null;
      return d;
    },
    /weightsManifest\[0\]\.weights/,
  ],
  [
    'a null layer list',
    (d) => {
      const t = d.modelTopology as { config: { layers: unknown } };
      t.config.layers = null;
      return d;
    },
    /config\.layers/,
  ],
  [
    'a string layer list',
    (d) => {
      const t = d.modelTopology as { config: { layers: unknown } };
      t.config.layers = 'dense';
      return d;
    },
    /config\.layers/,
  ],
  [
    'a null layer',
    (d) => {
      const t = d.modelTopology as { config: { layers: unknown[] } };
      t.config.layers[1] = null;
      return d;
    },
    /config\.layers\[1\]/,
  ],
];

describe.concurrent('no stack traces from the importers', () => {
  for (const [what, edit, place] of MANIFEST_EDITS) {
    it(`TF.js model.json with ${what}`, async () => {
      const dir = tfjsCopy(edit);
      const r = await runCli(['import', join(dir, 'model.json'), '--out', join(dir, 'o.json')]);
      expectRefused(r, 1, 'model.json', place);
      expect(existsSync(join(dir, 'o.json'))).toBe(false);
    });
  }

  it('an ONNX float tensor with 35 raw bytes', async () => {
    const dir = fresh();
    // TensorProto: dims 9, data_type FLOAT (1), name "w", raw_data of 35 bytes (36 needed).
    const tensor = [0x08, 9, 0x10, 1, 0x42, 1, 0x77, 0x4a, 35, ...new Array<number>(35).fill(0)];
    const graph = [0x2a, tensor.length, ...tensor];
    const model = Uint8Array.from([0x08, 7, 0x3a, graph.length, ...graph]);
    writeFileSync(join(dir, 'm.onnx'), model);
    const r = await runCli(['import', join(dir, 'm.onnx'), '--out', join(dir, 'o.json')]);
    expectRefused(
      r,
      1,
      'm.onnx',
      /tensor w: its raw data is 35 bytes, but 9 float32 values need 36/,
    );
  });
});

describe.concurrent('command and option lookups are own names only', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    it(`netwright ${name} x`, async () => {
      expectRefused(await runCli([name, 'x']), 2, name, /unknown command/);
    });
  }
  for (const to of ['toString', 'constructor', '__proto__']) {
    it(`export --to ${to}`, async () => {
      const dir = fresh();
      const r = await runCli(['export', TEMPLATE, '--to', to, '--out', join(dir, 'o')]);
      expectRefused(r, 2, to, /unknown format/);
      expect(listing(dir)).toEqual([]);
    });
  }
});

/** A valid project's text with `extra` fields spliced in at the top level. */
function projectText(extra = '', name = 'p'): string {
  const doc = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as Record<string, unknown>;
  doc.name = name;
  const text = JSON.stringify(doc, null, 2);
  return extra ? text.replace(/\n}\s*$/, `,\n${extra}\n}\n`) : text;
}

describe.concurrent('messages name the place and the cause', () => {
  it('a 200,000-deep unknown field is refused by its nesting, at its path', async () => {
    const dir = fresh();
    const deep = `"deep": ${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`;
    writeFileSync(join(dir, 'deep.json'), projectText(deep));
    const r = await runCli(['check', join(dir, 'deep.json')]);
    expectRefused(r, 2, 'deep.json', /deep\.a\.a.*nested more than 64 levels/);
  });

  it('a NaN literal on line 24 is reported at line 24', async () => {
    const dir = fresh();
    const lines = projectText().split('\n');
    const at = lines.findIndex((l, i) => i >= 23 && /: \d+,?$/.test(l));
    lines[at] = lines[at]!.replace(/\d+(,?)$/, 'NaN$1');
    writeFileSync(join(dir, 'nan.json'), lines.join('\n'));
    const r = await runCli(['check', join(dir, 'nan.json')]);
    const col = lines[at]!.indexOf('NaN') + 1;
    expectRefused(r, 2, 'nan.json', new RegExp(`line ${at + 1}, column ${col}`));
    expect(at + 1).toBeGreaterThanOrEqual(24);
  });

  it('UTF-8 with BOM and UTF-16 (with BOM) projects read as the app reads them', async () => {
    const dir = fresh();
    const text = projectText();
    writeFileSync(join(dir, 'bom.json'), `\ufeff${text}`);
    writeFileSync(join(dir, 'le.json'), Buffer.from(`\ufeff${text}`, 'utf16le'));
    for (const f of ['bom.json', 'le.json']) {
      const r = await runCli(['summary', join(dir, f)]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('Total params: 109,386');
    }
    // UTF-16 without a byte-order mark is named as such.
    writeFileSync(join(dir, 'nobom.json'), Buffer.from(text, 'utf16le'));
    expectRefused(await runCli(['check', join(dir, 'nobom.json')]), 2, 'nobom.json', /UTF-16/);
  });

  it('export of an empty graph says why', async () => {
    const dir = fresh();
    const doc = JSON.parse(projectText()) as { graph: unknown };
    doc.graph = { nodes: [], edges: [] };
    writeFileSync(join(dir, 'empty.json'), JSON.stringify(doc));
    const r = await runCli([
      'export',
      join(dir, 'empty.json'),
      '--to',
      'onnx',
      '--out',
      join(dir, 'o'),
    ]);
    expectRefused(r, 1, 'empty.json', /the graph is empty/);
    expect(listing(dir)).toEqual(['empty.json']);
  });

  it('train refuses a FIFO as --out before training, not after the run', async () => {
    const dir = fresh();
    mkfifo(join(dir, 'out.json'));
    const r = await runCli([
      'train',
      TEMPLATE,
      '--epochs',
      '1',
      '--limit',
      '10',
      '--out',
      join(dir, 'out.json'),
    ]);
    expectRefused(r, 2, 'out.json', /FIFO \(named pipe\), not a regular file; refused/);
    expect(r.stdout, 'no epoch ran').not.toContain('"epoch"');
  });

  it('train and check of an empty graph say why (never exit 1 without a word)', async () => {
    const dir = fresh();
    const doc = JSON.parse(projectText()) as { graph: unknown };
    doc.graph = { nodes: [], edges: [] };
    writeFileSync(join(dir, 'empty.json'), JSON.stringify(doc));
    const t = await runCli(['train', join(dir, 'empty.json'), '--epochs', '1', '--limit', '10']);
    expectRefused(t, 1, 'empty.json', /the graph is empty/);
    const c = await runCli(['check', join(dir, 'empty.json')]);
    expect(c.code).toBe(1);
    expect(c.stdout).toMatch(/empty\.json: the graph is empty/);
    expect(c.stdout).not.toContain('No problems found');
  });

  it('summary escapes control characters in the name (no forged lines)', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'n.json'), projectText('', 'x\nTotal params: 999\u001b[2J'));
    const r = await runCli(['summary', join(dir, 'n.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/^Total params: 999/m);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toMatch(/^Total params: 109,386$/m);
  });

  it('a single-class CSV says what to do', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'one.csv'), 'a,b,label\n1,2,cat\n3,4,cat\n5,6,cat\n');
    const r = await runCli(['train', TEMPLATE, '--dataset', join(dir, 'one.csv'), '--epochs', '1']);
    expectRefused(r, 2, 'one.csv', /one class only \("cat"\).*add rows of other classes/);
  }, 60_000);
});
