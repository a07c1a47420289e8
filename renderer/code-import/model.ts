/**
 * The pure side of importing Python model code in the app (the "Paste code" dialog, Ctrl+V on the
 * canvas, File → Import of a `.py`, the Code panel's edit mode): what a text is, what importing it
 * gives, the input-shape field, and how an import replaces the graph while keeping the blocks'
 * places. No DOM here, so it is unit-tested under Node. The code is parsed, never run.
 */
import type { Project } from '../../shared/graph/project.ts';
import {
  detectFramework,
  guessFramework,
  importPythonSource,
  type SourceDiagnostic,
  type SourceFramework,
  type SourceImportResult,
} from '../../shared/import/python/index.ts';
import { MAX_SOURCE_CHARS, parsePython } from '../../shared/import/python/syntax.ts';

export const FRAMEWORK_NAMES: Record<SourceFramework, string> = {
  keras: 'Keras',
  pytorch: 'PyTorch',
};

/** Python files above this are refused before they are read (the parser's own limit). */
export const MAX_PY_CHARS = MAX_SOURCE_CHARS;

/**
 * Whether pasted text is Python model code (and not a copied block selection or other text): it
 * imports torch or keras / tensorflow, or without imports uses their names (`nn.Linear`,
 * `layers.Dense`): the importer's own detection. A snippet with a syntax error still counts (the
 * dialog then shows the error).
 */
export function looksLikeModelCode(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('{') || text.length > MAX_PY_CHARS) return false;
  const module = parsePython(text);
  return (detectFramework(module) ?? guessFramework(module)) !== undefined;
}

/** The framework a text is written in, when its imports (or, without any, its names) tell. */
export function frameworkOf(text: string): SourceFramework | undefined {
  if (text.length > MAX_PY_CHARS) return undefined;
  const module = parsePython(text);
  return detectFramework(module) ?? guessFramework(module);
}

/**
 * The input-shape field's text → a shape without the batch axis (Keras order), or a message.
 * Accepts `28, 28, 1`, `28x28x1`, `(28, 28, 1)`, `[784]`. Every size a whole number ≥ 1.
 */
export function parseShapeText(
  text: string,
): { ok: true; shape: number[] } | { ok: false; message: string } {
  const inner = text.trim().replace(/^[[(]\s*|\s*[\])]$/g, '');
  if (inner === '') return { ok: false, message: 'Give the input shape, e.g. 28, 28, 1' };
  const parts = inner.split(/\s*[,x×]\s*|\s+/).filter((p) => p !== '');
  const shape: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 1_000_000) {
      return {
        ok: false,
        message: `"${p}" is not a size: use whole numbers from 1, e.g. 28, 28, 1`,
      };
    }
    shape.push(Number(p));
  }
  return { ok: true, shape };
}

/** The known part of a shape as the field's starting text: `[null, null, 1]` → `?, ?, 1`. */
export function shapeFieldText(known: readonly (number | null)[]): string {
  return known.map((d) => (d === null ? '?' : String(d))).join(', ');
}

/** What the dialog shows for a text. */
export type CodePreview =
  | {
      ok: true;
      framework: SourceFramework;
      project: Project;
      blocks: number;
      params: number;
      /** Warnings (read and left out). */
      diagnostics: SourceDiagnostic[];
    }
  | {
      ok: false;
      framework?: SourceFramework;
      diagnostics: SourceDiagnostic[];
      /** The input shape is asked for: the field shows, prefilled with this. */
      askShape?: { message: string; known: (number | null)[] };
      /** The field's own problem (not a number…), shown under it. */
      shapeError?: string;
    };

/** The preview of an import's result. */
export function previewOf(result: SourceImportResult): CodePreview {
  if (result.ok) {
    return {
      ok: true,
      framework: result.framework,
      project: result.project,
      blocks: result.project.graph.nodes.length,
      params: result.ir.totals.total,
      diagnostics: result.diagnostics,
    };
  }
  return {
    ok: false,
    ...(result.framework ? { framework: result.framework } : {}),
    diagnostics: result.diagnostics,
    ...(result.needsInputShape
      ? {
          askShape: {
            message: result.needsInputShape.message,
            known: result.needsInputShape.known,
          },
        }
      : {}),
  };
}

/**
 * Imports `text` for the dialog: with the shape field's text when the user has filled it (a field
 * that does not read as a shape is reported on the field, and the import runs without it).
 */
