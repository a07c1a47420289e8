/**
 * Keras / TF.js model JSON → Netwright graph. Reads:
 * - TF.js `model.json` (Layers format: `modelTopology` + `weightsManifest`), with its weight
 *   files when given (float32, unquantised);
 * - the topology alone: TF.js `model.toJSON()`, Keras `model.to_json()` (Keras 2 and 3,
 *   `Sequential`, `Model`/`Functional`).
 */
import { z } from 'zod';
import type { IrOp } from '../ir/lower.ts';
import { Unsupported, inputShapeOf, type Json } from '../layers/backends/keras.ts';
import { LAYERS, getLayer } from '../layers/registry.ts';
import type { LayerDef } from '../layers/types.ts';
import type { WeightTensor } from '../export/weights.ts';
import {
  buildImportedProject,
  unsupportedMessage,
  type ImportedLayer,
  type ImportResult,
} from './build.ts';

/** Weight files by the path the manifest names (e.g. `group1-shard1of1.bin`). */
export type WeightFiles = Record<string, Uint8Array>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The keras hooks of a block type, if it is a known kind. */
const getKeras = (type: string) => getLayer(type)?.keras;

/**
 * Keras class name (and alias, e.g. `Convolution2D`) → the layer kind that imports it
 * (`LayerDef.keras.classNames`): the kind whose `type` is that name, else the first kind in
 * palette order that lists it. Built on first use.
 */
let byClassName: Map<string, LayerDef> | undefined;
export function kerasKindForClass(className: string): LayerDef | undefined {
  if (!byClassName) {
    byClassName = new Map();
    for (const def of LAYERS)
      if (def.keras.classNames.includes(def.type)) byClassName.set(def.type, def);
    for (const def of LAYERS)
      for (const name of def.keras.classNames)
        if (!byClassName.has(name)) byClassName.set(name, def);
  }
  return byClassName.get(className);
}

/**
 * The names of the layers feeding one layer call, in port order: positional tensors, then the
 * keyword arguments named in `tensorKwargs` (`Hooks.tensorKwargs`, e.g. MultiHeadAttention's
 * `value`, `key`), in that order. Reads `[name, node, tensor, kwargs]` lists (Keras 2, TF.js) or
 * `{args, kwargs}` with `keras_history` tensors (Keras 3).
 */
function inboundNames(inbound: unknown, tensorKwargs: readonly string[] = []): string[] {
  if (!Array.isArray(inbound) || inbound.length === 0) return [];
  if (inbound.length > 1) throw new Unsupported('a layer used more than once (shared layers)');
  const call = inbound[0];
  const names: string[] = [];
  const kwargs: unknown[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) {
      if (typeof v[0] === 'string' && typeof v[1] === 'number') {
        names.push(v[0]);
        if (isObject(v[3])) kwargs.push(v[3]);
      } else v.forEach(visit);
    } else if (isObject(v)) {
      const history = (v.config as Json | undefined)?.keras_history;
      if (Array.isArray(history) && typeof history[0] === 'string') names.push(history[0]);
      else if (Array.isArray(v.args)) {
        visit(v.args);
        if (isObject(v.kwargs)) kwargs.push(v.kwargs);
      }
    }
  };
  visit(call);
  // Only the first call's keyword arguments: later ones belong to nested tensors' own calls.
  const first = kwargs[0];
  if (isObject(first)) for (const key of tensorKwargs) visit(first[key]);
  return names;
}

/** At most this many dimensions per weight (Conv2D kernels have 4). */
const MAX_WEIGHT_RANK = 8;

/** A TF.js `weightsManifest` (https://www.tensorflow.org/js/guide/save_load, "model.json"). */
const manifestSchema = z.array(
  z.object({
    paths: z.array(z.string().min(1)).min(1),
    weights: z.array(
      z.object({
        name: z.string().min(1),
        shape: z.array(z.number().int().min(0)).max(MAX_WEIGHT_RANK),
        dtype: z.string(),
        quantization: z.unknown().optional(),
      }),
    ),
  }),
);

