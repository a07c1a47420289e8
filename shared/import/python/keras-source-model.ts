/**
 * The model the Keras source reader found (`./keras-source-reader.ts`) → the importer's layer
 * list (`shared/import/build.ts`): a Sequential's layers chained after its Input (made from
 * `input_shape=`, `model.build(...)` or the caller's answer), or a functional model's layers that
 * its output depends on, in the order the code made them, the output last.
 */
import type { ImportedLayer } from '../build.ts';
import type { SourceImportOptions } from './index.ts';
import type { SourceSpan } from './syntax.ts';
import { SourceError } from './keras-source-names.ts';
import type { LayerSpec } from './keras-source-layers.ts';

/** A layer made by the code: its spec, its block id, and the layers it was called on. */
export interface Created extends LayerSpec {
  id: string;
  /** Ids of the layers feeding it, in port order; unset until the layer is called. */
  inputs?: string[];
}

/** A model the code builds. */
export type ModelState = { var?: string; name?: string; at: SourceSpan } & (
  | {
      kind: 'sequential';
      /** Ids of its layers in order (an Input first when the code gives one). */
      entries: string[];
      /** `model.build((None, 784))`: the input shape without the batch axis. */
      buildShape?: unknown[];
    }
  | { kind: 'functional'; inputs: string[]; outputs: string[] }
);

/** The input-shape question when neither the code nor the options give one. */
export interface ShapeNeeded {
  needsInputShape: { message: string; known: (number | null)[]; at: SourceSpan };
}

/** The chosen model as importer layers: topological order, one Input, the output last. */
export function modelLayers(
  model: ModelState,
  created: ReadonlyMap<string, Created>,
  options: SourceImportOptions,
): { layers: ImportedLayer[] } | ShapeNeeded {
  const toLayer = (c: Created, inputs: string[]): ImportedLayer => ({
    name: c.id,
    type: c.def.type,
    params: c.params,
    inputs,
  });
  if (model.kind === 'sequential') {
    const entries = model.entries.map((id) => created.get(id)!);
    for (const c of entries)
      if (c.inputs && c.def.type !== 'Input')
        throw new SourceError(
          `layer "${c.id}" is also called on a tensor elsewhere (a shared layer): Netwright blocks are used once`,
          c.at,
        );
    const layers: ImportedLayer[] = [];
    const [first] = entries;
    if (!first) throw new SourceError('the Sequential model has no layers', model.at);
    let previous: string;
    if (first.def.type === 'Input') {
      const open = openInput(first, options);
      if (open && 'needsInputShape' in open) return open;
      layers.push(open ? { ...toLayer(first, []), params: open.params } : toLayer(first, []));
      previous = first.id;
    } else {
      const shape = first.inputShape ?? model.buildShape ?? options.inputShape;
      if (!shape)
        return {
          needsInputShape: {
            message:
              'the input shape is not in the code: give the first layer input_shape=(...), start with keras.Input(shape=(...)), or say it here',
            known: [],
            at: first.at,
          },
        };
      if (shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1))
        throw new SourceError(
          `the input shape ${JSON.stringify(shape)} needs fixed sizes (positive integers)`,
          first.at,
        );
      let id = 'input_layer';
      for (let i = 1; created.has(id); i++) id = `input_layer_${i}`;
      layers.push({
        name: id,
        type: 'Input',
        params: {
          shape: [...shape],
          dtype: first.tokenIds || first.def.type === 'Embedding' ? 'int32' : 'float32',
        },
        inputs: [],
      });
      previous = id;
    }
    for (const c of entries.slice(first.def.type === 'Input' ? 1 : 0)) {
      if (c.def.type === 'Input')
        throw new SourceError('keras.Input can only start a Sequential model', c.at);
      layers.push(toLayer(c, [previous]));
      previous = c.id;
    }
    return { layers };
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    throw new SourceError(
      `a model with ${model.inputs.length} inputs and ${model.outputs.length} outputs: Netwright models have exactly one of each`,
      model.at,
    );
  const input = created.get(model.inputs[0]!)!;
  if (input.def.type !== 'Input')
    throw new SourceError("the model's inputs should be the keras.Input(...) tensor", model.at);
  // The layers the output depends on, in the order the code made them.
  const needed = new Set<string>();
  const visit = (id: string) => {
    if (needed.has(id)) return;
    needed.add(id);
    for (const i of created.get(id)!.inputs ?? []) visit(i);
  };
  visit(model.outputs[0]!);
  for (const id of needed) {
    const c = created.get(id)!;
    if (c.def.type === 'Input' && id !== input.id)
      throw new SourceError(
        `the output depends on a second input "${id}": Netwright models have one input`,
        c.at,
      );
  }
  if (!needed.has(input.id))
    throw new SourceError("the output does not depend on the model's input", model.at);
  const ordered = [...created.values()].filter((c) => needed.has(c.id));
  const output = ordered.findIndex((c) => c.id === model.outputs[0]);
  ordered.push(...ordered.splice(output, 1));
  const open = openInput(input, options);
  if (open && 'needsInputShape' in open) return open;
  return {
    layers: ordered.map((c) =>
      c === input && open ? { ...toLayer(c, []), params: open.params } : toLayer(c, c.inputs ?? []),
    ),
  };
}

/** `(None, 128)` as Python writes it. */
const pythonShape = (shape: readonly (number | null)[]): string =>
  `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;

/**
 * A `keras.Input(shape=(None, …))`: the question for the sizes (`needsInputShape`, as the PyTorch
 * import asks), or the Input's params with the caller's answer filled in. `undefined` when the
 * Input's shape is fixed. Throws `SourceError` when the answer contradicts the code.
 */
function openInput(
  input: Created,
  options: SourceImportOptions,
): ShapeNeeded | { params: Record<string, unknown> } | undefined {
  const open = input.openShape;
  if (!open) return undefined;
  const given = options.inputShape;
  if (!given)
    return {
      needsInputShape: {
        message: `keras.Input: input shape ${pythonShape(open)}: Netwright needs fixed sizes. Give the input shape of one example (${open.length} ${open.length === 1 ? 'axis' : 'axes'}).`,
        known: [...open],
        at: input.at,
      },
    };
  if (given.length !== open.length || open.some((d, i) => d !== null && d !== given[i]))
    throw new SourceError(
      `the input shape given, ${pythonShape(given)}, does not fit keras.Input's ${pythonShape(open)}`,
      input.at,
    );
  return { params: { ...input.params, shape: [...given] } };
}
