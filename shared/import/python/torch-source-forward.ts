/**
 * PyTorch source import: reads the statements of `forward(self, x)` (or an `nn.Sequential`)
 * into blocks through `FlowBuilder`. Anything else in `forward` (an `if`, a loop, an unknown
 * call) is a `ReadError` at its place.
 */
import {
  ACTIVATION_FUNCTIONS,
  ACTIVATION_METHODS,
  bindArgs,
  FlowBuilder,
  ReadError,
  isActivationSlope,
  readerFor,
  snake,
  tensorCallReader,
  type ModuleSpec,
  type Val,
} from './torch-source-flow.ts';
import type { ModuleCall } from '../../layers/backends/torch.ts';
import { dottedName, literalValue, type PyExpr, type PyStmt, type SourceSpan } from './syntax.ts';

type Call = Extract<PyExpr, { kind: 'call' }>;

const compact = (s: string): string => s.replace(/\s+/g, '');

/** Walks `forward`'s body. Returns the value it returns. */
export function walkForward(
  flow: FlowBuilder,
  body: readonly PyStmt[],
  inputName: string,
  modules: ReadonlyMap<string, ModuleSpec>,
): { out: Val; at: SourceSpan } {
  const env = new Map<string, Val>([[inputName, flow.inputValue()]]);
  const ev = (e: PyExpr, target?: string, statement?: SourceSpan): Val =>
    evalExpr(flow, e, env, modules, target, statement);
  for (const s of body) {
    switch (s.kind) {
      case 'pass':
        continue;
      case 'expr':
        if (s.value.kind === 'string') continue; // a docstring
        throw new ReadError('a statement whose result is not kept is not read in forward', s.at);
      case 'return': {
        if (!s.value) throw new ReadError('forward returns nothing', s.at);
        if (s.value.kind === 'tuple')
          throw new ReadError('a model with several outputs is not read', s.value.at);
        return { out: ev(s.value), at: s.at };
      }
      case 'assign': {
        if (s.op !== '=' || s.targets.length !== 1)
          throw new ReadError(`an assignment with ${s.op} is not read in forward`, s.at);
        const target = s.targets[0]!;
        if (target.kind === 'name') {
          env.set(target.id, ev(s.value, target.id, s.at));
          continue;
        }
        if (target.kind === 'tuple' && target.items[0]?.kind === 'name') {
          // out, (h, c) = self.lstm(x)  /  out, h = self.gru(x)
          const v = ev(s.value);
          env.set(target.items[0].id, flow.sequences(v, s.value.at));
          const h = target.items[1];
          const hName =
            h?.kind === 'name'
              ? h.id
              : h?.kind === 'tuple' && h.items[0]?.kind === 'name'
                ? h.items[0].id
                : undefined;
          if (target.items.length !== 2 || !hName)
            throw new ReadError('this unpacking is not read', target.at);
          if (hName !== '_') env.set(hName, flow.hidden(v, s.value.at));
          continue;
        }
        throw new ReadError(
          'an assignment to something other than a name is not read in forward',
          target.at,
        );
      }
      case 'other':
        throw new ReadError(
          `${s.what} in forward: Netwright reads a straight data flow only`,
          s.at,
        );
      default:
        throw new ReadError(`a ${s.kind} statement in forward is not read`, s.at);
    }
  }
  throw new ReadError('forward has no return', body.at(-1)?.at ?? flow.inputAt);
}

function intArg(flow: FlowBuilder, e: PyExpr | undefined, what: string): number | undefined {
  if (!e) return undefined;
  const v = constantNumber(flow, e);
  if (v === undefined || !Number.isInteger(v))
    throw new ReadError(`${what} must be a whole number written in the code`, e.at);
  return v;
}

/** A number, or arithmetic on numbers (`16 * 5 * 5`), or a constant name. */
function constantNumber(flow: FlowBuilder, e: PyExpr): number | undefined {
  if (e.kind === 'binary') {
    const a = constantNumber(flow, e.left);
    const b = constantNumber(flow, e.right);
    if (a === undefined || b === undefined) return undefined;
    if (e.op === '*') return a * b;
    if (e.op === '+') return a + b;
    if (e.op === '-') return a - b;
    if (e.op === '//') return Math.floor(a / b);
    return undefined;
  }
  const v = literalValue(e) ?? flow.scope.constant(e);
  return typeof v === 'number' ? v : undefined;
}

