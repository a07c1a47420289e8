import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { lstat, readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { describeFsError } from './errors.ts';
import { fileKind } from './read.ts';

/** The file operations an atomic write uses; tests replace some to inject failures. */
export interface AtomicFsOps {
  open: typeof fsp.open;
  rename: typeof fsp.rename;
  rm: typeof fsp.rm;
  stat: typeof fsp.stat;
  realpath: typeof fsp.realpath;
}

export const nodeFsOps: AtomicFsOps = {
  open: fsp.open,
  rename: fsp.rename,
  rm: fsp.rm,
  stat: fsp.stat,
  realpath: fsp.realpath,
};

/** Written in chunks so a slow or stalled disk never holds one giant buffer write. */
const CHUNK_BYTES = 1024 * 1024;

export class SaveError extends Error {
  override readonly name = 'SaveError';
}

/** The temp file name for a target: hidden, in the same folder (so rename is atomic), unique. */
export function tempPathFor(target: string): string {
  return join(
    dirname(target),
    `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
  );
}

/** Whether a file name is one of our temp files (left behind only if the process was killed). */
export function isTempFileFor(fileName: string, targetName: string): boolean {
  return fileName.startsWith(`.${targetName}.`) && fileName.endsWith('.tmp');
}

/**
 * Writes `data` to `target` atomically: a temp file in the same folder, flushed to disk (fsync),
 * then renamed over the target. Readers see the old file or the new one, never a mix; if anything
 * fails (or the process dies) the old file is untouched. On failure the temp file is removed and
 * a {@link SaveError} says why, in words.
 *
 * Only regular files are replaced: a target that exists and is a folder, FIFO, device (e.g.
 * `/dev/full`) or socket is refused before anything is written. Symlinks follow the desktop
 * convention: the write goes through to the link's real target (the link itself stays and keeps
 * pointing at the replaced file), and that real target must be a regular file too; a link whose
 * target does not exist is refused. With `links: 'refuse'` (files whose names the user did not
 * choose, e.g. the files of a whole-folder export) a target that is a symlink is refused instead,
 * so a link planted in the output folder cannot redirect the write elsewhere.
 */
export async function atomicWriteFile(
  target: string,
  data: string | Uint8Array,
  ops: AtomicFsOps = nodeFsOps,
  options: { links?: 'follow' | 'refuse' } = {},
): Promise<void> {
  if (
    options.links === 'refuse' &&
    (await lstat(target).then(
      (i) => i.isSymbolicLink(),
      () => false,
    ))
  ) {
    throw new SaveError(
      `Could not save "${basename(target)}" in ${dirname(target)}: it is a symbolic link; refused to write through it (the link could point outside the folder). Remove the link or choose another folder.`,
    );
  }
  // Follow a symlink so the link keeps pointing at the (replaced) real file.
  const realTarget = await ops.realpath(target).catch(() => target);
  const existing = await ops.stat(realTarget).catch(() => undefined);
  if (
    !existing &&
    (await lstat(target).then(
      (i) => i.isSymbolicLink(),
      () => false,
    ))
  ) {
    throw new SaveError(
      `Could not save "${basename(target)}" in ${dirname(target)}: it is a link to a file that does not exist; refused to replace the link. Choose another file name.`,
    );
  }
  if (existing && !existing.isFile()) {
    const through = realTarget === resolve(target) ? '' : ` (a link to ${realTarget})`;
    throw new SaveError(
      `Could not save "${basename(target)}" in ${dirname(target)}: it is ${fileKind(existing)}${through}, ` +
        'not a regular file; refused to replace it. Choose another file name.',
    );
  }
  const mode = existing ? existing.mode & 0o777 : 0o666;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const temp = tempPathFor(realTarget);
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await ops.open(temp, 'wx', mode);
    for (let offset = 0; offset < bytes.byteLength;) {
      const end = Math.min(offset + CHUNK_BYTES, bytes.byteLength);
      const { bytesWritten } = await handle.write(bytes, offset, end - offset, offset);
      if (bytesWritten <= 0) throw new Error('the disk accepted no more data');
      offset += bytesWritten;
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await ops.rename(temp, realTarget);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await ops.rm(temp, { force: true }).catch(() => undefined);
    throw new SaveError(
      `Could not save "${basename(target)}" in ${dirname(target)}: ${describeFsError(error)}. ` +
        'The previous version of the file, if any, is unchanged.',
    );
  }
  await syncFolder(dirname(realTarget), ops);
  await removeStaleTemps(realTarget, ops);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temp files of `target` left by a process that was killed mid-save (best effort). */
async function removeStaleTemps(target: string, ops: AtomicFsOps): Promise<void> {
  const name = basename(target);
  const entries = await readdir(dirname(target)).catch(() => [] as string[]);
  for (const entry of entries) {
    if (!isTempFileFor(entry, name)) continue;
    const pid = Number(/\.(\d+)-[0-9a-f]+\.tmp$/.exec(entry)?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) {
      await ops.rm(join(dirname(target), entry), { force: true }).catch(() => undefined);
    }
  }
}

/** Flushes the folder entry so the rename survives a power cut (not possible on Windows). */
async function syncFolder(folder: string, ops: AtomicFsOps): Promise<void> {
  if (process.platform === 'win32') return;
  const dir = await ops.open(folder, 'r').catch(() => undefined);
  if (!dir) return;
  await dir.sync().catch(() => undefined);
  await dir.close().catch(() => undefined);
}
