/**
 * Keras source → Netwright project. Finds the code that builds the model — the module itself,
 * or the function that makes it (`def build_model():`, as Netwright's own Keras export writes)
 * — reads it (`./keras-source-reader.ts`), and builds the graph through the same path as the
 * Keras JSON import (`shared/import/build.ts`). Either the whole model imports or nothing does.
 */
import { buildImportedProject, type ImportedLayer } from '../build.ts';
import {
  diagnosticAt,
  type SourceDiagnostic,
  type SourceImportOptions,
  type SourceImportResult,
} from './index.ts';
import type { PyModule, PyStmt, SourceSpan } from './syntax.ts';
import { SourceError, sourceText, valueOf, type Bindings } from './keras-source-names.ts';
import { KerasReader } from './keras-source-reader.ts';
import type { CompileRead } from './keras-source-compile.ts';
import type { ModelIR } from '../../ir/lower.ts';
import { getLayer } from '../../layers/registry.ts';
import { buildsModel, calledFunctions, collectImports } from './keras-source-scan.ts';
import { modelLayers } from './keras-source-model.ts';

const START: SourceSpan = { line: 1, column: 1, from: 0, to: 0 };

const diag = diagnosticAt;

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
      if (reader.noteSetting(s)) continue;
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
  // Layers the code made that the model does not use: said, not silently dropped.
  const used = new Set(layers.map((l) => l.name));
  for (const c of reader.created.values())
    if (!used.has(c.id))
      reader.warn(`layer "${c.id}" is not part of the model (not on its path): left out`, c.at);

  const name = model.name ?? options.name ?? model.var ?? 'Keras model';
  const built = buildImportedProject({ name, layers, source: 'Keras' });
  if (!built.ok) return fail(graphErrors(built.error, reader, model.at));
  const problems: SourceDiagnostic[] = [];
  // Node i is layer i (its name made a safe, unique id by buildImportedProject).
  const layerOfNode = new Map(
    built.project.graph.nodes.map((n, i) => [n.id, reader.created.get(layers[i]!.name)]),
  );
  for (const op of built.ir.ops) {
    const layer = layerOfNode.get(op.id);
    const problem = layer?.check?.(op);
    if (problem) problems.push(diag('error', `layer "${op.name}": ${problem}`, layer!.at));
  }
  if (problems.length > 0) return fail(problems);

  const project = built.project;
  const compiled = reader.readTraining(model, project.training);
  if (reader.errors.length > 0)
    return fail(reader.errors.map((e) => diag('error', e.message, e.at)));
  const diagnostics = reader.warnings.map((w) => diag('warning', w.message, w.at));
  const logits = fromLogitsMismatch(compiled, built.ir, project.training.loss);
  if (logits) diagnostics.push(logits);
  return { ok: true, framework: 'keras', project, ir: built.ir, diagnostics };
}

/**
 * The loss's `from_logits` against the model's last activation (keras.io/api/losses/
 * probabilistic_losses): True with a softmax/sigmoid output applies it twice (the PyTorch
 * import's softmax + nn.CrossEntropyLoss warning, lint H103); False (Keras's default) with no
 * output activation takes logits for probabilities. A warning at the loss, with a fix where the
 * code writes `from_logits=`: the other value.
 */
function fromLogitsMismatch(
  compiled: CompileRead,
  ir: ModelIR,
  loss: string,
): SourceDiagnostic | undefined {
  const f = compiled.fromLogits;
  if (!f) return undefined;
  const out = ir.ops.find((o) => o.id === ir.outputId);
  const activation = out && getLayer(out.type)?.explain.outputActivation?.(out.params);
  const squash = loss === 'binary_crossentropy' ? 'sigmoid' : 'softmax';
  const fix = (to: 'True' | 'False', title: string) =>
    f.keyword
      ? { fix: { title, edits: [{ from: f.keyword.from, to: f.keyword.to, insert: to }] } }
      : {};
  if (f.value && activation === squash)
    return {
      ...diag(
        'warning',
        `from_logits=True but the model ends in ${squash}: the loss applies ${squash} to probabilities a second time and training stalls. Use from_logits=False, or drop the ${squash} (Netwright then treats the outputs as logits)`,
        f.keyword ?? f.at,
      ),
      ...fix('False', 'Set from_logits=False (the model outputs probabilities)'),
    };
  if (!f.value && (activation === undefined || activation === 'linear'))
    return {
      ...diag(
        'warning',
        `the model's last layer has no ${squash}, but this loss takes probabilities (from_logits=False${f.keyword ? '' : ", Keras's default"}): Keras would read the raw outputs as probabilities. Netwright trains them as logits (from_logits=True); add activation="${squash}" or write from_logits=True`,
        f.keyword ?? f.at,
      ),
      ...fix('True', 'Set from_logits=True (the model outputs logits)'),
    };
  return undefined;
}

/**
 * The importer's graph-check failure (`E008 [node dense_1] Dense: Units must be …` lines) as one
 * error per problem at the layer call that made the block, named as the code writes it
 * (`layers.Dense(…)`, or its `name=`); lines that name no layer stay at the model.
 */
function graphErrors(error: string, reader: KerasReader, modelAt: SourceSpan): SourceDiagnostic[] {
  const lines = error.split('\n').filter((l) => l.trim() !== '');
  const out: SourceDiagnostic[] = [];
  for (const line of lines.slice(1)) {
    const m = /^\s*(?:- )?(?:[EW]\d+ )?\[node ([^\]]+)\] (.*)$/.exec(line);
    const layer = m
      ? [...reader.created.values()].find(
          (c) => c.id === m[1] || c.id.replace(/[^A-Za-z0-9_]/g, '_') === m[1],
        )
      : undefined;
    if (!m || !layer) {
      out.push(diag('error', line.trim(), modelAt));
      continue;
    }
    const callee =
      layer.name !== undefined
        ? `layer "${layer.name}"`
        : `${sourceText(reader.source, layer.at).split('(')[0]}(…)`;
    const problem = m[2]!.replace(new RegExp(`^${layer.def.type}: `), '');
    out.push(diag('error', `${callee}: ${problem}`, layer.at));
  }
  if (out.length === 0) out.push(diag('error', lines[0] ?? error, modelAt));
  return out;
}
