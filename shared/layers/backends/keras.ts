/**
 * The keras hooks every layer kind provides (`LayerDef.keras`), and the helpers kinds use to write
 * them. Kind modules import this file as a namespace (`import * as keras from '../backends/keras.ts'`)
 * and reach everything they need for this back-end through it.
 *
 * Three drivers read these hooks, always through `getLayer(op.type)!.keras`:
 * - `shared/codegen/keras-config.ts` (`kerasLayerConfig`): the Keras config of an op, as data;
 * - `shared/codegen/keras.ts`: the Python line that builds the layer and calls it;
 * - `shared/import/keras.ts`: Keras `model.to_json()` / TF.js `model.json` → Netwright blocks.
 */
import type { IrOp } from '../../ir/lower.ts';
import { pyLiteral } from '../../codegen/py-writer.ts';
import { ACTIVATIONS, LEAKY_RELU_SLOPE } from '../activations.ts';
import type { ResolvedParams } from '../types.ts';

/**
 * A value in a Keras layer config (JSON-like). Tuples are arrays and are written as Python tuples,
 * nested ones too: Cropping2D `cropping: [[1, 1], [2, 2]]` → `((1, 1), (2, 2))`. No objects: a
 * kind whose constructor takes a layer (Bidirectional) writes its call with `expression`.
 */
export type KerasValue = number | string | boolean | null | readonly KerasValue[];

/** One layer's Keras config, as `layer.get_config()` would report it (the keys Netwright sets). */
export interface KerasLayerConfig {
  /** `Input` for the model input (`keras.Input`), else the `keras.layers` class name. */
  className: string;
  /** Keras config keys (snake_case) and values; every layer has `name`. */
  config: Record<string, KerasValue>;
}

/**
 * How generated code writes a constructor: the config keys passed first without a keyword (in
 * Keras signature order), and the Keras defaults left out to keep the code short (a key whose
 * value equals its default is not written).
 */
export interface CallStyle {
  positional: readonly string[];
  defaults: Readonly<Record<string, KerasValue>>;
}

/** Python code a generated file needs once before `build_model()` (e.g. a custom layer class). */
export interface PythonHelper {
  /** Written once per file, however many ops ask for the same key. */
  key: string;
  /** Top-level lines, unindented. */
  lines: readonly string[];
}

/** A Keras layer config as read from JSON (any keys; values unchecked). */
export type Json = Record<string, unknown>;

/** What `fromConfig` makes of one imported layer. */
export interface Imported {
  /** The block's params (every param the kind defines, Netwright names and value forms). */
  params: ResolvedParams;
  /**
   * A check that needs shapes, run once the imported graph is built: the op made from this layer
   * (with `inputShapes`, each without the batch axis) → a problem, or `undefined` when fine.
   * E.g. BatchNormalization's `axis: 3` is the last axis only for a rank-3 (HWC) input.
   */
  check?(op: IrOp): string | undefined;
}

/**
 * A Keras layer setting Netwright has no block for. Thrown by `fromConfig` (and the helpers below);
 * the importer lists its message as `layer "<name>" (<class>): <message>`, e.g. `dilation`.
 */
export class Unsupported extends Error {}

/**
 * The keras half of a layer kind.
 *
 * Example (Dense, an op with params `{ units: 128, activation: 'relu', use_bias: true }`):
 * ```ts
 * const kerasHooks: keras.Hooks = {
 *   classNames: ['Dense'],
 *   config: (op) => ({ className: 'Dense', config: { name: op.name, units: 128, activation: 'relu', use_bias: true } }),
 *   callStyle: { positional: ['units'], defaults: { activation: 'linear', use_bias: true } },
 *   // → layers.Dense(128, activation="relu", name="dense_1")
 *   fromConfig: (c) => ({ params: { units: c.units, activation: keras.activationOf(c.activation), use_bias: c.use_bias ?? true } }),
 *   weightOrder: ['kernel', 'bias'],
 *   splitsActivation: true,
 * };
 * ```
 * Shapes the hooks see (`op.inputShapes[i]`, `op.outputShape`) leave out the batch axis and are in
 * Keras order: channels last (`[H, W, C]` for images, `[steps, features]` for sequences). Keras
 * is Netwright's reference format: params, configs and weight layouts are Keras's own, so these
 * hooks rarely convert anything (PyTorch/ONNX layouts are their back-ends' business).
 *
 * What the generator writes: in a chain, `keras.Sequential([<expression>, ...])`; otherwise the
 * functional API, one line per op: `<op.name> = <expression>(<callArgs(inputs)>)`, the Input op
 * as `inputs = keras.Input(...)`. One block is one Keras layer; a block Keras builds from a layer
 * inside another (Bidirectional(LSTM)) writes both in `expression`. Multi-input kinds: ports in
 * order, `callArgs` for the call, `tensorKwargs` for import.
 *
 * Import limits of the driver today (shared/import/keras.ts): one weight list per layer, keyed by
 * the TF.js weight name up to its last `/` (`dense_1/kernel`), or for weights of sub-layers
 * (`mha/query/kernel`) by their path inside the layer (`query/kernel`, as `weightOrder` names
 * them); layers called more than once are not read yet.
 */
