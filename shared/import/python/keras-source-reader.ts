/**
 * Reads the statements that build a Keras model: `keras.Sequential([...])` and `model.add(...)`,
 * the functional API (`x = layers.Dense(64)(x)`, `layers.concatenate([a, b])`,
 * `keras.Model(inputs, outputs)`), layer objects made once and called later, and
 * `model.compile(...)`. Every statement it cannot read in that code becomes an error at its place
 * (a loop, a custom class, an unknown call); calls that do not change the model (`print`,
 * `model.fit`) become warnings.
 */
import { snakeCase } from '../../ir/names.ts';
import type { TrainingSettings } from '../../graph/project.ts';
import type { PyExpr, PyStmt, SourceSpan } from './syntax.ts';
import {
  SourceError,
  bindImport,
  resolvePath,
  sourceText,
  valueOf,
  type Bindings,
  type ValueScope,
} from './keras-source-names.ts';
import {
  layerClassOf,
  mergeFunctionClass,
  nestedLayerJson,
  readLayerCall,
  type LayerSpec,
} from './keras-source-layers.ts';
import { readCompile, type CompileRead } from './keras-source-compile.ts';
import type { Created, ModelState } from './keras-source-model.ts';
import { anyExpr, isMainGuard, namesIn } from './keras-source-scan.ts';

type Call = Extract<PyExpr, { kind: 'call' }>;

/** What an expression stands for while reading. */
type Value =
  | { t: 'tensor'; layer: string }
  | { t: 'layer'; layer: string }
  | { t: 'model'; model: ModelState }
  | { t: 'list'; items: Value[] }
  | { t: 'value'; value: unknown };

const SEQUENTIAL = new Set(['keras.Sequential', 'keras.models.Sequential']);
const MODEL = new Set(['keras.Model', 'keras.models.Model']);
/** Model methods that train, evaluate or save: not part of the network. */
const RUN_METHODS = new Set([
  'fit',
  'evaluate',
  'predict',
  'save',
  'save_weights',
  'load_weights',
  'train_on_batch',
  'export',
]);

/**
 * Keras modules whose calls load or prepare data, or set up a run, and never build a layer:
 * statements that only use them are skipped with a warning (`keras.datasets.mnist.load_data()`,
 * `keras.utils.to_categorical(y)`), not refused.
 */
const DATA_PATH =
  /^keras\.(datasets|utils|preprocessing|callbacks|backend|config|random|mixed_precision)\./;
/** Constructors of training settings: a name bound to one is resolved where compile() uses it. */
const SETTING_PATH = /^keras\.(losses|optimizers|metrics)\./;

/** The Keras model reader for one scope (the module, or the function that builds the model). */
export class KerasReader {
  readonly errors: { message: string; at: SourceSpan }[] = [];
  readonly warnings: { message: string; at: SourceSpan }[] = [];
  readonly created = new Map<string, Created>();
  readonly models: ModelState[] = [];
  compiled?: { model: ModelState; call: Call };
  /** `loss_fn = keras.losses.X(…)`, `opt = keras.optimizers.Adam(1e-3)`: name → the call. */
  readonly settings = new Map<string, PyExpr>();
  returned?: ModelState;
  private readonly env = new Map<string, Value>();
  private readonly scope: ValueScope;

  readonly bindings: Bindings;
  readonly constants: Map<string, unknown>;
  readonly source: string;

  constructor(bindings: Bindings, constants: Map<string, unknown>, source: string) {
    this.bindings = bindings;
    this.constants = constants;
    this.source = source;
    this.scope = {
      bindings,
      constants,
      source,
      nestedLayer: (call) => nestedLayerJson(call, this.scope),
    };
  }

  /** Records a warning: something read and deliberately left out. */
  warn = (message: string, at: SourceSpan): void => {
    this.warnings.push({ message, at });
  };

  /** Reads statements in order; each problem is recorded and reading goes on with the next. */
  readBody(body: readonly PyStmt[], topLevel: boolean): void {
    for (const s of body) {
      try {
        this.statement(s, topLevel);
      } catch (e) {
        if (!(e instanceof SourceError)) throw e;
        this.errors.push({ message: e.message, at: e.at });
      }
    }
  }

