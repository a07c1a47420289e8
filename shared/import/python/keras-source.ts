/**
 * Keras source → Netwright project. Finds the code that builds the model — the module itself,
 * or the function that makes it (`def build_model():`, as Netwright's own Keras export writes)
 * — reads it (`./keras-source-reader.ts`), and builds the graph through the same path as the
 * Keras JSON import (`shared/import/build.ts`). Either the whole model imports or nothing does.
 */
import { buildImportedProject, type ImportedLayer } from '../build.ts';
import type { SourceDiagnostic, SourceImportOptions, SourceImportResult } from './index.ts';
import type { PyExpr, PyModule, PyStmt, SourceSpan } from './syntax.ts';
import {
  SourceError,
  bindImport,
  resolvePath,
  valueOf,
  type Bindings,
} from './keras-source-names.ts';
import { KerasReader, type Created, type ModelState } from './keras-source-reader.ts';

const START: SourceSpan = { line: 1, column: 1, from: 0, to: 0 };

const diag = (
  severity: SourceDiagnostic['severity'],
  message: string,
  at: SourceSpan,
): SourceDiagnostic => ({
  severity,
  message,
  line: at.line,
  column: at.column,
  from: at.from,
  to: at.to,
});

/** Every import in the module, functions included (imports inside `build_model` count too). */
function collectImports(body: readonly PyStmt[], bindings: Bindings): void {
  for (const s of body) {
    if (s.kind === 'import') bindImport(bindings, s);
    else if (s.kind === 'def') collectImports(s.body, bindings);
  }
}

/** True when a statement list (not nested functions) calls `keras.Sequential` / `keras.Model`. */
function buildsModel(body: readonly PyStmt[], bindings: Bindings): boolean {
  const inExpr = (e: PyExpr): boolean => {
    switch (e.kind) {
      case 'call': {
        const path = resolvePath(e.callee, bindings);
        if (path && /^keras\.(models\.)?(Sequential|Model)$/.test(path)) return true;
        return inExpr(e.callee) || e.args.some(inExpr) || e.keywords.some((k) => inExpr(k.value));
      }
      case 'attribute':
        return inExpr(e.object);
      case 'list':
      case 'tuple':
        return e.items.some(inExpr);
      default:
        return false;
    }
  };
  return body.some(
    (s) =>
      (s.kind === 'assign' && inExpr(s.value)) ||
      (s.kind === 'expr' && inExpr(s.value)) ||
      (s.kind === 'return' && s.value !== null && inExpr(s.value)),
  );
}

/** The builder functions module-level code calls (`model = build_model()`). */
function calledFunctions(body: readonly PyStmt[]): Set<string> {
  const names = new Set<string>();
  const visit = (e: PyExpr): void => {
    if (e.kind === 'call') {
      if (e.callee.kind === 'name') names.add(e.callee.id);
      visit(e.callee);
      e.args.forEach(visit);
      e.keywords.forEach((k) => visit(k.value));
    } else if (e.kind === 'attribute') visit(e.object);
  };
  for (const s of body) if (s.kind === 'assign' || s.kind === 'expr') visit(s.value);
  return names;
}

