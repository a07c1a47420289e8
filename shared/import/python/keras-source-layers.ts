/**
 * One Keras layer constructor call in source → the block it makes: the class found through the
 * imports, its arguments as a Keras config (positional ones named by the kind's Keras signature,
 * `Hooks.signature`), read by the kind's own `fromConfig` (the same hook that imports
 * `model.to_json()`), so that `layers.Dense(64, activation="relu")` and the JSON config
 * `{"units": 64, "activation": "relu"}` import alike.
 */
import { Unsupported, type Imported, type Json } from '../../layers/backends/keras.ts';
import { getLayer } from '../../layers/registry.ts';
import type { LayerDef } from '../../layers/types.ts';
import { kerasKindForClass } from '../keras.ts';
import type { PyExpr, SourceSpan } from './syntax.ts';
import { SourceError, resolvePath, valueOf, type ValueScope } from './keras-source-names.ts';

type Call = Extract<PyExpr, { kind: 'call' }>;

/** A layer as its constructor call describes it (before it is called on a tensor). */
export interface LayerSpec {
  def: LayerDef;
  /** The Keras class as written (`Conv2D`, `Convolution2D`, `InputLayer`, `Input`). */
  className: string;
  /** The block's params, from the kind's `fromConfig`. */
  params: Record<string, unknown>;
  check?: Imported['check'];
  /** `name=`, when given. */
  name?: string;
  /**
   * The input shape the call declares for the model (`input_shape=(784,)`,
   * `batch_input_shape=(None, 784)`, Dense's Keras 2 `input_dim=784`; `keras.Input`'s shape).
   */
  inputShape?: unknown[];
  /** Keras 2 `Embedding(…, input_length=n)` on the first layer: `n` token ids per example. */
  tokenIds?: boolean;
  /**
   * `keras.Input(shape=(None,))`: the shape as written, `null` for each `None` (the block holds 1
   * there until the caller gives the sizes: `needsInputShape`).
   */
  openShape?: (number | null)[];
  at: SourceSpan;
}

/** Keras functions that build and call a merge layer at once: `layers.concatenate([a, b])`. */
export function mergeFunctionClass(path: string): string | undefined {
  const m = /^keras\.layers\.([a-z]+)$/.exec(path);
  if (!m) return undefined;
  const className = m[1]![0]!.toUpperCase() + m[1]!.slice(1);
  const def = kerasKindForClass(className);
  return def && def.inputs.min >= 2 ? className : undefined;
}

/**
 * The Keras layer class a path names: `keras.layers.Dense` → `Dense`, `keras.Input` and
 * `keras.layers.Input` → `Input`; `undefined` when the path is not a `keras.layers` class.
 */
export function layerClassOf(path: string): string | undefined {
  if (path === 'keras.Input' || path === 'keras.layers.Input') return 'Input';
  const m = /^keras\.layers\.([A-Z][A-Za-z0-9]*)$/.exec(path);
  return m ? m[1] : undefined;
}

/** Keyword arguments that only tune training or initial values: read as Keras defaults, with a warning. */
const NOT_READ = /_(initializer|regularizer|constraint)$/;

/**
 * Reads a layer constructor call. `args` are the call's arguments after any leading tensor list
 * (for merge functions); `warn` collects things read and left out.
 * Throws `SourceError` for an unknown class, a value it cannot know, or a setting the kind
 * cannot represent (the kind's `Unsupported` message, at the call).
 */
