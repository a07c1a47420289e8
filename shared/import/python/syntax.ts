/**
 * Python source → a small, plain syntax tree that the Keras and PyTorch source importers read.
 *
 * Parsing is `@lezer/python`'s (the grammar CodeMirror highlights with); nothing is evaluated and
 * no code runs. The tree keeps only what model definitions use — imports, assignments, calls,
 * literals, attribute access, subscripts, arithmetic, `class`/`def`/`return` — and turns every other
 * statement or expression into an `other`/`unknown` node that keeps its text and position, so an
 * importer can name it ("line 12, column 5: a `for` loop …") instead of skipping it silently.
 *
 * Positions: `line` and `column` count from 1 (column in UTF-16 code units, as editors show
 * them); `from`/`to` are offsets into the source text.
 */
import { parser } from '@lezer/python';
import type { SyntaxNode, Tree } from '@lezer/common';

/** Where a piece of source is: 1-based line and column, and its offsets `[from, to)`. */
export interface SourceSpan {
  line: number;
  column: number;
  from: number;
  to: number;
}

/** A keyword argument `name=value` of a call. */
export interface PyKeyword {
  name: string;
  value: PyExpr;
  at: SourceSpan;
}

/** The expressions a model definition is made of; anything else is `unknown`. */
export type PyExpr =
  | { kind: 'name'; id: string; at: SourceSpan }
  | { kind: 'attribute'; object: PyExpr; attr: string; at: SourceSpan }
  | {
      kind: 'call';
      callee: PyExpr;
      args: PyExpr[];
      keywords: PyKeyword[];
      /** `*args` / `**kwargs` in the call (an importer cannot know what they hold). */
      starred: boolean;
      at: SourceSpan;
    }
  | {
      kind: 'number';
      value: number;
      /** written as an integer (no `.`/`e`) */ integer: boolean;
      at: SourceSpan;
    }
  | { kind: 'string'; value: string; at: SourceSpan }
  /** `True`, `False`, `None`. */
  | { kind: 'constant'; value: boolean | null; at: SourceSpan }
  | { kind: 'tuple' | 'list'; items: PyExpr[]; at: SourceSpan }
  | { kind: 'dict'; entries: { key: PyExpr; value: PyExpr }[]; at: SourceSpan }
  /** `a + b`, `a * b`, `a @ b`, … (`op` as written). */
  | { kind: 'binary'; op: string; left: PyExpr; right: PyExpr; at: SourceSpan }
  /** `-a`, `not a`. */
  | { kind: 'unary'; op: string; operand: PyExpr; at: SourceSpan }
  /** `a[i]`, `a[:, 0]`: `index` is the text inside the brackets, parsed when it is one expression. */
  | { kind: 'subscript'; object: PyExpr; index: PyExpr; at: SourceSpan }
  /** Anything else (a lambda, a comprehension, an f-string, a slice …): its text, unread. */
  | { kind: 'unknown'; text: string; what: string; at: SourceSpan };

/** The statements a model definition is made of; anything else is `other`. */
export type PyStmt =
  /** `import a.b as c` (`module` `'a.b'`, `names` empty, `asName` `'c'`) or `from a.b import x as y`. */
  | {
      kind: 'import';
      module: string;
      /** `from m import …` names; empty for `import m`. `*` for `from m import *`. */
      names: { name: string; asName: string }[];
      /** `import a.b as c` → `'c'`; `import a.b` → `'a'` (the name it binds); unset for `from`. */
      asName?: string;
      at: SourceSpan;
    }
  /** `a = b = value`, `self.x = value`, `a, b = value`, `x += 1` (`op` `'+='`). */
  | { kind: 'assign'; targets: PyExpr[]; value: PyExpr; op: string; at: SourceSpan }
  | { kind: 'expr'; value: PyExpr; at: SourceSpan }
  | { kind: 'return'; value: PyExpr | null; at: SourceSpan }
  | { kind: 'pass'; at: SourceSpan }
  | {
      kind: 'class';
      name: string;
      bases: PyExpr[];
      body: PyStmt[];
      decorators: PyExpr[];
      at: SourceSpan;
    }
  | {
      kind: 'def';
      name: string;
      /** Parameter names in order (`self` included), with `*`/`**` prefixes kept. */
      params: { name: string; default?: PyExpr }[];
      body: PyStmt[];
      decorators: PyExpr[];
      at: SourceSpan;
    }
  /** `if`, `for`, `while`, `with`, `try`, `global`, … : unread; `what` names it (`for loop`). */
  | {
      kind: 'other';
      what: string;
      text: string;
      at: SourceSpan;
      /** For an `if` statement: its condition (`__name__ == "__main__"`), read. */
      test?: PyExpr;
    };

