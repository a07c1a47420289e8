/**
 * Teaching lints in the editor: the context they need (the project's dataset, the last run) and
 * the findings, memoised on what they read; how a block shows them.
 */
import { builtinDatasetInfo, type DatasetShapeInfo } from '../../shared/datasets/fit.ts';
import type { TrainingSettings } from '../../shared/graph/project.ts';
import type { GraphAnalysis } from '../../shared/graph/analyze.ts';
import type { Graph } from '../../shared/graph/types.ts';
import { lintGraph, type LintContext, type LintFinding } from '../../shared/lint/index.ts';
import { analysisOf } from '../store/index.ts';
import type { TrainingState } from '../training/client.ts';
import type { LastRun } from './teachStore.ts';

/**
 * The shape and task of the CSV file the Training panel has read (null while it reads the file
 * with new choices): `useTrainingSelect(csvFactsOf)`.
 */
export function csvFactsOf(state: Pick<TrainingState, 'csv'>): DatasetShapeInfo | null {
  return state.csv && !state.csv.loading ? state.csv.info : null;
}

/**
 * The lint context for a project: the dataset's facts (built-in, or the CSV file the project
 * trains on once the Training panel has read it), and the last run's divergence.
 */
export function lintContextFor(
  training: TrainingSettings,
  lastRun: LastRun | null,
  csv: DatasetShapeInfo | null = null,
): LintContext {
  const csvFacts =
    training.dataset === 'csv' && csv && csv.title === training.csv?.fileName
      ? { id: 'csv', title: csv.title, featureShape: csv.featureShape, task: csv.task }
      : undefined;
  const dataset = builtinDatasetInfo(training) ?? csvFacts;
  const diverged = lastRun?.diverged === true && lastRun.learningRate === training.learningRate;
  return {
    training,
    ...(dataset ? { dataset } : {}),
    ...(diverged ? { lastRun: { diverged: true } } : {}),
  };
}

let memo:
  | {
      analysis: GraphAnalysis;
      training: TrainingSettings;
      diverged: boolean;
      csv: DatasetShapeInfo | null;
      findings: LintFinding[];
    }
  | undefined;

/**
 * The lint findings of a project, recomputed only when the analysis (not block positions), the
 * settings, the run or the CSV facts change. Fixes read the graph they are given, so they never
 * go stale.
 */
export function findingsOf(
  graph: Graph,
  training: TrainingSettings,
  lastRun: LastRun | null,
  csv: DatasetShapeInfo | null = null,
): LintFinding[] {
  const context = lintContextFor(training, lastRun, csv);
  const diverged = context.lastRun?.diverged === true;
  const analysis = analysisOf(graph);
  if (
    memo &&
    memo.analysis === analysis &&
    memo.training === training &&
    memo.diverged === diverged &&
    memo.csv === csv
  ) {
    return memo.findings;
  }
  const findings = lintGraph(graph, context, analysis);
  memo = { analysis, training, diverged, csv, findings };
  return findings;
}

/** What a block shows for its findings: the worst severity and every message, with codes. */
export interface Marker {
  severity: 'warning' | 'hint';
  /** One line per finding: "W101: message". */
  text: string;
}

export function markerFor(findings: readonly LintFinding[], nodeId: string): Marker | null {
  const mine = findings.filter((f) => f.nodeId === nodeId);
  if (mine.length === 0) return null;
  return {
    severity: mine.some((f) => f.severity !== 'hint') ? 'warning' : 'hint',
    text: mine.map((f) => `${f.code}: ${f.message}`).join('\n'),
  };
}

/** Whether a run's reports show a divergence (a non-finite loss, or the trainer's NaN message). */
export function runDiverged(run: {
  batchLosses: readonly number[];
  epochs: ReadonlyArray<{ loss: number }>;
  error: string | null;
}): boolean {
  return (
    run.batchLosses.some((l) => !Number.isFinite(l)) ||
    run.epochs.some((e) => !Number.isFinite(e.loss)) ||
    /^The loss became (NaN|infinite)/.test(run.error ?? '')
  );
}
