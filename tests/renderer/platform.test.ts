import { describe, expect, it, vi } from 'vitest';
import { electronPlatform } from '../../renderer/platform/electron.ts';
import type { NetwrightBridge } from '../../renderer/platform/types.ts';

describe('platform adapter', () => {
  it('forwards every call to the preload bridge in Electron', async () => {
    const bridge: NetwrightBridge = {
      openFile: vi.fn(async () => ({ name: 'a.json', text: '{}' })),
      saveFile: vi.fn(async () => ({ saved: true, location: '/tmp/a.json' })),
      exportFile: vi.fn(async () => ({ saved: false })),
    };
    const p = electronPlatform(bridge);
    expect(p.kind).toBe('electron');
    expect(await p.openFile([{ name: 'P', extensions: ['json'] }])).toEqual({
      name: 'a.json',
      text: '{}',
    });
    expect(bridge.openFile).toHaveBeenCalledWith({
      filters: [{ name: 'P', extensions: ['json'] }],
    });
    expect(await p.saveFile('a.json', 'x')).toEqual({ saved: true, location: '/tmp/a.json' });
    expect(bridge.saveFile).toHaveBeenCalledWith({ suggestedName: 'a.json', data: 'x' });
    expect((await p.exportFile('m.py', 'code')).saved).toBe(false);
  });
});
