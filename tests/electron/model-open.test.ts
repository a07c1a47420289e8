import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createModelHandlers } from '../../electron/ipc/handlers/model.ts';
import { menuTemplate } from '../../electron/menu/template.ts';
import { MODEL_FILE_FILTERS } from '../../shared/ipc/contract.ts';
import { APP_SENDER, FOREIGN_SENDER, tempDir, TRUSTED } from './helpers.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

/** A dialog that answers with queued path lists (null = canceled) and records its filters. */
function setup(maxBytes?: number) {
  const answers: (string[] | null)[] = [];
  const filters: unknown[] = [];
  const handlers = createModelHandlers(
    {
      dialogs: {
        showOpenFiles: async (options) => {
          filters.push(options.filters);
          return answers.shift() ?? null;
        },
      },
      ...(maxBytes === undefined ? {} : { maxBytes }),
    },
    TRUSTED,
  );
  return { handlers, answers, filters };
}

describe('model:open', () => {
  it('returns the picked model and weight files as bytes', async () => {
    const { handlers, answers, filters } = setup();
    const json = join(dir, 'model.json');
    const bin = join(dir, 'group1-shard1of1.bin');
    await writeFile(json, '{"modelTopology": {}}');
    await writeFile(bin, new Uint8Array([0, 1, 2, 255]));
    answers.push([json, bin]);
    const result = await handlers['model:open'](APP_SENDER, undefined);
    expect(result.ok).toBe(true);
    if (!result.ok || result.value.canceled) throw new Error('expected files');
    expect(result.value.files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin']);
    expect(new TextDecoder().decode(result.value.files[0]!.bytes)).toBe('{"modelTopology": {}}');
    expect(Array.from(result.value.files[1]!.bytes)).toEqual([0, 1, 2, 255]);
    expect(filters).toEqual([MODEL_FILE_FILTERS]);
  });

  it('answers canceled when the dialog is canceled', async () => {
    const { handlers } = setup();
    expect(await handlers['model:open'](APP_SENDER, undefined)).toEqual({
      ok: true,
      value: { canceled: true },
    });
  });

  it('refuses another sender, an argument, other extensions, folders and oversized files', async () => {
    const { handlers, answers } = setup(10);
    const refused = await handlers['model:open'](FOREIGN_SENDER, undefined);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toMatch(/^Refused "model:open"/);

    const withArg = await handlers['model:open'](APP_SENDER, { path: '/etc/passwd' });
    expect(withArg.ok).toBe(false);
    if (!withArg.ok) expect(withArg.error).toMatch(/^Invalid request to "model:open"/);

    const secret = join(dir, 'id_rsa');
    await writeFile(secret, 'secret');
    answers.push([secret]);
    const other = await handlers['model:open'](APP_SENDER, undefined);
    expect(other).toEqual({
      ok: false,
      error: 'Cannot import "id_rsa": only .onnx, .json, .bin and .py files',
    });

    const folder = join(dir, 'weights.bin');
    await mkdir(folder);
    answers.push([folder]);
    const notFile = await handlers['model:open'](APP_SENDER, undefined);
    expect(notFile).toEqual({ ok: false, error: 'Cannot import "weights.bin": not a file' });

    const big = join(dir, 'big.onnx');
    await writeFile(big, new Uint8Array(11));
    answers.push([big]);
    const tooBig = await handlers['model:open'](APP_SENDER, undefined);
    expect(tooBig.ok).toBe(false);
    if (!tooBig.ok) expect(tooBig.error).toMatch(/models are limited to/);

    answers.push([join(dir, 'missing.onnx')]);
    const missing = await handlers['model:open'](APP_SENDER, undefined);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error).toMatch(/^Cannot import "missing.onnx": /);
  });

  it('is in the File menu as Import Model…', () => {
    const sent: unknown[] = [];
    const template = menuTemplate({
      isMac: false,
      isDev: false,
      recent: [],
      send: (c) => sent.push(c),
      clearRecent: () => undefined,
    });
    const file = template.find((m) => m.label === '&File')!;
    const item = (file.submenu as { label?: string; click?: () => void }[]).find(
      (i) => i.label === 'Import Model…',
    )!;
    item.click!();
    expect(sent).toEqual([{ command: 'file:import-model' }]);
  });

  it('is in the File menu as Import from Code…, and the model dialog offers .py files', () => {
    const sent: unknown[] = [];
    const template = menuTemplate({
      isMac: false,
      isDev: false,
      recent: [],
      send: (c) => sent.push(c),
      clearRecent: () => undefined,
    });
    const file = template.find((m) => m.label === '&File')!;
    const item = (file.submenu as { label?: string; click?: () => void }[]).find(
      (i) => i.label === 'Import from Code…',
    )!;
    item.click!();
    expect(sent).toEqual([{ command: 'file:import-code' }]);
    expect(MODEL_FILE_FILTERS.flatMap((f) => f.extensions)).toContain('py');
  });
});