/** `x.size(0)` / `x.shape[0]`: the batch size. */
function isBatchSize(e: PyExpr): boolean {
  if (e.kind === 'call' && e.callee.kind === 'attribute' && e.callee.attr === 'size')
    return e.args.length === 1 && literalValue(e.args[0]!) === 0;
  if (e.kind === 'subscript' && e.object.kind === 'attribute' && e.object.attr === 'shape')
    return literalValue(e.index) === 0;
  return false;
}

function keyword(call: Call, name: string): PyExpr | undefined {
  return call.keywords.find((k) => k.name === name)?.value;
}

function evalExpr(
  flow: FlowBuilder,
  e: PyExpr,
  env: Map<string, Val>,
  modules: ReadonlyMap<string, ModuleSpec>,
  target?: string,
  statement?: SourceSpan,
): Val {
  const ev = (x: PyExpr): Val => evalExpr(flow, x, env, modules);
  const name = (base: string): string =>
    target && target !== 'x' && target !== 'out' ? target : base;
  switch (e.kind) {
    case 'name': {
      const v = env.get(e.id);
      if (!v) throw new ReadError(`${e.id} is not a tensor computed in forward`, e.at);
      return v;
    }
    case 'binary': {
      if (e.op === '@') return readTensorCall(flow, e, ev, name, false)!;
      // (a + b) / 2: the mean of n tensors, Keras's Average.
      if (e.op === '/' && e.left.kind === 'binary' && e.left.op === '+') {
        const terms: PyExpr[] = [];
        const collectSum = (x: PyExpr): void => {
          if (x.kind === 'binary' && x.op === '+') {
            collectSum(x.left);
            collectSum(x.right);
          } else terms.push(x);
        };
        collectSum(e.left);
        if (constantNumber(flow, e.right) === terms.length)
          return flow.add('Average', {}, terms.map(ev), e.at, name('average'));
      }
      const kinds: Record<string, string> = { '+': 'Add', '-': 'Subtract', '*': 'Multiply' };
      const type = kinds[e.op];
      if (!type) throw new ReadError(`the operator ${e.op} on tensors is not read`, e.at);
      // a + b + c is one Add of three inputs; a - b has exactly two.
      const operands: PyExpr[] = [];
      const collect = (x: PyExpr): void => {
        if (x.kind === 'binary' && x.op === e.op) {
          collect(x.left);
          collect(x.right);
        } else operands.push(x);
      };
      if (e.op === '-') operands.push(e.left, e.right);
      else collect(e);
      for (const o of operands)
        if (constantNumber(flow, o) !== undefined)
          throw new ReadError(
            `${e.op} with a number is not read (only tensors ${e.op} tensors)`,
            o.at,
          );
      return flow.add(type, {}, operands.map(ev), e.at, name(snake(type)));
    }
    case 'subscript': {
      const base = ev(e.object);
      const idx = e.index.kind === 'unknown' ? compact(e.index.text) : undefined;
      if (literalValue(e.index) === 0 && base.t === 'rnn') return flow.sequences(base, e.at);
      if (base.t === 'hidden') return flow.hiddenIndex(base, literalValue(e.index), e.at);
      if (base.t === 'tensor' && (idx === ':,-1' || idx === ':,-1,:'))
        return flow.lastStep(base, e.at);
      const crop =
        idx === undefined ? undefined : /^:,:,(-?\d*):(-?\d*),(-?\d*):(-?\d*)$/.exec(idx);
      if (base.t === 'tensor' && crop) {
        // x[:, :, top:H - bottom, left:W - right] on a map held (N, C, H, W): Cropping2D.
        const shape = flow.shapeOf(base.node);
        if (!shape || shape.length !== 3)
          throw new ReadError('slicing [:, :, a:b, c:d] is read on a (N, C, H, W) map only', e.at);
        const bound = (text: string, size: number, start: boolean): number => {
          if (text === '') return start ? 0 : size;
          const n = Number(text);
          return n < 0 ? size + n : Math.min(n, size);
        };
        const [h, w] = shape as [number, number, number];
        const [t, b, l, r] = [
          bound(crop[1]!, h, true),
          bound(crop[2]!, h, false),
          bound(crop[3]!, w, true),
          bound(crop[4]!, w, false),
        ];
        if (t >= b || l >= r) throw new ReadError('this slice leaves nothing', e.at);
        return flow.add(
          'Cropping2D',
          {
            cropping: [
              [t, h - b],
              [l, w - r],
            ],
          },
          [base],
          e.at,
          name('cropping2d'),
        );
      }
      throw new ReadError(
        'this indexing is not read (only output[:, -1] and h[-1] after a recurrent layer)',
        e.at,
      );
    }
    case 'call':
      return evalCall(flow, e, env, modules, ev, name, statement);
    default:
      throw new ReadError(
        `${e.kind === 'unknown' ? e.what : `a ${e.kind}`} is not read in forward`,
        e.at,
      );
  }
}

