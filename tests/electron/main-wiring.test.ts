/**
 * Loads electron/main.ts against a fake `electron` module (the Electron binary cannot run here)
 * and checks the wiring: window options, IPC registration with sender checks, the app://
 * protocol's headers, navigation/window.open/permission/network blocking, the close prompt.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_COMMAND_CHANNEL, IPC_CHANNELS } from '../../shared/ipc/contract.ts';

type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const listeners = (): Map<string, Listener[]> => new Map();
  const on = (map: Map<string, Listener[]>) => (event: string, fn: Listener) => {
    map.set(event, [...(map.get(event) ?? []), fn]);
  };
  const appEvents = listeners();
  let ready: () => void = () => undefined;
  const readyPromise = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const state = {
    appEvents,
    ready,
    readyPromise,
    schemes: [] as unknown[],
    sandboxEnabled: false,
    protocolHandlers: new Map<string, (request: { url: string }) => Promise<Response>>(),
    ipc: new Map<string, Listener>(),
    windows: [] as FakeWindow[],
    menu: null as unknown,
    permissionRequest: null as Listener | null,
    permissionCheck: null as Listener | null,
    beforeRequest: null as { filter: unknown; fn: Listener } | null,
    messageBoxResponse: 0,
  };
  class FakeWindow {
    options: Record<string, unknown>;
    events = listeners();
    sent: unknown[] = [];
    title = '';
    closed = false;
    loaded = '';
    webContents = {
      send: (channel: string, payload: unknown) => this.sent.push([channel, payload]),
    };
    constructor(options: Record<string, unknown>) {
      this.options = options;
      state.windows.push(this);
    }
    on = on(this.events);
    once = on(this.events);
    loadURL = async (url: string) => {
      this.loaded = url;
    };
    show() {}
    setTitle(title: string) {
      this.title = title;
    }
    setDocumentEdited() {}
    isMinimized() {
      return false;
    }
    focus() {}
    close() {
      let prevented = false;
      for (const fn of this.events.get('close') ?? [])
        fn({ preventDefault: () => (prevented = true) });
      if (!prevented) this.closed = true;
    }
    static getAllWindows = () => state.windows.filter((w) => !w.closed);
  }
  const electron = {
    app: {
      getPath: (name: string) => `/fake/${name}`,
      getVersion: () => '0.1.0',
      enableSandbox: () => {
        state.sandboxEnabled = true;
      },
      requestSingleInstanceLock: () => true,
      on: on(appEvents),
      whenReady: () => readyPromise,
      quit: () => undefined,
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => state.schemes.push(...schemes),
      handle: (scheme: string, fn: (request: { url: string }) => Promise<Response>) =>
        state.protocolHandlers.set(scheme, fn),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: Listener) => (state.permissionRequest = fn),
        setPermissionCheckHandler: (fn: Listener) => (state.permissionCheck = fn),
        setDevicePermissionHandler: () => undefined,
        webRequest: {
          onBeforeRequest: (filter: unknown, fn: Listener) =>
            (state.beforeRequest = { filter, fn }),
          onHeadersReceived: () => undefined,
        },
      },
    },
    ipcMain: { handle: (channel: string, fn: Listener) => state.ipc.set(channel, fn) },
    Menu: {
      buildFromTemplate: (template: unknown) => ({ template }),
      setApplicationMenu: (menu: unknown) => (state.menu = menu),
    },
    dialog: {
      showMessageBox: async () => ({ response: state.messageBoxResponse }),
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showSaveDialog: async () => ({ canceled: true }),
    },
    BrowserWindow: FakeWindow,
  };
  return { state, electron, FakeWindow };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const servedFiles = vi.hoisted(() => new Map<string, string>());
vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...original,
    readFile: (async (path: unknown, ...rest: unknown[]) => {
      const served = typeof path === 'string' ? servedFiles.get(path) : undefined;
      if (served !== undefined) return Buffer.from(served);
      return (original.readFile as (...a: unknown[]) => Promise<unknown>)(path, ...rest);
    }) as typeof original.readFile,
  };
});

const rendererDir = join(
  import.meta.dirname,
  '..',
  '..',
  'electron',
  '..',
  'renderer',
  'main_window',
);
const state = fake.state;

beforeAll(async () => {
  (globalThis as Record<string, unknown>).MAIN_WINDOW_VITE_NAME = 'main_window';
  servedFiles.set(join(rendererDir, 'index.html'), '<!doctype html><title>Netwright</title>');
  servedFiles.set(join(rendererDir, 'assets', 'ort.wasm'), 'wasm-bytes');
  await import('../../electron/main.ts');
  state.ready();
  await state.readyPromise;
  await vi.waitFor(() => expect(state.windows).toHaveLength(1));
}, 60_000); // importing the main process (Electron stubs, zod, the IPC contract) took >10 s on a loaded 2-core machine

const appFrame = { senderFrame: { url: 'app://netwright/index.html', parent: null } };

describe('main process wiring', () => {
  it('registers the app:// scheme as privileged and sandboxes every renderer', () => {
    expect(state.schemes).toEqual([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ secure: true, standard: true }),
      }),
    ]);
    expect(state.sandboxEnabled).toBe(true);
  });

  it('creates the window with the secure options and loads app://netwright', () => {
    const window = state.windows[0]!;
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      preload: join(import.meta.dirname, '..', '..', 'electron', 'preload.cjs'),
    });
    expect(window.loaded).toBe('app://netwright/index.html');
    expect(state.menu).toBeTruthy();
  });

  it('registers one handler per contract channel, each checking its sender', async () => {
    expect([...state.ipc.keys()].sort()).toEqual([...IPC_CHANNELS].sort());
    const versions = await state.ipc.get('app:versions')!(appFrame);
    expect(versions).toMatchObject({ ok: true, value: { app: '0.1.0' } });
    const foreign = await state.ipc.get('app:versions')!({
      senderFrame: { url: 'https://evil.example/', parent: null },
    });
    expect(foreign).toMatchObject({ ok: false, error: expect.stringMatching(/^Refused/) });
    const iframe = await state.ipc.get('app:versions')!({
      senderFrame: { url: 'app://netwright/index.html', parent: {} },
    });
    expect(iframe).toMatchObject({ ok: false });
    const gone = await state.ipc.get('app:versions')!({ senderFrame: null });
    expect(gone).toMatchObject({ ok: false });
    const extra = await state.ipc.get('app:versions')!(appFrame, undefined, 'extra');
    expect(extra).toMatchObject({ ok: false, error: expect.stringMatching(/one argument/) });
  });

  it('serves the renderer over app:// with CSP and isolation headers, nothing outside it', async () => {
    const handler = state.protocolHandlers.get('app')!;
    const page = await handler({ url: 'app://netwright/index.html' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(
      /script-src 'self' 'wasm-unsafe-eval'/,
    );
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const wasm = await handler({ url: 'app://netwright/assets/ort.wasm' });
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect((await handler({ url: 'app://netwright/..%2f..%2fpackage.json' })).status).toBe(404);
    expect((await handler({ url: 'app://netwright/missing.js' })).status).toBe(404);
  });

  it('blocks navigation, window.open and webviews in every web contents', () => {
    const events = new Map<string, Listener>();
    let openHandler: Listener | undefined;
    const contents = {
      on: (event: string, fn: Listener) => events.set(event, fn),
      setWindowOpenHandler: (fn: Listener) => (openHandler = fn),
    };
    for (const fn of state.appEvents.get('web-contents-created') ?? []) fn({}, contents);
    const navigate = (event: string, url: string, asEvent = false) => {
      let prevented = false;
      const e = { preventDefault: () => (prevented = true), url };
      if (asEvent) events.get(event)!(e);
      else events.get(event)!(e, url);
      return prevented;
    };
    expect(navigate('will-navigate', 'https://example.com/')).toBe(true);
    expect(navigate('will-navigate', 'app://netwright/index.html')).toBe(false);
    expect(navigate('will-redirect', 'https://example.com/')).toBe(true);
    expect(navigate('will-frame-navigate', 'https://example.com/', true)).toBe(true);
    expect(navigate('will-attach-webview', 'x')).toBe(true);
    expect(openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });

  it('denies permissions and cancels remote requests', () => {
    let granted: boolean | undefined;
    state.permissionRequest!({}, 'media', (ok: boolean) => (granted = ok), {
      requestingUrl: 'app://netwright/index.html',
    });
    expect(granted).toBe(false);
    expect(state.permissionCheck!({}, 'geolocation', 'app://netwright')).toBe(false);
    let cancel: boolean | undefined;
    state.beforeRequest!.fn(
      { url: 'https://cdn.jsdelivr.net/x.wasm' },
      (r: { cancel: boolean }) => {
        cancel = r.cancel;
      },
    );
    expect(cancel).toBe(true);
  });

  it('asks before closing with unsaved changes and sends save-and-close on Save', async () => {
    const window = state.windows[0]!;
    await state.ipc.get('window:set-document')!(appFrame, { fileName: 'm.netwright', dirty: true });
    expect(window.title).toBe('• m.netwright — Netwright');
    state.messageBoxResponse = 2; // Cancel
    window.close();
    await new Promise((r) => setTimeout(r, 10));
    expect(window.closed).toBe(false);
    state.messageBoxResponse = 0; // Save
    window.close();
    await vi.waitFor(() =>
      expect(window.sent).toContainEqual([APP_COMMAND_CHANNEL, { command: 'file:save-and-close' }]),
    );
    expect(window.closed).toBe(false);
    // The renderer saved and asks to close:
    await state.ipc.get('window:close')!(appFrame);
    expect(window.closed).toBe(true);
  });
});
