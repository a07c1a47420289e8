/**
 * PyTorch source → Netwright project (issue 15). Reads, never runs: the imports (`torch.nn as
 * nn`, `from torch import nn`, `torch.nn.functional as F`), module-level constants, the model —
 * `nn.Sequential(…)` or a `class Net(nn.Module)` whose `__init__` makes the layers and whose
 * `forward` gives the data flow (`./torch-source-forward.ts`) — and the training settings from
 * `optim.Adam(model.parameters(), lr=…)` and `nn.CrossEntropyLoss()` / `nn.MSELoss()` /
 * `nn.BCEWithLogitsLoss()`.
 *
 * Layout: PyTorch holds maps `(N, C, H, W)`, Netwright (Keras) `(H, W, C)`. A conv net's code
 * gives its channels but not its height and width: the import then asks (`needsInputShape`)
 * unless `options.inputShape` is given (or the file states `INPUT_SHAPE = (H, W, C)`, as
 * Netwright's own generated file does, with the channels the first layer takes).
 */
import { analyzeGraph } from '../../graph/analyze.ts';
import type { Project } from '../../graph/project.ts';
import { trainingSchema } from '../../graph/project.ts';
import { lowerAnalysis } from '../../ir/lower.ts';
import type { Shape } from '../../shape.ts';
import {
  diagnosticAt,
  type SourceDiagnostic,
  type SourceImportOptions,
  type SourceImportResult,
} from './index.ts';
import {
  FlowBuilder,
  helperClassNames,
  readModule,
  ReadError,
  type ModuleSpec,
  type Scope,
} from './torch-source-flow.ts';
import { walkForward } from './torch-source-forward.ts';
import { dottedName, literalValue, type PyExpr, type PyModule, type PyStmt } from './syntax.ts';

type ClassStmt = Extract<PyStmt, { kind: 'class' }>;
type DefStmt = Extract<PyStmt, { kind: 'def' }>;

/** Local names bound by the imports → the dotted names they stand for. */
function importAliases(body: readonly PyStmt[]): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const s of body) {
    if (s.kind !== 'import') continue;
    if (s.names.length === 0) {
      const local = s.asName ?? s.module.split('.')[0]!;
      aliases.set(local, s.asName && s.asName !== s.module.split('.')[0] ? s.module : local);
    } else
      for (const n of s.names) if (n.name !== '*') aliases.set(n.asName, `${s.module}.${n.name}`);
  }
  return aliases;
}

/** `nn.Linear` → `torch.nn.Linear` through the imports. */
function canonicalName(aliases: ReadonlyMap<string, string>, e: PyExpr): string | undefined {
  const name = dottedName(e);
  if (!name) return undefined;
  const [head, ...rest] = name.split('.');
  const base = aliases.get(head!);
  if (!base) return undefined;
  return [base, ...rest].join('.');
}

/** Every statement in the module and the bodies of its functions (not inside classes). */
function flatStatements(body: readonly PyStmt[]): PyStmt[] {
  return body.flatMap((s) => (s.kind === 'def' ? [s, ...flatStatements(s.body)] : [s]));
}

const OPTIMIZERS: Record<string, (momentum: unknown) => 'adam' | 'sgd' | 'momentum' | 'rmsprop'> = {
  'torch.optim.Adam': () => 'adam',
  'torch.optim.SGD': (m) => (typeof m === 'number' && m > 0 ? 'momentum' : 'sgd'),
  'torch.optim.RMSprop': () => 'rmsprop',
};

const LOSSES: Record<string, 'sparse_categorical_crossentropy' | 'binary_crossentropy' | 'mse'> = {
  'torch.nn.CrossEntropyLoss': 'sparse_categorical_crossentropy',
  'torch.nn.NLLLoss': 'sparse_categorical_crossentropy',
  'torch.nn.BCEWithLogitsLoss': 'binary_crossentropy',
  'torch.nn.BCELoss': 'binary_crossentropy',
  'torch.nn.MSELoss': 'mse',
  'torch.nn.functional.nll_loss': 'sparse_categorical_crossentropy',
  'torch.nn.functional.cross_entropy': 'sparse_categorical_crossentropy',
};