export interface Hooks {
  /**
   * The Keras class names that import as this kind: the canonical name first (the one `config`
   * writes), then aliases, e.g. `['MaxPooling2D', 'MaxPool2D']`. `[]`: never imported. When two
   * kinds claim a name, the kind whose `type` is that name wins, else the first in palette order:
   * so a new LeakyReLU kind takes `LeakyReLU` over the Activation kind, which imports LeakyReLU,
   * ReLU, ELU and Softmax layers as Activation blocks today (`ACTIVATION_CLASSES` in
   * kinds/activation.ts; drop the entry there when its own kind lands).
   */
  classNames: readonly string[];
  /**
   * The Keras config of one op with every parameter Netwright sets spelled out, defaults
   * included, in Keras signature order, plus `name: op.name`. Values in Keras form: tuples as
   * arrays, `activation` as its Keras string. Tests compare it with the config TF.js reports.
   */
  config(op: IrOp): KerasLayerConfig;
  /** How `config` becomes a constructor call (see `CallStyle`). */
  callStyle: CallStyle;
  /**
   * Optional: the constructor expression when it is not `layers.<className>(<config>)`, e.g. a
   * wrapper: Bidirectional → `layers.Bidirectional(layers.LSTM(64), name="bidirectional_1")`
   * (build the inner call with `keras.writeCall`). Without it: `writeCall(config(op), callStyle)`.
   */
  expression?(op: IrOp): string;
  /**
   * Optional: the argument text of the layer call in the functional API from the Python variable
   * names of the op's inputs, in port order. Default: `x` for one input, `[a, b]` for several
   * (Keras merge layers take a list). MultiHeadAttention: `(q, v) => \`${q}, ${v}\`` → `mha(q, v)`.
   */
  callArgs?(inputs: readonly string[]): string;
  /**
   * Optional: the constructor's leading parameters in Keras signature order, for reading source
   * code that passes them without keywords (`shared/import/python/keras-source*.ts`), e.g.
   * Conv2D's `['filters', 'kernel_size', 'strides', 'padding']` reads
   * `layers.Conv2D(32, (3, 3), (2, 2), "same")` (keras.io/api/layers, each class's signature).
   * Default: `callStyle.positional`.
   */
  signature?: readonly string[];
  /** Optional: Python code the generated file needs once before `build_model()`. */
  pythonHelpers?(op: IrOp): readonly PythonHelper[];
  /**
   * A Keras layer config (`layers[i].config` of `model.to_json()` or a TF.js topology; keys
   * snake_case, Keras 2 or 3 spellings) → the block's params. `className` is the name found (one
   * of `classNames`). Throws `keras.Unsupported` for a setting the kind cannot represent (say
   * which: `dilation`, `data_format channels_first`); never returns partial params.
   */
  fromConfig(config: Json, className: string): Imported;
  /**
   * Optional: keyword arguments of the layer call that carry input tensors in a saved functional
   * model, in port order after the positional ones. MultiHeadAttention called as
   * `mha(q, value=v)` → `['value', 'key']` gives ports `[q, v]`. Other keyword tensors (`mask`)
   * are never read as inputs.
   */
  tensorKwargs?: readonly string[];
  /**
   * The names of the layer's weight arrays in the order `layer.set_weights()` takes them, as the
   * last path part of TF.js weight names (`dense_1/kernel` → `kernel`); `[]` when it has none.
   * E.g. LSTM `['kernel', 'recurrent_kernel', 'bias']`, DepthwiseConv2D `['depthwise_kernel',
   * 'bias']`, PReLU `['alpha']`.
   * Imported arrays are put in this order; a layer listed here without stored arrays imports with
   * none (and the project then asks for training).
   */
  weightOrder: readonly string[];
  /**
   * True when the kind has an `activation` param that Netwright's TF.js build may move into a
   * separate `<name>.leaky_relu` layer (tfjs-layers has no fused leaky_relu); import folds it back.
   */
  splitsActivation?: boolean;
}

/** `writeCall`'s fallback for a class with no style: every key by keyword. */
const NO_STYLE: CallStyle = { positional: [], defaults: {} };

