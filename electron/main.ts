/**
 * Netwright's Electron main process: one window, hardened along Electron's security checklist,
 * serving the built renderer over the privileged `app://netwright` scheme; file handling lives in
 * plain functions under `ipc/handlers/` (tested in Node without Electron).
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session } from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  APP_COMMAND_CHANNEL,
  type AppCommand,
  type DocumentState,
  type RecentProject,
} from '../shared/ipc/contract.ts';
import { createAppHandlers } from './ipc/handlers/app.ts';
import { clearAutosave, createAutosaveHandlers } from './ipc/handlers/autosave.ts';
import { createFileHandlers, type DialogPort } from './ipc/handlers/files.ts';
import { createModelHandlers, type ModelDialogPort } from './ipc/handlers/model.ts';
import { createRecentStore, PathGrants, type RecentStore } from './ipc/handlers/recent.ts';
import { registerIpcHandlers } from './ipc/register.ts';
import { menuTemplate } from './menu/template.ts';
import { APP_SCHEME_PRIVILEGES, mimeType, resolveAppFile } from './security/app-protocol.ts';
import { securityHeaders } from './security/csp.ts';
import { APP_SCHEME, rendererEntryUrl, type TrustedRenderer } from './security/origin.ts';
import {
  CLOSE_PROMPT_BUTTONS,
  closeAction,
  isNavigationAllowed,
  isNetworkRequestAllowed,
  isPermissionAllowed,
} from './security/policy.ts';
import { mainWindowOptions, windowTitle } from './window/options.ts';

const devServerUrl =
  typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string' && MAIN_WINDOW_VITE_DEV_SERVER_URL
    ? MAIN_WINDOW_VITE_DEV_SERVER_URL
    : undefined;
const trusted: TrustedRenderer = devServerUrl ? { devServerUrl } : {};
const buildDir = import.meta.dirname; // .vite/build
const rendererDir = path.join(buildDir, '..', 'renderer', MAIN_WINDOW_VITE_NAME);

// Must happen before 'ready'.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.enableSandbox();

let mainWindow: BrowserWindow | null = null;
let documentState: DocumentState = { fileName: 'Untitled', dirty: false };
let allowClose = false;

const autosaveDeps = { folder: path.join(app.getPath('userData'), 'recovery') };
const grants = new PathGrants();
let recent: RecentStore;

function send(command: AppCommand): void {
  mainWindow?.webContents.send(APP_COMMAND_CHANNEL, command);
}

async function refreshMenu(): Promise<void> {
  const files: RecentProject[] = await recent.list().catch(() => []);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        isMac: process.platform === 'darwin',
        isDev: devServerUrl !== undefined,
        recent: files,
        send,
        clearRecent: () => void recent.clear().then(refreshMenu),
      }),
    ),
  );
}

/** The recent store, rebuilding the Open Recent menu whenever it changes. */
function recentWithMenu(store: RecentStore): RecentStore {
  return {
    list: () => store.list(),
    has: (p) => store.has(p),
    add: async (p) => {
      await store.add(p);
      await refreshMenu();
    },
    clear: async () => {
      await store.clear();
      await refreshMenu();
    },
  };
}