/** Keras / TF.js layer entries of a model config: a list of objects with a class name. */
const layersSchema = z.array(
  z.object({
    class_name: z.string(),
    config: z.record(z.string(), z.unknown()).optional(),
    name: z.unknown().optional(),
    inbound_nodes: z.unknown().optional(),
  }),
);

/** The first few problems of a failed schema check, each with its place (`paths[0]: …`). */
function schemaProblems(where: string, error: z.ZodError): string[] {
  return error.issues.slice(0, 3).map((issue) => {
    let place = where;
    for (const key of issue.path) place += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
    return `${place}: ${issue.message}`;
  });
}

/** Weight files a `model.json` names that are not at hand: a missing file, not an unsupported use. */
class MissingWeightFiles extends Error {
  readonly paths: string[];
  constructor(paths: string[]) {
    super(`weight file(s) ${paths.join(', ')} not found`);
    this.paths = paths;
  }
}

function decodeManifest(manifest: unknown, files: WeightFiles): Map<string, WeightTensor[]> {
  const parsed = manifestSchema.safeParse(manifest);
  if (!parsed.success)
    throw new Unsupported(
      `a malformed weightsManifest (${schemaProblems('weightsManifest', parsed.error).join('; ')})`,
    );
  const out = new Map<string, WeightTensor[]>();
  for (const [g, group] of parsed.data.entries()) {
    const paths = group.paths;
    const missing = paths.filter((p) => !Object.hasOwn(files, p));
    if (missing.length > 0) throw new MissingWeightFiles(missing);
    let expected = 0;
    for (const spec of group.weights) {
      if (spec.dtype !== 'float32' || spec.quantization)
        throw new Unsupported(
          `weight ${spec.name} stored as ${spec.quantization ? 'quantised ' : ''}${spec.dtype} (only float32)`,
        );
      expected += spec.shape.reduce((a, b) => a * b, 1) * 4;
    }
    const total = paths.reduce((n, p) => n + files[p]!.length, 0);
    if (total !== expected)
      throw new Unsupported(
        `weight file(s) ${paths.join(', ')} hold ${total} bytes but weightsManifest[${g}] describes ${expected} bytes (${total > expected ? 'longer' : 'shorter'} than the manifest says): the files do not belong to this model.json; export the model again`,
      );
    const bytes = new Uint8Array(total);
    let o = 0;
    for (const p of paths) {
      bytes.set(files[p]!, o);
      o += files[p]!.length;
    }
    const view = new DataView(bytes.buffer);
    let offset = 0;
    for (const spec of group.weights) {
      const shape = spec.shape;
      const size = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(size);
      for (let i = 0; i < size; i++) data[i] = view.getFloat32(offset + i * 4, true);
      offset += size * 4;
      const name = spec.name;
      const slash = name.lastIndexOf('/');
      const layer = name.slice(0, slash);
      const list = out.get(layer) ?? [];
      list.push({ name: name.slice(slash + 1), shape: [...shape], data });
      out.set(layer, list);
    }
  }
  return out;
}

/**
 * The arrays of a layer whose weights live in sub-layers (`mha/query/kernel`: the manifest
 * decoder keys them by `mha/query`), named by their path inside the layer (`query/kernel`), in
 * stored order; undefined when there are none.
 */
function subLayerWeights(
  weights: Map<string, WeightTensor[]>,
  layer: string,
): WeightTensor[] | undefined {
  const out: WeightTensor[] = [];
  for (const [key, list] of weights) {
    if (!key.startsWith(`${layer}/`)) continue;
    const sub = key.slice(layer.length + 1);
    for (const w of list) out.push({ ...w, name: `${sub}/${w.name}` });
  }
  return out.length > 0 ? out : undefined;
}

/**
 * Imports a TF.js / Keras model JSON (text or parsed). `files`: the weight files a TF.js
 * `model.json` names, when at hand; without them the model imports without weights. The weight
 * files must hold exactly the bytes the manifest describes. Never throws: a broken or hostile
 * file is `{ ok: false }` with a message naming the part that is wrong.
 */
