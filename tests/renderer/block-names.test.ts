import { describe, expect, it } from 'vitest';
import { emptyProject, loadTemplate, type Project } from '../../shared/index.ts';
import { generateCode } from '../../shared/codegen/index.ts';
import { createEditorStore, summaryOf } from '../../renderer/store/index.ts';

function setup(project: Project = loadTemplate('mnist-cnn')) {
  let t = 0;
  const store = createEditorStore(project, { now: () => t });
  return { s: () => store.getState(), tick: (ms = 5000) => (t += ms) };
}

const names = (project: Project) => summaryOf(project.graph).rows.map((r) => r.name);
const CNN = ['input_layer', 'conv_1', 'pool_1', 'conv_2', 'pool_2', 'flatten', 'dropout', 'dense'];

describe('editor store: block names', () => {
  it('renames a block: Summary and code follow; bad names change nothing; undo restores', () => {
    const { s, tick } = setup();
    expect(names(s().project)).toEqual(CNN);
    expect(s().renameNode('conv_1', '')).toEqual({ ok: false, message: 'A block needs a name.' });
    expect(s().renameNode('conv_1', 'dense').ok).toBe(false);
    expect(s().dirty).toBe(false);
    expect(s().renameNode('conv_1', ' features ')).toEqual({ ok: true, name: 'features' });
    expect(s().project.graph.nodes[1]).toMatchObject({ id: 'conv_1', name: 'features' });
    expect(names(s().project)).toEqual(['input_layer', 'features', ...CNN.slice(2)]);
    const code = generateCode(s().project, 'keras');
    expect(code.ok && code.code.code).toContain(
      'layers.Conv2D(32, (3, 3), activation="relu", name="features")',
    );
    tick();
    s().undo();
    expect(names(s().project)).toEqual(CNN);
  });

  it('relabelling keeps every name, the relabelled block’s included', () => {
    const { s } = setup();
    s().setLabel('conv_2', 'Second conv');
    expect(s().project.graph.nodes[3]).toMatchObject({ label: 'Second conv', name: 'conv_2' });
    expect(names(s().project)).toEqual(CNN);
  });

  it('new and pasted blocks never take a name in use', () => {
    const { s } = setup(emptyProject());
    const a = s().addNode('Dense', { x: 0, y: 0 });
    expect(a).toBe('dense_1');
    expect(s().renameNode(a, 'dense_2').ok).toBe(true);
    // dense_2 is a name now: the next Dense is dense_3, named dense_3.
    const b = s().addNode('Dense', { x: 0, y: 100 });
    expect(b).toBe('dense_3');
    s().select([a, b]);
    const pasted = s().duplicateSelection();
    const all = summaryOf(s().project.graph).rows.map((r) => [r.nodeId, r.name]);
    expect(all).toEqual([
      ['dense_1', 'dense_2'],
      ['dense_3', 'dense_3'],
      [pasted[0], 'dense_2_2'],
      [pasted[1], pasted[1]],
    ]);
    expect(pasted).toEqual(['dense_4', 'dense_5']);
  });

  it('trained weights follow a renamed block', () => {
    const project = loadTemplate('mnist-cnn');
    project.weights = {
      format: 'netwright.weights',
      version: 1,
      dtype: 'float32',
      byteOrder: 'little',
      layers: [
        { layer: 'conv_1', tensors: [], data: '' },
        { layer: 'dense', tensors: [], data: '' },
      ],
    };
    const { s } = setup(project);
    s().renameNode('dense', 'classifier');
    expect(
      (s().project.weights as { layers: { layer: string }[] }).layers.map((l) => l.layer),
    ).toEqual(['conv_1', 'classifier']);
  });
});
