/**
 * File > Import Model…: a native open dialog (several files: `model.json` and its `.bin` weight
 * files, or one `.onnx`) whose files go back to the renderer as bytes; the renderer runs the
 * importer (`shared/import`). Only model extensions, only plain files, bounded in number and size.
 */
import { open, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import {
  MODEL_FILE_FILTERS,
  type Canceled,
  type FileFilter,
  type OpenedModelFiles,
} from '../../../shared/ipc/contract.ts';
import { describeFsError, safeMessage } from '../../fs/errors.ts';
import { FileProblem } from '../../fs/project-file.ts';
import { defineHandler, type IpcHandlers } from '../define.ts';
import { noRequest } from '../schemas.ts';
import type { TrustedRenderer } from '../../security/origin.ts';

/** The native dialog, injected so the handler runs in plain Node tests. Null means canceled. */
export interface ModelDialogPort {
  showOpenFiles(options: { filters: readonly FileFilter[] }): Promise<string[] | null>;
}

export interface ModelDeps {
  dialogs: ModelDialogPort;
  /** The picked files together; 512 MB unless given. */
  maxBytes?: number;
}

export const MAX_MODEL_BYTES = 512 * 1024 * 1024;
export const MAX_MODEL_FILES = 64;
const EXTENSIONS = new Set(MODEL_FILE_FILTERS.flatMap((f) => f.extensions.map((e) => `.${e}`)));

async function readWhole(path: string, size: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    // Never more than stat said, even if the file grew since.
    const bytes = new Uint8Array(size);
    let length = 0;
    while (length < size) {
      const { bytesRead } = await handle.read(bytes, length, size - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return bytes.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** Dialog, then every picked file read as bytes; one problem refuses them all. */
export async function openModelFiles(deps: ModelDeps): Promise<OpenedModelFiles | Canceled> {
  const paths = await deps.dialogs.showOpenFiles({ filters: MODEL_FILE_FILTERS });
  if (!paths || paths.length === 0) return { canceled: true };
  if (paths.length > MAX_MODEL_FILES) {
    throw new FileProblem(
      `Cannot import: ${paths.length} files picked; at most ${MAX_MODEL_FILES} (a model and its weight files)`,
    );
  }
  const max = deps.maxBytes ?? MAX_MODEL_BYTES;
  const sizes: number[] = [];
  for (const path of paths) {
    const name = safeMessage(basename(path), 200);
    if (!EXTENSIONS.has(extname(path).toLowerCase())) {
      throw new FileProblem(`Cannot import "${name}": only .onnx, .json, .bin and .py files`);
    }
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new FileProblem(`Cannot import "${name}": not a file`);
      sizes.push(info.size);
    } catch (error) {
      if (error instanceof FileProblem) throw error;
      throw new FileProblem(`Cannot import "${name}": ${describeFsError(error)}`);
    }
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > max) {
    throw new FileProblem(
      `Cannot import: the files are ${(total / 1024 / 1024).toFixed(1)} MB; models are limited to ${(max / 1024 / 1024).toFixed(0)} MB`,
    );
  }
  const files: OpenedModelFiles['files'] = [];
  for (const [i, path] of paths.entries()) {
    try {
      files.push({ name: basename(path), bytes: await readWhole(path, sizes[i]!) });
    } catch (error) {
      throw new FileProblem(
        `Cannot import "${safeMessage(basename(path), 200)}": ${describeFsError(error)}`,
      );
    }
  }
  return { canceled: false, files };
}

export function createModelHandlers(
  deps: ModelDeps,
  trusted: TrustedRenderer,
): Pick<IpcHandlers, 'model:open'> {
  return {
    'model:open': defineHandler('model:open', noRequest, trusted, () => openModelFiles(deps)),
  };
}
