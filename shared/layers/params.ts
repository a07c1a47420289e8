/**
 * Parameter specifications for layer blocks: types, defaults and limits, plus the one validator
 * used by the inspector (text typed by a user), the project loader and the CLI.
 */

interface ParamBase {
  /** The Keras config name, e.g. `units`. */
  name: string;
  label: string;
  help?: string;
}

export interface IntParam extends ParamBase {
  kind: 'int';
  default: number | null;
  min: number;
  max?: number;
  /**
   * `null` (Keras `None`, an empty field) allowed: "same as another parameter" (1-D pooling
   * strides) or "not set" (MultiHeadAttention `value_dim`).
   */
  nullable?: boolean;
}

export interface FloatParam extends ParamBase {
  kind: 'float';
  default: number | null;
  /** `null` (Keras `None`, an empty field) allowed, e.g. ReLU `max_value`. */
  nullable?: boolean;
  min?: number;
  max?: number;
  /** When set, the bounds themselves are not allowed. */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  /** Why the upper bound is what it is, appended to its message (e.g. where Keras differs). */
  maxReason?: string;
}

export interface EnumParam extends ParamBase {
  kind: 'enum';
  default: string;
  options: readonly string[];
}

export interface BoolParam extends ParamBase {
  kind: 'bool';
  default: boolean;
}

/** A 2-D size such as `kernel_size`: a number or a pair, stored as a pair. */
export interface PairParam extends ParamBase {
  kind: 'pair';
  default: readonly [number, number] | null;
  /** `null` allowed, meaning "same as another parameter" (pooling strides). */
  nullable?: boolean;
  /** Smallest allowed entry; default 1 (sizes). 0 for paddings and croppings; Dot `axes` -3. */
  min?: number;
}

/**
 * Keras's `((top, bottom), (left, right))` edge sizes of ZeroPadding2D `padding` and Cropping2D
 * `cropping`, stored in that nested form. Read from a file or typed in the inspector, it may also
 * be one int (all four sides), `(sym_height, sym_width)` (top = bottom, left = right), or (typed
 * text only) the four numbers `top, bottom, left, right` (keras.io ZeroPadding2D / Cropping2D).
 */
export interface EdgesParam extends ParamBase {
  kind: 'edges';
  default: readonly [readonly [number, number], readonly [number, number]];
  /** Smallest allowed entry (0: no padding or cropping on that side). */
  min: number;
}

/** A list of positive sizes, e.g. Input `shape`; Reshape may use one `-1`. */
export interface ShapeParam extends ParamBase {
  kind: 'shape';
  default: readonly number[] | null;
  allowInferred?: boolean;
  /** `null` (Keras `None`, an empty field) allowed, e.g. PReLU `shared_axes`. */
  nullable?: boolean;
}

export type ParamSpec =
  IntParam | FloatParam | EnumParam | BoolParam | PairParam | EdgesParam | ShapeParam;

export type ParamValue =
  number | string | boolean | readonly number[] | readonly (readonly number[])[] | null;

export type ParamResult = { ok: true; value: ParamValue } | { ok: false; message: string };

const INT_RE = /^[+-]?\d+$/;

function parseInteger(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isInteger(raw) ? raw : undefined;
  if (typeof raw === 'string' && INT_RE.test(raw.trim())) return Number(raw.trim());
  return undefined;
}

function parseIntList(raw: unknown): number[] | undefined {
  if (Array.isArray(raw)) {
    const out = raw.map(parseInteger);
    return out.every((n): n is number => n !== undefined) ? out : undefined;
  }
  if (typeof raw === 'number') return parseInteger(raw) === undefined ? undefined : [raw];
  if (typeof raw === 'string') {
    const parts = raw
      .replace(/[()[\]]/g, '')
      .split(/[\s,x×]+/)
      .filter((p) => p !== '');
    if (parts.length === 0) return undefined;
    return parseIntList(parts);
  }
  return undefined;
}

/**
 * Keras's forms of a 2-D edge setting → `[[top, bottom], [left, right]]`: an int (all sides), a
 * pair `(h, w)` (`((h, h), (w, w))`), the nested pair itself, or text holding 1, 2 or 4 numbers
 * (4: top, bottom, left, right; brackets and parentheses ignored). `undefined` for anything else.
 */
export function parseEdges(raw: unknown): [[number, number], [number, number]] | undefined {
  const fromList = (l: readonly number[]): [[number, number], [number, number]] | undefined =>
    l.length === 1
      ? [
          [l[0]!, l[0]!],
          [l[0]!, l[0]!],
        ]
      : l.length === 2
        ? [
            [l[0]!, l[0]!],
            [l[1]!, l[1]!],
          ]
        : l.length === 4
          ? [
              [l[0]!, l[1]!],
              [l[2]!, l[3]!],
            ]
          : undefined;
  if (typeof raw === 'number' || typeof raw === 'string') {
    const list = parseIntList(raw);
    return list ? fromList(list) : undefined;
  }
  if (!Array.isArray(raw) || raw.length !== 2) return undefined;
  if (raw.every((v) => Array.isArray(v))) {
    const pairs = raw.map((v) => parseIntList(v));
    if (pairs.some((v) => v?.length !== 2)) return undefined;
    return [pairs[0] as [number, number], pairs[1] as [number, number]];
  }
  const pair = raw.map(parseInteger);
  return pair.every((n): n is number => n !== undefined) ? fromList(pair) : undefined;
}