const err = (
  message: string,
  at: { line: number; column: number; from: number; to: number },
): SourceImportResult => ({
  ok: false,
  framework: 'pytorch',
  diagnostics: [diagnosticAt('error', message, at)],
});

/** See `importPythonSource`. Never throws for bad code: every problem is a diagnostic. */
export function importTorchSource(
  module: PyModule,
  options: SourceImportOptions,
): SourceImportResult {
  try {
    return read(module, options);
  } catch (e) {
    if (e instanceof ReadError) return err(e.message, e.at);
    throw e;
  }
}

function read(module: PyModule, options: SourceImportOptions): SourceImportResult {
  const aliases = importAliases(module.body);
  const constants = new Map<string, unknown>();
  for (const s of module.body)
    if (
      s.kind === 'assign' &&
      s.op === '=' &&
      s.targets.length === 1 &&
      s.targets[0]!.kind === 'name'
    ) {
      const v = literalValue(s.value);
      if (v !== undefined) constants.set(s.targets[0]!.id, v);
    }
  const classes = module.body.filter((s): s is ClassStmt => s.kind === 'class');
  const helpers = helperClassNames();
  const isModuleClass = (c: ClassStmt) =>
    c.bases.some((b) => canonicalName(aliases, b) === 'torch.nn.Module');
  const customClasses = new Set(classes.filter((c) => !helpers.has(c.name)).map((c) => c.name));

  // The model: `model = Net()` / `nn.Sequential(…)` at top level or returned by a function.
  const statements = flatStatements(module.body);
  let modelExpr: PyExpr | undefined;
  for (const s of statements) {
    const value = s.kind === 'assign' ? s.value : s.kind === 'return' ? s.value : null;
    if (!value || value.kind !== 'call') continue;
    let call: PyExpr = value;
    // Net().to(device)
    while (
      call.kind === 'call' &&
      call.callee.kind === 'attribute' &&
      call.callee.object.kind === 'call'
    )
      call = call.callee.object;
    if (call.kind !== 'call') continue;
    const c = canonicalName(aliases, call.callee);
    const local = call.callee.kind === 'name' ? call.callee.id : undefined;
    const cls = local ? classes.find((k) => k.name === local && isModuleClass(k)) : undefined;
    if (c === 'torch.nn.Sequential' || cls) {
      modelExpr = call;
      if (s.kind === 'assign') break;
    }
  }
  const moduleClasses = classes.filter((c) => isModuleClass(c) && !helpers.has(c.name));
  if (!modelExpr && moduleClasses.length > 0) {
    const last = moduleClasses.at(-1)!;
    modelExpr = {
      kind: 'call',
      callee: { kind: 'name', id: last.name, at: last.at },
      args: [],
      keywords: [],
      starred: false,
      at: last.at,
    };
  }
  if (!modelExpr || modelExpr.kind !== 'call')
    return err(
      'no PyTorch model found: write nn.Sequential(…) or a class deriving from nn.Module',
      { line: 1, column: 1, from: 0, to: 0 },
    );

  const scopeConstants = new Map(constants);
  const scope: Scope = {
    canonical: (e) => canonicalName(aliases, e),
    constant: (e) => {
      if (e.kind === 'name') return scopeConstants.get(e.id);
      if (e.kind === 'attribute' && e.object.kind === 'name' && e.object.id === 'self') {
        if (e.attr === 'training') return true;
        return scopeConstants.get(`self.${e.attr}`);
      }
      return undefined;
    },
  };

  let modules = new Map<string, ModuleSpec>();
  let forward: { body: PyStmt[]; input: string } | undefined;
  let name = options.name ?? 'Imported model';
  let probability: string | undefined;
  let modelClass: ClassStmt | undefined;
  if (canonicalName(aliases, modelExpr.callee) === 'torch.nn.Sequential') {
    const spec = readModule(modelExpr, scope, customClasses);
    modules.set('layer', spec);
  } else {
    const cls = classes.find((k) => k.name === dottedName(modelExpr.callee))!;
    modelClass = cls;
    name = options.name ?? cls.name;
    for (const c of classes)
      if (c !== cls && !helpers.has(c.name) && isModuleClass(c)) {
        // A module class used inside the model: refused where it is used (readModule).
      }
    const init = cls.body.find((s): s is DefStmt => s.kind === 'def' && s.name === '__init__');
    const fwd = cls.body.find((s): s is DefStmt => s.kind === 'def' && s.name === 'forward');
    if (!fwd) return err(`class ${cls.name} has no forward method`, cls.at);
    const params = fwd.params.filter((p) => p.name !== 'self');
    if (params.length !== 1 || params[0]!.name.startsWith('*'))
      return err('forward is read with one input tensor: def forward(self, x)', fwd.at);
    forward = { body: fwd.body, input: params[0]!.name };
    if (init) {
      for (const p of init.params)
        if (p.default) {
          const v = literalValue(p.default);
          if (v !== undefined) scopeConstants.set(p.name, v);
        }
      modules = readInit(init, scope, customClasses, scopeConstants);
    }
    const proba = cls.body.find(
      (s): s is DefStmt => s.kind === 'def' && s.name === 'predict_proba',
    );
    const ret = proba?.body.find((s) => s.kind === 'return');
    if (ret?.kind === 'return' && ret.value?.kind === 'call') {
      const c = canonicalName(aliases, ret.value.callee);
      const inner = ret.value.args[0];
      const selfCall =
        inner?.kind === 'call' && inner.callee.kind === 'name' && inner.callee.id === 'self';
      if (selfCall && (c === 'torch.softmax' || c === 'torch.nn.functional.softmax'))
        probability = 'softmax';
      if (selfCall && (c === 'torch.sigmoid' || c === 'torch.nn.functional.sigmoid'))
        probability = 'sigmoid';
    }
  }

  // Training settings.
  const training = trainingSchema.parse({});
  const diagnostics: SourceDiagnostic[] = [];
  let lossAt: PyExpr | undefined;
  for (const s of statements) {
    if (s.kind !== 'assign' || s.value.kind !== 'call') continue;
    const c = canonicalName(aliases, s.value.callee);
    if (!c) continue;
    if (c in OPTIMIZERS) {
      const kw = (n: string) => {
        const k = s.value.kind === 'call' ? s.value.keywords.find((x) => x.name === n) : undefined;
        return k ? (literalValue(k.value) ?? scope.constant(k.value)) : undefined;
      };
      training.optimizer = OPTIMIZERS[c]!(kw('momentum'));
      const lr = kw('lr') ?? (s.value.args[1] ? literalValue(s.value.args[1]) : undefined);
      if (typeof lr === 'number' && lr > 0 && lr <= 10) training.learningRate = lr;
      else if (c === 'torch.optim.Adam') training.learningRate = 0.001;
    } else if (
      c.startsWith('torch.optim.') &&
      c.split('.').length === 3 &&
      /^[A-Z]/.test(c.split('.')[2]!)
    ) {
      diagnostics.push(
        diagnosticAt(
          'warning',
          `${c.slice('torch.'.length)} is not one of Netwright's optimizers (Adam, SGD, SGD with momentum, RMSprop): training uses ${training.optimizer}`,
          s.value.at,
        ),
      );
    } else if (c.startsWith('torch.nn.') && c.endsWith('Loss') && !(c in LOSSES)) {
      diagnostics.push(
        diagnosticAt(
          'warning',
          `${c.slice('torch.'.length)} is not one of Netwright's losses (CrossEntropyLoss, BCEWithLogitsLoss, MSELoss): the loss is chosen from the data set`,
          s.value.at,
        ),
      );
    } else if (c in LOSSES) {
      training.loss = LOSSES[c]!;
      lossAt = s.value;
    }
  }
  for (const [key, field] of [
    ['EPOCHS', 'epochs'],
    ['BATCH_SIZE', 'batchSize'],
  ] as const) {
    const v = constants.get(key);
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1) training[field] = v;
  }

  // Input shape: given, else INPUT_SHAPE (checked below), else what the first layer fixes.
  let inputShape: Shape | undefined = options.inputShape;
  const stated = constants.get('INPUT_SHAPE');
  const statedShape =
    Array.isArray(stated) &&
    stated.every((v) => typeof v === 'number' && Number.isInteger(v) && v > 0)
      ? (stated as number[])
      : undefined;
  const inputAt = modelExpr.at;
  const walk = (shape: Shape | undefined) => {
    const flow = new FlowBuilder(scope, shape, inputAt);
    let out;
    if (forward) out = walkForward(flow, forward.body, forward.input, modules);
    else
      out = {
        out: flow.applyModule(modules.get('layer')!, flow.inputValue(), '', inputAt),
        at: inputAt,
      };
    return { flow, out };
  };
  let built: ReturnType<typeof walk>;
  try {
    built = walk(inputShape ?? statedShape);
  } catch (e) {
    // A stated INPUT_SHAPE in PyTorch's order can break the shapes: read without it.
    if (inputShape || !statedShape || !(e instanceof ReadError)) throw e;
    built = walk(undefined);
  }
  const first = built.flow.firstRead;
  if (!inputShape && statedShape) {
    const known = first?.read.inputShape;
    // Netwright's own files state INPUT_SHAPE in Keras order; a file in PyTorch order
    // ((1, 28, 28) before nn.Conv2d(1, …)) contradicts what the first layer fixes and is ignored.
    // A one-axis `known` (nn.Linear's in_features, nn.Embedding) fixes the last axis only.
    const fits =
      !known ||
      (known.length === 1
        ? known[0] === null || known[0] === statedShape.at(-1)
        : known.length === statedShape.length &&
          known.every((k, i) => k === null || k === statedShape[i]));
    if (fits) inputShape = statedShape;
    else built = walk(undefined);
  }
  if (!inputShape) {
    const known = built.flow.firstRead?.read.inputShape;
    if (known && known.every((k) => k !== null)) {
      inputShape = known as number[];
      built = walk(inputShape);
    } else {
      const at = built.flow.firstRead?.at ?? inputAt;
      const knownShape = known ?? [null];
      return {
        ok: false,
        framework: 'pytorch',
        diagnostics: [
          diagnosticAt(
            'error',
            `the input shape is not in the code: ${describeKnown(knownShape)} Give it (Keras order, e.g. height, width, channels) to import`,
            at,
          ),
        ],
        needsInputShape: {
          message: `The code fixes ${describeKnown(knownShape)} Give the input shape of one example.`,
          known: knownShape,
          at,
        },
      };
    }
  }
  const { flow, out } = built;
  for (const n of flow.notes) diagnostics.push(diagnosticAt('warning', n.message, n.at));
  // log_softmax's loss is NLL: cross-entropy on the softmax (the labels are class indices).
  if (flow.logSoftmaxAt && training.loss === 'auto')
    training.loss = 'sparse_categorical_crossentropy';
  if (out.out.t !== 'tensor') {
    if (out.out.t !== 'rnn') flow.tensorInput(out.out, out.at); // says what it is
    throw new ReadError('forward returns something other than a tensor', out.at);
  }
  const outputId = built.flow.materialise(out.out, out.at).node;
  const outputNode = flow.node(outputId)!;
  if (probability && outputNode.params.activation === 'linear')
    outputNode.params.activation = probability;

  // Dead ends: layers whose result never reaches the output.
  const reaching = new Set<string>([outputId]);
  for (let i = flow.nodes.length - 1; i >= 0; i--) {
    const n = flow.nodes[i]!;
    if (reaching.has(n.id)) for (const s of n.inputs) reaching.add(s);
  }
  for (const n of flow.nodes)
    if (!reaching.has(n.id))
      throw new ReadError(
        `this ${n.type} is computed but its result never reaches the output`,
        n.at,
      );

  const project: Project = {
    format: 'netwright.project',
    version: 1,
    name,
    graph: {
      nodes: flow.nodes.map((n, i) => ({
        id: n.id,
        type: n.type,
        params:
          n.type === 'Input'
            ? {
                shape: [...inputShape!],
                ...(flow.inputDtype === 'int32' ? { dtype: 'int32' } : {}),
              }
            : n.params,
        position: { x: 0, y: i * 140 },
      })),
      edges: flow.nodes.flatMap((n) =>
        n.inputs.map((src, port) => ({
          id: `${src}->${n.id}:${port}`,
          source: src,
          target: n.id,
          // A port only where the block has several inputs (as build.ts does): one-input wires
          // carry none, so the canvas does not label them "#1".
          ...(n.inputs.length > 1 ? { targetHandle: String(port) } : {}),
        })),
      ),
    },
    training,
  };
  const analysis = analyzeGraph(project.graph);
  // Checks the code's own numbers against the shapes: in_features, view(-1, n).
  for (const n of flow.nodes) {
    const info = analysis.nodes.get(n.id);
    const firstIn = info?.inputs[0];
    const input = firstIn ? analysis.nodes.get(firstIn.source)?.shape : undefined;
    if (n.inFeatures !== undefined && input && input.at(-1) !== n.inFeatures)
      throw new ReadError(
        `this layer takes ${n.inFeatures} input features, but its input has ${input.at(-1)} (shape ${JSON.stringify(input)})`,
        n.at,
      );
    const shape = info?.shape;
    if (n.elements !== undefined && shape && flow.product(shape) !== n.elements)
      throw new ReadError(
        `view(-1, ${n.elements}): the tensor has ${flow.product(shape)} values per example (input ${JSON.stringify(input)}), not ${n.elements}`,
        n.at,
      );
  }
  const lowered = lowerAnalysis(analysis);
  if (!lowered.ok) {
    const d = lowered.diagnostics.find((x) => x.severity === 'error') ?? lowered.diagnostics[0];
    const at = flow.nodes.find((n) => n.id === d?.nodeId)?.at ?? inputAt;
    return err(d?.message ?? 'the graph does not check', at);
  }
  // Softmax in forward + nn.CrossEntropyLoss: the double softmax; fix: drop the softmax call.
  const fused = outputNode.fusedActivation;
  const softmaxOut =
    outputNode.params.activation === 'softmax' ||
    (outputNode.type === 'Softmax' && (outputNode.params.axis ?? -1) === -1);
  if (
    softmaxOut &&
    fused &&
    lossAt &&
    !probability &&
    training.loss === 'sparse_categorical_crossentropy'
  ) {
    const src = module.source;
    const argText = src.slice(fused.arg.from, fused.arg.to);
    const stmt = fused.statement;
    const removeLine =
      stmt &&
      src.slice(stmt.from, stmt.to).replace(/\s+/g, '') ===
        `${argText}=${src.slice(fused.call.from, fused.call.to)}`.replace(/\s+/g, '');
    let edit = { from: fused.call.from, to: fused.call.to, insert: argText };
    if (removeLine && stmt) {
      const lineStart = src.lastIndexOf('\n', stmt.from - 1) + 1;
      const lineEnd = src.indexOf('\n', stmt.to);
      edit = { from: lineStart, to: lineEnd === -1 ? src.length : lineEnd + 1, insert: '' };
    }
    diagnostics.push({
      ...diagnosticAt(
        'warning',
        'softmax in forward followed by nn.CrossEntropyLoss applies softmax twice (CrossEntropyLoss applies log-softmax itself): return the logits',
        fused.call,
      ),
      fix: { title: 'Remove the softmax from forward', edits: [edit] },
    });
  }
  const seqFix = sequentialSoftmaxFix(modelExpr, scope, outputNode, lossAt, training.loss);
  if (seqFix) diagnostics.push(seqFix);
  void modelClass;
  return { ok: true, framework: 'pytorch', project, ir: lowered.ir, diagnostics };
}

