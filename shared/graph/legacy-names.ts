/**
 * Trained weights saved before blocks had one stored name. Projects used to name layers by type in
 * model order (`conv2d_1`, `max_pooling2d_1`...); now a block's name is its stored name, label or
 * id (`blockNames` in `shared/ir/names.ts`). A project's top-level `weights` section keyed by the
 * old names is re-keyed to the new ones on load, so old trained projects keep their weights.
 */
import { pythonIdentifier, snakeCase, uniqueNames, blockNameMap } from '../ir/names.ts';
import { analyzeGraph } from './analyze.ts';
import type { Graph, GraphNode } from './types.ts';

/**
 * The layer names the app gave blocks before names were stored, in model order: the label made safe
 * when there is one, else the snake-cased type, numbered when the type repeats (`dense_1`,
 * `dense_2`); all unique (`uniqueNames`). `nodes`: the blocks of the model, in model order.
 */
export function legacyLayerNames(nodes: readonly Pick<GraphNode, 'type' | 'label'>[]): string[] {
  const typeCounts = new Map<string, number>();
  for (const node of nodes) {
    if (!node.label?.trim()) typeCounts.set(node.type, (typeCounts.get(node.type) ?? 0) + 1);
  }
  const seen = new Map<string, number>();
  const baseNames = nodes.map((node) => {
    if (node.label?.trim()) return pythonIdentifier(node.label);
    const base = snakeCase(node.type);
    if ((typeCounts.get(node.type) ?? 0) <= 1) return pythonIdentifier(base);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return pythonIdentifier(`${base}_${n}`);
  });
  return uniqueNames(baseNames);
}

/** An entry of `layers` as read from a file: anything, `null` included. */
type LayerEntry = { layer?: unknown } | null | undefined;
const layerOf = (e: LayerEntry): unknown =>
  typeof e === 'object' && e !== null ? e.layer : undefined;

/**
 * `weights` (a project's top-level weights section, untrusted) with its `layers[].layer` names
 * moved from the old names (`legacyLayerNames` of the model's blocks) to the blocks' names now.
 * Changes nothing (returns `weights` itself) when it is not a section with a `layers` array, when
 * every layer already has a current name, or when some layer is neither a current nor an old name
 * (loading then reports the mismatch, naming the layer). Never mutates its arguments.
 */
export function renameLegacyWeights(graph: Graph, weights: unknown): unknown {
  if (typeof weights !== 'object' || weights === null) return weights;
  const layers = (weights as { layers?: unknown }).layers;
  if (!Array.isArray(layers) || layers.length === 0) return weights;
  const entries = layers as LayerEntry[];
  const analysis = analyzeGraph(graph);
  // The model's blocks in model order: those analysis placed with a shape, as lowering takes them.
  const infos = analysis.order.map((id) => analysis.nodes.get(id)!).filter((i) => i.shape);
  const nameNow = blockNameMap([...analysis.nodes.values()].map((i) => i.node));
  const current = new Set(infos.map((i) => nameNow.get(i.node.id)!));
  if (
    entries.every((e) => {
      const l = layerOf(e);
      return typeof l === 'string' && current.has(l);
    })
  )
    return weights;
  const old = legacyLayerNames(infos.map((i) => i.node));
  const oldToNew = new Map(infos.map((info, i) => [old[i]!, nameNow.get(info.node.id)!]));
  if (
    !entries.every((e) => {
      const l = layerOf(e);
      return typeof l === 'string' && oldToNew.has(l);
    })
  )
    return weights;
  return {
    ...weights,
    layers: entries.map((e) => ({ ...e, layer: oldToNew.get(layerOf(e) as string)! })),
  };
}