/** A syntax error lezer reported (it recovers and parses the rest). */
export interface PySyntaxError {
  message: string;
  at: SourceSpan;
}

/** A parsed module: its top-level statements and any syntax errors. */
export interface PyModule {
  body: PyStmt[];
  errors: PySyntaxError[];
  source: string;
}

/** Longest source accepted (characters): a model file, not a data dump. */
export const MAX_SOURCE_CHARS = 1_000_000;

/** Maps offsets to 1-based line/column. */
class Lines {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  span(from: number, to: number): SourceSpan {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= from) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: from - this.starts[lo]! + 1, from, to };
  }
}

const STATEMENT_NAMES: Record<string, string> = {
  ForStatement: 'a for loop',
  WhileStatement: 'a while loop',
  IfStatement: 'an if statement',
  WithStatement: 'a with statement',
  TryStatement: 'a try statement',
  GlobalStatement: 'a global statement',
  NonlocalStatement: 'a nonlocal statement',
  DeleteStatement: 'a del statement',
  RaiseStatement: 'a raise statement',
  AssertStatement: 'an assert statement',
  BreakStatement: 'a break statement',
  ContinueStatement: 'a continue statement',
  MatchStatement: 'a match statement',
  PrintStatement: 'a print statement',
  ScopeStatement: 'a scope statement',
  TypeDefinition: 'a type alias',
};

/** Skips punctuation and keywords: the children that carry meaning. */
function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '.', 'Comment']);

class Reader {
  readonly errors: PySyntaxError[] = [];
  private readonly lines: Lines;
  readonly src: string;
  constructor(src: string) {
    this.src = src;
    this.lines = new Lines(src);
  }
  at(n: SyntaxNode): SourceSpan {
    return this.lines.span(n.from, n.to);
  }
  text(n: SyntaxNode): string {
    return this.src.slice(n.from, n.to);
  }
  unknown(n: SyntaxNode, what: string): PyExpr {
    return { kind: 'unknown', text: this.text(n), what, at: this.at(n) };
  }

