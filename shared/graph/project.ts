import { z } from 'zod';
import { LAYER_TYPES } from '../layers/registry.ts';
import { jsonErrorLineColumn } from '../text/json-place.ts';
import { renameLegacyWeights } from './legacy-names.ts';
import { migrateLegacyNodes } from './legacy-params.ts';
import type { Graph } from './types.ts';

/** The project file format, the contract every feature and test uses. */
export const PROJECT_FORMAT = 'netwright.project';
export const PROJECT_VERSION = 1;
/** Files above this size are refused before parsing, with a message. */
export const MAX_PROJECT_BYTES = 32 * 1024 * 1024;

export const DATASETS = [
  'mnist',
  'penguins',
  'cars',
  'spiral',
  'circles',
  'xor',
  'blobs',
  'csv',
  'co2',
  'seattle-weather',
  'topics',
] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop'] as const;
export const LOSSES = [
  'auto',
  'sparse_categorical_crossentropy',
  'categorical_crossentropy',
  'binary_crossentropy',
  'mse',
] as const;

/**
 * Metrics a project may ask Keras to report (`model.compile(metrics=[…])`, keras.io/api/metrics):
 * `accuracy` (Keras picks the binary, categorical or sparse form from the loss),
 * `categorical_accuracy` (argmax of output and one-hot target agree), `mae`, `mse`.
 */
export const METRICS = ['accuracy', 'categorical_accuracy', 'mae', 'mse'] as const;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const positionSchema = z.looseObject({ x: finite, y: finite });

const nodeSchema = z.looseObject({
  id: z.string().min(1, 'must not be empty'),
  type: z.string().min(1, 'must not be empty'),
  params: z.record(z.string(), z.unknown()).default({}),
  position: positionSchema,
  label: z.string().max(200, 'is longer than 200 characters').optional(),
  // Any text is accepted and sanitised where used (`blockNames`), never emitted as it is.
  name: z.string().max(200, 'is longer than 200 characters').optional(),
});

const edgeSchema = z.looseObject({
  id: z.string().min(1, 'must not be empty'),
  source: z.string().min(1, 'must not be empty'),
  target: z.string().min(1, 'must not be empty'),
  targetHandle: z.string().optional(),
});

/**
 * The CSV file a project trains on: its name and the import choices. The data itself is not
 * stored in the project; on reopen the user picks the file again.
 */
export const csvSettingsSchema = z.object({
  fileName: z.string().min(1, 'must not be empty').max(260, 'is longer than 260 characters'),
  target: z.string().min(1, 'must not be empty').max(200, 'is longer than 200 characters'),
  task: z.enum(['classification', 'regression']),
  normalization: z.enum(['standard', 'minmax', 'none']).default('standard'),
  ignore: z.array(z.string().max(200, 'is longer than 200 characters')).max(10_000).default([]),
});

export type CsvSettings = z.infer<typeof csvSettingsSchema>;

/**
 * How a time series becomes examples (shared/datasets/window.ts): windows of `length` steps, the
 * target `horizon` steps after each window, columns standardised with the training part's
 * statistics when `normalize`.
 */
export const windowSettingsSchema = z.object({
  length: z.number().int().min(1).max(10_000).default(12),
  horizon: z.number().int().min(1).max(10_000).default(1),
  normalize: z.boolean().default(true),
});

export type WindowSettings = z.infer<typeof windowSettingsSchema>;

/**
 * How texts become token ids (shared/datasets/tokenizer.ts): `vocabSize` ids (0 padding, 1 unknown
 * word, then the most frequent training words), `sequenceLength` ids per text.
 */
export const tokenizerSettingsSchema = z.object({
  vocabSize: z.number().int().min(3).max(1_000_000).default(1000),
  sequenceLength: z.number().int().min(1).max(10_000).default(16),
});

export type TokenizerSettings = z.infer<typeof tokenizerSettingsSchema>;

