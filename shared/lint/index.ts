import { analyzeGraph, type GraphAnalysis } from '../graph/analyze.ts';
import type { Graph } from '../graph/types.ts';
import { LINT_RULES } from './rules.ts';
import type { LintContext, LintFinding } from './types.ts';

export type { DatasetFacts, Fix, FixTarget, LintContext, LintFinding } from './types.ts';

/**
 * Teaching lints: likely mistakes that are not errors (the graph still compiles), each with a
 * code, the block it concerns and, where there is one, a one-click fix.
 */
export function lintGraph(
  graph: Graph,
  context: LintContext,
  analysis: GraphAnalysis = analyzeGraph(graph),
): LintFinding[] {
  return LINT_RULES.flatMap((rule) => rule(analysis, context));
}