  /** Sets `name` to what a builder function returns (`model = build_model()` at module level). */
  bindModel(name: string, model: ModelState): void {
    this.env.set(name, { t: 'model', model });
  }

  /** Reads `training` from the chosen model's compile call, if any; what else it found. */
  readTraining(model: ModelState, training: TrainingSettings): CompileRead {
    if (this.compiled?.model !== model) return {};
    try {
      return readCompile(this.compiled.call, training, this.scope, this.warn);
    } catch (e) {
      if (!(e instanceof SourceError)) throw e;
      this.errors.push({ message: e.message, at: e.at });
      return {};
    }
  }

  /** True when `e` reads a model, layer or tensor of this code, or calls into Keras. */
  touches(e: PyExpr): boolean {
    return anyExpr(e, (x) => {
      if (x.kind === 'name') {
        const v = this.env.get(x.id);
        return v !== undefined && v.t !== 'value';
      }
      if (x.kind !== 'call') return false;
      const path = resolvePath(x.callee, this.bindings);
      return !!path?.startsWith('keras.') && !DATA_PATH.test(path) && !SETTING_PATH.test(path);
    });
  }

  /**
   * Remembers `name = keras.losses.X(…)` / `keras.optimizers.Y(…)` (a module-level line before
   * compile); true when `s` is one.
   */
  noteSetting(s: PyStmt): boolean {
    if (s.kind !== 'assign' || s.op !== '=' || s.targets.length !== 1) return false;
    const t = s.targets[0]!;
    if (t.kind !== 'name' || s.value.kind !== 'call') return false;
    if (!SETTING_PATH.test(resolvePath(s.value.callee, this.bindings) ?? '')) return false;
    this.settings.set(t.id, s.value);
    return true;
  }

  /** compile(…) with its names bound to loss / optimizer constructors replaced by the calls. */
  private withSettings(call: Call): Call {
    const swap = (e: PyExpr): PyExpr =>
      e.kind === 'name' && this.settings.has(e.id) ? this.settings.get(e.id)! : e;
    return {
      ...call,
      args: call.args.map(swap),
      keywords: call.keywords.map((k) => ({ ...k, value: swap(k.value) })),
    };
  }

  private statement(s: PyStmt, topLevel: boolean): void {
    switch (s.kind) {
      case 'import':
        bindImport(this.bindings, s);
        return;
      case 'pass':
        return;
      case 'assign':
        return this.assign(s);
      case 'expr':
        return this.expression(s.value);
      case 'return': {
        if (s.value && this.touches(s.value)) {
          const v = this.evaluate(s.value);
          if (v.t === 'model') this.returned = v.model;
        }
        return;
      }
      case 'class': {
        const keras = s.bases.some((b) => resolvePath(b, this.bindings)?.startsWith('keras.'));
        if (keras)
          throw new SourceError(
            `a custom Keras class (\`class ${s.name}(${s.bases.map((b) => sourceText(this.source, b.at)).join(', ')})\`): Netwright reads models built from Keras's own layers, not subclasses`,
            s.at,
          );
        this.warn(`class ${s.name} is not part of the model: not read`, s.at);
        return;
      }
      case 'def':
        if (topLevel) return;
        throw new SourceError(
          `a function defined inside the model code (\`def ${s.name}\`): Netwright does not run functions; write the layers out`,
          s.at,
        );
      case 'other': {
        if (topLevel && isMainGuard(s.test)) return;
        throw new SourceError(
          `${s.what} is not read: Netwright reads models whose layers are written out one by one (it never runs the code)`,
          s.at,
        );
      }
    }
  }

