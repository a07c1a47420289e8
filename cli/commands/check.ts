import { formatDiagnostic, hasErrors } from '../../shared/diagnostics.ts';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import { readLesson } from '../../shared/lessons/lesson.ts';
import { builtinDatasetInfo } from '../../shared/datasets/fit.ts';
import { lintGraph } from '../../shared/lint/index.ts';
import { EXIT, readProjectFile } from '../io.ts';

/**
 * `netwright check FILE`, for graders: every diagnostic and hint, one per line with its code and
 * node id; exit 1 when any is an error, 0 when there are only warnings and hints.
 */
export async function checkCommand(args: string[], out: (s: string) => void): Promise<number> {
  const file = args[0];
  if (!file) {
    out('usage: netwright check FILE');
    return EXIT.badInput;
  }
  const project = await readProjectFile(file);
  // An empty canvas is not a valid model (a grader must not pass an empty submission).
  if (project.graph.nodes.length === 0) {
    out(`${file}: the graph is empty: add an Input block and layers`);
    return EXIT.invalidGraph;
  }
  const analysis = analyzeGraph(project.graph);
  const findings = [
    ...analysis.diagnostics,
    ...lintGraph(
      project.graph,
      {
        training: project.training,
        dataset: builtinDatasetInfo(project.training) ?? undefined,
      },
      analysis,
    ),
  ];
  const lines = findings.map(formatDiagnostic);
  const lesson = readLesson(project);
  if (lesson && !lesson.ok) lines.push(...lesson.errors.map((e) => `E016 ${e}`));
  if (lesson?.ok && lesson.lesson.palette) {
    for (const node of project.graph.nodes) {
      if (!lesson.lesson.palette.includes(node.type)) {
        lines.push(`W108 [node ${node.id}] This lesson does not allow ${node.type} blocks`);
      }
    }
  }
  for (const line of lines) out(line);
  if (lines.length === 0) out('No problems found.');
  return hasErrors(findings) || lesson?.ok === false ? EXIT.invalidGraph : EXIT.ok;
}