const isNone = (raw: unknown) =>
  raw === null || (typeof raw === 'string' && ['', 'none', 'None'].includes(raw.trim()));

/** Validates one raw value (a JSON value or text typed in the inspector) against its spec. */
export function validateParam(spec: ParamSpec, raw: unknown): ParamResult {
  if (spec.kind !== 'pair' && 'nullable' in spec && spec.nullable && isNone(raw)) {
    return { ok: true, value: null };
  }
  switch (spec.kind) {
    case 'int': {
      const n = parseInteger(raw);
      if (n === undefined) return { ok: false, message: `${spec.label} must be a whole number` };
      if (n < spec.min) return { ok: false, message: `${spec.label} must be at least ${spec.min}` };
      if (spec.max !== undefined && n > spec.max)
        return { ok: false, message: `${spec.label} must be at most ${spec.max}` };
      return { ok: true, value: n };
    }
    case 'float': {
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && raw.trim() !== ''
            ? Number(raw.trim())
            : NaN;
      if (!Number.isFinite(n)) return { ok: false, message: `${spec.label} must be a number` };
      if (spec.min !== undefined && (spec.minExclusive ? n <= spec.min : n < spec.min))
        return {
          ok: false,
          message: `${spec.label} must be ${spec.minExclusive ? 'greater than' : 'at least'} ${spec.min}`,
        };
      if (spec.max !== undefined && (spec.maxExclusive ? n >= spec.max : n > spec.max))
        return {
          ok: false,
          message: `${spec.label} must be ${spec.maxExclusive ? 'less than' : 'at most'} ${spec.max}${
            spec.maxReason ? `: ${spec.maxReason}` : ''
          }`,
        };
      return { ok: true, value: n };
    }
    case 'enum': {
      if (typeof raw === 'string' && spec.options.includes(raw)) return { ok: true, value: raw };
      return { ok: false, message: `${spec.label} must be one of ${spec.options.join(', ')}` };
    }
    case 'bool': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (raw === 'true' || raw === 'false') return { ok: true, value: raw === 'true' };
      return { ok: false, message: `${spec.label} must be true or false` };
    }
    case 'pair': {
      if (raw === null || raw === '' || raw === 'None' || raw === 'none') {
        return spec.nullable
          ? { ok: true, value: null }
          : { ok: false, message: `${spec.label} is required` };
      }
      const list = parseIntList(raw);
      if (!list || list.length < 1 || list.length > 2)
        return {
          ok: false,
          message: `${spec.label} must be a number or two numbers, e.g. 3 or 3,3`,
        };
      const pair = list.length === 1 ? [list[0]!, list[0]!] : list;
      const min = spec.min ?? 1;
      if (pair.some((n) => n < min))
        return { ok: false, message: `${spec.label} must be at least ${min}` };
      return { ok: true, value: pair };
    }
    case 'edges': {
      const edges = parseEdges(raw);
      if (!edges)
        return {
          ok: false,
          message: `${spec.label} must be one number, (height, width) or ((top, bottom), (left, right)), e.g. 1 or 2,0 or (1, 0), (2, 2)`,
        };
      if (edges.flat().some((n) => n < spec.min))
        return { ok: false, message: `${spec.label} must be at least ${spec.min}` };
      return { ok: true, value: edges };
    }
    case 'shape': {
      const list = parseIntList(raw);
      if (!list || list.length === 0)
        return { ok: false, message: `${spec.label} must be a list of sizes, e.g. 28,28,1` };
      const inferred = list.filter((n) => n === -1).length;
      if (spec.allowInferred && inferred > 1)
        return { ok: false, message: `${spec.label} may contain -1 at most once` };
      if (list.some((n) => n < 1 && !(spec.allowInferred && n === -1)))
        return {
          ok: false,
          message: `${spec.label} sizes must be at least 1${spec.allowInferred ? ' (or one -1)' : ''}`,
        };
      return { ok: true, value: list };
    }
  }
}

/**
 * Text for an input field showing a stored value: a list as `1, 2`, a list of lists (an edges
 * param) as `(1, 0), (2, 2)`, which `validateParam` reads back.
 */
export function formatParamValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value) && value.some((v) => Array.isArray(v)))
    return value.map((v) => `(${formatParamValue(v)})`).join(', ');
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}