function evalCall(
  flow: FlowBuilder,
  e: Call,
  env: Map<string, Val>,
  modules: ReadonlyMap<string, ModuleSpec>,
  ev: (x: PyExpr) => Val,
  name: (base: string) => string,
  statement?: SourceSpan,
): Val {
  const callee = e.callee;
  // self.fc1(x)
  if (callee.kind === 'attribute' && callee.object.kind === 'name' && callee.object.id === 'self') {
    const spec = modules.get(callee.attr);
    if (!spec)
      throw new ReadError(`self.${callee.attr} is not a layer made in __init__`, callee.at);
    if (spec.kind === 'layer' && spec.call)
      return applyCall(flow, spec, spec.call, e, callee.attr, ev);
    if (e.args.length !== 1 || e.keywords.length > 0)
      throw new ReadError(`self.${callee.attr} is read with one tensor argument only`, e.at);
    return flow.applyModule(spec, ev(e.args[0]!), callee.attr, e.at, e, false, statement);
  }
  // torch.einsum(…).unsqueeze(1): a Dot of two vectors as Keras shapes it, (N, 1).
  if (callee.kind === 'attribute' && callee.attr === 'unsqueeze') {
    const dim = e.args[0] ?? keyword(e, 'dim');
    const d = dim ? constantNumber(flow, dim) : undefined;
    const inner = readTensorCall(flow, callee.object, ev, name, d === 1 || d === -1);
    if (inner) return inner;
  }
  const viaReader = readTensorCall(flow, e, ev, name, false);
  if (viaReader) return viaReader;
  const canonical = flow.scope.canonical(callee);
  const written = dottedName(callee) ?? 'this call';
  const otherSlope =
    canonical === 'torch.nn.functional.leaky_relu' && !isActivationSlope(e, flow.scope, true);
  const logSoftmax = readLogSoftmax(flow, e, canonical, written, ev);
  if (logSoftmax) return logSoftmax;
  if (canonical && canonical in ACTIVATION_FUNCTIONS && !otherSlope) {
    const act = ACTIVATION_FUNCTIONS[canonical]!;
    const sig =
      act === 'softmax'
        ? ['dim']
        : act === 'leaky_relu'
          ? ['negative_slope']
          : act === 'elu'
            ? ['alpha']
            : [];
    const x = e.args[0];
    if (!x) throw new ReadError(`${written} needs a tensor`, e.at);
    const args = bindArgs(e, sig, flow.scope, written, true);
    if (act === 'leaky_relu' && args.negative_slope === undefined) args.negative_slope = 0.01;
    if (act === 'leaky_relu' && args.negative_slope !== 0.2)
      throw new ReadError(
        `${written} with slope ${JSON.stringify(args.negative_slope)}: Netwright's leaky_relu has slope 0.2`,
        e.at,
      );
    return flow.activation(ev(x), act, args.dim, e.at, e, statement);
  }
  if (canonical === 'torch.flatten') {
    const start = intArg(flow, e.args[1] ?? keyword(e, 'start_dim'), 'start_dim');
    if (start !== 1)
      throw new ReadError('torch.flatten is read with start_dim=1 (keep the batch axis)', e.at);
    return flow.flatten(ev(e.args[0]!), e.at, name('flatten'));
  }
  if (canonical === 'torch.cat' || canonical === 'torch.concat') {
    const list = e.args[0];
    if (!list || (list.kind !== 'list' && list.kind !== 'tuple'))
      throw new ReadError(
        'torch.cat is read with a list of tensors: torch.cat([a, b], dim=1)',
        e.at,
      );
    const dim = intArg(flow, e.args[1] ?? keyword(e, 'dim'), 'dim') ?? 0;
    const ins = list.items.map(ev);
    const joined = flow.joinDirections(ins, dim, e.at);
    if (joined) return joined;
    const first = ins[0] && ins[0].t === 'tensor' ? flow.shapeOf(ins[0].node) : undefined;
    return flow.add(
      'Concatenate',
      { axis: kerasAxis(dim, first, e.at) },
      ins,
      e.at,
      name('concatenate'),
    );
  }
  if (
    canonical === 'torch.add' ||
    canonical === 'torch.mul' ||
    canonical === 'torch.sub' ||
    canonical === 'torch.maximum' ||
    canonical === 'torch.minimum'
  ) {
    const type = {
      'torch.add': 'Add',
      'torch.mul': 'Multiply',
      'torch.sub': 'Subtract',
      'torch.maximum': 'Maximum',
      'torch.minimum': 'Minimum',
    }[canonical]!;
    if (e.args.length !== 2 || e.keywords.length > 0)
      throw new ReadError(`${written} is read with two tensors`, e.at);
    return flow.add(type, {}, e.args.map(ev), e.at, name(snake(type)));
  }
  if (canonical?.startsWith('torch.nn.functional.')) {
    const found = readerFor('functions', canonical.slice('torch.nn.functional.'.length));
    if (found) {
      const x = e.args[0];
      if (!x) throw new ReadError(`${written} needs a tensor`, e.at);
      const spec: ModuleSpec = {
        kind: 'layer',
        type: found.type,
        reader: found.reader,
        callee: written,
        args: bindArgs(e, found.signature, flow.scope, written, true),
        at: e.at,
      };
      return flow.applyModule(spec, ev(x), name(snake(found.type)), e.at, e, true);
    }
  }
  // Tensor methods: x.view(…), x.flatten(1), x.permute(…), x.long(), x.relu(), x.mean(dim=…).
  if (callee.kind === 'attribute' && !canonical) {
    const method = callee.attr;
    const obj = (): Val => ev(callee.object);
    if (method === 'view' || method === 'reshape') {
      const args = e.args;
      const batchFirst =
        args.length === 2 && isBatchSize(args[0]!) && constantNumber(flow, args[1]!) === -1;
      const minusOne =
        args.length === 2 && constantNumber(flow, args[0]!) === -1
          ? constantNumber(flow, args[1]!)
          : undefined;
      if (batchFirst) return flow.flatten(obj(), e.at, name('flatten'));
      if (minusOne !== undefined && minusOne > 0)
        return flow.flatten(obj(), e.at, name('flatten'), minusOne);
      const dims = args.map((a) => constantNumber(flow, a));
      if (
        args.length >= 3 &&
        dims[0] === -1 &&
        dims.slice(1).every((d) => d !== undefined && Number.isInteger(d) && d > 0)
      )
        return flow.reshape(obj(), dims.slice(1) as number[], e.at, name('reshape'));
      throw new ReadError(
        `x.${method}(…) is read only as a flatten: x.${method}(x.size(0), -1) or x.${method}(-1, n)`,
        e.at,
      );
    }
    if (method === 'flatten') {
      const start = intArg(flow, e.args[0] ?? keyword(e, 'start_dim'), 'start_dim');
      if (start !== 1)
        throw new ReadError('x.flatten is read with start_dim=1 (keep the batch axis)', e.at);
      return flow.flatten(obj(), e.at, name('flatten'));
    }
    if (method === 'permute') {
      const dims =
        e.args.length === 1 ? literalValue(e.args[0]!) : e.args.map((a) => literalValue(a));
      return flow.permute(obj(), dims, e.at);
    }
    if (method === 'transpose') {
      const [a, b] = e.args.map((x) => literalValue(x));
      if (!((a === 1 && b === 2) || (a === 2 && b === 1)) || e.args.length !== 2)
        throw new ReadError('x.transpose is read as transpose(1, 2) only', e.at);
      return flow.permute(obj(), [0, 2, 1], e.at);
    }
    if (method === 'long' && e.args.length === 0) return flow.markLong(obj(), e.at);
    if (method in ACTIVATION_METHODS) {
      const dim = e.args[0] ?? keyword(e, 'dim');
      return flow.activation(
        obj(),
        ACTIVATION_METHODS[method]!,
        dim ? literalValue(dim) : undefined,
        e.at,
      );
    }
    if (method === 'mean' || method === 'amax') {
      const dim = literalValue(
        e.args[0] ?? keyword(e, 'dim') ?? { kind: 'constant', value: null, at: e.at },
      );
      const v = obj();
      const shape = v.t === 'tensor' ? flow.shapeOf(v.node) : undefined;
      const avg = method === 'mean';
      if (
        JSON.stringify(dim) === '[2,3]' ||
        (shape?.length === 3 && JSON.stringify(dim) === '[-2,-1]')
      )
        return flow.add(
          avg ? 'GlobalAveragePooling2D' : 'GlobalMaxPooling2D',
          {},
          [v],
          e.at,
          name(avg ? 'global_average_pooling2d' : 'global_max_pooling2d'),
        );
      if (dim === 1)
        return flow.add(
          avg ? 'GlobalAveragePooling1D' : 'GlobalMaxPooling1D',
          {},
          [v],
          e.at,
          name(avg ? 'global_average_pooling1d' : 'global_max_pooling1d'),
        );
      throw new ReadError(`x.${method}(dim=${JSON.stringify(dim)}) is not read`, e.at);
    }
    throw new ReadError(`the tensor method .${method}(…) is not read`, e.at);
  }
  throw new ReadError(`${written}(…) is not something Netwright can read in forward`, e.at);
}

