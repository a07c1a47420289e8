import type { MenuItemConstructorOptions } from 'electron';
import type { AppCommand, AppCommandName, RecentProject } from '../../shared/ipc/contract.ts';

export interface MenuOptions {
  isMac: boolean;
  isDev: boolean;
  recent: readonly RecentProject[];
  /** Sends a command to the renderer (`app:command`). */
  send(command: AppCommand): void;
  clearRecent(): void;
}

/**
 * The application menu: File, Edit, View, Help (plus the app menu on macOS). Graph actions are
 * sent to the renderer as commands; Cut/Copy/Paste use Electron's roles, which fire the DOM
 * `cut`/`copy`/`paste` events the renderer handles (so text fields keep working too).
 * Pure: builds the template only (type-only Electron import), so it is unit-tested.
 */
export function menuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const command = (
    label: string,
    name: AppCommandName,
    accelerator?: string,
  ): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => options.send({ command: name }),
  });
  const recentItems: MenuItemConstructorOptions[] =
    options.recent.length === 0
      ? [{ label: 'No recent projects', enabled: false }]
      : options.recent.map((file) => ({
          label: file.path,
          enabled: file.exists,
          click: () => options.send({ command: 'file:open-recent', path: file.path }),
        }));

  const appMenu: MenuItemConstructorOptions[] = options.isMac
    ? [
        {
          label: 'Netwright',
          submenu: [
            command('About Netwright', 'help:about'),
            { type: 'separator' },
            { role: 'services' },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
      ]
    : [];

  return [
    ...appMenu,
    {
      label: '&File',
      submenu: [
        command('New', 'file:new', 'CmdOrCtrl+N'),
        command('New from Template…', 'file:new-from-template', 'CmdOrCtrl+Shift+N'),
        command('Open…', 'file:open', 'CmdOrCtrl+O'),
        command('Import Model…', 'file:import-model'),
        command('Import from Code…', 'file:import-code'),
        {
          label: 'Open Recent',
          submenu: [
            ...recentItems,
            { type: 'separator' },
            {
              label: 'Clear Recent',
              enabled: options.recent.length > 0,
              click: () => options.clearRecent(),
            },
          ],
        },
        { type: 'separator' },
        command('Save', 'file:save', 'CmdOrCtrl+S'),
        command('Save As…', 'file:save-as', 'CmdOrCtrl+Shift+S'),
        {
          label: 'Export',
          submenu: [
            command('Keras Python…', 'file:export-keras'),
            command('PyTorch Python…', 'file:export-pytorch'),
            { type: 'separator' },
            command('ONNX Model…', 'file:export-onnx'),
            command('TF.js Layers Model (zip)…', 'file:export-tfjs'),
            command('Weights (weights.npz)…', 'file:export-npz'),
            { type: 'separator' },
            command('Keras Project (zip)…', 'file:export-keras-project'),
            command('PyTorch Project (zip)…', 'file:export-pytorch-project'),
          ],
        },
        { type: 'separator' },
        options.isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        command('Undo', 'edit:undo', 'CmdOrCtrl+Z'),
        command('Redo', 'edit:redo', 'CmdOrCtrl+Shift+Z'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        command('Duplicate', 'edit:duplicate', 'CmdOrCtrl+D'),
        command('Delete', 'edit:delete'),
        { type: 'separator' },
        command('Select All', 'edit:select-all', 'CmdOrCtrl+A'),
      ],
    },
    {
      label: '&View',
      submenu: [
        command('Zoom In', 'view:zoom-in', 'CmdOrCtrl+='),
        command('Zoom Out', 'view:zoom-out', 'CmdOrCtrl+-'),
        command('Fit View', 'view:fit', 'CmdOrCtrl+0'),
        command('Auto Layout', 'view:auto-layout', 'CmdOrCtrl+L'),
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(options.isDev
          ? ([
              { type: 'separator' },
              { role: 'reload' },
              { role: 'toggleDevTools' },
            ] satisfies MenuItemConstructorOptions[])
          : []),
      ],
    },
    {
      label: '&Help',
      role: 'help',
      submenu: [
        command('Keyboard Shortcuts', 'help:shortcuts', 'CmdOrCtrl+/'),
        ...(options.isMac ? [] : [command('About Netwright', 'help:about')]),
      ],
    },
  ];
}
