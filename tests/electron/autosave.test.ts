import { readFile, utimes, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autosavePaths, createAutosaveHandlers } from '../../electron/ipc/handlers/autosave.ts';
import { APP_SENDER, FOREIGN_SENDER, listDir, projectText, tempDir, TRUSTED } from './helpers.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

function handlersIn(folder: string) {
  return createAutosaveHandlers({ folder }, TRUSTED);
}

describe('autosave and recovery', () => {
  it('offers nothing when there is no autosave', async () => {
    const handlers = handlersIn(join(dir, 'recovery'));
    expect(await handlers['autosave:read'](APP_SENDER, undefined)).toEqual({
      ok: true,
      value: null,
    });
  });

  it('finds the work left by a crash, with its time and source file, at the next start', async () => {
    const folder = join(dir, 'recovery');
    const text = projectText('Unsaved work');
    const before = Date.now();
    const written = await handlersIn(folder)['autosave:write'](APP_SENDER, {
      text,
      sourcePath: join(dir, 'mnist.netwright'),
    });
    expect(written.ok).toBe(true);
    // A "new process" (fresh handlers) after the crash:
    const offer = await handlersIn(folder)['autosave:read'](APP_SENDER, undefined);
    if (!offer.ok || !offer.value) throw new Error(JSON.stringify(offer));
    expect(offer.value.text).toBe(text);
    expect(offer.value.projectName).toBe('Unsaved work');
    expect(offer.value.sourcePath).toBe(join(dir, 'mnist.netwright'));
    expect(written.ok && written.value.savedAt).toBe(offer.value.savedAt);
    expect(Date.parse(offer.value.savedAt)).toBeGreaterThanOrEqual(before - 2000);
  });

  it('reports the timestamp of the autosave file', async () => {
    const folder = join(dir, 'recovery');
    await handlersIn(folder)['autosave:write'](APP_SENDER, {
      text: projectText('x'),
      sourcePath: null,
    });
    const when = new Date('2024-05-06T07:08:09.000Z');
    await utimes(autosavePaths(folder).text, when, when);
    const offer = await handlersIn(folder)['autosave:read'](APP_SENDER, undefined);
    expect(offer.ok && offer.value).toMatchObject({
      savedAt: when.toISOString(),
      sourcePath: null,
    });
  });

  it('a newer autosave replaces the older one; clear removes it', async () => {
    const folder = join(dir, 'recovery');
    const handlers = handlersIn(folder);
    await handlers['autosave:write'](APP_SENDER, { text: projectText('first'), sourcePath: null });
    await handlers['autosave:write'](APP_SENDER, { text: projectText('second'), sourcePath: null });
    expect(await listDir(folder)).toEqual(['autosave.json', 'autosave.netwright']);
    const offer = await handlers['autosave:read'](APP_SENDER, undefined);
    expect(offer.ok && offer.value?.projectName).toBe('second');
    expect(await handlers['autosave:clear'](APP_SENDER, undefined)).toEqual({
      ok: true,
      value: null,
    });
    expect(await listDir(folder)).toEqual([]);
    expect(await handlers['autosave:read'](APP_SENDER, undefined)).toEqual({
      ok: true,
      value: null,
    });
  });

  it('a damaged autosave is reported, not offered', async () => {
    const folder = join(dir, 'recovery');
    await mkdir(folder, { recursive: true });
    await writeFile(autosavePaths(folder).text, '{"format": "netwright.project", "vers');
    const offer = await handlersIn(folder)['autosave:read'](APP_SENDER, undefined);
    expect(offer.ok).toBe(false);
    expect(!offer.ok && offer.error).toMatch(
      /^The work autosaved at .* cannot be restored: Cannot open "autosave\.netwright": Not valid JSON/,
    );
  });

  it('offers the work even if its metadata is missing', async () => {
    const folder = join(dir, 'recovery');
    await mkdir(folder, { recursive: true });
    await writeFile(autosavePaths(folder).text, projectText('orphan'));
    const offer = await handlersIn(folder)['autosave:read'](APP_SENDER, undefined);
    expect(offer.ok && offer.value).toMatchObject({ projectName: 'orphan', sourcePath: null });
  });

  it('checks the sender and the request', async () => {
    const handlers = handlersIn(join(dir, 'recovery'));
    const foreign = await handlers['autosave:write'](FOREIGN_SENDER, {
      text: projectText('x'),
      sourcePath: null,
    });
    expect(!foreign.ok && foreign.error).toMatch(/^Refused "autosave:write"/);
    const bad = await handlers['autosave:write'](APP_SENDER, { text: projectText('x') });
    expect(!bad.ok && bad.error).toMatch(/Invalid request to "autosave:write": sourcePath/);
    expect(await listDir(dir)).toEqual([]);
  });

  it('refuses work over the size limit without touching the previous autosave', async () => {
    const folder = join(dir, 'recovery');
    const small = createAutosaveHandlers({ folder, maxProjectBytes: 10_000 }, TRUSTED);
    await small['autosave:write'](APP_SENDER, { text: projectText('kept'), sourcePath: null });
    const big = await small['autosave:write'](APP_SENDER, {
      text: projectText('x'.repeat(100)).replace(
        '"graph"',
        `"pad": "${'y'.repeat(20_000)}", "graph"`,
      ),
      sourcePath: null,
    });
    expect(!big.ok && big.error).toMatch(/^Autosave skipped: the project is/);
    expect(JSON.parse(await readFile(autosavePaths(folder).text, 'utf8')).name).toBe('kept');
  });
});