function describeKnown(known: readonly (number | null)[]): string {
  if (known.every((k) => k === null))
    return 'no size of the input (its first layer takes any size).';
  const text = `(${known.map((k) => (k === null ? '?' : String(k))).join(', ')})`;
  return known.length === 3
    ? `the channels but not the height and width: ${text}.`
    : `the input only as far as ${text}.`;
}

/** `__init__`: `self.name = <module>` lines (and `super().__init__()`, constants). */
function readInit(
  init: DefStmt,
  scope: Scope,
  customClasses: Set<string>,
  constants: Map<string, unknown>,
): Map<string, ModuleSpec> {
  const modules = new Map<string, ModuleSpec>();
  for (const s of init.body) {
    if (s.kind === 'pass') continue;
    if (s.kind === 'expr') {
      const v = s.value;
      if (v.kind === 'string') continue;
      if (v.kind === 'call' && v.callee.kind === 'attribute' && v.callee.attr === '__init__') {
        const obj = v.callee.object;
        if (obj.kind === 'call' && obj.callee.kind === 'name' && obj.callee.id === 'super')
          continue;
      }
      throw new ReadError('this statement in __init__ is not read', s.at);
    }
    if (s.kind === 'assign' && s.op === '=' && s.targets.length === 1) {
      const t = s.targets[0]!;
      if (t.kind === 'attribute' && t.object.kind === 'name' && t.object.id === 'self') {
        const lit = literalValue(s.value) ?? scope.constant(s.value);
        if (lit !== undefined) {
          constants.set(`self.${t.attr}`, lit);
          continue;
        }
        modules.set(t.attr, readModule(s.value, scope, customClasses));
        continue;
      }
      if (t.kind === 'name') {
        const lit = literalValue(s.value);
        if (lit !== undefined) {
          constants.set(t.id, lit);
          continue;
        }
      }
    }
    throw new ReadError(
      s.kind === 'other'
        ? `${s.what} in __init__: Netwright reads layers made one by one (self.fc1 = nn.Linear(…))`
        : 'this statement in __init__ is not read',
      s.at,
    );
  }
  return modules;
}

