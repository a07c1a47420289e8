import { describe, expect, it, vi } from 'vitest';
import type { NetwrightApi } from '../../shared/ipc/contract.ts';
import { electronPlatform } from '../../renderer/platform/electron.ts';
import { PlatformError } from '../../renderer/platform/types.ts';

function fakeApi(overrides: Partial<Record<keyof NetwrightApi, unknown>>): NetwrightApi {
  return { kind: 'electron', platform: 'linux', ...overrides } as unknown as NetwrightApi;
}

describe('Electron platform adapter', () => {
  it('opens through the preload API, and a cancelled dialog is null', async () => {
    const openProject = vi
      .fn()
      .mockResolvedValueOnce({
        ok: true,
        value: { canceled: false, path: '/p/a.netwright', name: 'a.netwright', text: '{}' },
      })
      .mockResolvedValueOnce({ ok: true, value: { canceled: true } });
    const p = electronPlatform(fakeApi({ openProject }));
    expect(p.kind).toBe('electron');
    expect(await p.openFile()).toEqual({ name: 'a.netwright', text: '{}', path: '/p/a.netwright' });
    expect(await p.openFile()).toBe(null);
  });

  it('turns an IPC failure into a PlatformError with its details', async () => {
    const openProject = vi.fn().mockResolvedValue({
      ok: false,
      error: 'a.netwright is not a Netwright project',
      details: ['graph.nodes[0].id: must not be empty'],
    });
    const p = electronPlatform(fakeApi({ openProject }));
    const err = await p.openFile().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformError);
    expect((err as PlatformError).message).toMatch(/not a Netwright project/);
    expect((err as PlatformError).details).toEqual(['graph.nodes[0].id: must not be empty']);
  });

  it('saves to a known path without a dialog, and exports', async () => {
    const saveProject = vi.fn().mockResolvedValue({
      ok: true,
      value: { canceled: false, path: '/p/m.netwright', name: 'm.netwright' },
    });
    const exportFile = vi.fn().mockResolvedValue({ ok: true, value: { canceled: true } });
    const p = electronPlatform(fakeApi({ saveProject, exportFile }));
    expect(await p.saveFile('m.netwright', 'x', { path: '/p/m.netwright' })).toEqual({
      saved: true,
      location: 'm.netwright',
      path: '/p/m.netwright',
    });
    expect(saveProject).toHaveBeenCalledWith({
      text: 'x',
      suggestedName: 'm.netwright',
      path: '/p/m.netwright',
    });
    await p.saveFile('n.netwright', 'y');
    expect(saveProject).toHaveBeenLastCalledWith({ text: 'y', suggestedName: 'n.netwright' });
    expect(await p.exportFile('model.py', 'code')).toEqual({ saved: false });
    expect(exportFile.mock.calls[0]![0]).toMatchObject({ suggestedName: 'model.py', data: 'code' });
  });

  it('forwards menu commands and the document state', () => {
    let listener: ((c: { command: string }) => void) | undefined;
    const unsubscribe = vi.fn();
    const onCommand = vi.fn((l: (c: { command: string }) => void) => {
      listener = l;
      return unsubscribe;
    });
    const setDocumentState = vi.fn().mockResolvedValue({ ok: true, value: null });
    const p = electronPlatform(fakeApi({ onCommand, setDocumentState }));
    const seen: string[] = [];
    const off = p.onCommand((c) => seen.push(c.command));
    listener?.({ command: 'view:fit' });
    expect(seen).toEqual(['view:fit']);
    off();
    expect(unsubscribe).toHaveBeenCalled();
    p.setDocumentState({ fileName: 'a.netwright', dirty: true });
    expect(setDocumentState).toHaveBeenCalledWith({ fileName: 'a.netwright', dirty: true });
  });
});
