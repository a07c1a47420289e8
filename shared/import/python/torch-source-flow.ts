/**
 * PyTorch source import, the data flow: walks `forward` (or an `nn.Sequential`) over the modules
 * read from `__init__` and builds the graph's blocks and edges. Every layer kind's
 * `nn.X(…)` → block-params knowledge is in the kind's `torch.source` hook; this file knows the
 * tensor operations that are not modules (`torch.flatten`, `x.view`, `torch.cat`, `+`, the
 * activation functions) and PyTorch's layout (maps held `(N, C, H, W)`, as the generator holds
 * them: see `shared/layers/backends/torch.ts`).
 */
import { getLayer, LAYERS, resolveParams } from '../../layers/registry.ts';
import type {
  ModuleCall,
  SourceRead,
  SourceReader,
  TensorCallContext,
} from '../../layers/backends/torch.ts';
import { LEAKY_RELU_SLOPE } from '../../layers/activations.ts';
import type { Shape } from '../../shape.ts';
import { dottedName, literalValue, type PyExpr, type SourceSpan } from './syntax.ts';

/** A problem at a place in the source: becomes an error diagnostic. */
export class ReadError extends Error {
  readonly at: SourceSpan;
  constructor(message: string, at: SourceSpan) {
    super(message);
    this.at = at;
  }
}

/** One block being built. */
export interface BuiltNode {
  id: string;
  type: string;
  params: Record<string, unknown>;
  inputs: string[];
  at: SourceSpan;
  /** What the module fixes about its input (checked against the graph's shapes). */
  inFeatures?: number;
  /** `x.view(-1, 320)`: the element count the code states for the flattened value. */
  elements?: number;
  /** Made by a module that keeps size-1 axes (SourceRead.keepsDims): a flatten after it is a no-op. */
  keepsDims?: boolean;
  /** The call and its argument, for an activation fused into this block (the softmax fix). */
  fusedActivation?: { call: SourceSpan; arg: SourceSpan; statement?: SourceSpan };
}

/** How a module attribute made in `__init__` (or an `nn.Sequential` item) acts. */
export type ModuleSpec =
  | {
      kind: 'layer';
      type: string;
      reader: SourceReader;
      callee: string;
      args: Record<string, unknown>;
      at: SourceSpan;
      /** A `sequence` reader's module arguments, and the items to read when it refuses. */
      items?: Record<string, unknown>[];
      fallback?: ModuleSpec;
      /** How `forward` calls it on several tensors (nn.MultiheadAttention). */
      call?: ModuleCall;
    }
  | {
      kind: 'activation';
      act: string;
      dim?: unknown;
      at: SourceSpan;
      /**
       * The block of the kind that reads this module (nn.ReLU → ReLU, nn.ELU → ELU,
       * nn.Softmax → Softmax), for a module attribute called on its own: see `applyModule`.
       */
      layer?: ModuleSpec;
      /** `nn.LogSoftmax`: read as softmax, with a note (see `readLogSoftmax`). */
      log?: true;
    }
  | { kind: 'sequential'; items: ModuleSpec[]; at: SourceSpan };

/** What the walk needs from the module-level reading: names resolved through the imports. */
export interface Scope {
  /** `nn.Linear` → `torch.nn.Linear` (through `import torch.nn as nn` etc.); undefined if not. */
  canonical(e: PyExpr): string | undefined;
  /** A name's constant value (module constants, `__init__` defaults, `self.x = 3`). */
  constant(e: PyExpr): unknown;
}

/** A value in the walk. */
type Val =
  | {
      t: 'tensor';
      node: string;
      /** Permutation applied to the held value (`x.permute(0, 2, 3, 1)`); null: as held. */
      perm: number[] | null;
      serial: number;
    }
  /**
   * What an `nn.LSTM` call returns: `(output, hidden)`; with `weights`, what
   * nn.MultiheadAttention returns: `(output, attention weights)`.
   */
  | { t: 'rnn'; node: string; serial: number; weights?: true }
  /** The hidden state of an RNN: `h[-1]` is the last step (`weights`: attention weights). */
  | { t: 'hidden'; node: string; serial: number; weights?: true }
  /** `h[0]` / `h[1]` of a bidirectional RNN's final states: one direction's (0 forward). */
  | { t: 'direction'; node: string; dir: 0 | 1; serial: number };

/** `torch.relu`, `F.softmax`, … (canonical names) → Keras activation names. */
const ACTIVATION_FUNCTIONS: Record<string, string> = {
  'torch.relu': 'relu',
  'torch.nn.functional.relu': 'relu',
  'torch.sigmoid': 'sigmoid',
  'torch.nn.functional.sigmoid': 'sigmoid',
  'torch.tanh': 'tanh',
  'torch.nn.functional.tanh': 'tanh',
  'torch.softmax': 'softmax',
  'torch.nn.functional.softmax': 'softmax',
  'torch.nn.functional.elu': 'elu',
  'torch.selu': 'selu',
  'torch.nn.functional.selu': 'selu',
  'torch.nn.functional.gelu': 'gelu',
  'torch.nn.functional.softplus': 'softplus',
  'torch.nn.functional.leaky_relu': 'leaky_relu',
};