export function previewCode(text: string, shapeText: string | null, name?: string): CodePreview {
  if (text.trim() === '') {
    return {
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          message: 'Paste or type a Keras or PyTorch model',
          line: 1,
          column: 1,
          from: 0,
          to: 0,
        },
      ],
    };
  }
  // The prefilled `?, ?, 1` is a question still open, not a mistake in the field.
  const open = shapeText === null || shapeText.trim() === '' || shapeText.includes('?');
  const shape = open ? null : parseShapeText(shapeText);
  const options = {
    ...(shape?.ok ? { inputShape: shape.shape } : {}),
    ...(name ? { name } : {}),
  };
  if (shape?.ok) {
    // A shape of the wrong rank (or sizes the code contradicts) is the field's problem.
    const bare = previewOf(importPythonSource(text, name ? { name } : {}));
    if (!bare.ok && bare.askShape) {
      const misfit = shapeMisfit(bare.askShape.known, shape.shape);
      if (misfit) return { ...bare, shapeError: misfit };
    }
  }
  const preview = previewOf(importPythonSource(text, options));
  if (shape && !shape.ok && !preview.ok) return { ...preview, shapeError: shape.message };
  return preview;
}

/**
 * Why a given shape does not fit what the code fixes (`known`, from `needsInputShape`), or ''.
 * A lone unknown axis (`[null]`: the code fixes nothing) takes any rank.
 */
export function shapeMisfit(known: readonly (number | null)[], shape: readonly number[]): string {
  if (known.length === 0 || (known.length === 1 && known[0] === null)) return '';
  const axes = `${known.length} ${known.length === 1 ? 'axis' : 'axes'}`;
  if (shape.length !== known.length)
    return `The code's input has ${axes} (${shapeFieldText(known)}): give ${known.length} size${known.length === 1 ? '' : 's'}, not ${shape.length}.`;
  const i = known.findIndex((k, j) => k !== null && k !== shape[j]);
  if (i >= 0)
    return `The code fixes size ${i + 1} as ${known[i]} (${shapeFieldText(known)}), not ${shape[i]}.`;
  return '';
}

/** `4 blocks · 109,386 parameters`. */
export function previewSummary(blocks: number, params: number): string {
  return `${blocks} block${blocks === 1 ? '' : 's'} · ${params.toLocaleString('en-US')} parameter${params === 1 ? '' : 's'}`;
}

/**
 * The project that an import from the Code panel's editor makes of the open one: the imported
 * graph, with each block that keeps its id (the Python name) kept where it was on the canvas; the
 * open project's name, dataset and other settings stay. Training settings come from the code only
 * when the code has them (`codeHasTraining`: the generated scripts carry them with "Training run").
 */
export function mergeImport(
  current: Project,
  imported: Project,
  codeHasTraining: boolean,
): Project {
  const places = new Map(current.graph.nodes.map((n) => [n.id, n.position]));
  const nodes = imported.graph.nodes.map((n) => {
    const at = places.get(n.id);
    return at ? { ...n, position: at } : n;
  });
  return {
    ...current,
    graph: { ...imported.graph, nodes },
    training: codeHasTraining ? imported.training : current.training,
  };
}

/** A span's offsets clamped into a text of `length` (the text may have changed since). */
export function clampSpan(
  d: { from: number; to: number },
  length: number,
): { from: number; to: number } {
  const from = Math.max(0, Math.min(d.from, length));
  const to = Math.max(from, Math.min(d.to, length));
  return { from, to };
}

/** `Line 3, column 5: message` — how the lists show a diagnostic. */
export function diagnosticText(d: SourceDiagnostic): string {
  return `Line ${d.line}, column ${d.column}: ${d.message}`;
}

/**
 * File → Import with a `.py` among the picked files: its text for the "Paste code" dialog, named
 * after the file; null when no `.py` was picked (a model file import). A `.py` must be picked
 * alone, be UTF-8 and at most `MAX_PY_CHARS` long.
 */
export function pythonScriptOf(
  files: readonly { name: string; bytes: Uint8Array }[],
): { ok: true; text: string; name: string } | { ok: false; error: string } | null {
  const scripts = files.filter((f) => f.name.toLowerCase().endsWith('.py'));
  if (scripts.length === 0) return null;
  const shown = (name: string) => `"${name.length > 80 ? `${name.slice(0, 80)}…` : name}"`;
  if (files.length > 1) {
    return {
      ok: false,
      error: `Pick one Python file on its own (picked ${files.map((f) => shown(f.name)).join(', ')}).`,
    };
  }
  const file = scripts[0]!;
  if (file.bytes.byteLength > MAX_PY_CHARS * 4) {
    return { ok: false, error: `${shown(file.name)} is too large for model code.` };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file.bytes);
  } catch {
    return { ok: false, error: `${shown(file.name)} is not UTF-8 text.` };
  }
  if (text.length > MAX_PY_CHARS) {
    return {
      ok: false,
      error: `${shown(file.name)} has ${text.length.toLocaleString('en-US')} characters; model code is limited to ${MAX_PY_CHARS.toLocaleString('en-US')}.`,
    };
  }
  return { ok: true, text, name: file.name.slice(0, -3) || 'model' };
}