  private assign(s: Extract<PyStmt, { kind: 'assign' }>): void {
    // `history = model.fit(...)`, `loss, acc = model.evaluate(...)`: a warning; the names are unknown.
    const v = s.value;
    const runs =
      v.kind === 'call' &&
      v.callee.kind === 'attribute' &&
      v.callee.object.kind === 'name' &&
      this.env.get(v.callee.object.id)?.t === 'model' &&
      RUN_METHODS.has(v.callee.attr);
    const touched = !runs && (this.touches(v) || s.targets.some((t) => this.touches(t)));
    if (runs) this.expression(v);
    if (!touched && this.noteSetting(s)) {
      for (const id of s.targets.flatMap(namesIn)) this.env.delete(id);
      return;
    }
    if (!touched) {
      // Not model code (data loading, constants): remember literal values, forget the rest.
      let value: unknown;
      try {
        value = s.op === '=' ? valueOf(s.value, this.scope) : undefined;
      } catch {
        value = undefined;
      }
      if (!runs && value === undefined && anyExpr(s.value, (x) => x.kind === 'call'))
        this.warn(
          `\`${sourceText(this.source, s.at)}\` does not build the model (data or a run): not read`,
          s.at,
        );
      for (const t of s.targets) {
        if (t.kind === 'name') {
          this.env.delete(t.id);
          if (value !== undefined) this.constants.set(t.id, value);
          else this.constants.delete(t.id);
        } else
          for (const id of namesIn(t)) {
            this.env.delete(id);
            this.constants.delete(id);
          }
      }
      return;
    }
    if (s.op !== '=')
      throw new SourceError(`\`${s.op}\` on a model, layer or tensor is not read`, s.at);
    const value = this.evaluate(s.value);
    for (const t of s.targets) {
      if (t.kind !== 'name')
        throw new SourceError(
          `Netwright reads one plain name on the left of \`=\` in model code, not \`${sourceText(this.source, t.at)}\``,
          t.at,
        );
      this.env.set(t.id, value);
      this.constants.delete(t.id);
      if (value.t === 'model') value.model.var ??= t.id;
    }
  }

  private expression(e: PyExpr): void {
    if (e.kind === 'string' || e.kind === 'constant' || e.kind === 'number') return;
    if (e.kind === 'call' && e.callee.kind === 'attribute') {
      const target = e.callee.object.kind === 'name' ? this.env.get(e.callee.object.id) : undefined;
      if (target?.t === 'model') return this.method(target.model, e.callee.attr, e);
    }
    if (e.kind === 'call' && e.callee.kind === 'name' && e.callee.id === 'print') {
      this.warn('print(...) is not read', e.at);
      return;
    }
    if (!this.touches(e)) {
      this.warn(`\`${sourceText(this.source, e.at)}\` is not part of the model: not read`, e.at);
      return;
    }
    this.evaluate(e);
    this.warn('the result of this line is not used', e.at);
  }

  private method(model: ModelState, method: string, call: Call): void {
    switch (method) {
      case 'add': {
        if (model.kind !== 'sequential')
          throw new SourceError('add() is a method of Sequential models', call.at);
        if (call.args.length !== 1 || call.keywords.length > 0)
          throw new SourceError('add() takes one layer', call.at);
        this.addToSequential(model, this.evaluate(call.args[0]!), call.args[0]!.at);
        return;
      }
      case 'compile':
        this.compiled = { model, call: this.withSettings(call) };
        return;
      case 'build': {
        if (model.kind !== 'sequential' || call.args.length !== 1)
          throw new SourceError(
            'build() is read on a Sequential model with one input shape',
            call.at,
          );
        const shape = valueOf(call.args[0]!, this.scope);
        if (!Array.isArray(shape) || shape.length < 2)
          throw new SourceError(
            'build() needs the input shape with its batch axis, e.g. (None, 784)',
            call.args[0]!.at,
          );
        model.buildShape = shape.slice(1);
        return;
      }
      case 'summary':
        return;
      default:
        if (RUN_METHODS.has(method)) {
          this.warn(
            `model.${method}(...) is not read: Netwright trains and evaluates the model itself`,
            call.at,
          );
          return;
        }
        throw new SourceError(`model.${method}(...) is not read`, call.at);
    }
  }

