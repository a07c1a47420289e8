import { basename } from 'node:path';
import { MAX_PROJECT_BYTES, parseProject, type Project } from '../../shared/graph/project.ts';
import { decodeText } from '../../shared/text/decode.ts';
import { describeFsError, safeMessage } from './errors.ts';
import { readRegularFile, ReadProblem } from './read.ts';

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

/** Errors from `parseProject`, made safe and bounded, each prefixed with the file name. */
export function projectProblem(name: string, errors: string[]): FileProblem {
  const details = errors.slice(0, MAX_DETAILS).map((e) => `${name}: ${safeMessage(e)}`);
  if (errors.length > MAX_DETAILS) details.push(`… and ${errors.length - MAX_DETAILS} more`);
  const first = safeMessage(errors[0] ?? 'unknown problem');
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problems)` : '';
  return new FileProblem(`Cannot open "${name}": ${first}${more}`, details);
}

/**
 * Reads and validates a project file: only a regular file (a folder, FIFO, device or socket is
 * refused without blocking), at most `maxBytes` bytes actually read, UTF-8 (BOM dropped) or
 * UTF-16 with a BOM (see `decodeText`), and the text must pass `parseProject`. Throws
 * {@link FileProblem}.
 */
export async function readProjectFile(
  path: string,
  maxBytes: number = MAX_PROJECT_BYTES,
): Promise<{ text: string; project: Project }> {
  const name = basename(path);
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(path, maxBytes, 'projects');
  } catch (error) {
    const why = error instanceof ReadProblem ? error.message : describeFsError(error);
    throw new FileProblem(`Cannot open "${name}": ${why}`);
  }
  const decoded = decodeText(bytes);
  if (!decoded.ok)
    throw new FileProblem(`Cannot open "${name}": ${decoded.error}, so not a Netwright project`);
  const text = decoded.text;
  if (text.trim() === '') throw new FileProblem(`Cannot open "${name}": the file is empty`);
  const result = parseProject(text);
  if (!result.ok) throw projectProblem(name, result.errors);
  return { text, project: result.project };
}
