import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { describeFsError } from './errors.ts';

/** A file that cannot be read safely; `message` is plain words, without the path. */
export class ReadProblem extends Error {
  override readonly name = 'ReadProblem';
  /** The file system error code (`ENOENT`, `EACCES`, …) when the system refused the read. */
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** What a non-regular file is, in words ("a FIFO (named pipe)", "a device", …). */
export function fileKind(info: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notRegular(info: Parameters<typeof fileKind>[0]): string {
  return info.isDirectory() ? 'it is a folder' : `it is ${fileKind(info)}, not a regular file`;
}

/**
 * Reads a whole regular file, at most `maxBytes` bytes. Symlinks are followed (the caller checks
 * containment with {@link realPathInside} when that matters). Folders, FIFOs, devices and sockets
 * are refused before they are opened; the open itself is non-blocking (so a FIFO swapped in after
 * the check cannot hang the read) and the opened handle is checked again. The bound counts the
 * bytes actually read, never `stat().size`, so a file that grows while being read (or a device
 * that reports size 0) stops at `maxBytes + 1` bytes and is refused. Throws {@link ReadProblem}.
 */
export async function readRegularFile(
  path: string,
  maxBytes: number,
  /** What the limit is for, plural ("projects", "models"). */
  what = 'files',
): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ReadProblem(notRegular(info));
    if (info.size > maxBytes)
      throw new ReadProblem(
        `the file is ${megabytes(info.size)}; ${what} are limited to ${megabytes(maxBytes)}`,
      );
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const opened = await handle.stat();
      if (!opened.isFile()) throw new ReadProblem(notRegular(opened));
      const chunks: Buffer[] = [];
      let length = 0;
      const chunk = 1024 * 1024;
      for (;;) {
        const want = Math.min(chunk, maxBytes + 1 - length);
        const buffer = Buffer.alloc(want);
        const { bytesRead } = await handle.read(buffer, 0, want, length);
        if (bytesRead === 0) break;
        chunks.push(buffer.subarray(0, bytesRead));
        length += bytesRead;
        if (length > maxBytes)
          throw new ReadProblem(
            `the file is larger than ${megabytes(maxBytes)}, the limit for ${what}`,
          );
      }
      return new Uint8Array(Buffer.concat(chunks, length));
    } finally {
      await handle.close().catch(() => undefined);
    }
  } catch (error) {
    if (error instanceof ReadProblem) throw error;
    throw new ReadProblem(describeFsError(error), (error as NodeJS.ErrnoException).code);
  }
}

/**
 * Whether `path`, with every symlink resolved, lies inside `folder` (also resolved). A path that
 * does not exist resolves to `undefined` and so is not inside. Used before reading a file a model
 * names, so a `weights.bin` symlink to `/etc/passwd` is refused, not read.
 */
export async function realPathInside(folder: string, path: string): Promise<string | undefined> {
  const [realFolder, real] = await Promise.all([
    realpath(folder).catch(() => undefined),
    realpath(path).catch(() => undefined),
  ]);
  if (realFolder === undefined || real === undefined) return undefined;
  const prefix = realFolder.endsWith(sep) ? realFolder : realFolder + sep;
  return real.startsWith(prefix) ? real : undefined;
}
