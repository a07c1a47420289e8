import { checkDatasetFit } from '../datasets/fit.ts';
import { analyzeGraph, type GraphAnalysis } from '../graph/analyze.ts';
import type { Graph } from '../graph/types.ts';
import { lowerAnalysis } from '../ir/lower.ts';
import { LINT_RULES, setParams } from './rules.ts';
import type { LintContext, LintFinding } from './types.ts';

export type { DatasetFacts, Fix, FixTarget, LintContext, LintFinding } from './types.ts';

/**
 * W105 (Input) and W107 (output): the dataset fit check, which the trainer also runs, as
 * findings with their fixes. Needs a valid graph.
 */
function datasetFitFindings(analysis: GraphAnalysis, context: LintContext): LintFinding[] {
  if (!context.dataset) return [];
  const lowered = lowerAnalysis(analysis);
  if (!lowered.ok) return [];
  return checkDatasetFit(lowered.ir, context.dataset, context.training.loss).map((problem) => {
    const fix = problem.fix;
    return {
      code: problem.end === 'input' ? 'W105' : 'W107',
      severity: 'warning',
      nodeId: problem.nodeId,
      message: problem.message,
      ...(fix
        ? { fix: { title: fix.title, apply: (t) => setParams(t, problem.nodeId, fix.params) } }
        : {}),
    } satisfies LintFinding;
  });
}

/**
 * Teaching lints: likely mistakes that are not errors (the graph still compiles), each with a
 * code, the block it concerns and, where there is one, a one-click fix.
 */
export function lintGraph(
  graph: Graph,
  context: LintContext,
  analysis: GraphAnalysis = analyzeGraph(graph),
): LintFinding[] {
  return [
    ...LINT_RULES.flatMap((rule) => rule(analysis, context)),
    ...datasetFitFindings(analysis, context),
  ];
}