export const trainingSchema = z.looseObject({
  dataset: z.enum(DATASETS).default('mnist'),
  epochs: z.number().int().min(1).max(10_000).default(5),
  batchSize: z.number().int().min(1).max(65_536).default(64),
  optimizer: z.enum(OPTIMIZERS).default('adam'),
  learningRate: z.number().gt(0).max(10).default(0.001),
  loss: z.enum(LOSSES).default('auto'),
  validationSplit: z.number().min(0).max(0.9).default(0.1),
  shuffle: z.boolean().default(true),
  seed: z.number().int().min(0).default(42),
  /**
   * Keras metrics for the generated `model.compile` (read from imported Keras code); absent:
   * the generator's choice (accuracy, or MAE for a regression). The app itself reports accuracy
   * or MAE by the loss either way.
   */
  metrics: z.array(z.enum(METRICS)).max(METRICS.length).optional(),
  csv: csvSettingsSchema.optional(),
  /** Windowing of a time-series data set (co2, seattle-weather); defaults when absent. */
  window: windowSettingsSchema.optional(),
  /** Tokenizer of a text data set (topics); defaults when absent. */
  tokenizer: tokenizerSettingsSchema.optional(),
});

export type TrainingSettings = z.infer<typeof trainingSchema>;

export const projectSchema = z.looseObject({
  format: z.literal(PROJECT_FORMAT),
  version: z.literal(PROJECT_VERSION),
  name: z.string().max(200, 'is longer than 200 characters').default('Untitled'),
  graph: z.looseObject({
    nodes: z.array(nodeSchema),
    edges: z.array(edgeSchema),
  }),
  training: trainingSchema.default(() => trainingSchema.parse({})),
});

export interface Project {
  format: typeof PROJECT_FORMAT;
  version: typeof PROJECT_VERSION;
  name: string;
  graph: Graph;
  training: TrainingSettings;
  [extra: string]: unknown;
}

export type ProjectResult = { ok: true; project: Project } | { ok: false; errors: string[] };

/** Migrations from each older format version to the next; none yet, version 1 is the first. */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {};

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path)
    out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || '(top level)';
}

/**
 * Where a JSON syntax error sits, as `line L, column C`: found by scanning the text (V8's messages
 * lack a position for some errors, e.g. a `NaN` literal), else from the engine's message.
 */
export function jsonErrorPlace(text: string, message: string): string {
  const scanned = jsonErrorLineColumn(text);
  if (scanned) return scanned;
  const lineCol = /line (\d+) column (\d+)/.exec(message);
  if (lineCol) return `line ${lineCol[1]}, column ${lineCol[2]}`;
  const pos = /position (\d+)/.exec(message);
  const before = pos ? text.slice(0, Number(pos[1])) : text;
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** Checks the references inside a schema-valid graph: ids, edges, layer types. */
export function graphIntegrityErrors(graph: Graph): string[] {
  const errors: string[] = [];
  const ids = new Set<string>();
  graph.nodes.forEach((node, i) => {
    if (ids.has(node.id))
      errors.push(`graph.nodes[${i}].id: duplicate block id ${JSON.stringify(node.id)}`);
    ids.add(node.id);
    if (!LAYER_TYPES.includes(node.type)) {
      errors.push(
        `graph.nodes[${i}].type: unknown layer type ${JSON.stringify(node.type)} (known: ${LAYER_TYPES.join(', ')})`,
      );
    }
  });
  const edgeIds = new Set<string>();
  graph.edges.forEach((edge, i) => {
    if (edgeIds.has(edge.id))
      errors.push(`graph.edges[${i}].id: duplicate edge id ${JSON.stringify(edge.id)}`);
    edgeIds.add(edge.id);
    for (const end of ['source', 'target'] as const) {
      if (!ids.has(edge[end])) {
        errors.push(`graph.edges[${i}].${end}: no block with id ${JSON.stringify(edge[end])}`);
      }
    }
  });
  return errors;
}

/**
 * The deepest nesting of objects and arrays a project may hold. Known fields nest at most ~8
 * levels; unknown fields are kept (for newer versions) but only this deep, so that saving,
 * autosave and code that walks the document never overflow the stack.
 */
export const MAX_PROJECT_NESTING = 64;

/**
 * The path of the first object or array nested deeper than `limit` levels in a JSON value, or
 * `undefined`. Iterative (no recursion), so any depth is measured safely.
 */
export function tooDeepPath(value: unknown, limit = MAX_PROJECT_NESTING): string | undefined {
  const stack: { v: unknown; depth: number; path: PropertyKey[] }[] = [
    { v: value, depth: 0, path: [] },
  ];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= limit) {
      const shown = path.length > 6 ? [...path.slice(0, 3), '…', ...path.slice(-2)] : path;
      return `${formatPath(shown)} (${path.length} levels down)`;
    }
    const push = (k: PropertyKey, x: unknown) => {
      if (typeof x === 'object' && x !== null)
        stack.push({ v: x, depth: depth + 1, path: [...path, k] });
    };
    if (Array.isArray(v)) v.forEach((x, i) => push(i, x));
    else for (const k in v) if (Object.hasOwn(v, k)) push(k, (v as Record<string, unknown>)[k]);
  }
  return undefined;
}

