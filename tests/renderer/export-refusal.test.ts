/** The status-bar line for a refused export in the app (issue 14: an empty graph says why). */
import { describe, expect, it } from 'vitest';
import { exportRefusal } from '../../renderer/export/refusal.ts';

describe('exportRefusal', () => {
  it('an empty canvas says the graph is empty, never "fix 0 problems"', () => {
    const line = exportRefusal('ONNX (model.onnx)', [], true);
    expect(line).toBe(
      'Cannot export ONNX (model.onnx): the graph is empty, so there is no model to export; add an Input block and layers',
    );
    expect(line).not.toMatch(/fix 0/);
  });

  it('no diagnostics on a non-empty graph names what is missing', () => {
    expect(exportRefusal('ONNX (model.onnx)', [], false)).toBe(
      'Cannot export ONNX (model.onnx): the graph needs one Input and one output',
    );
  });

  it('one diagnostic is shown as is; several are counted with the first', () => {
    expect(exportRefusal('X', ['E001 a'], false)).toBe('Cannot export X: E001 a');
    expect(exportRefusal('X', ['E001 a', 'E002 b'], false)).toBe(
      'Cannot export X: fix 2 problems first (E001 a)',
    );
  });
});
