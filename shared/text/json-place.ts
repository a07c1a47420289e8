/**
 * Where JSON text first goes wrong, found by a small scanner that follows RFC 8259's grammar
 * (objects, arrays, strings with escapes, numbers, `true`/`false`/`null`). V8's `JSON.parse`
 * messages do not always carry a position (e.g. a `NaN` literal), so the place is found here.
 * Iterative, so a deeply nested document cannot overflow the stack.
 */

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WS = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/** The offset (UTF-16 code units into `text`) of the first character that is not valid JSON, or -1. */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  const stack: string[] = [];
  let i = 0;
  const skip = () => {
    while (i < n && WS.has(text[i]!)) i++;
  };
  /** Scans a string at `i` (a `"`); returns the error offset or -1. */
  const string = (): number => {
    i++;
    for (;;) {
      if (i >= n) return n;
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return -1;
      }
      if (c < 0x20) return i;
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return i;
          i += 6;
        } else if (e !== undefined && ESCAPES.has(e)) i += 2;
        else return i;
      } else i++;
    }
  };
  for (;;) {
    // Expect a value.
    skip();
    if (i >= n) return n;
    const c = text[i]!;
    let opened = false;
    if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      skip();
      if (text[i] === (c === '{' ? '}' : ']')) {
        stack.pop();
        i++;
      } else if (c === '{') {
        if (text[i] !== '"') return i;
        const bad = string();
        if (bad >= 0) return bad;
        skip();
        if (text[i] !== ':') return i;
        i++;
        opened = true;
      } else opened = true;
    } else if (c === '"') {
      const bad = string();
      if (bad >= 0) return bad;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) return i;
      i += m[0].length;
    } else if (text.startsWith('true', i)) i += 4;
    else if (text.startsWith('false', i)) i += 5;
    else if (text.startsWith('null', i)) i += 4;
    else return i;
    if (opened) continue;
    // After a value: close containers, or a comma and the next value.
    for (;;) {
      skip();
      const top = stack[stack.length - 1];
      if (top === undefined) return i < n ? i : -1;
      const d = text[i];
      if (d === ',') {
        i++;
        if (top === '{') {
          skip();
          if (text[i] !== '"') return i;
          const bad = string();
          if (bad >= 0) return bad;
          skip();
          if (text[i] !== ':') return i;
          i++;
        }
        break;
      }
      if (d === (top === '{' ? '}' : ']')) {
        stack.pop();
        i++;
        continue;
      }
      return i;
    }
  }
}

/**
 * The place of the first JSON syntax error as `line L, column C` (both from 1; columns count
 * UTF-16 code units), or `undefined` when the text is valid JSON.
 */
export function jsonErrorLineColumn(text: string): string | undefined {
  const offset = jsonErrorOffset(text);
  if (offset < 0) return undefined;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}
