import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseProject, serializeProject } from '../../shared/graph/project.ts';
import { createFileHandlers } from '../../electron/ipc/handlers/files.ts';
import {
  APP_SENDER,
  FOREIGN_SENDER,
  filesDeps,
  listDir,
  MNIST_MLP_TEXT,
  projectText,
  tempDir,
  TRUSTED,
} from './helpers.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

function setup() {
  const { deps, dialogs } = filesDeps(dir);
  return { deps, dialogs, handlers: createFileHandlers(deps, TRUSTED) };
}

describe('save and open', () => {
  it('round-trips a project through Save As and Open', async () => {
    const { handlers, dialogs } = setup();
    const target = join(dir, 'mnist.netwright');
    dialogs.saveAnswers.push(target);
    const text = projectText('My MNIST');
    const saved = await handlers['project:save'](APP_SENDER, { text, suggestedName: 'My MNIST' });
    expect(saved).toEqual({
      ok: true,
      value: { canceled: false, path: target, name: 'mnist.netwright' },
    });
    // The dialog proposed the suggested name with the project extension, in the default folder.
    expect(dialogs.saveCalls[0]?.defaultPath).toBe(join(dir, 'My MNIST.netwright.json'));
    expect(await readFile(target, 'utf8')).toBe(text);
    // No temp file left behind.
    expect(await listDir(dir)).toEqual(['mnist.netwright', 'userData']);

    dialogs.openAnswers.push(target);
    const opened = await handlers['project:open'](APP_SENDER, undefined);
    if (!opened.ok || opened.value.canceled) throw new Error(JSON.stringify(opened));
    expect(opened.value.text).toBe(text);
    const reparsed = parseProject(opened.value.text);
    expect(reparsed.ok && serializeProject(reparsed.project)).toBe(
      serializeProject((parseProject(text) as { ok: true; project: never }).project),
    );
  });

  it('overwrites a file the user chose, and it shows in Open Recent', async () => {
    const { handlers, dialogs } = setup();
    const target = join(dir, 'a.netwright');
    dialogs.saveAnswers.push(target);
    await handlers['project:save'](APP_SENDER, { text: projectText('v1'), suggestedName: 'a' });
    const again = await handlers['project:save'](APP_SENDER, {
      path: target,
      text: projectText('v2'),
      suggestedName: 'a',
    });
    expect(again.ok).toBe(true);
    expect(JSON.parse(await readFile(target, 'utf8')).name).toBe('v2');
    const recent = await handlers['project:read-recent'](APP_SENDER, undefined);
    expect(recent.ok && recent.value.map((r) => [r.path, r.exists])).toEqual([[target, true]]);
    const reopened = await handlers['project:open-recent'](APP_SENDER, { path: target });
    expect(reopened.ok && JSON.parse(reopened.value.text).name).toBe('v2');
    await handlers['project:clear-recent'](APP_SENDER, undefined);
    const cleared = await handlers['project:read-recent'](APP_SENDER, undefined);
    expect(cleared.ok && cleared.value).toEqual([]);
  });

  it('returns canceled when the user cancels a dialog, and writes nothing', async () => {
    const { handlers } = setup();
    expect(await handlers['project:open'](APP_SENDER, undefined)).toEqual({
      ok: true,
      value: { canceled: true },
    });
    expect(
      await handlers['project:save'](APP_SENDER, { text: MNIST_MLP_TEXT, suggestedName: 'x' }),
    ).toEqual({ ok: true, value: { canceled: true } });
    expect(await listDir(dir)).toEqual([]);
  });

  it('refuses to overwrite a path the user never chose or opened', async () => {
    const { handlers } = setup();
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'precious');
    const result = await handlers['project:save'](APP_SENDER, {
      path: victim,
      text: MNIST_MLP_TEXT,
      suggestedName: 'x',
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/only files you opened or chose can be overwritten/);
    expect(await readFile(victim, 'utf8')).toBe('precious');
  });

  it('refuses to open a path that is not in the recent list', async () => {
    const { handlers } = setup();
    const other = join(dir, 'other.netwright');
    await writeFile(other, MNIST_MLP_TEXT);
    const result = await handlers['project:open-recent'](APP_SENDER, { path: other });
    expect(!result.ok && result.error).toMatch(/not in the recent files list/);
  });

  it('refuses to save an invalid project, so every saved file opens again', async () => {
    const { handlers, dialogs } = setup();
    dialogs.saveAnswers.push(join(dir, 'bad.netwright'));
    const doc = JSON.parse(MNIST_MLP_TEXT);
    doc.graph.nodes[1].type = 'Bogus';
    const result = await handlers['project:save'](APP_SENDER, {
      text: JSON.stringify(doc),
      suggestedName: 'bad',
    });
    expect(!result.ok && result.error).toMatch(
      /would not open again: .*unknown layer type "Bogus"/,
    );
    expect(dialogs.saveCalls).toEqual([]);
    expect(await listDir(dir)).toEqual([]);
  });

  it('exports text and bytes through a save dialog', async () => {
    const { handlers, dialogs } = setup();
    const py = join(dir, 'model.py');
    const bin = join(dir, 'weights.bin');
    dialogs.saveAnswers.push(py, bin);
    const filters = [{ name: 'Python', extensions: ['py'] }];
    const a = await handlers['file:export'](APP_SENDER, {
      suggestedName: 'model.py',
      data: 'import torch\n',
      filters,
    });
    const bytes = new Uint8Array(new Float32Array([1.5, -2, 3.25]).buffer);
    const b = await handlers['file:export'](APP_SENDER, {
      suggestedName: 'weights.bin',
      data: bytes,
      filters: [{ name: 'Weights', extensions: ['bin'] }],
    });
    expect(a.ok && b.ok).toBe(true);
    expect(await readFile(py, 'utf8')).toBe('import torch\n');
    expect(new Float32Array((await readFile(bin)).buffer.slice(0))).toEqual(
      new Float32Array([1.5, -2, 3.25]),
    );
  });
});