/** `nn.ReLU()`, `nn.Softmax(dim=1)`, … (canonical names) → Keras activation names. */
const ACTIVATION_MODULES: Record<string, string> = {
  'torch.nn.ReLU': 'relu',
  'torch.nn.Sigmoid': 'sigmoid',
  'torch.nn.Tanh': 'tanh',
  'torch.nn.Softmax': 'softmax',
  'torch.nn.ELU': 'elu',
  'torch.nn.SELU': 'selu',
  'torch.nn.GELU': 'gelu',
  'torch.nn.Softplus': 'softplus',
  'torch.nn.LeakyReLU': 'leaky_relu',
};

/** Tensor methods `x.relu()`, `x.softmax(dim=1)`, … → Keras activation names. */
const ACTIVATION_METHODS: Record<string, string> = {
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
};

/** The kind whose `torch.source` reads `nn.<name>` / `F.<name>` / helper class `<name>`. */
function readerFor(
  where: 'modules' | 'functions' | 'helpers',
  name: string,
): { type: string; reader: SourceReader; signature: readonly string[] } | undefined {
  const all = readersFor(where, name);
  if (all.length <= 1) return all[0];
  // Several kinds read the same call (nn.Conv2d: Conv2D, or DepthwiseConv2D with groups): the
  // first whose `read` accepts the arguments wins; if none does, the first one's error is shown.
  const [first] = all;
  const reader: SourceReader = {
    read: (ctx) => {
      let firstError: unknown;
      for (const r of all) {
        try {
          return { ...r.reader.read(ctx), type: r.type };
        } catch (e) {
          firstError ??= e;
        }
      }
      throw firstError;
    },
  };
  return { type: first!.type, reader, signature: first!.signature };
}

/** Every kind whose `torch.source` reads `nn.<name>` / `F.<name>` / helper `<name>`, in catalogue order. */
function readersFor(
  where: 'modules' | 'functions' | 'helpers',
  name: string,
): { type: string; reader: SourceReader; signature: readonly string[] }[] {
  return LAYERS.flatMap((def) => {
    const reader = def.torch.source;
    const signature = reader?.[where]?.[name];
    return reader && signature ? [{ type: def.type, reader, signature }] : [];
  });
}

/** The kind whose `torch.source.tensorCalls` reads the function `name` (canonical). */
function tensorCallReader(
  name: string,
): { type: string; read: (ctx: TensorCallContext) => SourceRead } | undefined {
  for (const def of LAYERS) {
    const read = def.torch.source?.tensorCalls?.[name];
    if (read) return { type: def.type, read };
  }
  return undefined;
}

/** Every generator helper class name a kind reads (`GaussianNoise`, …). */
export function helperClassNames(): Set<string> {
  return new Set(LAYERS.flatMap((d) => Object.keys(d.torch.source?.helpers ?? {})));
}

const describe = (e: PyExpr): string =>
  e.kind === 'unknown' ? e.what : (dottedName(e) ?? (e.kind === 'call' ? 'a call' : `a ${e.kind}`));

/** The call's arguments bound to `signature` by position and name, as literal values. */
export function bindArgs(
  call: Extract<PyExpr, { kind: 'call' }>,
  signature: readonly string[],
  scope: Scope,
  callee: string,
  skipFirst = false,
): Record<string, unknown> {
  if (call.starred)
    throw new ReadError(`${callee}(*args/**kwargs): the values are not known`, call.at);
  const args = skipFirst ? call.args.slice(1) : call.args;
  if (args.length > signature.length)
    throw new ReadError(
      `${callee} takes at most ${signature.length} positional arguments`,
      call.at,
    );
  const out: Record<string, unknown> = {};
  // A module passed to a helper (BidirectionalRNN(nn.LSTM(…), …)): `{ module, args }`.
  const nestedModule = (e: PyExpr): unknown => {
    if (e.kind !== 'call') return undefined;
    const name = scope.canonical(e.callee);
    const found = name?.startsWith('torch.nn.')
      ? readerFor('modules', name.slice('torch.nn.'.length))
      : undefined;
    if (!found) return undefined;
    const module = name!.slice('torch.nn.'.length);
    return { module, args: bindArgs(e, found.signature, scope, `nn.${module}`) };
  };
  const value = (e: PyExpr, name: string): unknown => {
    const v = literalValue(e) ?? scope.constant(e) ?? arithmetic(e, scope) ?? nestedModule(e);
    if (v === undefined)
      throw new ReadError(
        `${callee}: the argument ${name} (${describe(e)}) is not a value Netwright can read without running the code`,
        e.at,
      );
    return v;
  };
  args.forEach((a, i) => (out[signature[i]!] = value(a, signature[i]!)));
  for (const k of call.keywords) {
    if (k.name === 'training' || k.name === 'inplace') continue;
    if (!signature.includes(k.name))
      throw new ReadError(`${callee} has no argument ${k.name} that Netwright reads`, k.at);
    out[k.name] = value(k.value, k.name);
  }
  return out;
}

