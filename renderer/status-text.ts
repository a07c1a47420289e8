/**
 * The status bar's verdict on the model: an empty canvas is not a valid model (issue 13.6), so
 * it says "Empty canvas" (neutral), else the number of errors or "Model is valid".
 */
export function modelStatus(
  blocks: number,
  errors: number,
): { text: string; kind: 'ok' | 'error' | 'empty' } {
  if (blocks === 0) return { text: 'Empty canvas', kind: 'empty' };
  if (errors > 0)
    return { text: `${errors} ${errors === 1 ? 'problem' : 'problems'}`, kind: 'error' };
  return { text: 'Model is valid', kind: 'ok' };
}