const dialogs: DialogPort & ModelDialogPort = {
  async showOpenFiles({ filters }) {
    const options = {
      properties: ['openFile' as const, 'multiSelections' as const],
      filters: [...filters],
    };
    const result = mainWindow
      ? await dialog.showOpenDialog(mainWindow, options)
      : await dialog.showOpenDialog(options);
    return result.canceled ? null : result.filePaths;
  },
  async showOpen({ filters }) {
    const options = { properties: ['openFile' as const], filters: [...filters] };
    const result = mainWindow
      ? await dialog.showOpenDialog(mainWindow, options)
      : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
  async showSave({ defaultPath, filters }) {
    const options = {
      defaultPath,
      filters: [...filters],
      properties: ['showOverwriteConfirmation' as const, 'createDirectory' as const],
    };
    const result = mainWindow
      ? await dialog.showSaveDialog(mainWindow, options)
      : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? null : result.filePath;
  },
};

/** Serves the built renderer with the CSP and cross-origin isolation headers. */
function serveRenderer(): void {
  const headers = securityHeaders();
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(request.url, rendererDir);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, { headers: { 'Content-Type': mimeType(file), ...headers } });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionAllowed(permission, details.requestingUrl, trusted)),
  );
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin, trusted),
  );
  ses.setDevicePermissionHandler(() => false);
  // No remote content: every http(s)/ws request is cancelled, except to the dev server.
  ses.webRequest.onBeforeRequest(
    { urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] },
    (details, callback) => callback({ cancel: !isNetworkRequestAllowed(details.url, trusted) }),
  );
  if (devServerUrl) {
    // The dev server's pages get the same headers as app://, plus what Vite HMR needs.
    const headers = securityHeaders({ devServerOrigin: new URL(devServerUrl).origin });
    ses.webRequest.onHeadersReceived({ urls: [`${devServerUrl}*`] }, (details, callback) => {
      const responseHeaders = { ...details.responseHeaders };
      for (const [name, value] of Object.entries(headers)) responseHeaders[name] = [value];
      callback({ responseHeaders });
    });
  }
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isNavigationAllowed(url, trusted)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isNavigationAllowed(event.url, trusted)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isNavigationAllowed(url, trusted)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

async function onCloseRequested(window: BrowserWindow): Promise<void> {
  if (documentState.dirty) {
    const { response } = await dialog.showMessageBox(window, {
      type: 'warning',
      buttons: [...CLOSE_PROMPT_BUTTONS],
      defaultId: 0,
      cancelId: 2,
      message: `Save changes to "${documentState.fileName}" before closing?`,
      detail: "Your changes will be lost if you don't save them.",
    });
    const action = closeAction(response);
    if (action === 'cancel') return;
    if (action === 'save') {
      // The renderer saves, then calls closeWindow(); if the save fails it stays open.
      send({ command: 'file:save-and-close' });
      return;
    }
  }
  // Nothing unsaved (or discarded on purpose): no recovery offer next time.
  await clearAutosave(autosaveDeps).catch(() => undefined);
  allowClose = true;
  window.close();
}

function createWindow(): void {
  allowClose = false;
  documentState = { fileName: 'Untitled', dirty: false };
  const options = mainWindowOptions(path.join(buildDir, 'preload.cjs'));
  const window = new BrowserWindow({
    ...options,
    // Equal to SECURE_WEB_PREFERENCES; the key settings are repeated literally so that static
    // checkers (electronegativity) see them at the constructor.
    webPreferences: {
      ...options.webPreferences,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  mainWindow = window;
  window.once('ready-to-show', () => window.show());
  window.on('close', (event) => {
    if (allowClose) return;
    event.preventDefault();
    void onCloseRequested(window);
  });
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(rendererEntryUrl(trusted));
}

if (!app.requestSingleInstanceLock()) {
  // One instance: a second one would share (and clobber) the autosave.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.whenReady().then(async () => {
    recent = recentWithMenu(
      createRecentStore(path.join(app.getPath('userData'), 'recent-projects.json')),
    );
    hardenSession();
    serveRenderer();
    registerIpcHandlers(ipcMain, {
      ...createFileHandlers(
        { dialogs, recent, grants, defaultFolder: () => app.getPath('documents') },
        trusted,
      ),
      ...createModelHandlers({ dialogs }, trusted),
      ...createAutosaveHandlers(autosaveDeps, trusted),
      ...createAppHandlers(
        {
          appVersion: app.getVersion(),
          versions: process.versions,
          platform: process.platform,
          setDocument(state) {
            documentState = state;
            mainWindow?.setTitle(windowTitle(state.fileName, state.dirty));
            mainWindow?.setDocumentEdited(state.dirty);
          },
          closeWindow() {
            allowClose = true;
            mainWindow?.close();
          },
        },
        trusted,
      ),
    });
    await refreshMenu();
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
