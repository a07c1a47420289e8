/**
 * The status-bar line for an export the exporter refused: the one diagnostic, or how many there
 * are and the first; an empty canvas (no diagnostics at all) says so, as `netwright export` does.
 */
export function exportRefusal(label: string, diagnostics: string[], empty: boolean): string {
  const n = diagnostics.length;
  if (n === 0)
    return empty
      ? `Cannot export ${label}: the graph is empty, so there is no model to export; add an Input block and layers`
      : `Cannot export ${label}: the graph needs one Input and one output`;
  if (n === 1) return `Cannot export ${label}: ${diagnostics[0]}`;
  return `Cannot export ${label}: fix ${n} problems first (${diagnostics[0]})`;
}