/**
 * `F.log_softmax(x, dim=1)` / `torch.log_softmax` / `x.log_softmax(1)`: read as a softmax, with
 * a note. log_softmax + NLLLoss (what the PyTorch MNIST example trains with) is exactly softmax
 * + cross-entropy on the probabilities: Netwright's cross-entropy takes the log itself.
 * `undefined` when the call is not a log_softmax.
 */
function readLogSoftmax(
  flow: FlowBuilder,
  e: Call,
  canonical: string | undefined,
  written: string,
  ev: (x: PyExpr) => Val,
): Val | undefined {
  const method =
    !canonical && e.callee.kind === 'attribute' && e.callee.attr === 'log_softmax'
      ? e.callee.object
      : undefined;
  if (
    !method &&
    canonical !== 'torch.nn.functional.log_softmax' &&
    canonical !== 'torch.log_softmax'
  )
    return undefined;
  const x = method ?? e.args[0];
  if (!x) throw new ReadError(`${written} needs a tensor`, e.at);
  const args = bindArgs(
    e,
    method ? ['dim'] : ['dim', '_stacklevel', 'dtype'],
    flow.scope,
    written,
    !method,
  );
  const out = flow.activation(ev(x), 'softmax', args.dim, e.at);
  flow.logSoftmaxAt = e.at;
  flow.notes.push({
    message: `${written}(…) is read as softmax: Netwright's cross-entropy loss takes the log itself (log_softmax + NLLLoss is softmax + cross-entropy)`,
    at: e.at,
  });
  return out;
}

