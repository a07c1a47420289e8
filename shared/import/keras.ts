/**
 * Keras / TF.js model JSON → Netwright graph. Reads:
 * - TF.js `model.json` (Layers format: `modelTopology` + `weightsManifest`), with its weight
 *   files when given (float32, unquantised);
 * - the topology alone: TF.js `model.toJSON()`, Keras `model.to_json()` (Keras 2 and 3,
 *   `Sequential`, `Model`/`Functional`), a `.keras` zip's `config.json`, an h5 `model_config`.
 * The input shape is read wherever a writer puts it (`sequentialInputShape`, the Input kind's
 * hook); weights are matched by name under every writer's scheme (`placeOf`: layer scopes, `:0`,
 * Keras 3 `layers/…/vars/<i>` paths, recurrent cells, Bidirectional directions, attention's dense
 * layers; `canonicalArray`), optimizer state is left out (manifest group `optimizer`, Keras 3
 * `optimizer/vars/<i>`), and when they do not fit, the message lists the names found and the
 * names expected. A TF.js graph model (`format: "graph-model"`) is refused by what it is.
 */
import { z } from 'zod';
import { Unsupported, inputShapeOf, type Json } from '../layers/backends/keras.ts';
import { LAYERS, getLayer } from '../layers/registry.ts';
import type { LayerDef } from '../layers/types.ts';
import { expectedWeights } from '../export/weights.ts';
import type { IrOp, ModelIR } from '../ir/lower.ts';
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

/** A shape written with its batch axis first (`[null, 28, 28, 1]`) without it; else undefined. */
const withoutBatch = (v: unknown): unknown[] | undefined =>
  Array.isArray(v) && v.length >= 1 ? (v.slice(1) as unknown[]) : undefined;

/**
 * The input shape of a Sequential model without an InputLayer, from every place the writers put
 * it, first found wins:
 * - the first layer's config: `batch_input_shape` (tf.keras 2, TF.js), `batch_shape` (Keras 3),
 *   `input_shape` (the constructor keyword, without the batch axis) — `inputShapeOf`;
 * - the first layer's Keras 3 `build_config.input_shape` (with the batch axis; keras/src/layers/
 *   layer.py `get_build_config`);
 * - the model config's `build_input_shape` (tf.keras 2 and Keras 3 `Sequential.get_config`, with
 *   the batch axis);
 * - the model's Keras 3 `build_config.input_shape` (with the batch axis).
 */
function sequentialInputShape(
  first: Json,
  entry: Json,
  topology: Json,
  config: Json | undefined,
): unknown[] | undefined {
  const build = (v: unknown) => (isObject(v) ? withoutBatch(v.input_shape) : undefined);
  return (
    inputShapeOf(first) ??
    build(entry.build_config) ??
    withoutBatch(config?.build_input_shape) ??
    build(topology.build_config)
  );
}

const MODEL_CLASSES = ['Sequential', 'Model', 'Functional'];

/**
 * The layers of a Sequential with every nested Sequential (Keras allows a Sequential as a layer
 * of a Sequential: `Sequential([Sequential([...]), Dense(...)])`) replaced by its own layers, in
 * order. A nested model's InputLayer is kept only where it starts the whole model (`first`).
 * Weights of nested layers then match by the inner layer's name, under any of the name schemes
 * (`sequential_1/dense/kernel`, `layers/sequential_1/layers/dense/vars/0`).
 */
