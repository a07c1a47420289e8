/**
 * The one typed contract between Netwright's renderer and its Electron main process.
 *
 * Pure types and channel names: no Electron, Node or DOM imports. The preload script builds
 * `window.netwright` from {@link API_METHODS}; the main process registers one handler per
 * channel in {@link IPC_CHANNELS}. Every call goes through `ipcRenderer.invoke` and answers with
 * an {@link IpcResult}: it never throws for an expected failure (a canceled dialog is a value,
 * a bad file or a failed save is `{ ok: false, error }` with a message to show the user).
 */

/** Extension of project files in open/save dialog filters (`.json` is accepted on open). */
export const PROJECT_FILE_EXTENSION = 'netwright';
/**
 * The documented project file name ending (README: `*.netwright.json`), given to a project saved
 * under a name without an extension, in the desktop app and in the browser.
 */
export const PROJECT_FILE_SUFFIX = '.netwright.json';
export const PROJECT_FILE_FILTERS: readonly FileFilter[] = [
  { name: 'Netwright project', extensions: [PROJECT_FILE_EXTENSION, 'json'] },
];

/** Every invoke answers with this envelope. */
export type IpcResult<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      /** One sentence for the user, naming the file and the problem. */
      error: string;
      /** Every problem found, e.g. each schema error of a bad project file. */
      details?: string[];
    };

export interface FileFilter {
  name: string;
  /** Without the dot, e.g. `py`; `*` for all files. */
  extensions: string[];
}

export interface Canceled {
  canceled: true;
}

export interface OpenedProject {
  canceled: false;
  /** Absolute path of the file. */
  path: string;
  /** The file name, for the window title. */
  name: string;
  /** The file's text, already validated with `parseProject`: parse it again to get the project. */
  text: string;
}

/**
 * File > Import Model…: what the dialog may pick (a model and its weight files, or one Python
 * script with a Keras or PyTorch model, which opens in the "Paste code" dialog).
 */
export const MODEL_FILE_FILTERS: readonly FileFilter[] = [
  {
    name: 'ONNX or TF.js / Keras model, or Keras / PyTorch code',
    extensions: ['onnx', 'json', 'bin', 'py'],
  },
];

export interface OpenedModelFiles {
  canceled: false;
  /** Every picked file, read as bytes (`.onnx`, `.json`, `.bin` only); the renderer imports them. */
  files: { name: string; bytes: Uint8Array }[];
}

export interface SavedFile {
  canceled: false;
  path: string;
  name: string;
}

export interface SaveProjectRequest {
  /**
   * The file to overwrite: only a path the user chose or opened in this session (or one from the
   * recent list) is accepted. Leave it out for Save As: the main process shows a dialog.
   */
  path?: string;
  /** `serializeProject(project)`: it must parse with `parseProject`, or nothing is written. */
  text: string;
  /** A file name (no folder) proposed in the Save As dialog, e.g. `mnist-mlp.netwright`. */
  suggestedName: string;
}

export interface OpenRecentRequest {
  /** Must be one of the paths returned by `readRecentProjects`. */
  path: string;
}

export interface RecentProject {
  path: string;
  name: string;
  /** ISO 8601 time of the last open or save. */
  openedAt: string;
  /** Whether the file is still there. */
  exists: boolean;
}

export interface ExportFileRequest {
  /** A file name (no folder) proposed in the save dialog, e.g. `model_keras.py`. */
  suggestedName: string;
  /** Text (Python code, JSON, CSV) or bytes (weights, ONNX, PNG). */
  data: string | Uint8Array;
  filters: FileFilter[];
}

export interface AppVersions {
  app: string;
  electron: string;
  chrome: string;
  node: string;
  v8: string;
  /** `process.platform` of the main process, e.g. `linux`, `darwin`, `win32`. */
  platform: string;
}

export interface AutosaveWriteRequest {
  /** `serializeProject(project)` of the unsaved work. */
  text: string;
  /** The file this work belongs to, if it was opened or saved; null for a new project. */
  sourcePath: string | null;
}

export interface AutosaveWritten {
  /** ISO 8601 time of this autosave. */
  savedAt: string;
}

/** Unsaved work found at start, left by a crash or a kill: offer to restore it. */
export interface RecoveryOffer {
  /** ISO 8601 time of the autosave. */
  savedAt: string;
  /** The file the work belonged to, or null for a never-saved project. */
  sourcePath: string | null;
  /** The project's own name (`project.name`). */
  projectName: string;
  /** Project text, validated with `parseProject`. */
  text: string;
}

export interface DocumentState {
  /** The file name shown in the window title, e.g. `mnist.netwright` or `Untitled`. */
  fileName: string;
  /** Unsaved changes: shown in the title, and closing the window asks first. */
  dirty: boolean;
}

