import { analyzeGraph } from '../../shared/graph/analyze.ts';
import { formatDiagnostic, hasErrors } from '../../shared/diagnostics.ts';
import { formatSummary, summarizeModel } from '../../shared/summary.ts';
import { EXIT, readProjectFile } from '../io.ts';

/** `netwright summary FILE`: Keras-style summary; exit 1 with diagnostics on an invalid graph. */
export async function summaryCommand(args: string[], out: (s: string) => void): Promise<number> {
  const file = args[0];
  if (!file) {
    out('usage: netwright summary FILE');
    return EXIT.badInput;
  }
  const project = await readProjectFile(file);
  const analysis = analyzeGraph(project.graph);
  if (hasErrors(analysis.diagnostics)) {
    for (const d of analysis.diagnostics) out(formatDiagnostic(d));
    return EXIT.invalidGraph;
  }
  out(formatSummary(summarizeModel(analysis), project.name));
  return EXIT.ok;
}
