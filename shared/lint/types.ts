import type { DatasetShapeInfo } from '../datasets/fit.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { TrainingSettings } from '../graph/project.ts';
import type { Graph } from '../graph/types.ts';

/** What a lint needs to know about the dataset: its example shape and its task. */
export type DatasetFacts = DatasetShapeInfo;

export interface LintContext {
  dataset?: DatasetFacts;
  training: TrainingSettings;
  /** Facts about the last training run, for lints about how it went. */
  lastRun?: { diverged: boolean };
}

/** The part of a project a fix may change; applying a fix is one undoable edit. */
export interface FixTarget {
  graph: Graph;
  training: TrainingSettings;
}

export interface Fix {
  /** Button text, e.g. "Insert Flatten". */
  title: string;
  /** Returns the changed copy; never mutates its argument. */
  apply(target: FixTarget): FixTarget;
}

/** A hint or warning about a likely mistake, with a one-click fix when there is one. */
export interface LintFinding extends Diagnostic {
  fix?: Fix;
}
