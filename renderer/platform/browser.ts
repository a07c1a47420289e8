import { MAX_PROJECT_BYTES } from '../../shared/graph/project.ts';
import { decodeText } from '../../shared/text/decode.ts';
import {
  indexedDbRecentStore,
  withoutRecent,
  withRecent,
  type RecentEntry,
  type RecentStore,
} from './recent.ts';
import {
  PlatformError,
  RecentFileGone,
  type AutosaveStore,
  type DocumentState,
  type FileFilter,
  type OpenedBytes,
  type OpenedFile,
  type Platform,
  type RecentFile,
  type Recovery,
  type SaveResult,
} from './types.ts';

/** The parts of the File System Access API used here (not in TypeScript's DOM library). */
interface WritableFile {
  write(data: string | Blob): Promise<void>;
  close(): Promise<void>;
}
type PermissionMode = { mode: 'read' | 'readwrite' };
interface FileHandle {
  readonly name: string;
  getFile(): Promise<File>;
  createWritable(): Promise<WritableFile>;
  isSameEntry?(other: FileHandle): Promise<boolean>;
  queryPermission?(options: PermissionMode): Promise<PermissionState>;
  requestPermission?(options: PermissionMode): Promise<PermissionState>;
}
interface PickerOptions {
  multiple?: boolean;
  types?: { description: string; accept: Record<string, string[]> }[];
  suggestedName?: string;
  excludeAcceptAllOption?: boolean;
}
interface FileSystemAccess {
  showOpenFilePicker?(options?: PickerOptions): Promise<FileHandle[]>;
  showSaveFilePicker?(options?: PickerOptions): Promise<FileHandle>;
}

/** Key of the autosaved work in `localStorage`. */
export const AUTOSAVE_KEY = 'netwright.autosave';
/** Files kept by FS Access handle, keyed by the token the store keeps as `filePath`. */
const handles = new Map<string, FileHandle>();
let nextHandle = 1;

/** `browser-file://3/name.netwright`: the last segment is the name the title shows. */
function remember(handle: FileHandle): string {
  const token = `browser-file://${nextHandle++}/${handle.name}`;
  handles.set(token, handle);
  void addRecent(handle);
  return token;
}

let recentStore: RecentStore<FileHandle> | null = null;
const recent = () => (recentStore ??= indexedDbRecentStore<FileHandle>());
/** Changes to the list, one after another (each reads what the last one wrote). */
let recentQueue: Promise<unknown> = Promise.resolve();
function changeRecent<T>(
  change: (list: RecentEntry<FileHandle>[]) => Promise<[RecentEntry<FileHandle>[], T]>,
): Promise<T> {
  const next = recentQueue.then(async () => {
    const [list, result] = await change(await recent().load());
    await recent().save(list);
    return result;
  });
  recentQueue = next.catch(() => undefined);
  return next;
}

const sameFile = async (a: FileHandle, b: FileHandle) => (await a.isSameEntry?.(b)) ?? false;

/** Puts a file first in the recent list; a list that cannot be kept is no reason to fail. */
async function addRecent(handle: FileHandle): Promise<void> {
  const entry = { id: crypto.randomUUID(), name: handle.name, handle };
  await changeRecent(async (list) => [await withRecent(list, entry, sameFile), null]).catch(
    () => undefined,
  );
}

async function listRecent(): Promise<RecentFile[]> {
  await recentQueue;
  try {
    return (await recent().load()).map(({ id, name }) => ({ id, name }));
  } catch {
    return [];
  }
}

/** Read permission for a kept handle: asked for when the browser has not granted it yet. */
async function mayRead(handle: FileHandle): Promise<boolean> {
  const mode: PermissionMode = { mode: 'read' };
  if ((await handle.queryPermission?.(mode)) === 'granted' || !handle.queryPermission) return true;
  return (await handle.requestPermission?.(mode)) === 'granted';
}

/**
 * Opens a file of the recent list. A file that is gone, or that the user refuses to let the
 * page read, leaves the list: rejects with a {@link RecentFileGone}.
 */