export function importKerasJson(json: unknown, files?: WeightFiles, name?: string): ImportResult {
  try {
    return importKerasDocument(json, files, name);
  } catch (e) {
    return {
      ok: false,
      error: `Cannot import this model: ${e instanceof Error ? e.message : String(e)}.`,
    };
  }
}

function importKerasDocument(json: unknown, files?: WeightFiles, name?: string): ImportResult {
  let doc: unknown = json;
  try {
    if (typeof doc === 'string') doc = JSON.parse(doc);
  } catch (e) {
    return {
      ok: false,
      error: `Cannot import: not valid JSON (${e instanceof Error ? e.message : String(e)}).`,
    };
  }
  if (!isObject(doc))
    return { ok: false, error: 'Cannot import: the JSON is not a Keras or TF.js model.' };
  let topology: unknown = doc.modelTopology ?? doc;
  if (typeof topology === 'string') {
    try {
      topology = JSON.parse(topology);
    } catch {
      return { ok: false, error: 'Cannot import: modelTopology is not valid JSON.' };
    }
  }
  if (isObject(topology) && isObject(topology.model_config)) topology = topology.model_config;
  const source = doc.modelTopology ? 'TF.js' : 'Keras';
  if (!isObject(topology) || typeof topology.class_name !== 'string') {
    return {
      ok: false,
      error: `Cannot import: the JSON is not a Keras or TF.js model (no class_name).`,
    };
  }
  const cls = topology.class_name;
  if (!['Sequential', 'Model', 'Functional'].includes(cls)) {
    return {
      ok: false,
      error: unsupportedMessage(source, [
        `model class ${cls} (only Sequential and functional models)`,
      ]),
    };
  }
  const config = (
    Array.isArray(topology.config) ? { layers: topology.config } : topology.config
  ) as Json | undefined;
  if (config !== undefined && !isObject(config))
    return {
      ok: false,
      error: `Cannot import: the model's "config" is ${config === null ? 'null' : typeof config}, expected an object with a "layers" list.`,
    };
  const layerList = layersSchema.safeParse(config?.layers === undefined ? [] : config.layers);
  if (!layerList.success)
    return {
      ok: false,
      error: `Cannot import: the layer list is malformed (${schemaProblems('config.layers', layerList.error).join('; ')}).`,
    };
  const rawLayers = layerList.data as Json[];
  const modelName = name ?? (typeof config?.name === 'string' ? config.name : 'Imported model');
  const problems: string[] = [];
  const layers: ImportedLayer[] = [];
  const sequential = cls === 'Sequential';
  /** Shape checks of imported layers (`Imported.check`), by layer name. */
  const checks = new Map<string, (op: IrOp) => string | undefined>();

  let previous: string | undefined;
  for (const [i, raw] of rawLayers.entries()) {
    const lc = (raw.config ?? {}) as Json;
    const layerName = String(lc.name ?? raw.name ?? `layer_${i}`);
    const lcls = String(raw.class_name);
    try {
      const kind = kerasKindForClass(lcls);
      if (kind?.type === 'Input') {
        const { params } = kind.keras.fromConfig(lc, lcls);
        layers.push({ name: layerName, type: kind.type, params, inputs: [] });
        previous = layerName;
        continue;
      }
      if (sequential && previous === undefined) {
        const shape = inputShapeOf(lc) ?? inputShapeOf((topology.build_config ?? {}) as Json);
        if (!shape || shape.some((d) => typeof d !== 'number'))
          throw new Unsupported(
            'no input shape (build the model or give its first layer an input shape)',
          );
        layers.push({ name: 'input', type: 'Input', params: { shape }, inputs: [] });
        previous = 'input';
      }
      if (!kind) throw new Unsupported('a layer Netwright has no block for');
      const block = kind.keras.fromConfig(lc, lcls);
      if (block.check) checks.set(layerName, block.check);
      const inputs = sequential
        ? [previous!]
        : inboundNames(raw.inbound_nodes, kind.keras.tensorKwargs);
      layers.push({ name: layerName, type: kind.type, params: block.params, inputs });
      previous = layerName;
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      problems.push(`layer "${layerName}" (${lcls}): ${e.message}`);
      previous = layerName;
    }
  }
  if (!sequential && problems.length === 0) {
    const outs = config?.output_layers;
    const outNames = inboundNames([outs]);
    if (outNames.length !== 1)
      problems.push(`${outNames.length} outputs (Netwright models have exactly one)`);
    else {
      // The output layer goes last.
      const idx = layers.findIndex((l) => l.name === outNames[0]);
      if (idx >= 0) layers.push(...layers.splice(idx, 1));
    }
  }

  // Netwright's TF.js build splits a kind with `splitsActivation` (Dense, Conv2D) + leaky_relu into
  // `<name>` and `<name>.leaky_relu`: fold them back.
  for (const l of [...layers]) {
    const base = l.name.endsWith('.leaky_relu')
      ? l.name.slice(0, -'.leaky_relu'.length)
      : undefined;
    const producer = base === undefined ? undefined : layers.find((p) => p.name === base);
    if (
      !producer ||
      l.inputs.length !== 1 ||
      l.inputs[0] !== base ||
      !getKeras(producer.type)?.splitsActivation ||
      producer.params.activation !== 'linear'
    )
      continue;
    if (layers.filter((r) => r.inputs.includes(base!)).length !== 1) continue;
    producer.params.activation = 'leaky_relu';
    layers.splice(layers.indexOf(l), 1);
    for (const r of layers) r.inputs = r.inputs.map((n) => (n === l.name ? base! : n));
  }

  // TF.js (Netwright's build) routes a merge's repeated input through a linear `<merge>.input_<port>`
  // layer (see shared/tfjs/build-model.ts): read the tensor directly again. A mechanic of that
  // build (its identity layer is an Activation `linear`), not per-kind knowledge.
  for (const l of [...layers]) {
    const m = /^(.+)\.input_\d+$/.exec(l.name);
    if (!m || l.type !== 'Activation' || l.params.activation !== 'linear' || l.inputs.length !== 1)
      continue;
    const readers = layers.filter((r) => r.inputs.includes(l.name));
    if (readers.length !== 1 || readers[0]!.name !== m[1]) continue;
    layers.splice(layers.indexOf(l), 1);
    readers[0]!.inputs = readers[0]!.inputs.map((n) => (n === l.name ? l.inputs[0]! : n));
  }

  let weights: Map<string, WeightTensor[]> | undefined;
  if (doc.weightsManifest !== undefined && files !== undefined) {
    try {
      weights = decodeManifest(doc.weightsManifest, files);
    } catch (e) {
      if (e instanceof MissingWeightFiles) {
        const one = e.paths.length === 1;
        return {
          ok: false,
          error: `Cannot import this ${source} model: weight file${one ? '' : 's'} ${e.paths.join(', ')} not found: model.json names ${one ? 'it' : 'them'}; put ${one ? 'it' : 'them'} beside model.json (or pick ${one ? 'it' : 'them'} together with model.json) and try again. Nothing was imported.`,
        };
      }
      if (!(e instanceof Unsupported)) throw e;
      problems.push(e.message);
    }
  }
  if (problems.length > 0) return { ok: false, error: unsupportedMessage(source, problems) };
  if (weights) {
    for (const l of layers) {
      const w = weights.get(l.name) ?? subLayerWeights(weights, l.name);
      const order = getKeras(l.type)?.weightOrder ?? [];
      // Arrays the kind does not name go last, in stored order.
      const rank = (name: string) => {
        const i = order.indexOf(name);
        return i < 0 ? order.length : i;
      };
      if (w) l.weights = [...w].sort((a, b) => rank(a.name) - rank(b.name));
      else if (order.length > 0) l.weights = [];
    }
  }
  const result = buildImportedProject({ name: modelName, layers, source });
  if (!result.ok) return result;
  const bad: string[] = [];
  for (const op of result.ir.ops) {
    const original = layers.find((l) => l.name === op.name || l.name === op.label);
    const problem = original ? checks.get(original.name)?.(op) : undefined;
    if (problem) bad.push(`layer "${op.name}" (${op.type}): ${problem}`);
  }
  if (bad.length > 0) return { ok: false, error: unsupportedMessage(source, bad) };
  return result;
}