  expr(n: SyntaxNode): PyExpr {
    const at = this.at(n);
    switch (n.name) {
      case 'VariableName':
        return { kind: 'name', id: this.text(n), at };
      case 'Number': {
        const raw = this.text(n).replace(/_/g, '');
        const integer = /^(0[xob])?[0-9a-f]+$/i.test(raw) && !/[.e]/i.test(raw.replace(/^0x/i, ''));
        const value = integer && /^0[xob]/i.test(raw) ? Number(raw) : Number.parseFloat(raw);
        if (!/^[0-9.eE+\-xXoObBa-fA-F]+$/.test(raw) || Number.isNaN(value))
          return this.unknown(n, 'a number Netwright does not read');
        return { kind: 'number', value, integer, at };
      }
      case 'String':
        return (
          this.string(n) ??
          this.unknown(n, 'a string with prefixes or escapes Netwright does not read')
        );
      case 'ContinuedString': {
        const parts = children(n).map((c) => this.string(c));
        if (parts.some((p) => p === undefined))
          return this.unknown(n, 'a string Netwright does not read');
        return {
          kind: 'string',
          value: parts.map((p) => (p as { value: string }).value).join(''),
          at,
        };
      }
      case 'Boolean':
        return { kind: 'constant', value: this.text(n) === 'True', at };
      case 'None':
        return { kind: 'constant', value: null, at };
      case 'ParenthesizedExpression': {
        const inner = children(n).filter((c) => !PUNCT.has(c.name));
        return inner.length === 1
          ? this.expr(inner[0]!)
          : this.unknown(n, 'a parenthesised expression');
      }
      case 'TupleExpression':
      case 'ArrayExpression': {
        const items = children(n).filter((c) => !PUNCT.has(c.name));
        const kind = n.name === 'TupleExpression' ? 'tuple' : 'list';
        return { kind, items: items.map((c) => this.expr(c)), at };
      }
      case 'DictionaryExpression': {
        const parts = children(n).filter((c) => !PUNCT.has(c.name));
        if (parts.length % 2 !== 0 || parts.some((c) => c.name === '**'))
          return this.unknown(n, 'a dictionary Netwright does not read');
        const entries: { key: PyExpr; value: PyExpr }[] = [];
        for (let i = 0; i < parts.length; i += 2)
          entries.push({ key: this.expr(parts[i]!), value: this.expr(parts[i + 1]!) });
        return { kind: 'dict', entries, at };
      }
      case 'MemberExpression': {
        const parts = children(n);
        const object = parts[0]!;
        const prop = parts.find((c) => c.name === 'PropertyName');
        if (prop && parts[1]?.name === '.')
          return { kind: 'attribute', object: this.expr(object), attr: this.text(prop), at };
        if (parts[1]?.name === '[') {
          const inside = parts.slice(2, -1).filter((c) => c.name !== ',');
          const index =
            inside.length === 1 && parts.slice(2, -1).length === 1
              ? this.expr(inside[0]!)
              : ({
                  kind: 'unknown',
                  text: this.src.slice(parts[1]!.to, parts.at(-1)!.from),
                  what: 'an index',
                  at: this.lines.span(parts[1]!.to, parts.at(-1)!.from),
                } as PyExpr);
          return { kind: 'subscript', object: this.expr(object), index, at };
        }
        return this.unknown(n, 'an attribute access');
      }
      case 'CallExpression': {
        const [calleeNode, argList] = [n.firstChild!, n.lastChild!];
        if (argList.name !== 'ArgList') return this.unknown(n, 'a call');
        const args: PyExpr[] = [];
        const keywords: PyKeyword[] = [];
        let starred = false;
        const parts = children(argList).filter((c) => !PUNCT.has(c.name));
        for (let i = 0; i < parts.length; i++) {
          const c = parts[i]!;
          if (c.name === '*' || c.name === '**') {
            starred = true;
            i++;
          } else if (c.name === 'VariableName' && parts[i + 1]?.name === 'AssignOp') {
            const value = parts[i + 2];
            keywords.push({
              name: this.text(c),
              value: value ? this.expr(value) : this.unknown(c, 'a keyword argument'),
              at: this.lines.span(c.from, value?.to ?? c.to),
            });
            i += 2;
          } else if (c.name === 'ComprehensionExpression' || c.name === 'for') {
            return this.unknown(n, 'a call with a generator expression');
          } else args.push(this.expr(c));
        }
        return { kind: 'call', callee: this.expr(calleeNode), args, keywords, starred, at };
      }
      case 'BinaryExpression': {
        const [left, op, right] = children(n);
        if (!left || !op || !right) return this.unknown(n, 'an expression');
        return {
          kind: 'binary',
          op: this.text(op),
          left: this.expr(left),
          right: this.expr(right),
          at,
        };
      }
      case 'UnaryExpression': {
        const [op, operand] = children(n);
        if (!op || !operand) return this.unknown(n, 'an expression');
        return { kind: 'unary', op: this.text(op), operand: this.expr(operand), at };
      }
      case 'LambdaExpression':
        return this.unknown(n, 'a lambda');
      case 'FormatString':
        return this.unknown(n, 'an f-string');
      case 'ArrayComprehensionExpression':
      case 'ComprehensionExpression':
      case 'DictionaryComprehensionExpression':
      case 'SetComprehensionExpression':
        return this.unknown(n, 'a comprehension');
      case 'ConditionalExpression':
        return this.unknown(n, 'a conditional expression');
      case '⚠':
        this.error(n);
        return this.unknown(n, 'a syntax error');
      default:
        return this.unknown(n, `an expression (${n.name})`);
    }
  }