async function openRecentFile(id: string): Promise<OpenedFile> {
  const entry = (await recent().load()).find((e) => e.id === id);
  if (!entry) throw new RecentFileGone('That file is no longer in the recent list');
  const drop = async (message: string) => {
    await changeRecent(async (list) => [withoutRecent(list, id), null]).catch(() => undefined);
    return new RecentFileGone(message);
  };
  let file: File;
  try {
    if (!(await mayRead(entry.handle))) {
      throw await drop(`Not allowed to read ${entry.name}: removed from Recent`);
    }
    file = await entry.handle.getFile();
  } catch (e) {
    if (e instanceof RecentFileGone) throw e;
    if (e instanceof DOMException && e.name === 'NotFoundError') {
      throw await drop(`${entry.name} was moved or deleted: removed from Recent`);
    }
    if (e instanceof DOMException && e.name === 'NotAllowedError') {
      throw await drop(`Not allowed to read ${entry.name}: removed from Recent`);
    }
    throw new PlatformError(`Could not open ${entry.name}`, [
      e instanceof Error ? e.message : String(e),
    ]);
  }
  return { name: file.name, text: await readText(file), path: remember(entry.handle) };
}

function fsAccess(): FileSystemAccess {
  return window as unknown as FileSystemAccess;
}

const isAbort = (e: unknown) => e instanceof DOMException && e.name === 'AbortError';

function pickerTypes(filters?: FileFilter[]): PickerOptions['types'] {
  const accept = (filters ?? [])
    .flatMap((f) => f.extensions.filter((e) => e !== '*').map((e) => `.${e}`))
    .filter((e, i, all) => all.indexOf(e) === i);
  return accept.length > 0
    ? [{ description: filters?.[0]?.name ?? 'Files', accept: { 'application/json': accept } }]
    : undefined;
}

/** Refuses a file above the project limit before reading it. */
async function readText(file: File): Promise<string> {
  if (file.size > MAX_PROJECT_BYTES) {
    throw new PlatformError(`Could not open ${file.name}`, [
      `The file is ${(file.size / 1024 / 1024).toFixed(1)} MB; projects are limited to ${MAX_PROJECT_BYTES / 1024 / 1024} MB`,
    ]);
  }
  // The same decoding as the CLI and the desktop app: UTF-8 (BOM dropped) or UTF-16 with a BOM.
  const decoded = decodeText(new Uint8Array(await file.arrayBuffer()));
  if (!decoded.ok) throw new PlatformError(`Could not open ${file.name}`, [decoded.error]);
  return decoded.text;
}

function download(name: string, data: string | Uint8Array, type: string): SaveResult {
  const part: BlobPart = typeof data === 'string' ? data : new Uint8Array(data);
  const url = URL.createObjectURL(new Blob([part], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { saved: true, location: name };
}

function pickFile(filters?: FileFilter[]): Promise<OpenedFile | null> {
  return new Promise((resolve, reject) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = (filters ?? [])
      .flatMap((f) => f.extensions.filter((e) => e !== '*').map((e) => `.${e}`))
      .join(',');
    input.style.display = 'none';
    input.dataset.testid = 'file-input';
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      input.remove();
      if (!file) return resolve(null);
      readText(file).then((text) => resolve({ name: file.name, text }), reject);
    });
    input.addEventListener('cancel', () => {
      input.remove();
      resolve(null);
    });
    document.body.append(input);
    input.click();
  });
}

/** Models and their weights, together: refused above this before anything is read. */
const MAX_MODEL_BYTES = 512 * 1024 * 1024;

async function readAll(files: File[]): Promise<OpenedBytes[]> {
  const total = files.reduce((n, f) => n + f.size, 0);
  if (total > MAX_MODEL_BYTES) {
    throw new PlatformError('Could not import the model', [
      `The files are ${(total / 1024 / 1024).toFixed(0)} MB; models are limited to ${MAX_MODEL_BYTES / 1024 / 1024} MB`,
    ]);
  }
  return Promise.all(
    files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
  );
}

/** Several files as bytes: the FS Access picker where present, else a file input (`multiple`). */
async function openModelFiles(filters: FileFilter[]): Promise<OpenedBytes[] | null> {
  const accept = filters.flatMap((f) => f.extensions.filter((e) => e !== '*').map((e) => `.${e}`));
  const picker = fsAccess().showOpenFilePicker;
  if (picker) {
    let picked: FileHandle[];
    try {
      picked = await picker({
        multiple: true,
        types: [
          {
            description: filters[0]?.name ?? 'Files',
            accept: { 'application/octet-stream': accept },
          },
        ],
      });
    } catch (e) {
      if (isAbort(e)) return null;
      throw e;
    }
    return picked.length > 0 ? readAll(await Promise.all(picked.map((h) => h.getFile()))) : null;
  }
  return new Promise((resolve, reject) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.accept = accept.join(',');
    input.style.display = 'none';
    input.dataset.testid = 'model-file-input';
    input.addEventListener('change', () => {
      const files = [...(input.files ?? [])];
      input.remove();
      if (files.length === 0) return resolve(null);
      readAll(files).then(resolve, reject);
    });
    input.addEventListener('cancel', () => {
      input.remove();
      resolve(null);
    });
    document.body.append(input);
    input.click();
  });
}

