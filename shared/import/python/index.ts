/**
 * Python source (Keras or PyTorch model code) → Netwright project: the entry point the CLI
 * (`netwright import model.py`), the app's File → Import, the "Paste code" dialog and the Code
 * panel's edit mode call. The code is parsed (`./syntax.ts`, `@lezer/python`), never run.
 *
 * Either the whole network imports or nothing does: every construct the importer cannot read is
 * listed as an error diagnostic with its line and column and the reason (a loop building layers,
 * a custom layer class, an unknown call); warnings name what was read but left out (a `print`).
 */
import type { Project } from '../../graph/project.ts';
import type { ModelIR } from '../../ir/lower.ts';
import { importKerasSource } from './keras-source.ts';
import { importTorchSource } from './torch-source.ts';
import { parsePython, type PyModule, type PyStmt, type SourceSpan } from './syntax.ts';

/** The framework a script is written for. */
export type SourceFramework = 'keras' | 'pytorch';

/** One problem, at its place in the source (1-based line and column, as editors show them). */
export interface SourceDiagnostic {
  severity: 'error' | 'warning';
  message: string;
  line: number;
  column: number;
  /** Offsets `[from, to)` into the source: what an editor underlines. */
  from: number;
  to: number;
  /**
   * A one-click fix as edits of the source (offsets into the text as given; applied together),
   * e.g. removing the `torch.softmax(…)` that `nn.CrossEntropyLoss` makes a double softmax.
   */
  fix?: { title: string; edits: { from: number; to: number; insert: string }[] };
}

/** Options of `importPythonSource`. */
export interface SourceImportOptions {
  /** Skip detection (the Code panel knows which script is being edited). */
  framework?: SourceFramework;
  /**
   * The input shape of one example without the batch axis, in Netwright's (Keras) order: `[784]`,
   * `[28, 28, 1]` (HWC), `[steps, features]`. Used when the code does not say it (a PyTorch conv
   * net gives its channels, not its height and width) — the answer to a `needsInputShape`.
   */
  inputShape?: readonly number[];
  /** The project name when the code gives none (default: the model's variable or class name). */
  name?: string;
}

/** What an import asks the user when the code does not fix the input shape. */
export interface InputShapeRequest {
  /** A sentence for the dialog: what is known and what is missing. */
  message: string;
  /**
   * The shape as far as the code fixes it, Keras order, `null` where unknown:
   * `nn.Conv2d(1, 32, 3)` first → `[null, null, 1]` (height, width unknown; 1 channel).
   */
  known: (number | null)[];
  /** Where in the source the first layer that needs the shape is. */
  at: SourceSpan;
}

export type SourceImportResult =
  | {
      ok: true;
      framework: SourceFramework;
      /**
       * The graph (node ids = the Python names: `fc1`, `conv_1`, Keras `name=` values) and the
       * training settings the code gives (`model.compile(optimizer=…, loss=…)`,
       * `optim.Adam(model.parameters(), lr=…)`, `nn.CrossEntropyLoss()`); the rest default.
       */
      project: Project;
      ir: ModelIR;
      /** Warnings only (things read and deliberately left out). */
      diagnostics: SourceDiagnostic[];
    }
  | {
      ok: false;
      framework?: SourceFramework;
      /** At least one error; each at its place. */
      diagnostics: SourceDiagnostic[];
      /** Set when the only thing missing is the input shape: ask, then import with `inputShape`. */
      needsInputShape?: InputShapeRequest;
    };

/** A diagnostic at a span. */
export function diagnosticAt(
  severity: SourceDiagnostic['severity'],
  message: string,
  at: SourceSpan,
): SourceDiagnostic {
  return { severity, message, line: at.line, column: at.column, from: at.from, to: at.to };
}