describe('bad files: each gets its message, nothing is written', () => {
  const hostileName = '\u202e<img src=x onerror=alert(1)>\u0000' + 'A'.repeat(50_000);
  const cases: [string, () => string | Uint8Array, RegExp][] = [
    ['not JSON', () => '{"format": "netwright.project", "version": 1,', /Not valid JSON at line/],
    [
      'another format',
      () => JSON.stringify({ format: 'keras.model', layers: [] }),
      /Not a Netwright project: "format" is "keras.model"/,
    ],
    [
      'a binary file',
      () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x80]),
      /not a text file/,
    ],
    ['an empty file', () => '', /the file is empty/],
    [
      'a newer version',
      () => JSON.stringify({ ...JSON.parse(MNIST_MLP_TEXT), version: 99 }),
      /saved by a newer Netwright \(format version 99\)/,
    ],
    [
      'unknown layer types',
      () => {
        const doc = JSON.parse(MNIST_MLP_TEXT);
        doc.graph.nodes[1].type = 'Transformer';
        return JSON.stringify(doc);
      },
      /graph\.nodes\[1\]\.type: unknown layer type "Transformer"/,
    ],
    [
      'edges to missing nodes',
      () => {
        const doc = JSON.parse(MNIST_MLP_TEXT);
        doc.graph.edges[0].target = 'ghost';
        return JSON.stringify(doc);
      },
      /graph\.edges\[0\]\.target: no block with id "ghost"/,
    ],
    [
      'duplicate ids',
      () => {
        const doc = JSON.parse(MNIST_MLP_TEXT);
        doc.graph.nodes[2].id = doc.graph.nodes[1].id;
        return JSON.stringify(doc);
      },
      /duplicate block id "dense_1"/,
    ],
    [
      'hostile strings',
      () => {
        const doc = JSON.parse(MNIST_MLP_TEXT);
        doc.graph.nodes[1].type = hostileName;
        doc.name = '</title><script>alert(1)</script>';
        // A prototype-pollution attempt as a raw JSON key.
        return JSON.stringify(doc).replace(/^\{/, '{"__proto__": {"polluted": true},');
      },
      /unknown layer type "\\u202e<img src=x onerror=alert\(1\)>\\u0000AAAA.*… \(truncated\)/,
    ],
  ];

  for (const [label, content, message] of cases) {
    it(`${label}`, async () => {
      const { handlers, dialogs } = setup();
      const file = join(dir, 'bad.netwright');
      await writeFile(file, content());
      dialogs.openAnswers.push(file);
      const before = await listDir(dir);
      const result = await handlers['project:open'](APP_SENDER, undefined);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatch(/^Cannot open "bad\.netwright": /);
      expect(result.error).toMatch(message);
      // Bounded, and no raw control or bidi characters reach the UI.
      expect(result.error.length).toBeLessThan(1000);
      // eslint-disable-next-line no-control-regex
      expect(result.error).not.toMatch(/[\u0000-\u001f\u202e]/);
      expect(await listDir(dir)).toEqual(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      // Not remembered as a recent file.
      const recent = await handlers['project:read-recent'](APP_SENDER, undefined);
      expect(recent.ok && recent.value).toEqual([]);
    });
  }

  it('a 50 MB file is refused by its size, before it is read', async () => {
    const { handlers, dialogs } = setup();
    const file = join(dir, 'huge.netwright');
    const head = MNIST_MLP_TEXT.slice(0, -2);
    await writeFile(file, `${head}, "padding": "${'x'.repeat(50 * 1024 * 1024)}"}`);
    dialogs.openAnswers.push(file);
    const result = await handlers['project:open'](APP_SENDER, undefined);
    expect(!result.ok && result.error).toBe(
      'Cannot open "huge.netwright": the file is 50.0 MB; projects are limited to 32.0 MB',
    );
  });

  it('a missing file and a folder are named with their problem', async () => {
    const { handlers, dialogs } = setup();
    await mkdir(join(dir, 'folder.netwright'));
    dialogs.openAnswers.push(join(dir, 'gone.netwright'), join(dir, 'folder.netwright'));
    const gone = await handlers['project:open'](APP_SENDER, undefined);
    const folder = await handlers['project:open'](APP_SENDER, undefined);
    expect(!gone.ok && gone.error).toBe(
      'Cannot open "gone.netwright": the file or its folder does not exist',
    );
    expect(!folder.ok && folder.error).toBe('Cannot open "folder.netwright": it is a folder');
  });

  it('lists every schema problem in details', async () => {
    const { handlers, dialogs } = setup();
    const doc = JSON.parse(MNIST_MLP_TEXT);
    doc.graph.nodes[0].position = { x: 'left' };
    doc.graph.nodes[1].id = '';
    const file = join(dir, 'schema.netwright');
    await writeFile(file, JSON.stringify(doc));
    dialogs.openAnswers.push(file);
    const result = await handlers['project:open'](APP_SENDER, undefined);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(/and \d+ more problems/);
    expect(result.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^schema\.netwright: graph\.nodes\[0\]\.position\.x: /),
        'schema.netwright: graph.nodes[1].id: must not be empty',
      ]),
    );
  });
});

