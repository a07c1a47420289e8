import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { MAX_PROJECT_BYTES } from '../../../shared/graph/project.ts';
import type {
  AutosaveWritten,
  AutosaveWriteRequest,
  RecoveryOffer,
} from '../../../shared/ipc/contract.ts';
import { atomicWriteFile, type AtomicFsOps, nodeFsOps, SaveError } from '../../fs/atomic.ts';
import { FileProblem, readProjectFile } from '../../fs/project-file.ts';
import { defineHandler, type IpcHandlers } from '../define.ts';
import { autosaveWriteSchema, noRequest } from '../schemas.ts';
import type { TrustedRenderer } from '../../security/origin.ts';

export interface AutosaveDeps {
  /** A folder inside the app's data folder, e.g. `<userData>/recovery`. */
  folder: string;
  fsOps?: AtomicFsOps;
  maxProjectBytes?: number;
}

export const AUTOSAVE_FILE = 'autosave.netwright';
export const AUTOSAVE_META_FILE = 'autosave.json';

const metaSchema = z.object({ sourcePath: z.string().nullable() });

export function autosavePaths(folder: string): { text: string; meta: string } {
  return { text: join(folder, AUTOSAVE_FILE), meta: join(folder, AUTOSAVE_META_FILE) };
}

/** Writes the unsaved work (atomically, so a crash mid-autosave keeps the previous autosave). */
export async function writeAutosave(
  deps: AutosaveDeps,
  request: AutosaveWriteRequest,
): Promise<AutosaveWritten> {
  const max = deps.maxProjectBytes ?? MAX_PROJECT_BYTES;
  const size = Buffer.byteLength(request.text, 'utf8');
  if (size > max) {
    throw new FileProblem(
      `Autosave skipped: the project is ${(size / 1024 / 1024).toFixed(1)} MB, above the ${max / 1024 / 1024} MB limit`,
    );
  }
  const paths = autosavePaths(deps.folder);
  const ops = deps.fsOps ?? nodeFsOps;
  try {
    await mkdir(deps.folder, { recursive: true });
    await atomicWriteFile(paths.meta, JSON.stringify({ sourcePath: request.sourcePath }), ops);
    await atomicWriteFile(paths.text, request.text, ops);
  } catch (error) {
    if (error instanceof SaveError) throw new FileProblem(`Autosave failed. ${error.message}`);
    throw error;
  }
  const info = await stat(paths.text);
  return { savedAt: info.mtime.toISOString() };
}

/**
 * At start: the work an unclean exit left behind, with its time (the file's modification time)
 * and the file it belonged to. Null when there is none. A damaged autosave is an error the
 * renderer shows (and then clears).
 */
export async function readAutosave(deps: AutosaveDeps): Promise<RecoveryOffer | null> {
  const paths = autosavePaths(deps.folder);
  const info = await stat(paths.text).catch(() => null);
  if (!info || !info.isFile()) return null;
  const savedAt = info.mtime.toISOString();
  let text: string;
  let projectName: string;
  try {
    const read = await readProjectFile(paths.text, deps.maxProjectBytes ?? MAX_PROJECT_BYTES);
    text = read.text;
    projectName = read.project.name;
  } catch (error) {
    if (error instanceof FileProblem) {
      throw new FileProblem(
        `The work autosaved at ${savedAt} cannot be restored: ${error.message}`,
        error.details,
      );
    }
    throw error;
  }
  let sourcePath: string | null = null;
  try {
    const meta = metaSchema.safeParse(JSON.parse(await readFile(paths.meta, 'utf8')));
    if (meta.success) sourcePath = meta.data.sourcePath;
  } catch {
    // no metadata: the work is still offered, as a new project
  }
  return { savedAt, sourcePath, projectName, text };
}

export async function clearAutosave(deps: AutosaveDeps): Promise<null> {
  const paths = autosavePaths(deps.folder);
  await rm(paths.text, { force: true });
  await rm(paths.meta, { force: true });
  return null;
}

export function createAutosaveHandlers(
  deps: AutosaveDeps,
  trusted: TrustedRenderer,
): Pick<IpcHandlers, 'autosave:write' | 'autosave:read' | 'autosave:clear'> {
  return {
    'autosave:write': defineHandler('autosave:write', autosaveWriteSchema, trusted, (r) =>
      writeAutosave(deps, r),
    ),
    'autosave:read': defineHandler('autosave:read', noRequest, trusted, () => readAutosave(deps)),
    'autosave:clear': defineHandler('autosave:clear', noRequest, trusted, () =>
      clearAutosave(deps),
    ),
  };
}
