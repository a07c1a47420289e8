/**
 * Building blocks for generated Python: an indentation-aware line writer and the only ways text
 * from a project file (labels, project names) may enter generated code: as a string literal
 * (`pyString`), inside a comment or docstring (`pyCommentText`, `pyDocText`), or as an
 * identifier made by `shared/ir/names.ts`.
 */

/** Characters escaped everywhere: controls, format characters (bidi overrides), separators. */
const UNSAFE_CHAR = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}]/gu;

/** Replaces lone UTF-16 surrogates (which no Python source file can hold) with U+FFFD. */
function wellFormed(text: string): string {
  return text.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
}

function escapeChar(ch: string): string {
  switch (ch) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
  }
  const code = ch.codePointAt(0)!;
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}

/** The body of a double-quoted Python string (no quotes around it). */
function stringBody(text: string): string {
  return wellFormed(text)
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(UNSAFE_CHAR, escapeChar);
}

/**
 * A Python string literal for any text, like `repr()` but always double-quoted: backslashes,
 * quotes, newlines, control and invisible format characters are escaped; printable Unicode stays
 * readable.
 */
export function pyString(text: string): string {
  return `"${stringBody(text)}"`;
}

/**
 * Text that is safe after `# `: one line whatever the input (newlines and every other line or
 * format control are shown escaped), so nothing can leave the comment.
 */
export function pyCommentText(text: string): string {
  return wellFormed(text).replace(UNSAFE_CHAR, escapeChar);
}

/** Text that is safe inside a `"""docstring"""`: one line, no quote or backslash can end it. */
export function pyDocText(text: string): string {
  return stringBody(text);
}

/** A Python literal for a number (finite only: parameters are validated). */
export function pyNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`Cannot write ${n} as a Python number`);
  return String(n);
}

/** A Python float literal: `0.001`, `1.0`, `1e-07`. */
export function pyFloat(n: number): string {
  const s = pyNumber(n);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** A Python tuple of numbers: `(784,)`, `(3, 3)`. */
export function pyTuple(values: readonly number[]): string {
  return values.length === 1
    ? `(${pyNumber(values[0]!)},)`
    : `(${values.map(pyNumber).join(', ')})`;
}

/** A Python literal for a JSON-like value (numbers, strings, booleans, null, lists as tuples). */
export function pyLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) {
    const items = value.map(pyLiteral);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  throw new Error(`Cannot write ${typeof value} as a Python literal`);
}

/**
 * Collects lines of Python with the current indentation (4 spaces per level). Each line may name
 * the op it belongs to, so that an editor can map blocks to lines and back.
 */
export class PyWriter {
  private readonly lines: string[] = [];
  private readonly owners: (string | null)[] = [];
  private depth = 0;

  /** Adds one line (no newline allowed inside). An empty text adds an empty line. */
  line(text = '', owner: string | null = null): this {
    if (/[\r\n]/.test(text)) throw new Error('PyWriter.line: text must be a single line');
    this.lines.push(text === '' ? '' : '    '.repeat(this.depth) + text);
    this.owners.push(owner);
    return this;
  }

  /** `# comment` lines, wrapped at 99 columns; the text is made comment-safe. */
  comment(text: string, owner: string | null = null): this {
    const width = Math.max(40, 97 - 4 * this.depth);
    let current = '';
    for (const word of pyCommentText(text).split(' ')) {
      if (current !== '' && current.length + 1 + word.length > width) {
        this.line(`# ${current}`, owner);
        current = word;
      } else {
        current = current === '' ? word : `${current} ${word}`;
      }
    }
    return this.line(`# ${current}`.trimEnd(), owner);
  }

  /** An empty line, unless the last line is already empty (or there is none). */
  blank(count = 1): this {
    let trailing = 0;
    for (let i = this.lines.length - 1; i >= 0 && this.lines[i] === ''; i--) trailing++;
    if (this.lines.length === 0) return this;
    for (let i = trailing; i < count; i++) this.line();
    return this;
  }

  /** Writes `header` then `body` one level deeper: `def f():`, `with x:`, `if c:`. */
  block(header: string, body: () => void, owner: string | null = null): this {
    this.line(header, owner);
    this.depth++;
    try {
      body();
    } finally {
      this.depth--;
    }
    return this;
  }

  /** Writes `body` one level deeper without a header (items of a multi-line call). */
  indent(body: () => void): this {
    this.depth++;
    try {
      body();
    } finally {
      this.depth--;
    }
    return this;
  }

  /** The op id owning each line (index 0 = line 1). */
  lineOwners(): (string | null)[] {
    return [...this.owners];
  }

  toString(): string {
    const end = this.lines.length - [...this.lines].reverse().findIndex((l) => l !== '');
    return `${this.lines.slice(0, end).join('\n')}\n`;
  }
}
