import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MAX_PROJECT_BYTES, parseProject, type Project } from '../../shared/graph/project.ts';
import { describeFsError, safeMessage } from './errors.ts';

/** A problem the user should read: `message` names the file, `details` lists every problem. */
export class FileProblem extends Error {
  override readonly name = 'FileProblem';
  readonly details: string[];
  constructor(message: string, details: string[] = []) {
    super(message);
    this.details = details;
  }
}

const MAX_DETAILS = 20;

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Errors from `parseProject`, made safe and bounded, each prefixed with the file name. */
export function projectProblem(name: string, errors: string[]): FileProblem {
  const details = errors.slice(0, MAX_DETAILS).map((e) => `${name}: ${safeMessage(e)}`);
  if (errors.length > MAX_DETAILS) details.push(`… and ${errors.length - MAX_DETAILS} more`);
  const first = safeMessage(errors[0] ?? 'unknown problem');
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problems)` : '';
  return new FileProblem(`Cannot open "${name}": ${first}${more}`, details);
}

/**
 * Reads and validates a project file: the size is checked before anything is read, the bytes
 * must be UTF-8 text, and the text must pass `parseProject`. Throws {@link FileProblem}.
 */
export async function readProjectFile(
  path: string,
  maxBytes: number = MAX_PROJECT_BYTES,
): Promise<{ text: string; project: Project }> {
  const name = basename(path);
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new FileProblem(`Cannot open "${name}": it is a folder`);
    if (info.size > maxBytes) {
      throw new FileProblem(
        `Cannot open "${name}": the file is ${megabytes(info.size)}; projects are limited to ${megabytes(maxBytes)}`,
      );
    }
    // Read at most maxBytes + 1 even if the file grew since stat.
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length >= buffer.length) break;
      }
      if (length > maxBytes) {
        throw new FileProblem(
          `Cannot open "${name}": the file is larger than ${megabytes(maxBytes)}, the limit for projects`,
        );
      }
      bytes = buffer.subarray(0, length);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof FileProblem) throw error;
    throw new FileProblem(`Cannot open "${name}": ${describeFsError(error)}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new FileProblem(
      `Cannot open "${name}": it is not a text file (not UTF-8), so not a Netwright project`,
    );
  }
  if (text.trim() === '') throw new FileProblem(`Cannot open "${name}": the file is empty`);
  const result = parseProject(text);
  if (!result.ok) throw projectProblem(name, result.errors);
  return { text, project: result.project };
}
