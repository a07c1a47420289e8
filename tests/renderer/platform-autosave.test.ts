import { describe, expect, it, vi } from 'vitest';
import type { NetwrightApi } from '../../shared/ipc/contract.ts';
import { localAutosave, AUTOSAVE_KEY } from '../../renderer/platform/browser.ts';
import { electronPlatform } from '../../renderer/platform/electron.ts';
import { PlatformError } from '../../renderer/platform/types.ts';

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    clear: () => m.clear(),
    key: (i: number) => [...m.keys()][i] ?? null,
    get length() {
      return m.size;
    },
  };
}

describe('autosave targets', () => {
  it('browser: one localStorage slot; browser file handles are not kept across reloads', async () => {
    const storage = memoryStorage();
    const a = localAutosave(storage);
    expect(await a.read()).toBe(null);
    await a.write('{"name":"Mine"}', 'browser-file://1/mine.netwright');
    const r = (await a.read())!;
    expect(r).toMatchObject({ projectName: 'Mine', sourcePath: null, text: '{"name":"Mine"}' });
    expect(Number.isNaN(Date.parse(r.savedAt))).toBe(false);
    storage.setItem(AUTOSAVE_KEY, 'garbage');
    expect(await a.read()).toBe(null);
    await a.clear();
    expect(storage.getItem(AUTOSAVE_KEY)).toBe(null);
  });

  it('browser: a full storage is a PlatformError', async () => {
    const storage = memoryStorage();
    storage.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    await expect(localAutosave(storage).write('{}', null)).rejects.toBeInstanceOf(PlatformError);
  });

  it('Electron: autosave, versions and close go through the preload API', async () => {
    const writeAutosave = vi.fn().mockResolvedValue({ ok: true, value: { savedAt: 'now' } });
    const readAutosave = vi.fn().mockResolvedValue({ ok: true, value: null });
    const clearAutosave = vi.fn().mockResolvedValue({ ok: false, error: 'disk gone' });
    const versions = vi.fn().mockResolvedValue({ ok: true, value: { electron: '45.5.0' } });
    const closeWindow = vi.fn().mockResolvedValue({ ok: true, value: null });
    const api = {
      kind: 'electron',
      platform: 'darwin',
      writeAutosave,
      readAutosave,
      clearAutosave,
      versions,
      closeWindow,
    } as unknown as NetwrightApi;
    const p = electronPlatform(api);
    await p.autosave.write('text', '/p/a.netwright');
    expect(writeAutosave).toHaveBeenCalledWith({ text: 'text', sourcePath: '/p/a.netwright' });
    expect(await p.autosave.read()).toBe(null);
    await expect(p.autosave.clear()).rejects.toThrow('disk gone');
    expect(await p.versions!()).toEqual({ electron: '45.5.0' });
    await p.closeWindow!();
    expect(closeWindow).toHaveBeenCalled();
    expect(p.modKey).toBe('Cmd');
  });
});
