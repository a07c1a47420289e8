/**
 * Common end of every importer: a list of layers (Netwright block types and params, wired by
 * name, with Keras-layout weights) becomes a validated project graph, laid out, plus its weights.
 * Either everything imports or nothing does: any problem fails the whole import with one message.
 */
import { formatDiagnostic } from '../diagnostics.ts';
import { emptyProject, parseProjectValue, type Project } from '../graph/project.ts';
import type { Graph, GraphEdge, GraphNode } from '../graph/types.ts';
import { lowerGraph, type ModelIR } from '../ir/lower.ts';
import { pythonIdentifier, uniqueNames } from '../ir/names.ts';
import { checkWeights, type ModelWeights, type WeightTensor } from '../export/weights.ts';

/** One block as an importer recognised it. */
export interface ImportedLayer {
  /** The name in the source model (any text; made safe here). */
  name: string;
  /** Netwright block type (Keras class name). */
  type: string;
  params: Record<string, unknown>;
  /** Names of the layers feeding it, in port order. */
  inputs: string[];
  /** Keras-order, Keras-layout arrays (see `shared/export/weights.ts`); absent: none stored. */
  weights?: WeightTensor[];
}

export interface ImportedModel {
  name: string;
  /** Topological order; exactly one Input. The last layer is the model output. */
  layers: ImportedLayer[];
  /** Where the model came from, for messages: `ONNX`, `TF.js`, `Keras`. */
  source: string;
}

export type ImportResult =
  | {
      ok: true;
      project: Project;
      /** Keyed by the IR layer names of `project.graph`; null when the source had no weights. */
      weights: ModelWeights | null;
      ir: ModelIR;
      /** Things worth telling the user (e.g. "no weights: initialise by training"). */
      notes: string[];
    }
  | { ok: false; error: string };

/** Thrown by importers for what they cannot read; collected into one message. */
export class ImportError extends Error {}

/** The one message listing everything a model uses that Netwright cannot import. */
export function unsupportedMessage(source: string, items: readonly string[]): string {
  const unique = [...new Set(items)];
  return `Cannot import this ${source} model: it uses ${unique.length === 1 ? 'something' : `${unique.length} things`} Netwright does not support:\n${unique
    .map((i) => `  - ${i}`)
    .join('\n')}\nNothing was imported.`;
}

const COLUMN = 240;
const ROW = 140; // as the templates: room for wire labels

/**
 * Layered layout: each block one row below its deepest input; blocks of one row side by side,
 * centred. Deterministic; the app may re-layout with elkjs.
 */
export function layeredLayout(
  ids: readonly string[],
  inputsOf: (id: string) => readonly string[],
): Map<string, { x: number; y: number }> {
  const depth = new Map<string, number>();
  for (const id of ids) {
    const ins = inputsOf(id);
    depth.set(id, ins.length === 0 ? 0 : Math.max(...ins.map((i) => depth.get(i) ?? 0)) + 1);
  }
  const rows = new Map<number, string[]>();
  for (const id of ids) {
    const d = depth.get(id)!;
    const row = rows.get(d);
    if (row) row.push(id);
    else rows.set(d, [id]);
  }
  const positions = new Map<string, { x: number; y: number }>();
  for (const [d, row] of rows) {
    row.forEach((id, i) =>
      positions.set(id, { x: (i - (row.length - 1) / 2) * COLUMN, y: d * ROW }),
    );
  }
  return positions;
}

/** Builds the project from the layers; fails with one message when anything does not fit. */
export function buildImportedProject(model: ImportedModel): ImportResult {
  const { layers } = model;
  const inputs = layers.filter((l) => l.type === 'Input');
  if (inputs.length !== 1) {
    return {
      ok: false,
      error: `Cannot import this ${model.source} model: it has ${inputs.length} inputs; Netwright models have exactly one.`,
    };
  }
  // Node ids: the source names made safe and unique.
  const ids = uniqueNames(layers.map((l) => pythonIdentifier(l.name.slice(0, 200))));
  const idOf = new Map<string, string>();
  layers.forEach((l, i) => idOf.set(l.name, ids[i]!));
  const missing = layers.flatMap((l) =>
    l.inputs.filter((i) => !idOf.has(i)).map((i) => `${l.name} reads ${i}, which is not a layer`),
  );
  if (missing.length > 0)
    return { ok: false, error: `Cannot import this ${model.source} model: ${missing.join('; ')}.` };
  const positions = layeredLayout(ids, (id) =>
    layers[ids.indexOf(id)]!.inputs.map((n) => idOf.get(n)!),
  );
  const nodes: GraphNode[] = layers.map((l, i) => ({
    id: ids[i]!,
    type: l.type,
    params: l.params,
    position: positions.get(ids[i]!)!,
  }));
  const edges: GraphEdge[] = layers.flatMap((l, i) =>
    l.inputs.map((source, port) => ({
      id: `e-${idOf.get(source)}-${ids[i]}${l.inputs.length > 1 ? `-${port}` : ''}`,
      source: idOf.get(source)!,
      target: ids[i]!,
      ...(l.inputs.length > 1 ? { targetHandle: String(port) } : {}),
    })),
  );
  const graph: Graph = { nodes, edges };
  const project = { ...emptyProject(model.name.slice(0, 200) || 'Imported model'), graph };
  const parsed = parseProjectValue(project);
  if (!parsed.ok)
    return {
      ok: false,
      error: `Cannot import this ${model.source} model:\n${parsed.errors.join('\n')}`,
    };

  // Stored names where needed so that every layer keeps its name (IR name = node id).
  let ir: ModelIR | undefined;
  for (let round = 0; round <= nodes.length; round++) {
    const lowered = lowerGraph(graph);
    if (!lowered.ok) {
      return {
        ok: false,
        error: `Cannot import this ${model.source} model: the graph does not check:\n${lowered.diagnostics.map(formatDiagnostic).join('\n')}`,
      };
    }
    const wrong = lowered.ir.ops.filter((op) => op.name !== op.id);
    if (wrong.length === 0) {
      ir = lowered.ir;
      break;
    }
    for (const op of wrong) nodes.find((n) => n.id === op.id)!.name = op.id;
  }
  if (!ir)
    return {
      ok: false,
      error: `Cannot import this ${model.source} model: layer names could not be kept.`,
    };
  if (ir.ops.length !== nodes.length) {
    const used = new Set(ir.ops.map((op) => op.id));
    const unused = nodes.filter((n) => !used.has(n.id)).map((n) => n.id);
    return {
      ok: false,
      error: `Cannot import this ${model.source} model: layers not on the path from input to output: ${unused.join(', ')}.`,
    };
  }

  const withWeights = layers.filter((l) => l.weights !== undefined);
  let weights: ModelWeights | null = null;
  const notes: string[] = [];
  if (withWeights.length > 0) {
    weights = new Map();
    layers.forEach((l, i) => {
      if (l.weights && l.weights.length > 0) weights!.set(ids[i]!, l.weights);
    });
    const problems = checkWeights(ir, weights);
    if (problems.length > 0) {
      return {
        ok: false,
        error: `Cannot import this ${model.source} model: its weights do not fit:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      };
    }
  } else if (ir.totals.total > 0) {
    notes.push(
      'The model file has no weights: they will be initialised afresh (train it or import weights).',
    );
  }
  return { ok: true, project: { ...parsed.project, graph }, weights, ir, notes };
}