function flattenSequential(list: readonly Json[], first: boolean): Json[] {
  const out: Json[] = [];
  for (const raw of list) {
    const inner = isObject(raw.config) ? raw.config.layers : undefined;
    const parsed = raw.class_name === 'Sequential' ? layersSchema.safeParse(inner) : undefined;
    if (!parsed?.success) {
      out.push(raw);
      continue;
    }
    const layers = flattenSequential(parsed.data as Json[], first && out.length === 0);
    const atStart = first && out.length === 0;
    out.push(...(atStart ? layers : layers.filter((l) => l.class_name !== 'InputLayer')));
  }
  return out;
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
        /** tfjs-core `WeightsManifestEntry.group`: `optimizer` for `save({includeOptimizer})`. */
        group: z.string().optional(),
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
    build_config: z.unknown().optional(),
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

/** One array of a weights manifest under the name its writer gave it. */
interface StoredWeight {
  /** As written: `dense/kernel`, `dense_1/kernel:0`, `sequential/dense/kernel`, `layers/dense/vars/0`. */
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * Bytes per element of a manifest dtype (tfjs-core io `DTYPE_VALUE_SIZE_MAP`: float32 and int32
 * 4, bool 1, complex64 8); throws `Unsupported` for others.
 */
function bytesPer(dtype: string): number {
  const size = ({ float32: 4, int32: 4, bool: 1, complex64: 8 } as Record<string, number>)[dtype];
  if (size === undefined) throw new Unsupported(`a weight stored as ${dtype}`);
  return size;
}

function decodeManifest(manifest: unknown, files: WeightFiles): StoredWeight[] {
  const parsed = manifestSchema.safeParse(manifest);
  if (!parsed.success)
    throw new Unsupported(
      `a malformed weightsManifest (${schemaProblems('weightsManifest', parsed.error).join('; ')})`,
    );
  const out: StoredWeight[] = [];
  for (const [g, group] of parsed.data.entries()) {
    const paths = group.paths;
    const missing = paths.filter((p) => !Object.hasOwn(files, p));
    if (missing.length > 0) throw new MissingWeightFiles(missing);
    let expected = 0;
    for (const spec of group.weights) {
      // Optimizer state stored as its own dtype (the int64 iteration count becomes int32).
      if (isOptimizerPath(spec.name) && !spec.quantization) {
        expected += spec.shape.reduce((a, b) => a * b, 1) * bytesPer(spec.dtype);
        continue;
      }
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
      if (isOptimizerPath(spec.name)) {
        offset += size * bytesPer(spec.dtype);
        continue;
      }
      const data = new Float32Array(size);
      for (let i = 0; i < size; i++) data[i] = view.getFloat32(offset + i * 4, true);
      offset += size * 4;
      // Optimizer state (TF.js `model.save(…, {includeOptimizer: true})`) is not the model's.
      if (spec.group !== 'optimizer') out.push({ name: spec.name, shape: [...shape], data });
    }
  }
  return out;
}

/**
 * Where a stored weight belongs: the source layer's name and the array's path inside it (as
 * written, e.g. `lstm_cell/kernel`), or, for Keras 3 paths, the scope inside the layer
 * (`forward_layer/cell`, '' for the layer itself) and the variable's index there.
 */
type WeightPlace =
  { layer: string; array: string } | { layer: string; scope: string; index: number };

/**
 * Scopes of a layer's inner objects that hold no array name of their own: the recurrent cell —
 * tf.keras 2 names an LSTM's arrays `lstm/lstm_cell/kernel:0` (the cell is a layer named
 * `lstm_cell`, numbered `lstm_cell_1`, … when the name scope was taken; a Bidirectional's
 * `bidirectional/forward_lstm/lstm_cell_1/kernel:0`), Keras 3 `.weights.h5` paths
 * `layers/lstm/cell/vars/0` (the RNN layer's `cell` attribute).
 */
const CELL_SCOPE = /^(?:(?:lstm|gru|simple_rnn)_)?cell(?:_\d+)?$/;

/**
 * Keras 3 `.weights.h5` scopes of MultiHeadAttention's dense layers (keras/src/layers/attention/
 * multi_head_attention.py exposes them as the properties `query_dense`, …, `output_dense`;
 * saving_lib `_walk_saveable` visits public attributes before private ones and saves each object
 * once) → the names tf.keras 2 and TF.js give those layers, which are the kind's array paths.
 */
const MHA_SCOPES: Record<string, string> = {
  query_dense: 'query',
  key_dense: 'key',
  value_dense: 'value',
  output_dense: 'attention_output',
};

/**
 * An array path inside a layer in a form every writer shares: cell scopes dropped, a
 * Bidirectional's direction — `forward_lstm` (tf.keras 2, Keras 3 variable paths),
 * `forward_lstm_1`, `forward_forward_lstm` (TF.js, which prefixes the serialised forward layer's
 * name again), `forward_layer` (Keras 3 `.weights.h5`) — as `forward` / `backward`,
 * MultiHeadAttention's Keras 3 scopes as their tf.keras 2 names.
 */
function canonicalArray(path: string): string {
  return path
    .split('/')
    .filter((s) => !CELL_SCOPE.test(s))
    .map((s) => {
      const mha = MHA_SCOPES[s.replace(/^_/, '')];
      if (mha) return mha;
      return /^forward_/.test(s) ? 'forward' : /^backward_/.test(s) ? 'backward' : s;
    })
    .join('/');
}

/**
 * The stored name of a weight that is optimizer state, not a model array: Keras 3 `.weights.h5`
 * keeps the optimizer's variables at `optimizer/vars/<i>` (saving_lib `_save_state` walks the
 * model's `optimizer` attribute; `vars/0` is the int64 iteration count), and the tensorflowjs
 * converter's Keras 3 input copies every dataset path of that file into the manifest
 * (keras_h5_conversion.py `h5_v3_merged_saved_model_to_tfjs_format`).
 */
const isOptimizerPath = (name: string) => /^optimizer\/vars\/\d+(?::\d+)?$/.test(name);

/**
 * The layer and array a stored weight name denotes, in every naming scheme the writers use.
 * `layerOf` resolves a layer name or an alias (a Bidirectional's inner layer names, see
 * `bidirectionalAliases`) to the layer and the path segment the alias stands for.
 * - TF.js `LayersModel.save` and the tensorflowjs converter from tf.keras 2: `<layer>/<array>`
 *   (`dense/kernel`; tfjs-layers `Layer.addWeight` names arrays in the layer's name scope);
 * - TF 2 variable names: `<layer>/<array>:0` (`dense_1/kernel:0`, the `:<output index>` suffix of
 *   a TF tensor name);
 * - name scopes: `<model>/<layer>/<array>`, `<model>/<block>/<layer>/<array>`
 *   (`sequential/dense/kernel`: the converter from a SavedModel, or layers built inside a
 *   `tf.name_scope`): the longest run of path segments ending before the array's name that is a
 *   layer's name;
 * - arrays of inner objects: `<layer>/<inner path>/<array>` (`mha/query/kernel`,
 *   `lstm/lstm_cell/kernel`, `bidirectional/forward_lstm/lstm_cell_1/kernel`), matched to the
 *   kind's array names through `canonicalArray`;
 * - Keras 3 (`.weights.h5` paths, which the tensorflowjs converter copies from Keras 3 models):
 *   `layers/<layer>/vars/<i>` (possibly nested, `layers/<model>/layers/<layer>/vars/<i>`; inner
 *   objects `layers/<layer>/cell/vars/<i>`, `layers/<bidirectional>/forward_layer/cell/vars/<i>`),
 *   the i-th variable the layer (or that inner object) created (keras/src/saving/saving_lib.py
 *   `_save_state`: `vars/{i}` in creation order, which is the Keras order of its arrays).
 * Undefined when no layer matches.
 */
function placeOf(
  stored: string,
  layerOf: (name: string) => { layer: string; lead: string } | undefined,
): WeightPlace | undefined {
  const name = stored.replace(/:\d+$/, '');
  const segs = name.split('/');
  const n = segs.length;
  const inside = (lead: string, rest: string[]) => [lead, ...rest].filter((s) => s).join('/');
  if (n >= 4 && segs[n - 2] === 'vars' && /^\d+$/.test(segs[n - 1]!)) {
    // The innermost `layers/<layer>` run before `vars`.
    for (let k = n - 4; k >= 0; k--) {
      if (segs[k] !== 'layers') continue;
      const found = layerOf(segs[k + 1]!);
      if (!found) continue;
      const scope = canonicalArray(inside(found.lead, segs.slice(k + 2, n - 2)));
      return { layer: found.layer, scope, index: Number(segs[n - 1]) };
    }
  }
  if (n < 2) return undefined;
  // The layer's name: the longest run of segments, latest end first (`<scope>/<layer>/<array>`
  // before `<layer>/<inner>/<array>`).
  for (let j = n - 1; j >= 1; j--) {
    for (let k = 0; k < j; k++) {
      const found = layerOf(segs.slice(k, j).join('/'));
      if (found) return { layer: found.layer, array: inside(found.lead, segs.slice(j)) };
    }
  }
  return undefined;
}

/**
 * Other names of a Bidirectional's inner layers, which Keras 3 variable paths (a legacy `.h5`
 * saved by Keras 3, `forward_lstm/lstm_cell/kernel`) give without the Bidirectional's own name:
 * the forward layer is `forward_<name>`, the backward `backward_<name>` or the name of the
 * `backward_layer` given (keras/src/layers/rnn/bidirectional.py: `"forward_" +
 * removeprefix(layer.name, "forward_")`; `get_config` serialises the forward layer, so the
 * config's `layer.config.name` may already start with `forward_`). Alias → Bidirectional layer.
 */
function bidirectionalAliases(raw: readonly Json[], layerNames: ReadonlySet<string>) {
  const aliases = new Map<string, string>();
  for (const [i, entry] of raw.entries()) {
    if (entry.class_name !== 'Bidirectional' || !isObject(entry.config)) continue;
    const c = entry.config;
    const name = String(c.name ?? entry.name ?? `layer_${i}`);
    const innerName = (v: unknown) =>
      isObject(v) && isObject(v.config) && typeof v.config.name === 'string'
        ? v.config.name
        : undefined;
    const inner = innerName(c.layer);
    const names: string[] = [];
    if (inner !== undefined) {
      const bare = inner.replace(/^(forward|backward)_/, '');
      names.push(`forward_${bare}`, `backward_${bare}`);
    }
    const backward = innerName(c.backward_layer);
    if (backward !== undefined && /^backward_/.test(backward)) names.push(backward);
    for (const alias of names) if (!layerNames.has(alias)) aliases.set(alias, name);
  }
  return aliases;
}

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Gives each imported layer its stored arrays, in the order and under the names its kind expects
 * (`expectedWeights` of the op `ir` built from it; node `i` of `nodes` is `layers[i]`). Returns
 * the problems — every stored weight that belongs to no layer or is of the wrong shape, every
 * expected array not stored — followed by the full lists of the names found and expected.
 * `aliases`: other names of layers (`bidirectionalAliases`), alias → layer.
 */
function assignWeights(
  stored: readonly StoredWeight[],
  layers: ImportedLayer[],
  nodeIds: readonly string[],
  ir: ModelIR,
  aliases: ReadonlyMap<string, string> = new Map(),
): string[] {
  const sourceOf = new Map(nodeIds.map((id, i) => [id, layers[i]!.name]));
  const expected = new Map<string, { name: string; shape: number[] }[]>();
  for (const op of ir.ops) expected.set(sourceOf.get(op.name) ?? op.name, expectedWeights(op));
  const layerNames = new Set(layers.map((l) => l.name));
  const layerOf = (name: string) =>
    layerNames.has(name)
      ? { layer: name, lead: '' }
      : aliases.has(name)
        ? { layer: aliases.get(name)!, lead: name }
        : undefined;
  const problems: string[] = [];
  const found = new Map<string, Map<string, StoredWeight>>();
  for (const w of stored) {
    const place = placeOf(w.name, layerOf);
    const want = place ? (expected.get(place.layer) ?? []) : [];
    const parent = (path: string) => canonicalArray(path.split('/').slice(0, -1).join('/'));
    const written = !place
      ? undefined
      : 'array' in place
        ? place.array
        : want.filter((e) => parent(e.name) === place.scope)[place.index]?.name;
    if (!place || written === undefined) {
      problems.push(`weight "${w.name}" ${shapeText(w.shape)} belongs to no layer of the model`);
      continue;
    }
    const spec =
      want.find((e) => e.name === written) ??
      want.find((e) => canonicalArray(e.name) === canonicalArray(written));
    if (!spec) {
      problems.push(
        `weight "${w.name}" ${shapeText(w.shape)}: layer "${place.layer}" has no array ${written}`,
      );
      continue;
    }
    const array = spec.name;
    const arrays = found.get(place.layer) ?? new Map<string, StoredWeight>();
    const twin = arrays.get(array);
    if (twin) {
      problems.push(`weights "${twin.name}" and "${w.name}" are both ${place.layer}/${array}`);
      continue;
    }
    if (!sameShape(w.shape, spec.shape))
      problems.push(
        `weight "${w.name}" is ${shapeText(w.shape)}; ${place.layer}/${array} needs ${shapeText(spec.shape)}`,
      );
    arrays.set(array, w);
    found.set(place.layer, arrays);
  }
  for (const [layer, want] of expected)
    for (const spec of want)
      if (!found.get(layer)?.has(spec.name))
        problems.push(`no weight for ${layer}/${spec.name} ${shapeText(spec.shape)}`);
  if (problems.length > 0) {
    const expectedNames = [...expected].flatMap(([layer, want]) =>
      want.map((spec) => `${layer}/${spec.name} ${shapeText(spec.shape)}`),
    );
    return [
      ...problems,
      `names found: ${stored.map((w) => `${w.name} ${shapeText(w.shape)}`).join(', ') || 'none'}`,
      `names expected: ${expectedNames.join(', ') || 'none'}`,
    ];
  }
  for (const l of layers) {
    const want = expected.get(l.name);
    if (want === undefined) continue;
    const arrays = found.get(l.name);
    l.weights = want.map((spec) => ({ ...arrays!.get(spec.name)!, name: spec.name }));
  }
  return [];
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
  // A TF.js graph model (tensorflowjs_converter from a SavedModel or frozen graph): `format`
  // "graph-model", `modelTopology` a TensorFlow GraphDef (`node`, `library`, `versions`).
  if (doc.format === 'graph-model' || (isObject(topology) && Array.isArray(topology.node)))
    return {
      ok: false,
      error:
        'Cannot import: this model.json is a TF.js graph model (format "graph-model": TensorFlow operations, not Keras layers). Netwright reads TF.js Layers models (format "layers-model"): convert the Keras model itself with tensorflowjs_converter (--input_format=keras for an .h5 file), or import its ONNX export.',
    };
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
  const sequential = cls === 'Sequential';
  const rawLayers = sequential
    ? flattenSequential(layerList.data as Json[], true)
    : (layerList.data as Json[]);
  const modelName = name ?? (typeof config?.name === 'string' ? config.name : 'Imported model');
  const problems: string[] = [];
  const layers: ImportedLayer[] = [];
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
        const shape = sequentialInputShape(lc, raw, topology, config);
        if (!shape || shape.some((d) => typeof d !== 'number'))
          throw new Unsupported(
            'no input shape (build the model or give its first layer an input shape)',
          );
        layers.push({ name: 'input', type: 'Input', params: { shape }, inputs: [] });
        previous = 'input';
      }
      if (!kind && MODEL_CLASSES.includes(lcls))
        throw new Unsupported(
          'a nested model used as a layer (Netwright reads nested Sequential models inside a Sequential; save the inner layers in the outer model)',
        );
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

  let stored: StoredWeight[] | undefined;
  if (doc.weightsManifest !== undefined && files !== undefined) {
    try {
      stored = decodeManifest(doc.weightsManifest, files);
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
  if (stored) {
    // The topology first (its ops say which arrays each layer needs), then the weights by name.
    const bare = buildImportedProject({ name: modelName, layers, source });
    if (!bare.ok) return bare;
    const misfit = assignWeights(
      stored,
      layers,
      bare.project.graph.nodes.map((n) => n.id),
      bare.ir,
      bidirectionalAliases(rawLayers, new Set(layers.map((l) => l.name))),
    );
    if (misfit.length > 0)
      return {
        ok: false,
        error: `Cannot import this ${source} model: its weights do not fit:\n${misfit.map((p) => `  - ${p}`).join('\n')}`,
      };
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
