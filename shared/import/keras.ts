/**
 * Keras / TF.js model JSON → Netwright graph. Reads:
 * - TF.js `model.json` (Layers format: `modelTopology` + `weightsManifest`), with its weight
 *   files when given (float32, unquantised);
 * - the topology alone: TF.js `model.toJSON()`, Keras `model.to_json()` (Keras 2 and 3,
 *   `Sequential`, `Model`/`Functional`).
 */
import { z } from 'zod';
import { LEAKY_RELU_SLOPE, ACTIVATIONS } from '../layers/activations.ts';
import type { WeightTensor } from '../export/weights.ts';
import {
  buildImportedProject,
  unsupportedMessage,
  type ImportedLayer,
  type ImportResult,
} from './build.ts';

type Json = Record<string, unknown>;

/** Weight files by the path the manifest names (e.g. `group1-shard1of1.bin`). */
export type WeightFiles = Record<string, Uint8Array>;

class Unsupported extends Error {}

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const pair = (v: unknown, what: string): number[] => {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number'))
    return v as number[];
  throw new Unsupported(`${what} ${JSON.stringify(v)}`);
};
const ACTIVATION_ALIASES: Record<string, string> = {
  swish: 'swish',
  linear: 'linear',
  None: 'linear',
};

function activationOf(v: unknown): string {
  const name =
    v === null || v === undefined
      ? 'linear'
      : isObject(v)
        ? String((v.config as Json | undefined)?.name ?? v.class_name)
        : String(v);
  const normal = ACTIVATION_ALIASES[name] ?? name;
  if (!(ACTIVATIONS as readonly string[]).includes(normal))
    throw new Unsupported(`activation "${name}"`);
  return normal;
}

function shapeFrom(config: Json): number[] | undefined {
  const batch = (config.batch_input_shape ?? config.batch_shape) as unknown;
  if (Array.isArray(batch)) return batch.slice(1) as number[];
  if (Array.isArray(config.input_shape)) return config.input_shape as number[];
  return undefined;
}

function checkChannelsLast(config: Json) {
  const format = config.data_format;
  if (format !== undefined && format !== null && format !== 'channels_last')
    throw new Unsupported(`data_format ${String(format)}`);
}