/** torch.cat's `dim` (batch axis 0) as a Keras axis: -1 for the features/channels. */
function kerasAxis(dim: number, shape: readonly number[] | undefined, at: SourceSpan): number {
  if (!shape) return dim === 1 || dim === -1 ? -1 : dim;
  const torchRank = shape.length + 1;
  const d = dim < 0 ? torchRank + dim : dim;
  if (d <= 0 || d >= torchRank) throw new ReadError(`torch.cat over dim=${dim} is not read`, at);
  if (shape.length === 3) return d === 1 ? -1 : d - 1; // (N, C, H, W): C is Keras's last axis
  return d === shape.length ? -1 : d;
}

/**
 * `self.attn(q, k, v, need_weights=False)`: a module called on several tensors as its kind's
 * `call` says (tensors by position or name; the other keywords only with values that change
 * nothing).
 */
function applyCall(
  flow: FlowBuilder,
  spec: Extract<ModuleSpec, { kind: 'layer' }>,
  call: ModuleCall,
  e: Call,
  attr: string,
  ev: (x: PyExpr) => Val,
): Val {
  if (e.starred) throw new ReadError(`self.${attr}(*args/**kwargs) is not read`, e.at);
  const extra = e.args[call.tensors.length];
  if (extra)
    throw new ReadError(
      `self.${attr} is read with the tensors ${call.tensors.join(', ')}; pass the other arguments by name`,
      extra.at,
    );
  const bound = new Map<string, PyExpr>(e.args.map((a, i) => [call.tensors[i]!, a]));
  for (const k of e.keywords) {
    if (call.tensors.includes(k.name)) {
      bound.set(k.name, k.value);
      continue;
    }
    const allowed = call.keywords?.[k.name];
    if (!allowed)
      throw new ReadError(`${spec.callee}: the argument ${k.name} in forward is not read`, k.at);
    if (allowed === 'any') continue;
    const v = literalValue(k.value) ?? flow.scope.constant(k.value);
    if (!allowed.some((a) => JSON.stringify(a) === JSON.stringify(v)))
      throw new ReadError(
        `${spec.callee}: ${k.name} is read only as ${allowed.map((a) => (a === null ? 'None' : a === false ? 'False' : JSON.stringify(a))).join(' or ')} (Keras's ${spec.type} block has no such input)`,
        k.at,
      );
  }
  const tensors: Record<string, Val> = {};
  for (const t of call.tensors) {
    const arg = bound.get(t);
    if (arg) tensors[t] = ev(arg);
  }
  for (const t of call.tensors) {
    if (tensors[t]) continue;
    const fallback = call.defaults?.[t];
    if (!fallback || !tensors[fallback])
      throw new ReadError(`self.${attr} needs the tensor ${t}`, e.at);
    tensors[t] = tensors[fallback];
  }
  return flow.applyModuleCall(spec, call, tensors, attr, e.at);
}