/** `16 * 5 * 5`, `HIDDEN // 2`: integer arithmetic on numbers and constants; else undefined. */
export function arithmetic(e: PyExpr, scope: Scope): number | undefined {
  if (e.kind !== 'binary') {
    const v = literalValue(e) ?? scope.constant(e);
    return typeof v === 'number' ? v : undefined;
  }
  const a = arithmetic(e.left, scope);
  const b = arithmetic(e.right, scope);
  if (a === undefined || b === undefined) return undefined;
  switch (e.op) {
    case '*':
      return a * b;
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '//':
      return b === 0 ? undefined : Math.floor(a / b);
    default:
      return undefined;
  }
}

/** `MaxPooling2D` → `max_pooling2d`: a block id made from a kind. */
export function snake(type: string): string {
  return type.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Reads a module made in `__init__` (`nn.Linear(…)`, `nn.ReLU()`, `nn.Sequential(…)`). */
export function readModule(e: PyExpr, scope: Scope, customClasses: Set<string>): ModuleSpec {
  if (e.kind !== 'call')
    throw new ReadError(`${describe(e)} is not a module Netwright can read`, e.at);
  const name = scope.canonical(e.callee);
  const written = dottedName(e.callee) ?? 'this call';
  if (name === 'torch.nn.Sequential') {
    if (e.starred || e.keywords.length > 0)
      throw new ReadError('nn.Sequential with *args or an OrderedDict is not read', e.at);
    const sequential: ModuleSpec = {
      kind: 'sequential',
      items: e.args.map((a) => readModule(a, scope, customClasses)),
      at: e.at,
    };
    return sequenceSpec(e, scope, sequential) ?? sequential;
  }
  if (name === 'torch.nn.LogSoftmax') {
    const args = bindArgs(e, ['dim'], scope, written);
    return { kind: 'activation', act: 'softmax', dim: args.dim ?? null, at: e.at, log: true };
  }
  const leaky = name === 'torch.nn.LeakyReLU' && !isActivationSlope(e, scope);
  if (name && name in ACTIVATION_MODULES && !leaky) {
    const act = ACTIVATION_MODULES[name]!;
    const sig =
      act === 'softmax'
        ? ['dim']
        : act === 'leaky_relu'
          ? ['negative_slope', 'inplace']
          : ['inplace'];
    const args = bindArgs(e, act === 'elu' ? ['alpha', 'inplace'] : sig, scope, written);
    const kind = readerFor('modules', name.slice('torch.nn.'.length));
    const layer: ModuleSpec | undefined = kind && {
      kind: 'layer',
      type: kind.type,
      reader: kind.reader,
      callee: written,
      args: bindArgs(e, kind.signature, scope, written),
      at: e.at,
    };
    // Not the activation (elu with another alpha): only the block.
    if (layer && !activationArgsFit(act, args)) return layer;
    checkActivationArgs(act, args, e.at);
    return {
      kind: 'activation',
      act,
      dim: act === 'softmax' ? (args.dim ?? null) : undefined,
      at: e.at,
      ...(layer ? { layer } : {}),
    };
  }
  const local = e.callee.kind === 'name' ? e.callee.id : undefined;
  const found = name?.startsWith('torch.nn.')
    ? readerFor('modules', name.slice('torch.nn.'.length))
    : local && !name
      ? readerFor('helpers', local)
      : undefined;
  if (!found) {
    if (local && customClasses.has(local))
      throw new ReadError(
        `${local} is a custom module class: Netwright reads only torch.nn layers, not the code of a module written here`,
        e.at,
      );
    throw new ReadError(`${written}(…) is not a layer Netwright can read`, e.at);
  }
  const key = name?.startsWith('torch.nn.') ? name.slice('torch.nn.'.length) : local;
  const call = key ? found.reader.calls?.[key] : undefined;
  return {
    kind: 'layer',
    type: found.type,
    reader: found.reader,
    callee: written,
    args: bindArgs(e, found.signature, scope, written),
    at: e.at,
    ...(call ? { call } : {}),
  };
}

/** `nn.LeakyReLU(0.2)` / `F.leaky_relu(x, 0.2)`: the leaky_relu activation's slope. */
export function isActivationSlope(
  call: Extract<PyExpr, { kind: 'call' }>,
  scope: Scope,
  skipFirst = false,
): boolean {
  const arg =
    call.keywords.find((k) => k.name === 'negative_slope')?.value ?? call.args[skipFirst ? 1 : 0];
  const v = arg ? (literalValue(arg) ?? scope.constant(arg)) : 0.01;
  return v === LEAKY_RELU_SLOPE;
}

/** An nn.Sequential that a kind's `sequence` reader may read as one block (see SourceReader). */
function sequenceSpec(
  e: Extract<PyExpr, { kind: 'call' }>,
  scope: Scope,
  fallback: ModuleSpec,
): ModuleSpec | undefined {
  for (const def of LAYERS) {
    const reader = def.torch.source;
    const seq = reader?.sequence;
    if (!reader || !seq || seq.length !== e.args.length) continue;
    const matches = e.args.every(
      (a, i) => a.kind === 'call' && scope.canonical(a.callee) === `torch.nn.${seq[i]!.module}`,
    );
    if (!matches) continue;
    const items = e.args.map((a, i) =>
      bindArgs(
        a as Extract<PyExpr, { kind: 'call' }>,
        seq[i]!.signature,
        scope,
        `nn.${seq[i]!.module}`,
      ),
    );
    return {
      kind: 'layer',
      type: def.type,
      reader,
      callee: 'nn.Sequential',
      args: {},
      at: e.at,
      items,
      fallback,
    };
  }
  return undefined;
}

/** The module's arguments are those of Netwright's activation `act` (see checkActivationArgs). */
function activationArgsFit(act: string, args: Record<string, unknown>): boolean {
  if (act === 'leaky_relu') return (args.negative_slope ?? 0.01) === LEAKY_RELU_SLOPE;
  if (act === 'elu') return (args.alpha ?? 1) === 1;
  return true;
}

function checkActivationArgs(act: string, args: Record<string, unknown>, at: SourceSpan): void {
  if (act === 'leaky_relu' && (args.negative_slope ?? 0.01) !== LEAKY_RELU_SLOPE)
    throw new ReadError(
      `leaky_relu with slope ${JSON.stringify(args.negative_slope ?? 0.01)}: Netwright's leaky_relu activation has slope ${LEAKY_RELU_SLOPE}`,
      at,
    );
  if (act === 'elu' && (args.alpha ?? 1) !== 1)
    throw new ReadError(`elu with alpha ${JSON.stringify(args.alpha)} is not read`, at);
}

const product = (s: Shape): number => s.reduce((a, b) => a * b, 1);

/** Builds blocks and edges from the data flow. */
export class FlowBuilder {
  readonly nodes: BuiltNode[] = [];
  private readonly byId = new Map<string, BuiltNode>();
  private readonly shapes = new Map<string, Shape | undefined>();
  private readonly consumers = new Map<string, number>();
  private readonly stale = new Set<number>();
  private serial = 0;
  /** The first module read on the input: what it fixes of the input. */
  firstRead?: { read: SourceRead; at: SourceSpan };
  inputDtype: 'float32' | 'int32' = 'float32';
  /** Things read with a change the user should know of (warnings): a log_softmax read as softmax. */
  readonly notes: { message: string; at: SourceSpan }[] = [];
  /** Where forward's `F.log_softmax` is (its loss is then NLL: cross-entropy). */
  logSoftmaxAt?: SourceSpan;
  /** Module attributes called so far (a second call would share weights). */
  private readonly called = new Set<string>();

  readonly scope: Scope;
  readonly inputAt: SourceSpan;
  constructor(scope: Scope, inputShape: Shape | undefined, inputAt: SourceSpan) {
    this.scope = scope;
    this.inputAt = inputAt;
    const input: BuiltNode = { id: 'input', type: 'Input', params: {}, inputs: [], at: inputAt };
    this.nodes.push(input);
    this.byId.set('input', input);
    this.shapes.set('input', inputShape);
  }

  inputValue(): Val {
    return { t: 'tensor', node: 'input', perm: null, serial: this.serial++ };
  }

  private tensor(node: string, perm: number[] | null = null): Val {
    return { t: 'tensor', node, perm, serial: this.serial++ };
  }

  shapeOf(id: string): Shape | undefined {
    return this.shapes.get(id);
  }

  private uniqueId(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_]/g, '_') || 'layer';
    let id = clean;
    for (let i = 1; this.byId.has(id); i++) id = `${clean}_${i}`;
    return id;
  }

  private use(v: Val, at: SourceSpan): Extract<Val, { t: 'tensor' }> {
    if (v.t !== 'tensor')
      throw new ReadError(
        v.t === 'rnn' && v.weights
          ? 'the (output, attention weights) pair of nn.MultiheadAttention: take the output with [0] or out, _ = …'
          : v.t === 'rnn'
            ? 'the (output, hidden) pair of a recurrent layer: take output[:, -1] or the output with [0]'
            : v.t === 'hidden' && v.weights
              ? "the attention weights of nn.MultiheadAttention are not read: Keras's MultiHeadAttention block gives its output only"
              : v.t === 'direction'
                ? "one direction's final state of a bidirectional RNN: Keras's Bidirectional joins both, torch.cat((h[-2], h[-1]), dim=1)"
                : 'a hidden state: take its last layer with h[-1]',
        at,
      );
    if (this.stale.has(v.serial))
      throw new ReadError(
        'this value is used both before and after an activation or step selection that Netwright folds into its layer',
        at,
      );
    return v;
  }

  private computeShape(node: BuiltNode): void {
    const ins = node.inputs.map((i) => this.shapes.get(i));
    if (ins.some((s) => s === undefined)) {
      this.shapes.set(node.id, undefined);
      return;
    }
    const def = getLayer(node.type)!;
    const { params } = resolveParams(def, node.params);
    const r = def.inferShape(ins as Shape[], params);
    if (!r.ok) throw new ReadError(`${node.type}: ${r.message}`, node.at);
    this.shapes.set(node.id, r.shape);
  }

  /** Adds a block fed by `inputs`; returns its value. */
  add(
    type: string,
    params: Record<string, unknown>,
    inputs: Val[],
    at: SourceSpan,
    name: string,
    extra: Partial<BuiltNode> = {},
  ): Val {
    const ins = inputs.map((v) => this.materialise(this.use(v, at), at));
    for (const v of ins) {
      this.consumers.set(v.node, (this.consumers.get(v.node) ?? 0) + 1);
    }
    const node: BuiltNode = {
      id: this.uniqueId(name),
      type,
      params,
      inputs: ins.map((v) => v.node),
      at,
      ...extra,
    };
    this.nodes.push(node);
    this.byId.set(node.id, node);
    this.computeShape(node);
    return this.tensor(node.id);
  }

  /** Applies a module attribute (`self.fc1`) or an `nn.Sequential` item. */
  applyModule(
    spec: ModuleSpec,
    v: Val,
    name: string,
    at: SourceSpan,
    call?: PyExpr,
    functional = false,
    statement?: SourceSpan,
  ): Val {
    if (spec.kind === 'sequential') {
      this.markCalled(name, at);
      let out = v;
      // The model itself (name ''): blocks named by kind as Netwright names them (dense,
      // dense_1); a Sequential attribute: by PyTorch's index (features_0 is features.0).
      spec.items.forEach(
        (item, i) =>
          (out = this.applyModule(
            item,
            out,
            name === '' && item.kind === 'layer' ? snake(item.type) : `${name}_${i}`,
            item.at,
            undefined,
            true,
          )),
      );
      return out;
    }
    if (spec.kind === 'activation' && spec.log) {
      const out = this.activation(v, spec.act, spec.dim, at);
      this.logSoftmaxAt = spec.at;
      this.notes.push({
        message:
          "nn.LogSoftmax is read as softmax: Netwright's cross-entropy loss takes the log itself (log_softmax + NLLLoss is softmax + cross-entropy)",
        at: spec.at,
      });
      return out;
    }
    if (spec.kind === 'activation') {
      // An activation module attribute (self.relu = nn.ReLU()) whose kind is a block (ReLU,
      // ELU, Softmax), as Keras's layers.ReLU() is: called on a layer's call,
      // self.relu(self.fc(x)), it is that layer's activation when the layer takes one; called on
      // a value, x = self.relu(x), it is a block of its kind (how the generator writes those
      // kinds, where the activation of a layer or an Activation block is torch.relu(…)). Items
      // of an nn.Sequential stay activations (nothing else tells them apart there).
      if (spec.layer && !functional) {
        const nested = call?.kind === 'call' && call.args[0]?.kind === 'call';
        let folded: Val | undefined;
        try {
          folded = nested ? this.fold(v, spec.act, spec.dim, at, call) : undefined;
        } catch {
          folded = undefined; // e.g. a softmax over another axis: the block says it
        }
        if (folded) return folded;
        const out = this.applyModule(spec.layer, v, name, at, call, true);
        const node = out.t === 'tensor' ? this.byId.get(out.node) : undefined;
        if (node && call?.kind === 'call' && call.args[0])
          node.fusedActivation = { call: call.at, arg: call.args[0].at, statement };
        return out;
      }
      return this.activation(v, spec.act, spec.dim, at, call);
    }
    if (!functional) this.markCalled(name, at);
    let t = this.use(v, at);
    // nn.Flatten() after nn.AdaptiveAvgPool2d(1): the global pooling block is flat already.
    if (spec.type === 'Flatten' && !t.perm && this.byId.get(t.node)?.keepsDims) {
      if (this.shapes.get(t.node)?.length === 1) return t;
    }
    const firstOn1d = spec.reader.layout === 'channels-first-1d';
    const inShape = this.shapes.get(t.node);
    // channels-last modules on a map held (N, C, H, W) take x.permute(0, 2, 3, 1).
    const lastOnMap =
      spec.reader.layout === 'channels-last' &&
      t.perm?.join() === '0,2,3,1' &&
      (inShape === undefined || inShape.length === 3);
    // Any other permute of a value held as Keras is a Permute block of its own.
    if (!lastOnMap && !firstOn1d && t.perm) t = this.materialise(t, at);
    if (!lastOnMap && firstOn1d !== (t.perm?.join() === '0,2,1'))
      throw new ReadError(
        firstOn1d
          ? `${spec.callee} takes (N, channels, steps): Netwright holds sequences as (N, steps, channels), so the code must permute them first: x.permute(0, 2, 1)`
          : 'a permuted tensor is read only by a 1-D convolution or pooling, a layer on the last axis (nn.Linear, nn.LayerNorm) or a flatten',
        at,
      );
    const input = this.shapes.get(t.node);
    let read: SourceRead;
    try {
      read = spec.reader.read({ args: spec.args, callee: spec.callee, input, items: spec.items });
    } catch (e) {
      if (spec.fallback) {
        this.called.delete(name);
        return this.applyModule(spec.fallback, v, name, at, call, functional);
      }
      throw new ReadError(`${spec.callee}: ${e instanceof Error ? e.message : String(e)}`, spec.at);
    }
    const onInput =
      t.node === 'input' ||
      (this.byId.get(t.node)?.type === 'Flatten' && this.byId.get(t.node)?.inputs[0] === 'input');
    if (onInput && !this.firstRead) {
      this.firstRead = { read, at: spec.at };
      if (read.inputDtype) this.inputDtype = read.inputDtype;
    }
    // A call several kinds read (see readerFor) says which kind accepted it.
    const type = (read as SourceRead & { type?: string }).type ?? spec.type;
    const out = this.add(type, read.params, [{ ...t, perm: null }], at, name, {
      inFeatures: read.inFeatures,
      at: spec.at,
      ...(read.keepsDims ? { keepsDims: true } : {}),
    });
    if (firstOn1d) return this.tensor((out as { node: string }).node, [0, 2, 1]);
    if (lastOnMap) return this.tensor((out as { node: string }).node, [0, 2, 3, 1]);
    if (read.returnsState)
      return { t: 'rnn', node: (out as { node: string }).node, serial: this.serial++ };
    return out;
  }

  /**
   * A module called on several tensors (`spec.call`, e.g. `self.attn(q, k, v)`): `tensors` by
   * the call's parameter names. The block's inputs are `call.ports` in order, a trailing port
   * that is the same value as the one before it left unwired (Keras: key = value when not
   * given; `attn(x, x, x)` is self-attention, one wire).
   */
  applyModuleCall(
    spec: Extract<ModuleSpec, { kind: 'layer' }>,
    call: ModuleCall,
    tensors: Readonly<Record<string, Val>>,
    name: string,
    at: SourceSpan,
  ): Val {
    this.markCalled(name, at);
    const held = new Map<string, Extract<Val, { t: 'tensor' }>>();
    for (const t of call.tensors) held.set(t, this.materialise(this.use(tensors[t]!, at), at));
    const shapes = Object.fromEntries([...held].map(([k, v]) => [k, this.shapes.get(v.node)]));
    const ports = call.ports.map((p) => held.get(p)!);
    let read: SourceRead;
    try {
      read = spec.reader.read({
        args: spec.args,
        callee: spec.callee,
        input: shapes[call.ports[0]!],
        tensors: shapes,
      });
    } catch (e) {
      throw new ReadError(`${spec.callee}: ${e instanceof Error ? e.message : String(e)}`, spec.at);
    }
    if (!this.firstRead && ports.some((p) => p.node === 'input'))
      this.firstRead = { read, at: spec.at };
    while (ports.length > 1 && ports.at(-1)!.node === ports.at(-2)!.node) ports.pop();
    const out = this.add(spec.type, read.params, ports, at, name, {
      inFeatures: read.inFeatures,
      at: spec.at,
    });
    if (read.returnsWeights || read.returnsState)
      return {
        t: 'rnn',
        node: (out as { node: string }).node,
        serial: this.serial++,
        ...(read.returnsWeights ? { weights: true as const } : {}),
      };
    return out;
  }

  /**
   * A function of several tensors that a kind reads (`torch.einsum`, `torch.bmm`, `@`): a block
   * of that kind on `operands`. A sequence passed as `x.transpose(1, 2)` is passed as it is
   * held, marked swapped (the kind's reader counts its axes accordingly); `unsqueezed`: the
   * result is followed by `.unsqueeze(1)`, required where the kind's block adds that axis.
   */
  tensorCall(
    callee: string,
    written: string,
    literals: readonly unknown[],
    operands: readonly { value: Val; normalizeDim?: number; at: SourceSpan }[],
    at: SourceSpan,
    name: (base: string) => string,
    unsqueezed: boolean,
  ): Val {
    const found = tensorCallReader(callee)!;
    const held = operands.map((o) => {
      let t = this.use(o.value, o.at);
      const swapped = t.perm?.join() === '0,2,1';
      if (t.perm && !swapped) t = this.materialise(t, o.at);
      return { t: { ...t, perm: null }, swapped, normalizeDim: o.normalizeDim };
    });
    let read: SourceRead;
    try {
      read = found.read({
        callee: written,
        literals,
        operands: held.map((h) => ({
          shape: this.shapes.get(h.t.node),
          swapped: h.swapped,
          ...(h.normalizeDim === undefined ? {} : { normalizeDim: h.normalizeDim }),
        })),
      });
    } catch (e) {
      throw new ReadError(`${written}: ${e instanceof Error ? e.message : String(e)}`, at);
    }
    if (read.noFeatureAxis && !unsqueezed)
      throw new ReadError(
        `${written} gives one number per example, (N,); Keras's ${found.type} gives (N, 1): add .unsqueeze(1)`,
        at,
      );
    if (!read.noFeatureAxis && unsqueezed)
      throw new ReadError(`.unsqueeze is read here only after a ${found.type} of two vectors`, at);
    return this.add(
      found.type,
      read.params,
      held.map((h) => h.t),
      at,
      name(snake(found.type)),
    );
  }

  private markCalled(name: string, at: SourceSpan): void {
    if (this.called.has(name))
      throw new ReadError(
        `self.${name} is called a second time: a shared layer (the same weights twice) is not read`,
        at,
      );
    this.called.add(name);
  }

  /** An activation on `v`: folded into the layer that made `v` when it can, else a block. */
  activation(
    v: Val,
    act: string,
    dim: unknown,
    at: SourceSpan,
    call?: PyExpr,
    statement?: SourceSpan,
  ): Val {
    const folded = this.fold(v, act, dim, at, call, statement);
    if (folded) return folded;
    const t = this.use(v, at);
    if (t.perm) throw new ReadError('this activation on a permuted tensor is not read', at);
    return this.add('Activation', { activation: act }, [v], at, act, {
      fusedActivation:
        call?.kind === 'call' && call.args[0]
          ? { call: call.at, arg: call.args[0].at, statement }
          : undefined,
    });
  }

  /**
   * The activation `act` folded into the layer that made `v` (its `activation` param, when it
   * is linear, takes `act`, and nothing else reads the layer's output yet); undefined if not.
   */
  private fold(
    v: Val,
    act: string,
    dim: unknown,
    at: SourceSpan,
    call?: PyExpr,
    statement?: SourceSpan,
  ): Val | undefined {
    const t = this.use(v, at);
    if (t.perm && act === 'softmax' && t.perm.join() !== '0,2,3,1')
      throw new ReadError('this activation on a permuted tensor is not read', at);
    const node = this.byId.get(t.node)!;
    const shape = this.shapes.get(t.node);
    if (act === 'softmax') this.checkSoftmaxDim(dim, shape, at);
    const spec = getLayer(node.type)!.params.find((p) => p.name === 'activation');
    const options = spec && 'options' in spec ? (spec.options as readonly string[]) : [];
    if (
      node.id !== 'input' &&
      spec &&
      (node.params.activation ?? 'linear') === 'linear' &&
      options.includes(act) &&
      (this.consumers.get(node.id) ?? 0) === 0
    ) {
      node.params.activation = act;
      if (call?.kind === 'call' && call.args[0])
        node.fusedActivation = { call: call.at, arg: call.args[0].at, statement };
      this.stale.add(t.serial);
      return this.tensor(node.id, t.perm);
    }
    return undefined;
  }

  private checkSoftmaxDim(dim: unknown, shape: Shape | undefined, at: SourceSpan): void {
    if (dim === undefined || dim === null || shape === undefined) return;
    const held = shape.length === 3 ? 1 : shape.length;
    if (dim !== -1 && dim !== held)
      throw new ReadError(
        `softmax over dim=${JSON.stringify(dim)}: Netwright's softmax runs over the features (dim=${held})`,
        at,
      );
  }

  /**
   * A value still permuted (`x.permute(0, 2, 1)` not undone by a 1-D layer or a flatten) as a
   * Permute block: torch's `permute(0, 2, 1)` is Keras's `Permute((2, 1))` (1-based, no batch
   * axis), for values held as Keras. Maps held `(N, C, H, W)` are refused (their axes differ).
   */
  materialise<T extends Extract<Val, { t: 'tensor' }>>(t: T, at: SourceSpan): T {
    if (!t.perm) return t;
    const shape = this.shapes.get(t.node);
    if (t.perm[0] !== 0) throw new ReadError('a permute that moves the batch axis is not read', at);
    if (shape?.length === 3 || t.perm.length === 4)
      throw new ReadError(
        `a (N, C, H, W) map permuted by (${t.perm.join(', ')}) is read only before a flatten, a reshape or a layer on the last axis`,
        at,
      );
    const out = this.add(
      'Permute',
      { dims: t.perm.slice(1) },
      [{ ...t, perm: null }],
      at,
      'permute',
    );
    return out as T;
  }

  /** `x.permute(…)`: kept on the value until a flatten reads it. */
  permute(v: Val, perm: unknown, at: SourceSpan): Val {
    const t = this.use(v, at);
    if (!Array.isArray(perm) || perm.some((p) => typeof p !== 'number'))
      throw new ReadError('x.permute with dimensions that are not numbers', at);
    const p = perm as number[];
    const composed = t.perm ? p.map((i) => t.perm![i]!) : p;
    const identity = composed.every((d, i) => d === i);
    return this.tensor(t.node, identity ? null : composed);
  }

  /**
   * A flatten (`torch.flatten(x, 1)`, `x.view(x.size(0), -1)`, `x.view(-1, 320)`): a Flatten
   * block. A map held `(N, C, H, W)` may be flattened as it is or after
   * `permute(0, 2, 3, 1)` (Keras's channels-last order, as the generator writes it): the same
   * element count, and Netwright's Flatten is channels last.
   */
  flatten(v: Val, at: SourceSpan, name: string, elements?: number): Val {
    let t = this.use(v, at);
    if (t.perm && !(t.perm.length === 4 && t.perm.join() === '0,2,3,1'))
      t = this.materialise(t, at);
    const shape = this.shapes.get(t.node);
    // nn.AdaptiveAvgPool2d(1)'s (N, C, 1, 1), already (C) as a global pooling block.
    if (shape?.length === 1 && !t.perm && this.byId.get(t.node)?.keepsDims) {
      if (elements !== undefined && elements !== shape[0])
        throw new ReadError(`view(-1, ${elements}) on ${shape[0]} values`, at);
      return t;
    }
    // An MLP's `x.view(x.size(0), -1)` on its (N, features) input: nothing to flatten.
    if (t.node === 'input' && shape?.length === 1 && !t.perm) {
      if (elements !== undefined && elements !== shape[0])
        throw new ReadError(`view(-1, ${elements}) on an input of ${shape[0]} values`, at);
      return t;
    }
    return this.add('Flatten', {}, [{ ...t, perm: null }], at, name, elements ? { elements } : {});
  }

  /**
   * `x.reshape(-1, d1, …)` (not a flatten): a Reshape to `(d1, …)`. Keras reshapes in
   * channels-last order, so a map held `(N, C, H, W)` must be `x.permute(0, 2, 3, 1)` first; a
   * 3-axis result comes out channels last, `(N, H, W, C)`, and is held once permuted back by
   * `.permute(0, 3, 1, 2)`.
   */
  reshape(v: Val, target: number[], at: SourceSpan, name: string): Val {
    const t = this.use(v, at);
    const shape = this.shapes.get(t.node);
    const mapIn = shape ? shape.length === 3 : t.perm !== null;
    if (mapIn ? t.perm?.join() !== '0,2,3,1' : t.perm !== null)
      throw new ReadError(
        'reshaping a (N, C, H, W) map is read after x.permute(0, 2, 3, 1) only (Keras reshapes channels last)',
        at,
      );
    const out = this.add('Reshape', { target_shape: target }, [{ ...t, perm: null }], at, name);
    return target.length === 3 ? this.tensor((out as { node: string }).node, [0, 2, 3, 1]) : out;
  }

  /** `out[:, -1]` or `h[-1]`: the last step of an RNN: `return_sequences` false. */
  lastStep(v: Val, at: SourceSpan): Val {
    if (v.t === 'hidden' && v.weights) this.use(v, at);
    const node = this.byId.get(v.node)!;
    if (node.type === 'Bidirectional')
      throw new ReadError(
        v.t === 'hidden'
          ? "h[-1] of a bidirectional RNN is the backward direction's final state only: Keras's Bidirectional joins both, torch.cat((h[-2], h[-1]), dim=1)"
          : "output[:, -1] of a bidirectional RNN holds the backward direction after one step only (it runs from the end): Keras's Bidirectional without return_sequences joins both directions' final states, torch.cat((h[-2], h[-1]), dim=1) of `out, h = …`",
        at,
      );
    if (
      !getLayer(node.type)!.params.some((p) => p.name === 'return_sequences') ||
      node.params.return_sequences !== true ||
      (this.consumers.get(node.id) ?? 0) > 0
    )
      throw new ReadError('taking the last step is read only right after a recurrent layer', at);
    this.stale.add(v.serial);
    node.params.return_sequences = false;
    this.computeShape(node);
    return this.tensor(node.id);
  }

  /** `out` of `out, h = self.lstm(x)` / `self.lstm(x)[0]`. */
  sequences(v: Val, at: SourceSpan): Val {
    if (v.t !== 'rnn')
      throw new ReadError('[0] is read only on what a recurrent layer returns', at);
    return this.tensor(v.node);
  }

  hidden(v: Val, at: SourceSpan): Val {
    if (v.t !== 'rnn')
      throw new ReadError('unpacking is read only for what a recurrent layer returns', at);
    return {
      t: 'hidden',
      node: v.node,
      serial: this.serial++,
      ...(v.weights ? { weights: true as const } : {}),
    };
  }

  /** `h[i]` of the final states `h`: for a bidirectional RNN, one direction's; else the last step. */
  hiddenIndex(v: Val, index: unknown, at: SourceSpan): Val {
    if (v.t !== 'hidden') throw new ReadError('this indexing is not read', at);
    const node = this.byId.get(v.node)!;
    if (node.type === 'Bidirectional' && !v.weights && [-2, -1, 0, 1].includes(index as number))
      return {
        t: 'direction',
        node: v.node,
        dir: index === 0 || index === -2 ? 0 : 1,
        serial: this.serial++,
      };
    if (index === -1) return this.lastStep(v, at);
    throw new ReadError('of the final states, h[-1] (the last layer) is read only', at);
  }

  /**
   * `torch.cat((h[-2], h[-1]), dim=1)` of a bidirectional RNN's final states: the forward
   * direction's final state then the backward one's, which is Keras's Bidirectional with
   * `return_sequences` false and `merge_mode` concat (both directions where they end).
   */
  joinDirections(parts: readonly Val[], dim: number, at: SourceSpan): Val | undefined {
    if (!parts.some((p) => p.t === 'direction')) return undefined;
    const [a, b] = parts;
    if (
      parts.length !== 2 ||
      a?.t !== 'direction' ||
      b?.t !== 'direction' ||
      a.node !== b.node ||
      a.dir !== 0 ||
      b.dir !== 1 ||
      (dim !== 1 && dim !== -1)
    )
      throw new ReadError(
        "a bidirectional RNN's final states are read as torch.cat((h[-2], h[-1]), dim=1): forward then backward",
        at,
      );
    const node = this.byId.get(a.node)!;
    if (node.params.merge_mode !== 'concat' || (this.consumers.get(node.id) ?? 0) > 0)
      throw new ReadError('the final states are read only right after the bidirectional RNN', at);
    node.params.return_sequences = false;
    this.computeShape(node);
    return this.tensor(node.id);
  }

  tensorInput(v: Val, at: SourceSpan): Extract<Val, { t: 'tensor' }> {
    return this.use(v, at);
  }

  markLong(v: Val, at: SourceSpan): Val {
    const t = this.use(v, at);
    if (t.node === 'input') this.inputDtype = 'int32';
    return t;
  }

  node(id: string): BuiltNode | undefined {
    return this.byId.get(id);
  }

  product(s: Shape): number {
    return product(s);
  }
}

export type { Val };
export { ACTIVATION_FUNCTIONS, ACTIVATION_METHODS, readerFor, readersFor, tensorCallReader };
