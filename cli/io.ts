import { readFile } from 'node:fs/promises';
import { parseProject, type Project, MAX_PROJECT_BYTES } from '../shared/graph/project.ts';
import { stat } from 'node:fs/promises';
import { atomicWriteFile } from '../electron/fs/atomic.ts';

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, invalidGraph: 1, badInput: 2 } as const;

export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.badInput) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Reads and validates a project file; any problem becomes a CliError naming the file. */
export async function readProjectFile(path: string): Promise<Project> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.size > MAX_PROJECT_BYTES) {
      throw new CliError(
        `${path}: the file is ${(info.size / 1024 / 1024).toFixed(1)} MB; projects are limited to ${MAX_PROJECT_BYTES / 1024 / 1024} MB`,
      );
    }
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : String(e);
    throw new CliError(`${path}: cannot read the file: ${why}`);
  }
  const result = parseProject(text);
  if (!result.ok) throw new CliError(result.errors.map((err) => `${path}: ${err}`).join('\n'));
  return result.project;
}

/**
 * Writes a file atomically (temp file, fsync, rename: the same code the desktop app saves with),
 * so an interrupted command never leaves a half-written project or export behind.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await atomicWriteFile(path, data);
  } catch (e) {
    throw new CliError(`${path}: cannot write: ${(e as Error).message}`);
  }
}

/** Runs a command's option parser; a parse error becomes a CliError (exit 2) with the usage. */
export function parseCommandLine<T>(command: string, usage: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new CliError(`netwright ${command}: ${(e as Error).message}\n${usage}`);
  }
}