/**
 * `nn.Sequential(…, nn.Softmax(dim=1))` + `nn.CrossEntropyLoss()`: the double softmax of an
 * `nn.Sequential` model, with the fix that removes the last item (the class form's hint is above).
 */
function sequentialSoftmaxFix(
  modelExpr: Extract<PyExpr, { kind: 'call' }>,
  scope: Scope,
  outputNode: { params: Record<string, unknown> },
  lossAt: PyExpr | undefined,
  loss: string,
): SourceDiagnostic | undefined {
  if (scope.canonical(modelExpr.callee) !== 'torch.nn.Sequential') return undefined;
  const last = modelExpr.args.at(-1);
  const before = modelExpr.args.at(-2);
  if (!last || !before || last.kind !== 'call') return undefined;
  if (scope.canonical(last.callee) !== 'torch.nn.Softmax') return undefined;
  if (outputNode.params.activation !== 'softmax' || !lossAt) return undefined;
  if (loss !== 'sparse_categorical_crossentropy' || lossAt.kind !== 'call') return undefined;
  const lossName = scope.canonical(lossAt.callee);
  if (lossName !== 'torch.nn.CrossEntropyLoss' && lossName !== 'torch.nn.functional.cross_entropy')
    return undefined;
  return {
    ...diagnosticAt(
      'warning',
      'nn.Softmax at the end of the model followed by nn.CrossEntropyLoss applies softmax twice (CrossEntropyLoss applies log-softmax itself): end with the logits',
      last.at,
    ),
    fix: {
      title: 'Remove nn.Softmax from the model',
      edits: [{ from: before.at.to, to: last.at.to, insert: '' }],
    },
  };
}