/** One Keras layer → block type and params (or `null` for InputLayer, handled apart). */
function convertLayer(cls: string, c: Json): { type: string; params: Json } {
  const noDilation = () => {
    const d = c.dilation_rate;
    if (d !== undefined && pair(d, 'dilation_rate').some((v) => v !== 1))
      throw new Unsupported('dilation');
  };
  switch (cls) {
    case 'Dense':
      return {
        type: 'Dense',
        params: {
          units: c.units,
          activation: activationOf(c.activation),
          use_bias: c.use_bias ?? true,
        },
      };
    case 'Conv2D':
    case 'Convolution2D': {
      checkChannelsLast(c);
      noDilation();
      if ((c.groups ?? 1) !== 1) throw new Unsupported('grouped convolution');
      return {
        type: 'Conv2D',
        params: {
          filters: c.filters,
          kernel_size: pair(c.kernel_size, 'kernel_size'),
          strides: pair(c.strides ?? 1, 'strides'),
          padding: c.padding ?? 'valid',
          activation: activationOf(c.activation),
          use_bias: c.use_bias ?? true,
        },
      };
    }
    case 'MaxPooling2D':
    case 'MaxPool2D':
    case 'AveragePooling2D':
    case 'AvgPool2D': {
      checkChannelsLast(c);
      const pool = pair(c.pool_size ?? 2, 'pool_size');
      const strides =
        c.strides === null || c.strides === undefined ? null : pair(c.strides, 'strides');
      return {
        type: cls.startsWith('Max') ? 'MaxPooling2D' : 'AveragePooling2D',
        params: {
          pool_size: pool,
          strides: strides && (strides[0] !== pool[0] || strides[1] !== pool[1]) ? strides : null,
          padding: c.padding ?? 'valid',
        },
      };
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalAvgPool2D':
      checkChannelsLast(c);
      if (c.keepdims) throw new Unsupported('keepdims');
      return { type: 'GlobalAveragePooling2D', params: {} };
    case 'Flatten':
      checkChannelsLast(c);
      return { type: 'Flatten', params: {} };
    case 'Reshape':
      return { type: 'Reshape', params: { target_shape: c.target_shape } };
    case 'Dropout':
      return { type: 'Dropout', params: { rate: c.rate } };
    case 'Activation':
      return { type: 'Activation', params: { activation: activationOf(c.activation) } };
    case 'ReLU':
      if (
        (c.max_value ?? null) !== null ||
        (c.negative_slope ?? 0) !== 0 ||
        (c.threshold ?? 0) !== 0
      )
        throw new Unsupported('ReLU with max_value, slope or threshold');
      return { type: 'Activation', params: { activation: 'relu' } };
    case 'Softmax':
      if ((c.axis ?? -1) !== -1) throw new Unsupported(`Softmax over axis ${String(c.axis)}`);
      return { type: 'Activation', params: { activation: 'softmax' } };
    case 'ELU':
      if ((c.alpha ?? 1) !== 1) throw new Unsupported(`ELU alpha ${String(c.alpha)}`);
      return { type: 'Activation', params: { activation: 'elu' } };
    case 'LeakyReLU': {
      const slope = Number(c.negative_slope ?? c.alpha ?? 0.3);
      if (Math.abs(slope - LEAKY_RELU_SLOPE) > 1e-6)
        throw new Unsupported(
          `LeakyReLU slope ${slope} (Netwright's leaky_relu has slope ${LEAKY_RELU_SLOPE})`,
        );
      return { type: 'Activation', params: { activation: 'leaky_relu' } };
    }
    case 'BatchNormalization': {
      const axis = Array.isArray(c.axis) ? c.axis : [c.axis ?? -1];
      // A non-negative axis must be the last one (batch counted); checked once shapes are known.
      if (axis.length !== 1)
        throw new Unsupported(`BatchNormalization over axes ${JSON.stringify(c.axis)}`);
      if (c.center === false || c.scale === false)
        throw new Unsupported('BatchNormalization without center or scale');
      return {
        type: 'BatchNormalization',
        params: { momentum: c.momentum ?? 0.99, epsilon: c.epsilon ?? 0.001, _axis: axis[0] },
      };
    }
    case 'LayerNormalization': {
      const axis = Array.isArray(c.axis) ? c.axis : [c.axis ?? -1];
      if (axis.length !== 1)
        throw new Unsupported(`LayerNormalization over axes ${JSON.stringify(c.axis)}`);
      if (c.center === false || c.scale === false)
        throw new Unsupported('LayerNormalization without center or scale');
      return {
        type: 'LayerNormalization',
        params: { epsilon: c.epsilon ?? 0.001, _axis: axis[0] },
      };
    }
    case 'Add':
      return { type: 'Add', params: {} };
    case 'Concatenate':
      return { type: 'Concatenate', params: { axis: c.axis ?? -1 } };
    default:
      throw new Unsupported('a layer Netwright has no block for');
  }
}

/** `[name, node, tensor, kwargs]` lists (Keras 2, TF.js) or `keras_history` (Keras 3). */
function inboundNames(inbound: unknown): string[] {
  if (!Array.isArray(inbound) || inbound.length === 0) return [];
  if (inbound.length > 1) throw new Unsupported('a layer used more than once (shared layers)');
  const call = inbound[0];
  const names: string[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) {
      if (typeof v[0] === 'string' && typeof v[1] === 'number') names.push(v[0]);
      else v.forEach(visit);
    } else if (isObject(v)) {
      const history = (v.config as Json | undefined)?.keras_history;
      if (Array.isArray(history) && typeof history[0] === 'string') names.push(history[0]);
      else if (Array.isArray(v.args)) visit(v.args);
    }
  };
  visit(call);
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
    if (missing.length > 0) throw new Unsupported(`weight file(s) ${missing.join(', ')} not found`);
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

const WEIGHT_ORDER = ['kernel', 'bias', 'gamma', 'beta', 'moving_mean', 'moving_variance'];

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

  let previous: string | undefined;
  for (const [i, raw] of rawLayers.entries()) {
    const lc = (raw.config ?? {}) as Json;
    const layerName = String(lc.name ?? raw.name ?? `layer_${i}`);
    const lcls = String(raw.class_name);
    try {
      if (lcls === 'InputLayer') {
        const shape = shapeFrom(lc);
        if (!shape || shape.some((d) => typeof d !== 'number'))
          throw new Unsupported(`input shape ${JSON.stringify(shape ?? null)} (needs fixed sizes)`);
        layers.push({ name: layerName, type: 'Input', params: { shape }, inputs: [] });
        previous = layerName;
        continue;
      }
      if (sequential && previous === undefined) {
        const shape = shapeFrom(lc) ?? shapeFrom((topology.build_config ?? {}) as Json);
        if (!shape || shape.some((d) => typeof d !== 'number'))
          throw new Unsupported(
            'no input shape (build the model or give its first layer an input shape)',
          );
        layers.push({ name: 'input', type: 'Input', params: { shape }, inputs: [] });
        previous = 'input';
      }
      const block = convertLayer(lcls, lc);
      const inputs = sequential ? [previous!] : inboundNames(raw.inbound_nodes);
      layers.push({ name: layerName, type: block.type, params: block.params, inputs });
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

  // TF.js splits Dense/Conv2D + leaky_relu into `<name>` and `<name>.leaky_relu`: fold them back.
  for (const l of [...layers]) {
    const base = l.name.endsWith('.leaky_relu')
      ? l.name.slice(0, -'.leaky_relu'.length)
      : undefined;
    const producer = base === undefined ? undefined : layers.find((p) => p.name === base);
    if (
      !producer ||
      l.inputs.length !== 1 ||
      l.inputs[0] !== base ||
      !['Dense', 'Conv2D'].includes(producer.type) ||
      producer.params.activation !== 'linear'
    )
      continue;
    if (layers.filter((r) => r.inputs.includes(base!)).length !== 1) continue;
    producer.params.activation = 'leaky_relu';
    layers.splice(layers.indexOf(l), 1);
    for (const r of layers) r.inputs = r.inputs.map((n) => (n === l.name ? base! : n));
  }

  // TF.js (Netwright's build) routes a merge's repeated input through a linear `<merge>.input_<port>`
  // layer (see shared/tfjs/build-model.ts): read the tensor directly again.
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
      if (!(e instanceof Unsupported)) throw e;
      problems.push(e.message);
    }
  }
  if (problems.length > 0) return { ok: false, error: unsupportedMessage(source, problems) };
  if (weights) {
    for (const l of layers) {
      const w = weights.get(l.name);
      if (w)
        l.weights = [...w].sort(
          (a, b) => WEIGHT_ORDER.indexOf(a.name) - WEIGHT_ORDER.indexOf(b.name),
        );
      else if (['Dense', 'Conv2D', 'BatchNormalization', 'LayerNormalization'].includes(l.type))
        l.weights = [];
    }
  }
  // Normalisation axes must be the last one (checked once shapes are known).
  const axes = new Map<string, unknown>();
  for (const l of layers) {
    if ('_axis' in l.params) {
      axes.set(l.name, l.params._axis);
      delete l.params._axis;
    }
  }
  const result = buildImportedProject({ name: modelName, layers, source });
  if (!result.ok) return result;
  const bad = result.ir.ops.filter((op) => {
    const original = layers.find((l) => l.name === op.name || l.name === op.label);
    const axis = original ? axes.get(original.name) : undefined;
    return axis !== undefined && axis !== -1 && axis !== op.inputShapes[0]!.length;
  });
  if (bad.length > 0) {
    return {
      ok: false,
      error: unsupportedMessage(
        source,
        bad.map((op) => `layer "${op.name}" (${op.type}): normalises an axis other than the last`),
      ),
    };
  }
  return result;
}
