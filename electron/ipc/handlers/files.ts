import { basename, extname, join, resolve } from 'node:path';
import { MAX_PROJECT_BYTES, parseProject } from '../../../shared/graph/project.ts';
import {
  PROJECT_FILE_SUFFIX,
  PROJECT_FILE_FILTERS,
  type Canceled,
  type ExportFileRequest,
  type FileFilter,
  type OpenedProject,
  type OpenRecentRequest,
  type SavedFile,
  type SaveProjectRequest,
} from '../../../shared/ipc/contract.ts';
import { atomicWriteFile, type AtomicFsOps, nodeFsOps, SaveError } from '../../fs/atomic.ts';
import { FileProblem, readProjectFile } from '../../fs/project-file.ts';
import { safeMessage } from '../../fs/errors.ts';
import { defineHandler, type IpcHandlers } from '../define.ts';
import { exportFileSchema, noRequest, openRecentSchema, saveProjectSchema } from '../schemas.ts';
import type { TrustedRenderer } from '../../security/origin.ts';
import type { PathGrants, RecentStore } from './recent.ts';

/** The native dialogs, injected so the handlers run in plain Node tests. Null means canceled. */
export interface DialogPort {
  showOpen(options: { filters: readonly FileFilter[] }): Promise<string | null>;
  showSave(options: {
    defaultPath: string;
    filters: readonly FileFilter[];
  }): Promise<string | null>;
}

export interface FilesDeps {
  dialogs: DialogPort;
  recent: RecentStore;
  grants: PathGrants;
  /** Where save dialogs start (e.g. the Documents folder). */
  defaultFolder: () => string;
  fsOps?: AtomicFsOps;
  maxProjectBytes?: number;
}

const CANCELED: Canceled = { canceled: true };

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function withProjectExtension(name: string): string {
  return extname(name) ? name : `${name}${PROJECT_FILE_SUFFIX}`;
}

async function openPath(deps: FilesDeps, path: string): Promise<OpenedProject> {
  const { text } = await readProjectFile(path, deps.maxProjectBytes ?? MAX_PROJECT_BYTES);
  deps.grants.add(path);
  await deps.recent.add(path).catch(() => undefined);
  return { canceled: false, path: resolve(path), name: basename(path), text };
}

/** File > Open: dialog, size check, UTF-8 check, `parseProject`. */
export async function openProject(deps: FilesDeps): Promise<OpenedProject | Canceled> {
  const path = await deps.dialogs.showOpen({ filters: PROJECT_FILE_FILTERS });
  return path ? openPath(deps, path) : CANCELED;
}

/** File > Open Recent: only a path from the recent list. */
export async function openRecentProject(
  deps: FilesDeps,
  request: OpenRecentRequest,
): Promise<OpenedProject> {
  if (!(await deps.recent.has(request.path))) {
    throw new FileProblem(
      `Cannot open "${safeMessage(basename(request.path), 200)}": it is not in the recent files list`,
    );
  }
  return openPath(deps, request.path);
}

async function writeChosen(
  deps: FilesDeps,
  path: string,
  data: string | Uint8Array,
): Promise<SavedFile> {
  try {
    await atomicWriteFile(path, data, deps.fsOps ?? nodeFsOps);
  } catch (error) {
    if (error instanceof SaveError) throw new FileProblem(error.message);
    throw error;
  }
  return { canceled: false, path: resolve(path), name: basename(path) };
}

/**
 * Save / Save As. The text must be a valid project (so the file opens again) and within the size
 * limit; an existing path must be one the user opened or chose. Written atomically.
 */
export async function saveProject(
  deps: FilesDeps,
  request: SaveProjectRequest,
): Promise<SavedFile | Canceled> {
  const shownName = request.path ? basename(request.path) : request.suggestedName;
  const max = deps.maxProjectBytes ?? MAX_PROJECT_BYTES;
  const size = Buffer.byteLength(request.text, 'utf8');
  if (size > max) {
    throw new FileProblem(
      `Cannot save "${shownName}": the project is ${megabytes(size)}; projects are limited to ${megabytes(max)}`,
    );
  }
  const parsed = parseProject(request.text);
  if (!parsed.ok) {
    throw new FileProblem(
      `Cannot save "${shownName}": the project is not valid and would not open again: ${safeMessage(parsed.errors[0] ?? '')}`,
      parsed.errors.slice(0, 20).map((e) => safeMessage(e)),
    );
  }
  let target = request.path;
  if (target) {
    if (!deps.grants.has(target) && !(await deps.recent.has(target))) {
      throw new FileProblem(
        `Cannot save to "${safeMessage(basename(target), 200)}": only files you opened or chose can be overwritten; use Save As`,
      );
    }
  } else {
    const chosen = await deps.dialogs.showSave({
      defaultPath: join(deps.defaultFolder(), withProjectExtension(request.suggestedName)),
      filters: PROJECT_FILE_FILTERS,
    });
    if (!chosen) return CANCELED;
    deps.grants.add(chosen);
    target = chosen;
  }
  const saved = await writeChosen(deps, target, request.text);
  await deps.recent.add(target).catch(() => undefined);
  return saved;
}

/** Export (Python code, weights...): save dialog, then an atomic write. */
export async function exportFile(
  deps: FilesDeps,
  request: ExportFileRequest,
): Promise<SavedFile | Canceled> {
  const chosen = await deps.dialogs.showSave({
    defaultPath: join(deps.defaultFolder(), request.suggestedName),
    filters: request.filters,
  });
  if (!chosen) return CANCELED;
  return writeChosen(deps, chosen, request.data);
}

export function createFileHandlers(
  deps: FilesDeps,
  trusted: TrustedRenderer,
): Pick<
  IpcHandlers,
  | 'project:open'
  | 'project:open-recent'
  | 'project:save'
  | 'project:read-recent'
  | 'project:clear-recent'
  | 'file:export'
> {
  return {
    'project:open': defineHandler('project:open', noRequest, trusted, () => openProject(deps)),
    'project:open-recent': defineHandler('project:open-recent', openRecentSchema, trusted, (r) =>
      openRecentProject(deps, r),
    ),
    'project:save': defineHandler('project:save', saveProjectSchema, trusted, (r) =>
      saveProject(deps, r),
    ),
    'project:read-recent': defineHandler('project:read-recent', noRequest, trusted, () =>
      deps.recent.list(),
    ),
    'project:clear-recent': defineHandler('project:clear-recent', noRequest, trusted, async () => {
      await deps.recent.clear();
      return null;
    }),
    'file:export': defineHandler('file:export', exportFileSchema, trusted, (r) =>
      exportFile(deps, r),
    ),
  };
}