/** Channel → request and response types. `void` requests take no argument. */
export interface IpcContract {
  /** Shows the open dialog; reads and validates the chosen file. */
  'project:open': { request: void; response: OpenedProject | Canceled };
  /** File > Import Model…: an open dialog (several files) whose files come back as bytes. */
  'model:open': { request: void; response: OpenedModelFiles | Canceled };
  /** Opens a file from the recent list (no dialog). */
  'project:open-recent': { request: OpenRecentRequest; response: OpenedProject };
  /** Saves atomically; without `path` it shows the Save As dialog first. */
  'project:save': { request: SaveProjectRequest; response: SavedFile | Canceled };
  'project:read-recent': { request: void; response: RecentProject[] };
  'project:clear-recent': { request: void; response: null };
  /** Shows a save dialog and writes `data` atomically. */
  'file:export': { request: ExportFileRequest; response: SavedFile | Canceled };
  'app:versions': { request: void; response: AppVersions };
  /** Writes the unsaved work to the app's data folder (call every 30 s while dirty). */
  'autosave:write': { request: AutosaveWriteRequest; response: AutosaveWritten };
  /** At start: the autosaved work left behind, or null. */
  'autosave:read': { request: void; response: RecoveryOffer | null };
  /** After a save, or when the user declines recovery or discards changes. */
  'autosave:clear': { request: void; response: null };
  /** Title and unsaved mark of the window. */
  'window:set-document': { request: DocumentState; response: null };
  /** Closes the window without asking (after `file:save-and-close` saved the work). */
  'window:close': { request: void; response: null };
}

export type IpcChannel = keyof IpcContract;
export type IpcRequest<C extends IpcChannel> = IpcContract[C]['request'];
export type IpcResponse<C extends IpcChannel> = IpcContract[C]['response'];

/** Every invoke channel, for registration and tests. */
export const IPC_CHANNELS = [
  'project:open',
  'model:open',
  'project:open-recent',
  'project:save',
  'project:read-recent',
  'project:clear-recent',
  'file:export',
  'app:versions',
  'autosave:write',
  'autosave:read',
  'autosave:clear',
  'window:set-document',
  'window:close',
] as const satisfies readonly IpcChannel[];

/** `window.netwright` method → channel. The preload script builds the API from this table. */
export const API_METHODS = {
  openProject: 'project:open',
  openModelFiles: 'model:open',
  openRecentProject: 'project:open-recent',
  saveProject: 'project:save',
  readRecentProjects: 'project:read-recent',
  clearRecentProjects: 'project:clear-recent',
  exportFile: 'file:export',
  versions: 'app:versions',
  writeAutosave: 'autosave:write',
  readAutosave: 'autosave:read',
  clearAutosave: 'autosave:clear',
  setDocumentState: 'window:set-document',
  closeWindow: 'window:close',
} as const satisfies Record<string, IpcChannel>;

/** Commands the main process sends to the renderer (menus, close with unsaved changes). */
export const APP_COMMANDS = [
  'file:new',
  'file:new-from-template',
  'file:open',
  'file:import-model',
  /** File > Import from Code…: the "Paste code" dialog. */
  'file:import-code',
  'file:open-recent',
  'file:save',
  'file:save-as',
  /** Close requested with unsaved changes and the user chose Save: save, then `closeWindow()`. */
  'file:save-and-close',
  'file:export-keras',
  'file:export-pytorch',
  'file:export-onnx',
  'file:export-tfjs',
  'file:export-npz',
  'file:export-keras-project',
  'file:export-pytorch-project',
  'edit:undo',
  'edit:redo',
  'edit:duplicate',
  'edit:delete',
  'edit:select-all',
  'view:zoom-in',
  'view:zoom-out',
  'view:fit',
  'view:auto-layout',
  'help:shortcuts',
  'help:about',
] as const;

export type AppCommandName = (typeof APP_COMMANDS)[number];

export interface AppCommand {
  command: AppCommandName;
  /** For `file:open-recent`: the path to pass to `openRecentProject`. */
  path?: string;
}

/** The one main → renderer event channel. */
export const APP_COMMAND_CHANNEL = 'app:command';

type Invoker<C extends IpcChannel> = [IpcRequest<C>] extends [void]
  ? () => Promise<IpcResult<IpcResponse<C>>>
  : (request: IpcRequest<C>) => Promise<IpcResult<IpcResponse<C>>>;

/** What preload exposes as `window.netwright`. */
export type NetwrightApi = {
  readonly [M in keyof typeof API_METHODS]: Invoker<(typeof API_METHODS)[M]>;
} & {
  /** Always `electron`: the renderer picks its platform adapter by the presence of the API. */
  readonly kind: 'electron';
  /** `process.platform`, e.g. for Cmd vs Ctrl in the shortcut list. */
  readonly platform: string;
  /** Subscribes to menu commands; returns the unsubscribe function. */
  onCommand(listener: (command: AppCommand) => void): () => void;
};

declare global {
  interface Window {
    /** Present only inside the Electron app (set by the preload script). */
    readonly netwright?: NetwrightApi;
  }
}