/**
 * Parses an already-decoded JSON value as a project: migrate, validate, move block params saved
 * under older names to Keras's (`migrateLegacyNodes`), check integrity, and re-key trained
 * weights saved under older layer names (`renameLegacyWeights`).
 */
export function parseProjectValue(value: unknown): ProjectResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      errors: ['The file is JSON but not a Netwright project (expected an object)'],
    };
  }
  let doc = value as Record<string, unknown>;
  const deep = tooDeepPath(doc);
  if (deep !== undefined) {
    return {
      ok: false,
      errors: [
        `${deep}: nested more than ${MAX_PROJECT_NESTING} levels deep; projects allow at most ${MAX_PROJECT_NESTING} (remove or flatten this field)`,
      ],
    };
  }
  if (doc.format !== PROJECT_FORMAT) {
    return {
      ok: false,
      errors: [
        `Not a Netwright project: "format" is ${JSON.stringify(doc.format ?? null)}, expected "${PROJECT_FORMAT}"`,
      ],
    };
  }
  if (typeof doc.version !== 'number' || !Number.isInteger(doc.version) || doc.version < 1) {
    return { ok: false, errors: ['"version" must be a whole number of at least 1'] };
  }
  if (doc.version > PROJECT_VERSION) {
    return {
      ok: false,
      errors: [
        `This project was saved by a newer Netwright (format version ${doc.version}); this version reads up to ${PROJECT_VERSION}`,
      ],
    };
  }
  for (let v = doc.version; v < PROJECT_VERSION; v++) {
    const migrate = MIGRATIONS[v];
    if (!migrate) return { ok: false, errors: [`No migration from format version ${v}`] };
    doc = migrate(doc);
  }
  const parsed = projectSchema.safeParse(doc);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
    };
  }
  const project = parsed.data as Project;
  // Params saved under older names (see legacy-params.ts) take Keras's names now.
  project.graph.nodes = migrateLegacyNodes(project.graph.nodes);
  const integrity = graphIntegrityErrors(project.graph);
  if (integrity.length > 0) return { ok: false, errors: integrity };
  // Trained weights saved under the layer names of older versions follow the blocks' names now.
  if (project.weights !== undefined) {
    project.weights = renameLegacyWeights(project.graph, project.weights);
  }
  return { ok: true, project };
}

/** Parses project file text. Every error names what is wrong and where. */
export function parseProject(text: string): ProjectResult {
  if (text.length > MAX_PROJECT_BYTES) {
    return {
      ok: false,
      errors: [
        `The file is ${(text.length / 1024 / 1024).toFixed(1)} MB; projects are limited to ${MAX_PROJECT_BYTES / 1024 / 1024} MB`,
      ],
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // V8 quotes the text around the error, newlines and indentation included: one line.
    const oneLine = message.replace(/\s+/g, ' ').trim();
    return {
      ok: false,
      errors: [`Not valid JSON at ${jsonErrorPlace(text, message)}: ${oneLine}`],
    };
  }
  return parseProjectValue(value);
}

/** Project file text: stable key order as given, two-space indent, trailing newline. */
export function serializeProject(project: Project): string {
  return `${JSON.stringify(project, null, 2)}\n`;
}

/** A new empty project with default training settings. */
export function emptyProject(name = 'Untitled'): Project {
  return {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    name,
    graph: { nodes: [], edges: [] },
    training: trainingSchema.parse({}),
  };
}