  private addToSequential(
    model: Extract<ModelState, { kind: 'sequential' }>,
    v: Value,
    at: SourceSpan,
  ): void {
    if (v.t === 'layer') {
      model.entries.push(v.layer);
      return;
    }
    if (
      v.t === 'tensor' &&
      this.created.get(v.layer)?.def.type === 'Input' &&
      model.entries.length === 0
    ) {
      model.entries.push(v.layer);
      return;
    }
    if (v.t === 'model' && v.model.kind === 'sequential') {
      // A Sequential inside a Sequential: its layers in place (as Keras runs them).
      const inner = v.model.entries.filter(
        (id, i) =>
          !(i === 0 && this.created.get(id)?.def.type === 'Input' && model.entries.length > 0),
      );
      model.entries.push(...inner);
      return;
    }
    throw new SourceError('a Sequential model takes layers (and keras.Input first)', at);
  }

  /** Evaluates model code: layers, tensors, models, lists of them, or plain values. */
  private evaluate(e: PyExpr): Value {
    switch (e.kind) {
      case 'name': {
        const v = this.env.get(e.id);
        if (v) return v;
        return { t: 'value', value: valueOf(e, this.scope) };
      }
      case 'list':
      case 'tuple':
        if (!this.touches(e)) return { t: 'value', value: valueOf(e, this.scope) };
        return { t: 'list', items: e.items.map((i) => this.evaluate(i)) };
      case 'call':
        return this.call(e);
      case 'binary':
        if (this.touches(e))
          throw new SourceError(
            `\`${e.op}\` on tensors is not read: use a layer (layers.Add()([a, b]), layers.Multiply(), …)`,
            e.at,
          );
        break;
      case 'attribute':
      case 'subscript':
        if (this.touches(e))
          throw new SourceError(
            `\`${sourceText(this.source, e.at)}\` is not read (Netwright reads layers, tensors and models by their names)`,
            e.at,
          );
        break;
      default:
        break;
    }
    return { t: 'value', value: valueOf(e, this.scope) };
  }

  private call(e: Call): Value {
    const path = resolvePath(e.callee, this.bindings);
    if (path !== undefined) {
      if (SEQUENTIAL.has(path)) return this.sequential(e);
      if (MODEL.has(path)) return this.functional(e);
      const className = layerClassOf(path);
      if (className) {
        const spec = readLayerCall(e, className, this.scope, this.warn);
        const id = this.create(spec);
        if (spec.def.type === 'Input') {
          this.created.get(id)!.inputs = [];
          return { t: 'tensor', layer: id };
        }
        return { t: 'layer', layer: id };
      }
      const merge = mergeFunctionClass(path);
      if (merge) {
        const [first, ...rest] = e.args;
        if (!first)
          throw new SourceError(
            `${path.slice('keras.'.length)}() takes a list of tensors first`,
            e.at,
          );
        const spec = readLayerCall(e, merge, this.scope, this.warn, rest);
        const id = this.create(spec);
        this.connect(id, this.tensors(this.evaluate(first), first.at), e.at);
        return { t: 'tensor', layer: id };
      }
      throw new SourceError(
        `\`${sourceText(this.source, e.callee.at)}(...)\` is not a Keras layer or model Netwright reads`,
        e.at,
      );
    }
    if (e.callee.kind === 'name' && !this.env.has(e.callee.id))
      throw new SourceError(
        `\`${e.callee.id}(...)\` is not a Keras layer: Netwright reads Keras's own layers (imported from keras or tensorflow.keras) and never runs other functions`,
        e.at,
      );
    const callee = this.evaluate(e.callee);
    if (callee.t === 'model')
      throw new SourceError(
        'a model called as a layer (a nested model): write its layers into this model',
        e.at,
      );
    if (callee.t !== 'layer')
      throw new SourceError(
        `\`${sourceText(this.source, e.callee.at)}\` is not a layer, so it cannot be called on a tensor`,
        e.at,
      );
    return { t: 'tensor', layer: this.apply(callee.layer, e) };
  }

