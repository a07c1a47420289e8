/** The status bar's verdict (issue 13.6: an empty canvas is not "valid"). */
import { describe, expect, it } from 'vitest';
import { modelStatus } from '../../renderer/status-text.ts';

describe('modelStatus', () => {
  it('an empty canvas is not "Model is valid"', () => {
    expect(modelStatus(0, 0)).toEqual({ text: 'Empty canvas', kind: 'empty' });
  });
  it('counts errors, one or many, and calls an error-free graph valid', () => {
    expect(modelStatus(3, 1)).toEqual({ text: '1 problem', kind: 'error' });
    expect(modelStatus(3, 2)).toEqual({ text: '2 problems', kind: 'error' });
    expect(modelStatus(4, 0)).toEqual({ text: 'Model is valid', kind: 'ok' });
  });
});
