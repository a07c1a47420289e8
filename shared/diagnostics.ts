/**
 * Problems found in a graph, each with a stable code so that the UI can badge the node and tests
 * can assert the code. Errors block compiling; warnings and hints do not.
 */
export type Severity = 'error' | 'warning' | 'hint';

export const DIAGNOSTIC_CODES = {
  E001: 'cycle',
  E002: 'shape mismatch',
  E003: 'wrong input rank',
  E004: 'not reachable from an Input',
  E005: 'no Input block',
  E006: 'input not connected',
  E007: 'too many inputs',
  E008: 'invalid parameter',
  E009: 'unknown layer type',
  E010: 'edge to a missing block',
  E011: 'output size not positive',
  E012: 'more than one output',
  E013: 'more than one Input',
  E014: 'duplicate id',
  E015: 'too few inputs',
  E016: 'invalid lesson section',
  E017: 'model too big',
} as const;

/**
 * Warnings that `analyzeGraph` reports (the teaching lints use W101–W108 in `shared/lint`).
 * W109: a block's params hold a key its layer kind does not define; the value is kept (a later
 * version may read it) but no back-end uses it.
 */
export const WARNING_CODES = {
  W109: 'unknown parameter',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export interface Diagnostic {
  code: DiagnosticCode | `W${number}` | `H${number}`;
  severity: Severity;
  /** The block the problem belongs to; absent for whole-graph problems such as E005. */
  nodeId?: string;
  /**
   * Every block the problem belongs to, when it is one problem of several blocks (E012: the
   * model's outputs); `nodeId` is then the first of them. The UI badges each one.
   */
  nodeIds?: string[];
  /** The edge, where the problem is a wire. */
  edgeId?: string;
  /** The parameter, where the problem is one field. */
  param?: string;
  message: string;
}

export function error(
  code: DiagnosticCode,
  message: string,
  where: Pick<Diagnostic, 'nodeId' | 'nodeIds' | 'edgeId' | 'param'> = {},
): Diagnostic {
  return { code, severity: 'error', message, ...where };
}

/** A warning diagnostic: shown with its block, never blocks compiling. */
export function warning(
  code: `W${number}`,
  message: string,
  where: Pick<Diagnostic, 'nodeId' | 'edgeId' | 'param'> = {},
): Diagnostic {
  return { code, severity: 'warning', message, ...where };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/**
 * Text from a project file made safe for one terminal line: control characters (newlines,
 * escape sequences) and bidirectional overrides become a visible `?`.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '?');
}

/** The blocks a diagnostic belongs to: `nodeIds`, else `nodeId`, else none. */
export function diagnosticNodeIds(d: Pick<Diagnostic, 'nodeId' | 'nodeIds'>): string[] {
  return d.nodeIds && d.nodeIds.length > 0 ? d.nodeIds : d.nodeId ? [d.nodeId] : [];
}

/**
 * One line per diagnostic: `E002 [node add_1] Add inputs differ: ...`; one of several blocks:
 * `E012 [nodes a, b] ...`.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const ids = diagnosticNodeIds(d);
  const where =
    ids.length > 1
      ? ` [nodes ${ids.join(', ')}]`
      : ids.length === 1
        ? ` [node ${ids[0]}]`
        : d.edgeId
          ? ` [edge ${d.edgeId}]`
          : '';
  return printable(`${d.code}${where} ${d.message}`);
}
