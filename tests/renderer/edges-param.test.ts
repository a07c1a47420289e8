// The inspector edits ZeroPadding2D `padding` / Cropping2D `cropping` as one text field holding
// the four numbers ((top, bottom), (left, right)); Keras's shorter forms are accepted there too
// (keras.io ZeroPadding2D: an int, (sym_h, sym_w), or ((top, bottom), (left, right))).
import { describe, expect, it } from 'vitest';
import { emptyProject, formatParamValue } from '../../shared/index.ts';
import { createEditorStore } from '../../renderer/store/index.ts';

describe('inspector: edges params', () => {
  it('shows the nested pairs and reads back every Keras form, normalised to the nested one', () => {
    const store = createEditorStore(emptyProject());
    const s = store.getState();
    const pad = s.addNode('ZeroPadding2D', { x: 0, y: 0 });
    const params = () => store.getState().project.graph.nodes.find((n) => n.id === pad)!.params;
    expect(params()).toEqual({
      padding: [
        [1, 1],
        [1, 1],
      ],
    });
    // What the field shows for the default, and what it reads back from that text.
    expect(formatParamValue(params().padding)).toBe('(1, 1), (1, 1)');
    const cases: [string, number[][]][] = [
      [
        '(2, 0), (1, 3)',
        [
          [2, 0],
          [1, 3],
        ],
      ],
      [
        '2',
        [
          [2, 2],
          [2, 2],
        ],
      ],
      [
        '1, 0',
        [
          [1, 1],
          [0, 0],
        ],
      ],
      [
        '0 1 2 3',
        [
          [0, 1],
          [2, 3],
        ],
      ],
    ];
    for (const [text, want] of cases) {
      expect(store.getState().updateParam(pad, 'padding', text)).toEqual({ ok: true, value: want });
      expect(params().padding).toEqual(want);
    }
    expect(formatParamValue(params().padding)).toBe('(0, 1), (2, 3)');
  });

  it('refuses three numbers and negative sizes with the field label, keeping the value', () => {
    const store = createEditorStore(emptyProject());
    const crop = store.getState().addNode('Cropping2D', { x: 0, y: 0 });
    expect(store.getState().updateParam(crop, 'cropping', '1, 2, 3')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Cropping must be one number, \(height, width\)/),
    });
    expect(store.getState().updateParam(crop, 'cropping', '(0, -1), (0, 0)')).toEqual({
      ok: false,
      message: 'Cropping must be at least 0',
    });
    expect(store.getState().project.graph.nodes[0]!.params.cropping).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });
});
