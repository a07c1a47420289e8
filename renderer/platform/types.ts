/**
 * What the renderer needs from its host: files in and out. The browser implementation uses a file
 * input and download links; the Electron one calls the API that preload exposes as
 * `window.netwright`. Every method returns a promise so both behave the same to callers.
 */
export interface OpenedFile {
  name: string;
  text: string;
}

export interface FileFilter {
  name: string;
  extensions: string[];
}

export interface SaveResult {
  /** False when the user cancelled. */
  saved: boolean;
  /** Where it went: a path on the desktop, the file name in a browser. */
  location?: string;
}

export interface Platform {
  kind: 'browser' | 'electron';
  /** Lets the user choose a text file; `null` when they cancel. */
  openFile(filters?: FileFilter[]): Promise<OpenedFile | null>;
  /** Saves a project (or any text) under a suggested name. */
  saveFile(suggestedName: string, data: string): Promise<SaveResult>;
  /** Exports generated files (code, weights) under a suggested name. */
  exportFile(suggestedName: string, data: string | Uint8Array): Promise<SaveResult>;
}

/**
 * The minimal shape of the preload API this renderer uses. The full typed contract lives in
 * `shared/ipc/contract.ts` once the Electron side defines it; this interface must stay a subset.
 */
export interface NetwrightBridge {
  openFile(options?: { filters?: FileFilter[] }): Promise<OpenedFile | null>;
  saveFile(options: { suggestedName: string; data: string }): Promise<SaveResult>;
  exportFile(options: { suggestedName: string; data: string | Uint8Array }): Promise<SaveResult>;
}
