import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/**
 * The main window's options, importable without Electron (type-only import) so a unit test can
 * pin the security settings. Electron's security checklist: isolate the preload from the page,
 * sandbox the renderer, never give the page Node, keep web security.
 */
export const SECURE_WEB_PREFERENCES = Object.freeze({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false,
  // Middle-click cannot open new windows (they are denied anyway; belt and braces).
  disableBlinkFeatures: 'Auxclick',
} satisfies WebPreferences);

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    title: 'Netwright',
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    // Shown on 'ready-to-show' to avoid a white flash.
    show: false,
    backgroundColor: '#1f2329',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: preloadPath },
  };
}

/** `•` marks unsaved changes, as in most editors. */
export function windowTitle(fileName: string, dirty: boolean): string {
  return `${dirty ? '• ' : ''}${fileName} — Netwright`;
}