  /** Calls a made layer on the tensors of `e`: `dense(x)`, `layers.Add()([a, b])`, `mha(q, v)`. */
  private apply(id: string, e: Call): string {
    const layer = this.created.get(id)!;
    const tensors: string[] = [];
    for (const a of e.args) tensors.push(...this.tensors(this.evaluate(a), a.at));
    const tensorKwargs = layer.def.keras.tensorKwargs ?? [];
    for (const key of tensorKwargs) {
      const kw = e.keywords.find((k) => k.name === key);
      if (kw) tensors.push(...this.tensors(this.evaluate(kw.value), kw.value.at));
    }
    for (const kw of e.keywords)
      if (!tensorKwargs.includes(kw.name))
        this.warn(`${kw.name}= in a layer call is not read`, kw.at);
    this.connect(id, tensors, e.at);
    return id;
  }

  private connect(id: string, inputs: string[], at: SourceSpan): void {
    const layer = this.created.get(id)!;
    if (layer.inputs)
      throw new SourceError(
        `layer "${id}" is called a second time (a shared layer): Netwright blocks are used once; make a second layer`,
        at,
      );
    if (inputs.length === 0) throw new SourceError('a layer called on no tensor', at);
    layer.inputs = inputs;
  }

  private tensors(v: Value, at: SourceSpan): string[] {
    if (v.t === 'tensor') return [v.layer];
    if (v.t === 'list') return v.items.flatMap((i) => this.tensors(i, at));
    throw new SourceError(
      v.t === 'layer'
        ? 'a layer where a tensor is expected: call it on a tensor first'
        : v.t === 'model'
          ? 'a model where a tensor is expected'
          : 'a value where a tensor is expected',
      at,
    );
  }

  private create(spec: LayerSpec): string {
    let id: string;
    if (spec.name !== undefined) {
      id = spec.name;
      if (this.created.has(id))
        throw new SourceError(`two layers are named "${id}" (Keras needs unique names)`, spec.at);
    } else {
      // Keras's own naming: snake case of the class, then _1, _2, … (keras/src/utils/naming.py).
      const base = spec.def.type === 'Input' ? 'input_layer' : snakeCase(spec.className);
      id = base;
      for (let i = 1; this.created.has(id); i++) id = `${base}_${i}`;
    }
    this.created.set(id, { ...spec, id });
    return id;
  }

  private sequential(e: Call): Value {
    const model: ModelState = { kind: 'sequential', entries: [], at: e.at };
    const list = e.args[0] ?? e.keywords.find((k) => k.name === 'layers')?.value;
    for (const kw of e.keywords) {
      if (kw.name === 'name') {
        const v = valueOf(kw.value, this.scope);
        if (typeof v === 'string') model.name = v;
      } else if (kw.name !== 'layers') this.warn(`Sequential: ${kw.name} is not read`, kw.at);
    }
    if (list) {
      if (list.kind !== 'list' && list.kind !== 'tuple')
        throw new SourceError('Sequential takes a list of layers: Sequential([...])', list.at);
      for (const item of list.items) this.addToSequential(model, this.evaluate(item), item.at);
    }
    this.models.push(model);
    return { t: 'model', model };
  }

  private functional(e: Call): Value {
    const arg = (i: number, key: string) =>
      e.keywords.find((k) => k.name === key)?.value ?? e.args[i];
    const inputs = arg(0, 'inputs');
    const outputs = arg(1, 'outputs');
    if (!inputs || !outputs)
      throw new SourceError(
        'keras.Model needs inputs= and outputs= (subclassing Model is not read)',
        e.at,
      );
    const model: ModelState = {
      kind: 'functional',
      inputs: this.tensors(this.evaluate(inputs), inputs.at),
      outputs: this.tensors(this.evaluate(outputs), outputs.at),
      at: e.at,
    };
    const name = e.keywords.find((k) => k.name === 'name');
    if (name) {
      const v = valueOf(name.value, this.scope);
      if (typeof v === 'string') model.name = v;
    }
    this.models.push(model);
    return { t: 'model', model };
  }
}