  /** A plain or raw string literal (no byte/format prefixes); escapes as Python reads them. */
  string(n: SyntaxNode): { kind: 'string'; value: string; at: SourceSpan } | undefined {
    if (n.name !== 'String') return undefined;
    const raw = this.text(n);
    const m = /^([rRuU]?)('''|"""|'|")([\s\S]*)\2$/.exec(raw);
    if (!m) return undefined;
    const body = m[3]!;
    const value = m[1]!.toLowerCase() === 'r' ? body : unescape(body);
    if (value === undefined) return undefined;
    return { kind: 'string', value, at: this.at(n) };
  }

  error(n: SyntaxNode): void {
    const near = this.src.slice(n.from, Math.min(n.to, n.from + 20)).split('\n')[0];
    this.errors.push({
      message: near ? `syntax error near "${near}"` : 'syntax error (something is missing here)',
      at: this.at(n),
    });
  }

  /** Every ⚠ node of the tree (lezer's error recovery) becomes a syntax error, one per place. */
  collectErrors(tree: Tree): void {
    const seen = new Set<number>();
    tree.iterate({
      enter: (ref) => {
        if (ref.type.isError && !seen.has(ref.from)) {
          seen.add(ref.from);
          this.error(ref.node);
        }
      },
    });
  }

  body(n: SyntaxNode): PyStmt[] {
    return children(n).flatMap((c) => this.stmt(c));
  }

  decorated(n: SyntaxNode): PyStmt[] {
    const decorators: PyExpr[] = [];
    let target: SyntaxNode | undefined;
    for (const c of children(n)) {
      if (c.name === 'Decorator') {
        const inner = children(c).filter((d) => d.name !== '@' && !PUNCT.has(d.name));
        decorators.push(inner.length === 1 ? this.expr(inner[0]!) : this.unknown(c, 'a decorator'));
      } else if (c.name === 'ClassDefinition' || c.name === 'FunctionDefinition') target = c;
    }
    if (!target)
      return [{ kind: 'other', what: 'a decorated statement', text: this.text(n), at: this.at(n) }];
    return this.stmt(target).map((s) =>
      s.kind === 'class' || s.kind === 'def' ? { ...s, decorators } : s,
    );
  }

  stmt(n: SyntaxNode): PyStmt[] {
    const at = this.at(n);
    switch (n.name) {
      case ':':
      case 'Comment':
      case 'newline':
        return [];
      case 'PassStatement':
        return [{ kind: 'pass', at }];
      case 'ImportStatement':
        return this.importStmt(n);
      case 'AssignStatement':
      case 'UpdateStatement': {
        const parts = children(n);
        const ops = parts.filter((c) => c.name === 'AssignOp' || c.name === 'UpdateOp');
        const exprs = parts.filter(
          (c) =>
            c.name !== 'AssignOp' &&
            c.name !== 'UpdateOp' &&
            c.name !== ',' &&
            c.name !== 'TypeDef',
        );
        if (exprs.length < 2 || parts.some((c) => c.name === 'TypeDef' && exprs.length < 2))
          return [
            {
              kind: 'other',
              what: 'an assignment Netwright does not read',
              text: this.text(n),
              at,
            },
          ];
        // `a, b = f()` parses as several names before one `=`: keep them as one tuple target.
        const opIndexes = parts.map((c, i) => (ops.includes(c) ? i : -1)).filter((i) => i >= 0);
        const groups: SyntaxNode[][] = [];
        let start = 0;
        for (const oi of [...opIndexes, parts.length]) {
          groups.push(parts.slice(start, oi).filter((c) => c.name !== ',' && c.name !== 'TypeDef'));
          start = oi + 1;
        }
        const asExpr = (g: SyntaxNode[]): PyExpr =>
          g.length === 1
            ? this.expr(g[0]!)
            : {
                kind: 'tuple',
                items: g.map((c) => this.expr(c)),
                at: this.lines.span(g[0]!.from, g.at(-1)!.to),
              };
        const valueGroup = groups.pop()!;
        if (valueGroup.length === 0 || groups.some((g) => g.length === 0))
          return [
            {
              kind: 'other',
              what: 'an assignment Netwright does not read',
              text: this.text(n),
              at,
            },
          ];
        return [
          {
            kind: 'assign',
            targets: groups.map(asExpr),
            value: asExpr(valueGroup),
            op: this.text(ops[0]!),
            at,
          },
        ];
      }
      case 'ExpressionStatement': {
        const inner = children(n).filter((c) => !PUNCT.has(c.name));
        if (inner.length !== 1)
          return [{ kind: 'other', what: 'an expression statement', text: this.text(n), at }];
        // A docstring or a bare string is a no-op.
        return [{ kind: 'expr', value: this.expr(inner[0]!), at }];
      }
      case 'ReturnStatement': {
        const inner = children(n).filter((c) => c.name !== 'return' && !PUNCT.has(c.name));
        const value =
          inner.length === 0
            ? null
            : inner.length === 1
              ? this.expr(inner[0]!)
              : ({ kind: 'tuple', items: inner.map((c) => this.expr(c)), at } as PyExpr);
        return [{ kind: 'return', value, at }];
      }
      case 'ClassDefinition': {
        const parts = children(n);
        const name = parts.find((c) => c.name === 'VariableName');
        const argList = parts.find((c) => c.name === 'ArgList');
        const bodyNode = parts.find((c) => c.name === 'Body');
        const bases = argList
          ? children(argList)
              .filter((c) => !PUNCT.has(c.name))
              .map((c) => this.expr(c))
          : [];
        return [
          {
            kind: 'class',
            name: name ? this.text(name) : '',
            bases,
            body: bodyNode ? this.body(bodyNode) : [],
            decorators: [],
            at,
          },
        ];
      }
      case 'FunctionDefinition': {
        const parts = children(n);
        const name = parts.find((c) => c.name === 'VariableName');
        const paramList = parts.find((c) => c.name === 'ParamList');
        const bodyNode = parts.find((c) => c.name === 'Body');
        const params: { name: string; default?: PyExpr }[] = [];
        if (paramList) {
          // Annotations (`num_classes: int = 10`) are skipped: the name and default are read.
          const ps = children(paramList).filter((c) => !PUNCT.has(c.name) && c.name !== 'TypeDef');
          for (let i = 0; i < ps.length; i++) {
            const c = ps[i]!;
            if (c.name === '*' || c.name === '**') {
              const next = ps[i + 1];
              if (next?.name === 'VariableName') {
                params.push({ name: c.name + this.text(next) });
                i++;
              }
            } else if (c.name === 'VariableName') {
              if (ps[i + 1]?.name === 'AssignOp' && ps[i + 2]) {
                params.push({ name: this.text(c), default: this.expr(ps[i + 2]!) });
                i += 2;
              } else params.push({ name: this.text(c) });
            }
          }
        }
        return [
          {
            kind: 'def',
            name: name ? this.text(name) : '',
            params,
            body: bodyNode ? this.body(bodyNode) : [],
            decorators: [],
            at,
          },
        ];
      }
      case 'DecoratedStatement':
        return this.decorated(n);
      case '⚠':
        this.error(n);
        return [];
      default: {
        const condition = n.name === 'IfStatement' ? children(n)[1] : undefined;
        return [
          {
            kind: 'other',
            what: STATEMENT_NAMES[n.name] ?? `a statement (${n.name})`,
            text: this.text(n),
            at,
            ...(condition ? { test: this.expr(condition) } : {}),
          },
        ];
      }
    }
  }

  importStmt(n: SyntaxNode): PyStmt[] {
    const at = this.at(n);
    const parts = children(n);
    const dotted = (nodes: SyntaxNode[]): string =>
      nodes.map((c) => (c.name === '.' ? '.' : this.text(c))).join('');
    if (parts[0]?.name === 'from') {
      const importAt = parts.findIndex((c) => c.name === 'import');
      const module = dotted(
        parts.slice(1, importAt).filter((c) => c.name === 'VariableName' || c.name === '.'),
      );
      const rest = parts.slice(importAt + 1).filter((c) => !PUNCT.has(c.name));
      const names: { name: string; asName: string }[] = [];
      for (let i = 0; i < rest.length; i++) {
        const c = rest[i]!;
        if (c.name === '*') names.push({ name: '*', asName: '*' });
        else if (c.name === 'VariableName') {
          if (rest[i + 1]?.name === 'as' && rest[i + 2]) {
            names.push({ name: this.text(c), asName: this.text(rest[i + 2]!) });
            i += 2;
          } else names.push({ name: this.text(c), asName: this.text(c) });
        }
      }
      return [{ kind: 'import', module, names, at }];
    }
    // `import a.b as c, d`: one statement per module.
    const out: PyStmt[] = [];
    let current: SyntaxNode[] = [];
    const flush = (asName?: string) => {
      if (current.length === 0) return;
      const module = dotted(current);
      out.push({ kind: 'import', module, names: [], asName: asName ?? module.split('.')[0]!, at });
      current = [];
    };
    for (let i = 1; i < parts.length; i++) {
      const c = parts[i]!;
      if (c.name === ',') flush();
      else if (c.name === 'as' && parts[i + 1]) {
        flush(this.text(parts[i + 1]!));
        i++;
      } else if (c.name === 'VariableName' || c.name === '.') current.push(c);
    }
    flush();
    return out;
  }
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '0': '\0',
  '\n': '',
};

/** Python's simple escapes; `undefined` for ones Netwright does not read (`\x`, `\u`, …). */
function unescape(body: string): string | undefined {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined || !(next in ESCAPES)) return undefined;
    out += ESCAPES[next];
    i++;
  }
  return out;
}

/**
 * Parses Python source into `PyModule`. Never throws and never runs the code: syntax errors are
 * listed in `errors` (lezer recovers and reads the rest), unread statements become `other`.
 * Source longer than `MAX_SOURCE_CHARS` gives no statements and one error.
 */
export function parsePython(source: string): PyModule {
  if (source.length > MAX_SOURCE_CHARS) {
    return {
      body: [],
      source,
      errors: [
        {
          message: `the source is ${source.length.toLocaleString('en-US')} characters long; Netwright reads at most ${MAX_SOURCE_CHARS.toLocaleString('en-US')}`,
          at: { line: 1, column: 1, from: 0, to: 0 },
        },
      ],
    };
  }
  const reader = new Reader(source);
  const tree = parser.parse(source);
  const top = tree.topNode;
  reader.collectErrors(tree);
  const errorsSeen = reader.errors.length;
  const body = reader.body(top);
  // collectErrors saw every ⚠ once; drop the duplicates the statement reader added.
  reader.errors.splice(errorsSeen);
  return { body, errors: reader.errors, source };
}

/** `a.b.c` → `'a.b.c'`; `undefined` when `e` is not a dotted name. */
export function dottedName(e: PyExpr): string | undefined {
  if (e.kind === 'name') return e.id;
  if (e.kind === 'attribute') {
    const base = dottedName(e.object);
    return base === undefined ? undefined : `${base}.${e.attr}`;
  }
  return undefined;
}

/**
 * A literal's value (numbers, strings, True/False/None, tuples and lists of them, `-n`) as JSON;
 * `undefined` when `e` is not a literal (a name, a call, …). Tuples and lists both become arrays.
 */
export function literalValue(e: PyExpr): unknown {
  switch (e.kind) {
    case 'number':
    case 'string':
    case 'constant':
      return e.value;
    case 'unary': {
      const v = literalValue(e.operand);
      if (typeof v !== 'number') return undefined;
      return e.op === '-' ? -v : e.op === '+' ? v : undefined;
    }
    case 'tuple':
    case 'list': {
      const items = e.items.map(literalValue);
      return items.some((v) => v === undefined) ? undefined : items;
    }
    default:
      return undefined;
  }
}
