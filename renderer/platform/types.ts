/**
 * What the renderer needs from its host: files in and out, menu commands and the window title.
 * The browser implementation uses a file input and download links; the Electron one calls the API
 * that preload exposes as `window.netwright` (contract: `shared/ipc/contract.ts`). Every file
 * method returns a promise; an expected failure rejects with a {@link PlatformError}.
 */
export interface OpenedFile {
  name: string;
  text: string;
  /** Absolute path on the desktop; absent in a browser. */
  path?: string;
}

/** A file read as bytes (a model and its weight files for "Import model…"). */
export interface OpenedBytes {
  name: string;
  bytes: Uint8Array;
}

export interface FileFilter {
  name: string;
  extensions: string[];
}

export interface SaveResult {
  /** False when the user cancelled. */
  saved: boolean;
  /** What to tell the user: a file name. */
  location?: string;
  /** Absolute path on the desktop, to save to again without a dialog. */
  path?: string;
}

export interface DocumentState {
  fileName: string;
  dirty: boolean;
}

/** A file of the browser's recent list. */
export interface RecentFile {
  id: string;
  name: string;
}

/** Unsaved work kept by the autosave, offered back at the next start. */
export interface Recovery {
  /** ISO 8601 time of the autosave. */
  savedAt: string;
  /** The file the work belonged to (desktop), or null. */
  sourcePath: string | null;
  projectName: string;
  /** Project file text. */
  text: string;
}

/** Where unsaved work goes every 30 s: the app's data folder (desktop) or the browser's storage. */
export interface AutosaveStore {
  write(text: string, sourcePath: string | null): Promise<void>;
  read(): Promise<Recovery | null>;
  clear(): Promise<void>;
}

/** Versions for the About dialog (the desktop adds Electron, Chrome and Node). */
export type HostVersions = Partial<
  Record<'app' | 'electron' | 'chrome' | 'node' | 'v8' | 'platform', string>
>;

/** A command from the host's menu, e.g. `file:save` or `view:fit`. */
export interface HostCommand {
  command: string;
  path?: string;
}

export interface Platform {
  kind: 'browser' | 'electron';
  /** Lets the user choose a project file; `null` when they cancel. */
  openFile(filters?: FileFilter[]): Promise<OpenedFile | null>;
  /** Lets the user choose one or more files read as bytes (a model and its weights); `null` when they cancel. */
  openModelFiles(filters: FileFilter[]): Promise<OpenedBytes[] | null>;
  /**
   * Opens a file from the recent list: a path from the desktop's menu, or a {@link RecentFile}
   * id in a browser.
   */
  openRecent?(path: string): Promise<OpenedFile>;
  /** Files opened or saved lately, newest first (browser with the File System Access API). */
  listRecent?(): Promise<RecentFile[]>;
  /** Saves project text; with `path`, overwrites that file without asking (desktop). */
  saveFile(suggestedName: string, data: string, options?: { path?: string }): Promise<SaveResult>;
  /** Exports generated files (code, weights) under a suggested name. */
  exportFile(
    suggestedName: string,
    data: string | Uint8Array,
    filters?: FileFilter[],
  ): Promise<SaveResult>;
  /** Subscribes to host menu commands; returns the unsubscribe function. */
  onCommand(listener: (command: HostCommand) => void): () => void;
  /** Shows the document's name and unsaved mark where the host shows them. */
  setDocumentState(state: DocumentState): void;
  autosave: AutosaveStore;
  /** The host's versions (desktop); the browser has none. */
  versions?(): Promise<HostVersions>;
  /** Closes the window without asking (desktop, after Save on close). */
  closeWindow?(): Promise<void>;
  /** `Cmd` on macOS, else `Ctrl`: for the shortcut list. */
  modKey: 'Cmd' | 'Ctrl';
}

/** An expected failure (a bad file, a failed save), with a message for the user. */
export class PlatformError extends Error {
  details: string[];
  constructor(message: string, details: string[] = []) {
    super(message);
    this.name = 'PlatformError';
    this.details = details;
  }
}

/** A recent file that is gone or may not be read: it has left the list. */
export class RecentFileGone extends PlatformError {
  constructor(message: string) {
    super(message);
    this.name = 'RecentFileGone';
  }
}
