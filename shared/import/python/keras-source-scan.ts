/**
 * Scans of the Keras source tree that need no reading state: which function builds the model,
 * which functions module code calls, the imports, and walks over expressions.
 */
import type { PyExpr, PyStmt } from './syntax.ts';
import { bindImport, resolvePath, type Bindings } from './keras-source-names.ts';

/** True when `pred` holds for `e` or any expression inside it (call arguments, items, operands). */
export function anyExpr(e: PyExpr, pred: (x: PyExpr) => boolean): boolean {
  if (pred(e)) return true;
  const any = (xs: readonly PyExpr[]) => xs.some((x) => anyExpr(x, pred));
  switch (e.kind) {
    case 'attribute':
      return anyExpr(e.object, pred);
    case 'call':
      return any([e.callee, ...e.args, ...e.keywords.map((k) => k.value)]);
    case 'tuple':
    case 'list':
      return any(e.items);
    case 'binary':
      return any([e.left, e.right]);
    case 'unary':
      return anyExpr(e.operand, pred);
    case 'subscript':
      return anyExpr(e.object, pred);
    case 'dict':
      return any(e.entries.map((x) => x.value));
    default:
      return false;
  }
}

/** Every import in the module, functions included (imports inside `build_model` count too). */
export function collectImports(body: readonly PyStmt[], bindings: Bindings): void {
  for (const s of body) {
    if (s.kind === 'import') bindImport(bindings, s);
    else if (s.kind === 'def') collectImports(s.body, bindings);
  }
}

const MODEL_PATH = /^keras\.(models\.)?(Sequential|Model)$/;

/** True when a statement list (not nested functions) calls `keras.Sequential` / `keras.Model`. */
export function buildsModel(body: readonly PyStmt[], bindings: Bindings): boolean {
  const makesModel = (e: PyExpr) =>
    anyExpr(e, (x) => x.kind === 'call' && MODEL_PATH.test(resolvePath(x.callee, bindings) ?? ''));
  return body.some(
    (s) =>
      ((s.kind === 'assign' || s.kind === 'expr') && makesModel(s.value)) ||
      (s.kind === 'return' && s.value !== null && makesModel(s.value)),
  );
}

/** The functions module-level code calls by name (`model = build_model()`). */
export function calledFunctions(body: readonly PyStmt[]): Set<string> {
  const names = new Set<string>();
  for (const s of body)
    if (s.kind === 'assign' || s.kind === 'expr')
      anyExpr(s.value, (x) => {
        if (x.kind === 'call' && x.callee.kind === 'name') names.add(x.callee.id);
        return false;
      });
  return names;
}

/** `__name__ == "__main__"`: the script's run-me block, not model code. */
export function isMainGuard(test: PyExpr | undefined): boolean {
  return (
    test?.kind === 'binary' &&
    test.op === '==' &&
    test.left.kind === 'name' &&
    test.left.id === '__name__' &&
    test.right.kind === 'string' &&
    test.right.value === '__main__'
  );
}

/** The names a tuple or list target binds (`a, (b, c) = …`). */
export function namesIn(t: PyExpr): string[] {
  if (t.kind === 'name') return [t.id];
  return t.kind === 'tuple' || t.kind === 'list' ? t.items.flatMap(namesIn) : [];
}
