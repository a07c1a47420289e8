/**
 * Opening a project imported from Python code: laid out by ELK (the importer's own layered
 * places stay when ELK fails), loaded like a template (one undoable step, no file path), marked
 * unsaved, with a notice of what came in.
 */
import type { Project } from '../../shared/graph/project.ts';
import { layoutGraph } from '../canvas/layout.ts';
import { editorStore } from '../store/index.ts';
import { FRAMEWORK_NAMES, previewSummary } from './model.ts';
import type { SourceFramework } from '../../shared/import/python/index.ts';

export async function openImportedProject(
  project: Project,
  summary: { framework: SourceFramework; blocks: number; params: number },
): Promise<void> {
  let laidOut = project;
  try {
    const positions = await layoutGraph(project.graph);
    const nodes = project.graph.nodes.map((n) => {
      const p = positions.get(n.id);
      return p ? { ...n, position: { x: p.x, y: p.y } } : n;
    });
    laidOut = { ...project, graph: { ...project.graph, nodes } };
  } catch {
    // The importer's own layered layout stays.
  }
  const store = editorStore.getState();
  // No file path: the history keeps the graph it replaces (Undo brings it back).
  store.loadProject(laidOut, null);
  editorStore.setState({ dirty: true });
  store.notify(
    `Imported ${FRAMEWORK_NAMES[summary.framework]} code: ${previewSummary(summary.blocks, summary.params)}`,
  );
}