async function openWithPicker(filters?: FileFilter[]): Promise<OpenedFile | null> {
  const picker = fsAccess().showOpenFilePicker!;
  let handle: FileHandle | undefined;
  try {
    const types = pickerTypes(filters);
    [handle] = await picker(types ? { types } : {});
  } catch (e) {
    if (isAbort(e)) return null;
    throw e;
  }
  if (!handle) return null;
  const file = await handle.getFile();
  return { name: file.name, text: await readText(file), path: remember(handle) };
}

/** Writes through the handle: the browser replaces the file only when the stream closes. */
async function writeHandle(handle: FileHandle, data: string): Promise<void> {
  try {
    const out = await handle.createWritable();
    await out.write(data);
    await out.close();
  } catch (e) {
    throw new PlatformError(`Could not save ${handle.name}`, [
      e instanceof Error ? e.message : String(e),
    ]);
  }
}

async function saveProjectFile(
  name: string,
  data: string,
  options?: { path?: string },
): Promise<SaveResult> {
  const known = options?.path ? handles.get(options.path) : undefined;
  if (known) {
    await writeHandle(known, data);
    void addRecent(known);
    return { saved: true, location: known.name, path: options!.path! };
  }
  const picker = fsAccess().showSaveFilePicker;
  if (!picker) return download(name, data, 'application/json');
  let handle: FileHandle;
  try {
    handle = await picker({
      suggestedName: name,
      types: [{ description: 'Netwright project', accept: { 'application/json': ['.json'] } }],
    });
  } catch (e) {
    if (isAbort(e)) return { saved: false };
    throw e;
  }
  await writeHandle(handle, data);
  return { saved: true, location: handle.name, path: remember(handle) };
}

/** Unsaved work in `localStorage` (one slot; the browser keeps it across reloads and crashes). */
export function localAutosave(storage: Storage = window.localStorage): AutosaveStore {
  return {
    async write(text, sourcePath) {
      let projectName = 'Untitled';
      try {
        projectName = String((JSON.parse(text) as { name?: unknown }).name ?? projectName);
      } catch {
        // the name is only shown in the prompt
      }
      const entry: Recovery = {
        savedAt: new Date().toISOString(),
        // A browser file handle does not survive a reload.
        sourcePath: sourcePath?.startsWith('browser-file://') ? null : sourcePath,
        projectName,
        text,
      };
      try {
        storage.setItem(AUTOSAVE_KEY, JSON.stringify(entry));
      } catch (e) {
        throw new PlatformError('Could not autosave in the browser’s storage', [
          e instanceof Error ? e.message : String(e),
        ]);
      }
    },
    async read() {
      const raw = storage.getItem(AUTOSAVE_KEY);
      if (!raw) return null;
      try {
        const entry = JSON.parse(raw) as Partial<Recovery>;
        if (typeof entry.text !== 'string' || typeof entry.savedAt !== 'string') return null;
        return {
          savedAt: entry.savedAt,
          sourcePath: typeof entry.sourcePath === 'string' ? entry.sourcePath : null,
          projectName: typeof entry.projectName === 'string' ? entry.projectName : 'Untitled',
          text: entry.text,
        };
      } catch {
        return null;
      }
    },
    async clear() {
      storage.removeItem(AUTOSAVE_KEY);
    },
  };
}

/**
 * The web build: the File System Access API where the browser has it (Save writes in place
 * through the kept handle), else a file input to open and a download link to save.
 */
export const browserPlatform: Platform = {
  kind: 'browser',
  openFile: (filters) =>
    fsAccess().showOpenFilePicker ? openWithPicker(filters) : pickFile(filters),
  openModelFiles,
  openRecent: openRecentFile,
  /** Only with the File System Access API: the upload fallback has no handles to keep. */
  get listRecent() {
    return fsAccess().showOpenFilePicker ? listRecent : undefined;
  },
  saveFile: saveProjectFile,
  exportFile: async (name, data) =>
    download(name, data, typeof data === 'string' ? 'text/plain' : 'application/octet-stream'),
  onCommand: () => () => {},
  setDocumentState: ({ fileName, dirty }: DocumentState) => {
    document.title = `${dirty ? '• ' : ''}${fileName} — Netwright`;
  },
  get autosave() {
    return localAutosave();
  },
  modKey: typeof navigator !== 'undefined' && /Mac/.test(navigator.platform) ? 'Cmd' : 'Ctrl',
};