/**
 * A function of several tensors that a kind reads (`torch.einsum('nak,nbk->nab', x, y)`,
 * `torch.bmm(x, y)`, `x @ y`), with `F.normalize(t, dim=d)` around an operand; undefined when
 * `e` is no such call.
 */
function readTensorCall(
  flow: FlowBuilder,
  e: PyExpr,
  ev: (x: PyExpr) => Val,
  name: (base: string) => string,
  unsqueezed: boolean,
): Val | undefined {
  let callee: string;
  let written: string;
  let args: readonly PyExpr[];
  if (e.kind === 'binary' && e.op === '@') {
    [callee, written, args] = ['torch.matmul', '@', [e.left, e.right]];
  } else if (e.kind === 'call') {
    const c = flow.scope.canonical(e.callee);
    if (!c || !tensorCallReader(c)) return undefined;
    if (e.starred || e.keywords.length > 0)
      throw new ReadError(
        `${dottedName(e.callee) ?? c} is read with positional arguments only`,
        e.at,
      );
    [callee, written, args] = [c, dottedName(e.callee) ?? c, e.args];
  } else return undefined;
  const literals: unknown[] = [];
  let i = 0;
  for (; i < args.length && args[i]!.kind === 'string'; i++) literals.push(literalValue(args[i]!));
  const operands = args.slice(i).map((a) => {
    if (a.kind === 'call' && flow.scope.canonical(a.callee) === 'torch.nn.functional.normalize') {
      const x = a.args[0];
      if (!x) throw new ReadError('F.normalize needs a tensor', a.at);
      const bound = bindArgs(a, ['p', 'dim', 'eps'], flow.scope, 'F.normalize', true);
      if ((bound.p ?? 2) !== 2)
        throw new ReadError(
          "F.normalize with p other than 2 is not Keras's Dot(normalize=True)",
          a.at,
        );
      // torch.nn.functional.normalize(input, p=2.0, dim=1, eps=1e-12)
      const dim = bound.dim ?? 1;
      if (typeof dim !== 'number') throw new ReadError('F.normalize: dim must be a number', a.at);
      return { value: ev(x), normalizeDim: dim, at: a.at };
    }
    return { value: ev(a), at: a.at };
  });
  return flow.tensorCall(callee, written, literals, operands, e.at, name, unsqueezed);
}
