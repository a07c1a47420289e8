/**
 * What names mean in Keras source: imports bind local names to Keras paths
 * (`from tensorflow.keras import layers` → `layers` is `keras.layers`), constants hold values
 * (`NUM_CLASSES = 10`), and argument expressions become config values (tuples, numbers,
 * strings, `None`, `keras.activations.relu`). Nothing is run: a value Netwright cannot know is
 * an error at its place.
 */
import type { SourceSpan, PyExpr, PyStmt } from './syntax.ts';
import { dottedName } from './syntax.ts';

/** A construct the Keras reader cannot read, at its place; collected into diagnostics. */
export class SourceError extends Error {
  readonly at: SourceSpan;
  constructor(message: string, at: SourceSpan) {
    super(message);
    this.at = at;
  }
}

/** Local name → the dotted path it stands for, in canonical Keras form (`keras.layers.Dense`). */
export type Bindings = Map<string, string>;

/**
 * The one spelling of a Keras path: `tensorflow.keras.X` and `tf_keras.X` are `keras.X`
 * (tf.keras is Keras inside TensorFlow; tf_keras its Keras 2 package); other paths as written.
 */
export function canonicalPath(path: string): string {
  if (path === 'tensorflow.keras' || path.startsWith('tensorflow.keras.'))
    return `keras${path.slice('tensorflow.keras'.length)}`;
  if (path === 'tf_keras' || path.startsWith('tf_keras.'))
    return `keras${path.slice('tf_keras'.length)}`;
  return path;
}

/** Records the names an import statement binds (`import a.b as c`, `from m import x as y`). */
export function bindImport(bindings: Bindings, stmt: Extract<PyStmt, { kind: 'import' }>): void {
  if (stmt.names.length === 0) {
    // `import a.b` binds `a` to `a`; `import a.b as c` binds `c` to `a.b`.
    const asName = stmt.asName ?? stmt.module.split('.')[0]!;
    const target = stmt.asName && stmt.asName !== stmt.module.split('.')[0] ? stmt.module : asName;
    bindings.set(asName, canonicalPath(target));
    return;
  }
  for (const { name, asName } of stmt.names)
    if (name !== '*') bindings.set(asName, canonicalPath(`${stmt.module}.${name}`));
}

/**
 * The canonical path an expression names through the imports (`tf.keras.layers.Dense` with
 * `import tensorflow as tf` → `keras.layers.Dense`); `undefined` when it is not a dotted name
 * or its first part is not imported.
 */
export function resolvePath(e: PyExpr, bindings: Bindings): string | undefined {
  const dotted = dottedName(e);
  if (dotted === undefined) return undefined;
  const [head, ...rest] = dotted.split('.');
  const bound = bindings.get(head!);
  if (bound === undefined) return undefined;
  return canonicalPath([bound, ...rest].join('.'));
}

/** The Python text of an expression, shortened for messages. */
export function sourceText(source: string, at: SourceSpan): string {
  const text = source.slice(at.from, at.to).replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Activation functions written as attributes: `keras.activations.relu`, `tf.nn.relu`. */
const ACTIVATION_MODULES = ['keras.activations', 'tensorflow.nn', 'keras.ops'];

/** Where values of names come from while reading arguments. */
export interface ValueScope {
  bindings: Bindings;
  /** Names whose values are known literals (module constants, function defaults). */
  constants: Map<string, unknown>;
  source: string;
  /**
   * A call in an argument that is itself a layer (`Bidirectional(LSTM(64))`) → its Keras JSON
   * form `{class_name, config}`; `undefined` when the call is not a layer constructor.
   */
  nestedLayer(call: Extract<PyExpr, { kind: 'call' }>): unknown;
}

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '//': (a, b) => Math.floor(a / b),
};

/**
 * An argument expression → a config value (JSON: numbers, strings, booleans, null, arrays for
 * tuples and lists, objects for nested layers). Throws `SourceError` at the expression for
 * anything Netwright cannot know without running the code.
 */
export function valueOf(e: PyExpr, scope: ValueScope): unknown {
  switch (e.kind) {
    case 'number':
    case 'string':
    case 'constant':
      return e.value;
    case 'tuple':
    case 'list':
      return e.items.map((item) => valueOf(item, scope));
    case 'unary': {
      const v = valueOf(e.operand, scope);
      if (typeof v === 'number' && (e.op === '-' || e.op === '+')) return e.op === '-' ? -v : v;
      break;
    }
    case 'binary': {
      const f = ARITHMETIC[e.op];
      const [a, b] = [valueOf(e.left, scope), valueOf(e.right, scope)];
      if (f && typeof a === 'number' && typeof b === 'number') return f(a, b);
      break;
    }
    case 'name': {
      if (scope.constants.has(e.id)) return scope.constants.get(e.id);
      const path = resolvePath(e, scope.bindings);
      const activation = path && activationPath(path);
      if (activation) return activation;
      throw new SourceError(
        `\`${e.id}\` is not a value Netwright can know here (write the number or string itself, or a constant set once above)`,
        e.at,
      );
    }
    case 'attribute': {
      const path = resolvePath(e, scope.bindings);
      const activation = path && activationPath(path);
      if (activation) return activation;
      break;
    }
    case 'call': {
      const nested = scope.nestedLayer(e);
      if (nested !== undefined) return nested;
      break;
    }
    default:
      break;
  }
  throw new SourceError(
    `\`${sourceText(scope.source, e.at)}\` is not a value Netwright can read (numbers, strings, tuples, True/False/None and constants only)`,
    e.at,
  );
}

/** `keras.activations.relu` → `relu`; `undefined` for any other path. */
function activationPath(path: string): string | undefined {
  for (const m of ACTIVATION_MODULES)
    if (path.startsWith(`${m}.`) && !path.slice(m.length + 1).includes('.'))
      return path.slice(m.length + 1);
  return undefined;
}
