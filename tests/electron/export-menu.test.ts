/** The desktop File › Export menu (issue 13): every model export the toolbar has, as commands. */
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate } from '../../electron/menu/template.ts';
import { APP_COMMANDS } from '../../shared/ipc/contract.ts';

describe('File › Export', () => {
  it('sends one contract command per export, ONNX to the Python projects', () => {
    const sent: string[] = [];
    const template = menuTemplate({
      isMac: false,
      isDev: false,
      recent: [],
      send: (c) => sent.push(c.command),
      clearRecent: () => undefined,
    });
    const file = template.find((m) => m.label === '&File')!.submenu as MenuItemConstructorOptions[];
    const exportMenu = file.find((m) => m.label === 'Export')!
      .submenu as MenuItemConstructorOptions[];
    const items = exportMenu.filter((i) => i.type !== 'separator');
    for (const item of items) (item.click as () => void)();
    expect(sent).toEqual([
      'file:export-keras',
      'file:export-pytorch',
      'file:export-onnx',
      'file:export-tfjs',
      'file:export-npz',
      'file:export-keras-project',
      'file:export-pytorch-project',
    ]);
    for (const c of sent) expect(APP_COMMANDS).toContain(c);
    expect(items.map((i) => i.label)).toContain('ONNX Model…');
  });
});
