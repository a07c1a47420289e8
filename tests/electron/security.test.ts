import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_COMMANDS, IPC_CHANNELS, API_METHODS } from '../../shared/ipc/contract.ts';
import { menuTemplate } from '../../electron/menu/template.ts';
import { mimeType, resolveAppFile } from '../../electron/security/app-protocol.ts';
import { contentSecurityPolicy, securityHeaders } from '../../electron/security/csp.ts';
import { isAppUrl, rendererEntryUrl, senderRefusal } from '../../electron/security/origin.ts';
import {
  closeAction,
  isNavigationAllowed,
  isNetworkRequestAllowed,
  isPermissionAllowed,
} from '../../electron/security/policy.ts';
import {
  mainWindowOptions,
  SECURE_WEB_PREFERENCES,
  windowTitle,
} from '../../electron/window/options.ts';
import type { MenuItemConstructorOptions } from 'electron';

describe('BrowserWindow options', () => {
  it('keep contextIsolation and sandbox on, nodeIntegration off', () => {
    const options = mainWindowOptions('/app/.vite/build/preload.cjs');
    expect(options.webPreferences).toMatchObject({
      preload: '/app/.vite/build/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
    expect(Object.isFrozen(SECURE_WEB_PREFERENCES)).toBe(true);
    expect(options.show).toBe(false);
  });

  it('title shows the file name and an unsaved mark', () => {
    expect(windowTitle('mnist.netwright', false)).toBe('mnist.netwright — Netwright');
    expect(windowTitle('mnist.netwright', true)).toBe('• mnist.netwright — Netwright');
  });
});

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

describe('Content-Security-Policy', () => {
  const csp = directives(contentSecurityPolicy());
  it('allows wasm compilation but not eval, and no remote origin', () => {
    // blob: for the Emscripten pthread workers' importScripts (see csp.ts).
    expect(csp.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", 'blob:']);
    expect(csp.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    const all = contentSecurityPolicy();
    expect(all).not.toContain("'unsafe-eval'");
    expect(all).not.toMatch(/https?:|ws:|\*/);
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it('adds only the dev server (and HMR websocket) in development', () => {
    const dev = directives(contentSecurityPolicy({ devServerOrigin: 'http://localhost:5173' }));
    expect(dev.get('script-src')).toContain('http://localhost:5173');
    expect(dev.get('connect-src')).toEqual(
      expect.arrayContaining(['http://localhost:5173', 'ws://localhost:5173']),
    );
  });

  it('headers make the page cross-origin isolated', () => {
    expect(securityHeaders()).toMatchObject({
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'X-Content-Type-Options': 'nosniff',
    });
  });
});

describe('origins, senders, navigation, network, permissions', () => {
  const prod = {};
  const dev = { devServerUrl: 'http://localhost:5173' };
  it('recognises only the app itself', () => {
    expect(rendererEntryUrl(prod)).toBe('app://netwright/index.html');
    expect(rendererEntryUrl(dev)).toBe('http://localhost:5173');
    expect(isAppUrl('app://netwright/index.html#/x', prod)).toBe(true);
    expect(isAppUrl('app://evil/index.html', prod)).toBe(false);
    expect(isAppUrl('app://user@netwright/', prod)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', prod)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', dev)).toBe(true);
    expect(isAppUrl('file:///index.html', prod)).toBe(false);
    expect(isAppUrl('not a url', prod)).toBe(false);
  });

  it('refuses senders that are not the app top frame', () => {
    expect(
      senderRefusal({ url: 'app://netwright/index.html', isMainFrame: true }, prod),
    ).toBeNull();
    expect(senderRefusal({ url: 'app://netwright/x.html', isMainFrame: false }, prod)).toMatch(
      /sub-frames/,
    );
    expect(senderRefusal({ url: 'https://evil.example/', isMainFrame: true }, prod)).toMatch(
      /calls from https:\/\/evil\.example\/ are not accepted/,
    );
  });

  it('blocks navigation and every network request outside the app', () => {
    expect(isNavigationAllowed('https://example.com', prod)).toBe(false);
    expect(isNavigationAllowed('app://netwright/index.html', prod)).toBe(true);
    expect(isNetworkRequestAllowed('https://cdn.jsdelivr.net/npm/x.wasm', prod)).toBe(false);
    expect(isNetworkRequestAllowed('http://localhost:5173/src/main.tsx', prod)).toBe(false);
    expect(isNetworkRequestAllowed('http://localhost:5173/src/main.tsx', dev)).toBe(true);
    expect(isNetworkRequestAllowed('ws://localhost:5173/', dev)).toBe(true);
    expect(isNetworkRequestAllowed('https://example.com/', dev)).toBe(false);
  });

  it('denies permissions except clipboard writes from the app', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'midi', 'openExternal', 'hid']) {
      expect(isPermissionAllowed(p, 'app://netwright/index.html', prod)).toBe(false);
    }
    expect(isPermissionAllowed('clipboard-sanitized-write', 'app://netwright/', prod)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example/', prod)).toBe(
      false,
    );
  });

  it('maps the close prompt answers', () => {
    expect([0, 1, 2].map(closeAction)).toEqual(['save', 'discard', 'cancel']);
  });
});

describe('app:// protocol', () => {
  const root = resolve('/srv/renderer/main_window');
  it('serves files under the renderer folder only', () => {
    expect(resolveAppFile('app://netwright/index.html', root)).toBe(join(root, 'index.html'));
    expect(resolveAppFile('app://netwright/', root)).toBe(join(root, 'index.html'));
    expect(resolveAppFile('app://netwright/assets/a%20b.js?v=1', root)).toBe(
      join(root, 'assets', 'a b.js'),
    );
    // The URL parser already folds literal dot segments: they cannot climb out of the root.
    for (const folded of [
      'app://netwright/../../etc/passwd',
      'app://netwright/%2e%2e/etc/passwd',
    ]) {
      expect(resolveAppFile(folded, root)).toBe(join(root, 'etc', 'passwd'));
    }
    for (const bad of [
      'app://netwright/assets/..%2f..%2fsecret',
      'app://netwright/a%5c..%5c..%5csecret',
      'app://netwright/a%00.js',
      'app://other/index.html',
      'https://netwright/index.html',
      'app://netwright/%E0%A4%A',
    ]) {
      expect(resolveAppFile(bad, root), bad).toBeNull();
    }
  });

  it('gives wasm and module scripts their MIME types', () => {
    expect(mimeType('x/ort-wasm-simd-threaded.wasm')).toBe('application/wasm');
    expect(mimeType('x/ort.mjs')).toMatch(/^text\/javascript/);
    expect(mimeType('x/unknown.xyz')).toBe('application/octet-stream');
  });
});

describe('contract and menu', () => {
  it('every API method maps to a distinct registered channel', () => {
    const channels = Object.values(API_METHODS);
    expect(new Set(channels).size).toBe(channels.length);
    expect([...channels].sort()).toEqual([...IPC_CHANNELS].sort());
  });

  it('has File, Edit, View, Help menus whose items send contract commands', () => {
    const sent: unknown[] = [];
    const template = menuTemplate({
      isMac: false,
      isDev: false,
      recent: [{ path: '/p/a.netwright', name: 'a.netwright', openedAt: '', exists: true }],
      send: (c) => sent.push(c),
      clearRecent: () => undefined,
    });
    expect(template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
    const items: MenuItemConstructorOptions[] = [];
    const walk = (list: MenuItemConstructorOptions[]) => {
      for (const item of list) {
        items.push(item);
        if (Array.isArray(item.submenu)) walk(item.submenu);
      }
    };
    walk(template);
    for (const item of items) (item.click as (() => void) | undefined)?.();
    const commands = sent.map((c) => (c as { command: string }).command);
    for (const c of commands) expect(APP_COMMANDS).toContain(c);
    expect(commands).toEqual(
      expect.arrayContaining(['file:open', 'file:save', 'edit:undo', 'edit:redo', 'help:about']),
    );
    expect(sent).toContainEqual({ command: 'file:open-recent', path: '/p/a.netwright' });
    // No developer tools in production menus.
    expect(items.some((i) => i.role === 'toggleDevTools')).toBe(false);
    expect(items.find((i) => i.label === 'Save')?.accelerator).toBe('CmdOrCtrl+S');
  });
});
