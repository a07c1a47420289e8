import { parseProject, type Project, MAX_PROJECT_BYTES } from '../shared/graph/project.ts';
import { decodeText } from '../shared/text/decode.ts';
import { atomicWriteFile } from '../electron/fs/atomic.ts';
import { describeFsError } from '../electron/fs/errors.ts';
import { stat } from 'node:fs/promises';
import { fileKind, readRegularFile, ReadProblem } from '../electron/fs/read.ts';

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, invalidGraph: 1, badInput: 2 } as const;

export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.badInput) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Why a read failed, in words; a missing file is "no such file". */
export function readWhy(e: unknown): string {
  if (e instanceof ReadProblem && e.code === 'ENOENT') return 'no such file';
  return e instanceof Error ? e.message : String(e);
}

/**
 * Reads and validates a project file with the desktop app's reader (regular files only, bounded,
 * UTF-8 or UTF-16 with BOM); any problem becomes a CliError naming the file.
 */
export async function readProjectFile(path: string): Promise<Project> {
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(path, MAX_PROJECT_BYTES, 'projects');
  } catch (e) {
    throw new CliError(`${path}: cannot read the file: ${readWhy(e)}`);
  }
  const decoded = decodeText(bytes);
  if (!decoded.ok) throw new CliError(`${path}: ${decoded.error}, so not a Netwright project`);
  if (decoded.text.trim() === '') throw new CliError(`${path}: the file is empty`);
  const result = parseProject(decoded.text);
  if (!result.ok) throw new CliError(result.errors.map((err) => `${path}: ${err}`).join('\n'));
  return result.project;
}

/**
 * Writes a file atomically (temp file, fsync, rename: the same code the desktop app saves with),
 * so an interrupted command never leaves a half-written project or export behind. `links:
 * 'refuse'` for files whose names the command chose (an export folder's files): a symlink there is
 * refused rather than written through.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  links: 'follow' | 'refuse' = 'follow',
): Promise<void> {
  try {
    await atomicWriteFile(path, data, undefined, { links });
  } catch (e) {
    throw new CliError(`${path}: cannot write: ${(e as Error).message}`);
  }
}

/**
 * Refuses, before any long work (training), an output target that exists and is not a regular
 * file (FIFO, device, socket, folder; a symlink is judged by what it points to): the same rule as
 * writeFileAtomic, checked up front so a run is not wasted. Throws CliError (exit 2).
 */
export async function refuseUnwritableTarget(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info && !info.isFile())
    throw new CliError(
      `${path}: cannot write: it is ${fileKind(info)}, not a regular file; refused to replace it. Choose another file name.`,
    );
}

/** A file system error as `PATH: cannot ACTION: plain words` (read-only disk, exists, full…). */
export function fsProblem(path: string, action: string, error: unknown): CliError {
  if (error instanceof CliError) return error;
  return new CliError(`${path}: cannot ${action}: ${describeFsError(error)}`);
}

/** Runs a command's option parser; a parse error becomes a CliError (exit 2) with the usage. */
export function parseCommandLine<T>(command: string, usage: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new CliError(`netwright ${command}: ${(e as Error).message}\n${usage}`);
  }
}
