/**
 * The Code panel's pure side: what to show for a project (both scripts or the diagnostics), the
 * lines that belong to a block, and the smallest edit from one version of a script to the next.
 * No DOM here, so it is unit-tested under Node.
 */
import { generateKeras, generatePytorch, lossPlan } from '../../../shared/codegen/index.ts';
import type { GeneratedCode } from '../../../shared/codegen/index.ts';
import type { Diagnostic } from '../../../shared/diagnostics.ts';
import type { Project } from '../../../shared/graph/project.ts';
import { lowerGraph } from '../../../shared/ir/lower.ts';

export type Framework = 'keras' | 'pytorch';

export const FRAMEWORKS: readonly Framework[] = ['keras', 'pytorch'];

export const FRAMEWORK_TITLES: Record<Framework, string> = {
  keras: 'Keras',
  pytorch: 'PyTorch',
};

/** What the user picks in the panel; passed to both generators. */
export interface CodeOptions {
  includeTraining: boolean;
  distributed: boolean;
  tensorboard: boolean;
  /** PyTorch only: a `nn.Module` class or `nn.Sequential` (chains only). */
  style: 'module' | 'sequential';
}

export const DEFAULT_CODE_OPTIONS: CodeOptions = {
  includeTraining: true,
  distributed: false,
  tensorboard: false,
  style: 'module',
};

export type CodeView =
  | {
      ok: true;
      keras: GeneratedCode;
      pytorch: GeneratedCode;
      /** Whether the graph is a single chain (PyTorch's Sequential style applies). */
      isChain: boolean;
      /**
       * The output activation that the PyTorch model leaves to its loss (`softmax` before
       * `nn.CrossEntropyLoss`, `sigmoid` before `nn.BCEWithLogitsLoss`); null when none.
       */
      logitsActivation: string | null;
    }
  | { ok: false; diagnostics: Diagnostic[] };

/** Lowers the graph once and generates both scripts; the diagnostics when it is not valid. */
export function buildCodeView(project: Project, options: CodeOptions): CodeView {
  const lowered = lowerGraph(project.graph);
  if (!lowered.ok) return { ok: false, diagnostics: lowered.diagnostics };
  const source = { name: project.name, ir: lowered.ir, training: project.training };
  const common = {
    includeTraining: options.includeTraining,
    distributed: options.distributed,
    tensorboard: options.tensorboard,
  };
  return {
    ok: true,
    keras: generateKeras(source, common),
    pytorch: generatePytorch(source, { ...common, style: options.style }),
    isChain: lowered.ir.isChain,
    logitsActivation: lossPlan(lowered.ir, project.training.loss).logitsActivation ?? null,
  };
}

/** The note shown above the PyTorch code when its model returns logits; null when it does not. */
export function logitsHint(activation: string | null): string | null {
  if (activation === 'softmax') {
    return 'No softmax in forward(): nn.CrossEntropyLoss applies it to the logits, and a second one would be the double-softmax bug. predict_proba() gives probabilities.';
  }
  if (activation === 'sigmoid') {
    return 'No sigmoid in forward(): nn.BCEWithLogitsLoss applies it to the logits, more stably. predict_proba() gives probabilities.';
  }
  return null;
}

/** An inclusive range of 1-based line numbers. */
export interface LineRange {
  from: number;
  to: number;
}

/** The runs of consecutive lines owned by any of `ids`, in order (1-based, inclusive). */
export function ownedLineRanges(
  lineOwners: readonly (string | null)[],
  ids: ReadonlySet<string> | readonly string[],
): LineRange[] {
  const wanted = ids instanceof Set ? ids : new Set(ids as readonly string[]);
  const ranges: LineRange[] = [];
  if (wanted.size === 0) return ranges;
  lineOwners.forEach((owner, i) => {
    if (owner === null || !wanted.has(owner)) return;
    const line = i + 1;
    const last = ranges.at(-1);
    if (last && last.to === line - 1) last.to = line;
    else ranges.push({ from: line, to: line });
  });
  return ranges;
}

/** The block that produced a 1-based line, or null (imports, training loop, blank lines). */
export function ownerAtLine(lineOwners: readonly (string | null)[], line: number): string | null {
  return lineOwners[line - 1] ?? null;
}

/** A single replacement that turns `before` into `after`: common prefix and suffix kept. */
export interface TextChange {
  from: number;
  to: number;
  insert: string;
}

export function minimalChange(before: string, after: string): TextChange | null {
  if (before === after) return null;
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (
    end < max - start &&
    before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)
  ) {
    end++;
  }
  return {
    from: start,
    to: before.length - end,
    insert: after.slice(start, after.length - end),
  };
}

/** `12 lines` / `1 line`. */
export function lineCount(code: string): string {
  const n = code === '' ? 0 : code.split('\n').length - (code.endsWith('\n') ? 1 : 0);
  return `${n} line${n === 1 ? '' : 's'}`;
}

/**
 * Whether two versions of a project generate the same code: the same name, training settings,
 * wires, and blocks with the same ids, types, params, labels and names in the same order. Moving a block
 * changes only its position, so dragging does not regenerate the scripts.
 */
export function sameCodeInput(a: Project, b: Project): boolean {
  if (a === b) return true;
  if (a.name !== b.name || a.training !== b.training || a.graph.edges !== b.graph.edges) {
    return false;
  }
  const x = a.graph.nodes;
  const y = b.graph.nodes;
  if (x === y) return true;
  if (x.length !== y.length) return false;
  return x.every((n, i) => {
    const m = y[i]!;
    return (
      n === m ||
      (n.id === m.id &&
        n.type === m.type &&
        n.params === m.params &&
        n.label === m.label &&
        n.name === m.name)
    );
  });
}