function sameValue(a: KerasValue, b: KerasValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The Python constructor call of a config: `keras.Input(...)` for `Input`, else
 * `layers.<className>(...)`; positional keys first, then keyword arguments that differ from the
 * style's defaults, `name` last. E.g. `layers.Dense(128, activation="relu", name="dense_1")`.
 */
export function writeCall(
  { className, config }: KerasLayerConfig,
  style: CallStyle = NO_STYLE,
): string {
  const args: string[] = style.positional.map((key) => pyLiteral(config[key]));
  for (const [key, value] of Object.entries(config)) {
    if (key === 'name' || style.positional.includes(key)) continue;
    if (key in style.defaults && sameValue(style.defaults[key]!, value)) continue;
    args.push(`${key}=${pyLiteral(value)}`);
  }
  if ('name' in config) args.push(`name=${pyLiteral(config.name)}`);
  const callee = className === 'Input' ? 'keras.Input' : `layers.${className}`;
  return `${callee}(${args.join(', ')})`;
}

/** A copy of a number-array param (tuples in configs are fresh arrays). */
export const tuple = (v: unknown): number[] => [...(v as readonly number[])];

/** A config holding only the layer name, for kinds without settings (Flatten, Add). */
export const nameOnly =
  (className: string) =>
  (op: IrOp): KerasLayerConfig => ({ className, config: { name: op.name } });

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A Keras 2-tuple setting (`kernel_size`, `strides`, `pool_size`): a number `n` means `[n, n]`.
 * Throws `Unsupported` naming `what` for anything else.
 */
export function pair(v: unknown, what: string): number[] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number'))
    return v as number[];
  throw new Unsupported(`${what} ${JSON.stringify(v)}`);
}

const ACTIVATION_ALIASES: Record<string, string> = {
  swish: 'swish',
  linear: 'linear',
  None: 'linear',
};

/**
 * A Keras `activation` setting (a string, `null`, or a serialised `{class_name, config}`) →
 * Netwright's activation name; `null`/absent is `linear`. Throws `Unsupported` for one Netwright
 * does not have.
 */
export function activationOf(v: unknown): string {
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

/** Netwright's leaky_relu slope (Keras `LeakyReLU(negative_slope)`), for import checks. */
export { LEAKY_RELU_SLOPE };

/** Throws `Unsupported` unless `data_format` is absent, null or `channels_last`. */
export function checkChannelsLast(config: Json): void {
  const format = config.data_format;
  if (format !== undefined && format !== null && format !== 'channels_last')
    throw new Unsupported(`data_format ${String(format)}`);
}

/** Throws `Unsupported('dilation')` unless `dilation_rate` is absent or all ones (2-D). */
export function checkNoDilation(config: Json): void {
  const d = config.dilation_rate;
  if (d !== undefined && pair(d, 'dilation_rate').some((v) => v !== 1))
    throw new Unsupported('dilation');
}

/**
 * The per-example input shape a layer config declares (`batch_input_shape` / Keras 3
 * `batch_shape` without its batch axis, or `input_shape`), channels last; `undefined` if none.
 */
export function inputShapeOf(config: Json): unknown[] | undefined {
  const batch = (config.batch_input_shape ?? config.batch_shape) as unknown;
  if (Array.isArray(batch)) return batch.slice(1) as unknown[];
  if (Array.isArray(config.input_shape)) return config.input_shape as unknown[];
  return undefined;
}

/**
 * The single `axis` of a Keras normalisation config (`-1` when absent; Keras 3 writes a list) and
 * a shape check that it is the last axis. Throws `Unsupported` for several axes; `what` names the
 * class in the message.
 */
export function lastAxisCheck(config: Json, what: string): (op: IrOp) => string | undefined {
  const axis: unknown[] = Array.isArray(config.axis) ? config.axis : [config.axis ?? -1];
  if (axis.length !== 1) throw new Unsupported(`${what} over axes ${JSON.stringify(config.axis)}`);
  const a = axis[0];
  // Keras counts the batch axis: the last axis of a rank-r example is r (or -1).
  return (op) =>
    a !== -1 && a !== op.inputShapes[0]!.length
      ? 'normalises an axis other than the last'
      : undefined;
}

/**
 * The hooks of a 2-D pooling kind (MaxPooling2D, AveragePooling2D): config `pool_size`,
 * `strides` (`null` = same as pool_size, as in Keras), `padding`; imported strides equal to the
 * pool size become `null`. `classNames`: canonical first, then aliases (`MaxPool2D`).
 */
export function pooling2D(classNames: readonly [string, ...string[]]): Hooks {
  const className = classNames[0];
  return {
    classNames,
    config: (op) => {
      const p = op.params;
      const strides = p.strides as number[] | null;
      return {
        className,
        config: {
          name: op.name,
          pool_size: tuple(p.pool_size),
          strides: strides ? [...strides] : null,
          padding: p.padding as string,
        },
      };
    },
    callStyle: { positional: ['pool_size'], defaults: { strides: null, padding: 'valid' } },
    signature: ['pool_size', 'strides', 'padding', 'data_format'],
    fromConfig: (c) => {
      checkChannelsLast(c);
      const pool = pair(c.pool_size ?? 2, 'pool_size');
      const strides =
        c.strides === null || c.strides === undefined ? null : pair(c.strides, 'strides');
      return {
        params: {
          pool_size: pool,
          strides: strides && (strides[0] !== pool[0] || strides[1] !== pool[1]) ? strides : null,
          padding: c.padding ?? 'valid',
        },
      };
    },
    weightOrder: [],
  };
}