/** See `importPythonSource`. */
export function importKerasSource(
  module: PyModule,
  options: SourceImportOptions,
): SourceImportResult {
  const fail = (diagnostics: SourceDiagnostic[]): SourceImportResult => ({
    ok: false,
    framework: 'keras',
    diagnostics,
  });
  const bindings: Bindings = new Map();
  collectImports(module.body, bindings);
  const constants = new Map<string, unknown>();
  const reader = new KerasReader(bindings, constants, module.source);

  const defs = module.body.filter(
    (s): s is Extract<PyStmt, { kind: 'def' }> => s.kind === 'def' && buildsModel(s.body, bindings),
  );
  if (buildsModel(module.body, bindings) || defs.length === 0) {
    reader.readBody(module.body, true);
  } else {
    // The model is built in a function: module constants, then its body with its defaults.
    const called = calledFunctions(module.body);
    const builder = defs.find((d) => called.has(d.name)) ?? defs.at(-1)!;
    for (const s of module.body) {
      if (s.kind !== 'assign' || s.op !== '=' || s.targets.length !== 1) continue;
      const t = s.targets[0]!;
      if (t.kind !== 'name') continue;
      try {
        constants.set(
          t.id,
          valueOf(s.value, {
            bindings,
            constants,
            source: module.source,
            nestedLayer: () => undefined,
          }),
        );
      } catch {
        constants.delete(t.id);
      }
    }
    for (const p of builder.params) {
      if (!p.default) continue;
      try {
        constants.set(
          p.name,
          valueOf(p.default, {
            bindings,
            constants,
            source: module.source,
            nestedLayer: () => undefined,
          }),
        );
      } catch {
        // A default Netwright cannot know: the name stays unknown, an error where it is used.
      }
    }
    reader.readBody(builder.body, false);
    // `model = build_model()` … `model.compile(...)` at module level.
    const model = reader.returned;
    if (model) {
      for (const s of module.body) {
        if (
          s.kind === 'assign' &&
          s.value.kind === 'call' &&
          s.value.callee.kind === 'name' &&
          s.value.callee.id === builder.name
        )
          for (const t of s.targets) if (t.kind === 'name') reader.bindModel(t.id, model);
        if (
          s.kind === 'expr' &&
          s.value.kind === 'call' &&
          s.value.callee.kind === 'attribute' &&
          s.value.callee.attr === 'compile' &&
          s.value.callee.object.kind === 'name' &&
          !reader.compiled
        )
          reader.readBody([s], true);
      }
    }
  }

  const model = reader.compiled?.model ?? reader.returned ?? reader.models.at(-1);
  if (reader.errors.length > 0 || !model) {
    const errors = reader.errors.map((e) => diag('error', e.message, e.at));
    if (errors.length === 0)
      errors.push(
        diag(
          'error',
          'no Keras model found: Netwright reads keras.Sequential([...]), Sequential() with model.add(...), and keras.Model(inputs=..., outputs=...)',
          START,
        ),
      );
    return fail(errors);
  }

  let layers: ImportedLayer[];
  try {
    const result = modelLayers(model, reader.created, options);
    if ('needsInputShape' in result) {
      return {
        ok: false,
        framework: 'keras',
        diagnostics: [diag('error', result.needsInputShape.message, result.needsInputShape.at)],
        needsInputShape: result.needsInputShape,
      };
    }
    layers = result.layers;
  } catch (e) {
    if (!(e instanceof SourceError)) throw e;
    return fail([diag('error', e.message, e.at)]);
  }

  const name = model.name ?? options.name ?? model.var ?? 'Keras model';
  const built = buildImportedProject({ name, layers, source: 'Keras' });
  if (!built.ok) return fail([diag('error', built.error, model.at)]);
  const problems: SourceDiagnostic[] = [];
  for (const op of built.ir.ops) {
    const layer = reader.created.get(op.name) ?? reader.created.get(op.id);
    const problem = layer?.check?.(op);
    if (problem) problems.push(diag('error', `layer "${op.name}": ${problem}`, layer!.at));
  }
  if (problems.length > 0) return fail(problems);

  const project = built.project;
  reader.readTraining(model, project.training);
  if (reader.errors.length > 0)
    return fail(reader.errors.map((e) => diag('error', e.message, e.at)));
  return {
    ok: true,
    framework: 'keras',
    project,
    ir: built.ir,
    diagnostics: reader.warnings.map((w) => diag('warning', w.message, w.at)),
  };
}

/** The input-shape question when neither the code nor the options give one. */
interface ShapeNeeded {
  needsInputShape: { message: string; known: (number | null)[]; at: SourceSpan };
}

/** The chosen model as importer layers: topological order, one Input, the output last. */
function modelLayers(
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
      layers.push(toLayer(first, []));
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
  return { layers: ordered.map((c) => toLayer(c, c.inputs ?? [])) };
}
