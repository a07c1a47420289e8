import { checkDatasetFit, type FitProblem } from '../datasets/fit.ts';
import { formatDiagnostic } from '../diagnostics.ts';
import { analyzeGraph, type GraphAnalysis } from '../graph/analyze.ts';
import { trainingSchema } from '../graph/project.ts';
import type { Graph } from '../graph/types.ts';
import { lowerAnalysis } from '../ir/lower.ts';
import { LINT_RULES, setParams } from './rules.ts';
import type { LintContext, LintFinding } from './types.ts';

export type { DatasetFacts, Fix, FixTarget, LintContext, LintFinding } from './types.ts';

/**
 * What a fix that sets `params` on block `nodeId` would break: the first error of the fixed graph
 * as `CODE [node id] message`, or `null` when it has none.
 */
function breaks(graph: Graph, nodeId: string, params: Record<string, unknown>): string | null {
  const fixed = setParams({ graph, training: trainingSchema.parse({}) }, nodeId, params).graph;
  const found = analyzeGraph(fixed).diagnostics.find((d) => d.severity === 'error');
  return found ? formatDiagnostic(found) : null;
}

/**
 * The dataset fit problems of `graph` (a graph that compiles) with only the fixes that keep it
 * compiling (issue 13 item 6: "Set shape to [4]" on a CNN's Input, for a CSV of 4 columns, would
 * break its Conv2D). A fix that would break it is left out, and the message says why and what to
 * do instead. `datasetTitle`: the data set's name for that message.
 */
export function withSafeFixes(
  graph: Graph,
  problems: readonly FitProblem[],
  datasetTitle: string,
): FitProblem[] {
  return problems.map((problem) => {
    const broken = problem.fix ? breaks(graph, problem.nodeId, problem.fix.params) : null;
    if (!broken) return problem;
    return {
      nodeId: problem.nodeId,
      end: problem.end,
      // The check's own advice (after its last ": ") is what would break: said instead.
      message: `${problem.message.replace(/: [^:]*$/, '')}. No one-click fix: after "${problem.fix!.title}" the network would not compile (${broken}); this network does not fit ${datasetTitle}: build or open a network made for it`,
    };
  });
}

/**
 * W105 (Input) and W107 (output): the dataset fit check, which the trainer also runs, as
 * findings with their fixes. Needs a valid graph.
 */
function datasetFitFindings(
  graph: Graph,
  analysis: GraphAnalysis,
  context: LintContext,
): LintFinding[] {
  if (!context.dataset) return [];
  const lowered = lowerAnalysis(analysis);
  if (!lowered.ok) return [];
  const problems = checkDatasetFit(lowered.ir, context.dataset, context.training.loss);
  return withSafeFixes(graph, problems, context.dataset.title).map((problem) => {
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
    ...datasetFitFindings(graph, analysis, context),
  ];
}