/** `line 3, column 5: message` — how the CLI and dialogs print a diagnostic. */
export function formatSourceDiagnostic(d: SourceDiagnostic, file?: string): string {
  return `${file ? `${file}:` : ''}${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}

const modulesOf = (body: readonly PyStmt[]): string[] =>
  body.flatMap((s) => (s.kind === 'import' ? [s.module] : []));

/**
 * The framework a script is written for, from its imports (`torch` → pytorch; `keras`,
 * `tensorflow`, `tf_keras` → keras); `undefined` when it imports neither or both.
 */
export function detectFramework(module: PyModule): SourceFramework | undefined {
  const modules = modulesOf(module.body);
  const torch = modules.some((m) => m === 'torch' || m.startsWith('torch.'));
  const keras = modules.some((m) => /^(keras|tensorflow|tf_keras)(\.|$)/.test(m));
  if (torch === keras) return undefined;
  return torch ? 'pytorch' : 'keras';
}

const TORCH_NAMES = /(^|[^\w.])(nn|torch|F|optim)\.[A-Za-z_]/m;
const KERAS_NAMES =
  /(^|[^\w.])(layers|keras|tf\.keras)\.[A-Za-z_]|(^|[^\w.])Sequential\(\s*\[?\s*(Dense|Conv[123]D|Flatten|LSTM|GRU|Embedding|Input|InputLayer)\(/m;

/**
 * The framework of code with no import lines (a snippet pasted on its own), from the names it
 * uses: `nn.X`, `torch.X`, `F.X` → pytorch; `layers.X`, `keras.X`, `tf.keras.X`, or
 * `Sequential([Dense(…` → keras. `undefined` when it uses neither or both, or has imports.
 */
export function guessFramework(module: PyModule): SourceFramework | undefined {
  if (module.body.some((s) => s.kind === 'import')) return undefined;
  const text = module.source.replace(/#.*$/gm, '');
  const torch = TORCH_NAMES.test(text);
  const keras = KERAS_NAMES.test(text);
  if (torch === keras) return undefined;
  return torch ? 'pytorch' : 'keras';
}

/** The imports a snippet without any is read with (`guessFramework`). */
const IMPLIED_IMPORTS: Record<SourceFramework, string> = {
  pytorch:
    'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nimport torch.optim as optim\n',
  keras:
    'import tensorflow as tf\nimport keras\nfrom keras import layers\nfrom keras.models import Sequential, Model\nfrom keras.layers import Input, Dense, Conv1D, Conv2D, MaxPooling2D, Flatten, Dropout, LSTM, GRU, Embedding, BatchNormalization\n',
};

/**
 * Reads a Keras or PyTorch model from Python source. Never throws and never runs the code.
 * Errors: syntax errors; no model found; a construct the importer cannot read (each with its
 * place); the input shape unknown (`needsInputShape`); a graph that does not check (shapes).
 */
export function importPythonSource(
  source: string,
  options: SourceImportOptions = {},
): SourceImportResult {
  const module = parsePython(source);
  if (module.errors.length > 0) {
    return {
      ok: false,
      framework: options.framework,
      diagnostics: [firstSyntaxError(module)],
    };
  }
  let framework = options.framework ?? detectFramework(module);
  const guessed = framework ? undefined : guessFramework(module);
  if (guessed) framework = guessed;
  if (framework && !module.body.some((s) => s.kind === 'import')) {
    // A snippet without imports: read with the usual ones (placed at the start, line 1).
    const start = { line: 1, column: 1, from: 0, to: 0 };
    const implied = parsePython(IMPLIED_IMPORTS[framework]).body.map((s) => ({ ...s, at: start }));
    const result = importWith(
      { ...module, body: [...implied, ...module.body] },
      framework,
      options,
    );
    result.diagnostics.push(
      diagnosticAt(
        'warning',
        `no import lines: read as ${framework === 'keras' ? 'Keras' : 'PyTorch'} code (${framework === 'keras' ? 'keras, layers = keras.layers, tf = tensorflow' : 'torch, nn = torch.nn, F = torch.nn.functional'})`,
        start,
      ),
    );
    return result;
  }
  if (!framework) {
    return {
      ok: false,
      diagnostics: [
        diagnosticAt(
          'error',
          'cannot tell whether this is Keras or PyTorch code: it should import keras / tensorflow or torch',
          { line: 1, column: 1, from: 0, to: 0 },
        ),
      ],
    };
  }
  return importWith(module, framework, options);
}

function importWith(
  module: PyModule,
  framework: SourceFramework,
  options: SourceImportOptions,
): SourceImportResult {
  try {
    return framework === 'keras'
      ? importKerasSource(module, options)
      : importTorchSource(module, options);
  } catch (e) {
    // A bug in an importer must still not reach the user as a stack trace.
    return {
      ok: false,
      framework,
      diagnostics: [
        diagnosticAt(
          'error',
          `Netwright could not read this code (${e instanceof Error ? e.message : String(e)})`,
          { line: 1, column: 1, from: 0, to: 0 },
        ),
      ],
    };
  }
}

/**
 * The one syntax error shown (the parser's recovery makes follow-up errors that only confuse):
 * a bracket never closed, at that bracket, when there is one before the first error's place;
 * else the earliest error.
 */
export function firstSyntaxError(module: PyModule): SourceDiagnostic {
  const earliest = [...module.errors].sort((a, b) => a.at.from - b.at.from)[0]!;
  const open = unclosedBracket(module.source);
  if (open !== undefined && open <= earliest.at.to) {
    const before = module.source.slice(0, open);
    const line = before.split('\n').length;
    const column = open - before.lastIndexOf('\n');
    return diagnosticAt('error', `syntax error: this "${module.source[open]}" is never closed`, {
      line,
      column,
      from: open,
      to: open + 1,
    });
  }
  return diagnosticAt('error', earliest.message, earliest.at);
}

/** The offset of the first bracket that is never closed (strings and comments skipped). */
function unclosedBracket(src: string): number | undefined {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: number[] = [];
  const unclosed: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '#') {
      const end = src.indexOf('\n', i);
      i = end === -1 ? src.length : end;
    } else if (c === '"' || c === "'") {
      const quote = src.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      let j = i + quote.length;
      while (j < src.length && !src.startsWith(quote, j)) {
        if (src[j] === '\\') j++;
        else if (quote.length === 1 && src[j] === '\n') break;
        j++;
      }
      i = j + quote.length - 1;
    } else if (c === '(' || c === '[' || c === '{') stack.push(i);
    else if (c in pairs) {
      // A closer of another kind: the brackets above its match were never closed.
      while (stack.length > 0 && src[stack.at(-1)!] !== pairs[c]) unclosed.push(stack.pop()!);
      stack.pop();
    }
  }
  unclosed.push(...stack);
  return unclosed.length > 0 ? Math.min(...unclosed) : undefined;
}