describe('sender check and argument validation', () => {
  it('rejects a foreign frame, a sub-frame and a destroyed frame before doing anything', async () => {
    const { handlers, dialogs } = setup();
    dialogs.saveAnswers.push(join(dir, 'x.netwright'));
    for (const sender of [
      FOREIGN_SENDER,
      { url: `${APP_SENDER.url}`, isMainFrame: false },
      { url: undefined, isMainFrame: true },
      { url: 'file:///etc/passwd', isMainFrame: true },
      { url: 'app://other-host/index.html', isMainFrame: true },
    ]) {
      const result = await handlers['project:save'](sender, {
        text: MNIST_MLP_TEXT,
        suggestedName: 'x',
      });
      expect(!result.ok && result.error).toMatch(/^Refused "project:save": /);
    }
    expect(dialogs.saveCalls).toEqual([]);
    expect(await listDir(dir)).toEqual([]);
  });

  it('accepts the dev server origin only when it is the configured one', async () => {
    const { deps } = filesDeps(dir);
    const dev = createFileHandlers(deps, { devServerUrl: 'http://localhost:5173' });
    const ok = await dev['project:read-recent'](
      { url: 'http://localhost:5173/', isMainFrame: true },
      undefined,
    );
    const other = await dev['project:read-recent'](
      { url: 'http://localhost:5174/', isMainFrame: true },
      undefined,
    );
    expect(ok.ok).toBe(true);
    expect(other.ok).toBe(false);
  });

  const bad: [string, unknown, RegExp][] = [
    ['no argument', undefined, /Invalid request to "project:save": .*object/i],
    ['a string', 'hello', /Invalid request/],
    [
      'a relative path',
      { path: 'a.netwright', text: '{}', suggestedName: 'a' },
      /path: must be an absolute path/,
    ],
    [
      'a path as suggested name',
      { text: '{}', suggestedName: '../../etc/passwd' },
      /suggestedName: must be a file name, not a path/,
    ],
    ['text not a string', { text: 42, suggestedName: 'a' }, /text: /],
    ['an unknown key', { text: '{}', suggestedName: 'a', evil: true }, /Unrecognized key/i],
    ['a NUL in the path', { path: '/tmp/a\0b', text: '{}', suggestedName: 'a' }, /NUL/],
  ];
  for (const [label, request, message] of bad) {
    it(`rejects ${label}`, async () => {
      const { handlers, dialogs } = setup();
      const result = await handlers['project:save'](APP_SENDER, request);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error).toMatch(message);
      expect(dialogs.saveCalls).toEqual([]);
    });
  }

  it('rejects an argument to a channel that takes none, and bad export filters', async () => {
    const { handlers } = setup();
    const open = await handlers['project:open'](APP_SENDER, { path: '/etc/passwd' });
    expect(!open.ok && open.error).toMatch(/Invalid request to "project:open"/);
    const exp = await handlers['file:export'](APP_SENDER, {
      suggestedName: 'a.py',
      data: 'x',
      filters: [{ name: 'Py', extensions: ['.py'] }],
    });
    expect(!exp.ok && exp.error).toMatch(/must be an extension without the dot/);
    const data = await handlers['file:export'](APP_SENDER, {
      suggestedName: 'a.py',
      data: { length: 3 },
      filters: [],
    });
    expect(data.ok).toBe(false);
  });
});
