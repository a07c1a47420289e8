/**
 * The CSV import choices kept in a project's `training.csv`: which apply to a picked file, and
 * the defaults for a new one (target: the last column; task: from the target's type and values).
 */
import type { CsvSettings } from '../graph/project.ts';
import type { CsvPreview } from './csv.ts';

export interface CsvChoiceValues {
  target: string;
  task: CsvSettings['task'];
  normalization: CsvSettings['normalization'];
  ignore: string[];
}

/** The saved choices, when they belong to a file of this name; else null. */
export function csvChoicesFor(
  saved: CsvSettings | undefined,
  fileName: string,
): CsvChoiceValues | null {
  if (!saved || saved.fileName !== fileName) return null;
  return {
    target: saved.target,
    task: saved.task,
    normalization: saved.normalization,
    ignore: saved.ignore,
  };
}

/**
 * The settings for a freshly read file: the saved ones when they name this file and its target
 * still exists (a reopened project), less ignored columns the file no longer has; otherwise the
 * last column as target with its default task, the saved normalisation (or standardise), and no
 * columns left out.
 */
export function csvDefaults(preview: CsvPreview, saved: CsvSettings | undefined): CsvSettings {
  if (saved && saved.fileName === preview.name && preview.header.includes(saved.target)) {
    return {
      ...saved,
      ignore: saved.ignore.filter((c) => preview.header.includes(c) && c !== saved.target),
    };
  }
  const target = preview.defaultTarget;
  return {
    fileName: preview.name,
    target,
    task: preview.defaultTasks[target] ?? 'classification',
    normalization: saved?.normalization ?? 'standard',
    ignore: [],
  };
}