export function readLayerCall(
  call: Call,
  className: string,
  scope: ValueScope,
  warn: (message: string, at: SourceSpan) => void,
  args: readonly PyExpr[] = call.args,
): LayerSpec {
  const isInput = className === 'Input' || className === 'InputLayer';
  const def = isInput ? getLayer('Input') : kerasKindForClass(className);
  const shown = isInput && className === 'Input' ? 'keras.Input' : `layers.${className}`;
  if (!def)
    throw new SourceError(
      `${shown}: Netwright has no block for this Keras layer${className === 'Lambda' ? ' (a Lambda runs Python code, which Netwright does not read)' : ''}`,
      call.at,
    );
  if (call.starred)
    throw new SourceError(`${shown}: *args / **kwargs hide the arguments; write them out`, call.at);
  const signature = def.keras.signature ?? def.keras.callStyle.positional;
  if (args.length > signature.length)
    throw new SourceError(
      `${shown} takes at most ${signature.length} argument${signature.length === 1 ? '' : 's'} without a keyword (${signature.join(', ') || 'none'}); write the others by keyword`,
      args[signature.length]!.at,
    );
  const config: Json = {};
  args.forEach((a, i) => (config[signature[i]!] = valueOf(a, scope)));
  let name: string | undefined;
  let inputShape: unknown[] | undefined;
  let tokenIds = false;
  let openShape: (number | null)[] | undefined;
  for (const kw of call.keywords) {
    if (kw.name in config) throw new SourceError(`${shown}: ${kw.name} is given twice`, kw.at);
    if (NOT_READ.test(kw.name) || kw.name === 'trainable') {
      warn(
        `${shown}: ${kw.name} is not read (Netwright starts from Keras's defaults and trains every layer)`,
        kw.at,
      );
      continue;
    }
    const value = valueOf(kw.value, scope);
    if (kw.name === 'name') {
      if (typeof value !== 'string')
        throw new SourceError(`${shown}: name must be a string`, kw.value.at);
      name = value;
    } else if (kw.name === 'input_shape' && !isInput) {
      inputShape = shapeValue(value, kw.value.at, shown);
    } else if (kw.name === 'batch_input_shape' && !isInput) {
      inputShape = shapeValue(value, kw.value.at, shown).slice(1);
    } else if (kw.name === 'input_dim' && !signature.includes('input_dim')) {
      inputShape = [value];
    } else if (kw.name === 'input_length' && !signature.includes('input_length')) {
      // Keras 2 Embedding: `input_length` ids per example.
      inputShape = [value];
      tokenIds = true;
    } else config[kw.name] = value;
  }
  if (isInput) {
    const given = ['shape', 'input_shape', 'batch_shape', 'batch_input_shape'].find(
      (k) => config[k] !== undefined && config[k] !== null,
    );
    if (!given)
      throw new SourceError(`${shown}: needs shape=(...), the shape of one example`, call.at);
    config[given] = shapeValue(config[given], call.at, shown);
    const written = config[given] as unknown[];
    const batchAxis = given.startsWith('batch');
    const open = batchAxis ? written.slice(1) : written;
    if (open.includes(null) && open.every((d) => d === null || typeof d === 'number')) {
      openShape = open as (number | null)[];
      config[given] = written.map((d, i) => (d === null && (!batchAxis || i > 0) ? 1 : d));
    }
  }
  let imported: Imported;
  try {
    imported = def.keras.fromConfig(config, isInput ? 'InputLayer' : className);
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    throw new SourceError(`${shown}: ${e.message} is not supported by Netwright`, call.at);
  }
  for (const [key, v] of Object.entries(imported.params))
    if (v === undefined) throw new SourceError(`${shown}: ${key} is missing`, call.at);
  return {
    def,
    className,
    params: imported.params,
    ...(imported.check ? { check: imported.check } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(isInput ? { inputShape: imported.params.shape as unknown[] } : {}),
    ...(inputShape ? { inputShape } : {}),
    ...(tokenIds ? { tokenIds } : {}),
    ...(openShape ? { openShape } : {}),
    at: call.at,
  };
}

/** A shape argument: a tuple or list of positive integers (a lone integer is a 1-tuple). */
function shapeValue(v: unknown, at: SourceSpan, shown: string): unknown[] {
  const shape = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(shape) || shape.length === 0)
    throw new SourceError(`${shown}: the shape should be a tuple such as (28, 28, 1)`, at);
  return shape as unknown[];
}

/**
 * A layer constructor call used as a value (`Bidirectional(LSTM(64))`) → Keras JSON
 * `{class_name, config}`, read by the outer kind's `fromConfig`; `undefined` when `call` does not
 * name a layer class.
 */
export function nestedLayerJson(call: Call, scope: ValueScope): unknown {
  const path = resolvePath(call.callee, scope.bindings);
  const className = path && layerClassOf(path);
  if (!className || className === 'Input') return undefined;
  const def = kerasKindForClass(className);
  if (!def)
    throw new SourceError(
      `layers.${className}: Netwright has no block for this Keras layer`,
      call.at,
    );
  const signature = def.keras.signature ?? def.keras.callStyle.positional;
  if (call.args.length > signature.length)
    throw new SourceError(`layers.${className}: too many arguments without a keyword`, call.at);
  const config: Json = {};
  call.args.forEach((a, i) => (config[signature[i]!] = valueOf(a, scope)));
  for (const kw of call.keywords) config[kw.name] = valueOf(kw.value, scope);
  return { class_name: className, config };
}
