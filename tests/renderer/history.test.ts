import { describe, expect, it } from 'vitest';
import { emptyProject, loadTemplate } from '../../shared/index.ts';
import { createEditorStore, type EditorStore } from '../../renderer/store/index.ts';

/** A store with a controllable clock for the typing coalescing window. */
function setup(project = emptyProject(), limit?: number) {
  let t = 0;
  const store = createEditorStore(project, { now: () => t, ...(limit ? { limit } : {}) });
  const tick = (ms = 5000) => (t += ms);
  return { store, s: () => store.getState(), tick };
}

const graphOf = (store: EditorStore) => store.getState().project.graph;

describe('undo / redo at the store level', () => {
  it('starts empty: nothing to undo after opening', () => {
    const { s } = setup(loadTemplate('mnist-mlp'));
    expect(s().canUndo).toBe(false);
    expect(s().canRedo).toBe(false);
    s().undo();
    expect(s().project.graph.nodes).toHaveLength(4);
  });

  it('undoes and redoes each kind of edit', () => {
    const { store, s, tick } = setup();
    const states: unknown[] = [structuredClone(graphOf(store))];
    const step = (fn: () => void) => {
      fn();
      tick();
      states.push(structuredClone(graphOf(store)));
    };
    let input = '';
    let dense = '';
    step(() => (input = s().addNode('Input', { x: 0, y: 0 })));
    step(() => (dense = s().addNode('Dense', { x: 0, y: 120 })));
    step(() => void s().connect(input, dense));
    step(() => void s().updateParam(dense, 'units', '64'));
    step(() => s().setLabel(dense, 'hidden'));
    step(() => s().moveNode(dense, { x: 50, y: 200 }));
    step(() => s().applyLayout({ [input]: { x: 0, y: -40 }, [dense]: { x: 0, y: 300 } }));
    step(() => s().duplicateSelection());
    step(() => s().removeElements([dense]));
    step(() => s().newFromTemplate('mnist-mlp'));

    const n = states.length - 1;
    for (let i = n; i > 0; i--) {
      expect(s().canUndo).toBe(true);
      s().undo();
      expect(graphOf(store)).toEqual(states[i - 1]);
    }
    expect(s().canUndo).toBe(false);
    for (let i = 1; i <= n; i++) {
      expect(s().canRedo).toBe(true);
      s().redo();
      expect(graphOf(store)).toEqual(states[i]);
    }
    expect(s().canRedo).toBe(false);
  });

  it('makes one entry per drag however many moves it has', () => {
    const { store, s } = setup(loadTemplate('mnist-mlp'));
    const before = structuredClone(graphOf(store));
    s().beginGesture();
    for (let i = 1; i <= 30; i++) s().moveNodes([{ id: 'dense_1', position: { x: i, y: i * 2 } }]);
    s().endGesture();
    expect(graphOf(store).nodes.find((n) => n.id === 'dense_1')!.position).toEqual({
      x: 30,
      y: 60,
    });
    s().undo();
    expect(graphOf(store)).toEqual(before);
    expect(s().canUndo).toBe(false);
    // Two drags: two entries.
    s().redo();
    s().beginGesture();
    s().moveNode('dense_1', { x: 500, y: 500 });
    s().endGesture();
    s().beginGesture();
    s().moveNode('dense_1', { x: 600, y: 600 });
    s().endGesture();
    s().undo();
    expect(graphOf(store).nodes.find((n) => n.id === 'dense_1')!.position).toEqual({
      x: 500,
      y: 500,
    });
  });

  it('merges typing in one field, not across fields or after a pause', () => {
    const { s, tick } = setup(loadTemplate('mnist-mlp'));
    s().updateParam('dense_1', 'units', '1');
    tick(200);
    s().updateParam('dense_1', 'units', '12');
    tick(200);
    s().updateParam('dense_1', 'units', '120');
    tick(200);
    s().setLabel('dense_1', 'a');
    tick(200);
    s().setLabel('dense_1', 'ab');
    tick(5000);
    s().updateParam('dense_1', 'units', '7');
    const units = () => s().project.graph.nodes.find((n) => n.id === 'dense_1')!.params.units;
    const label = () => s().project.graph.nodes.find((n) => n.id === 'dense_1')!.label;
    s().undo();
    expect(units()).toBe(120);
    s().undo();
    expect(label()).toBeUndefined();
    expect(units()).toBe(120);
    s().undo();
    expect(units()).toBe(128);
    expect(s().canUndo).toBe(false);
  });

  it('clears redo on a new edit', () => {
    const { s } = setup();
    s().addNode('Input', { x: 0, y: 0 });
    s().addNode('Dense', { x: 0, y: 100 });
    s().undo();
    expect(s().canRedo).toBe(true);
    s().addNode('Flatten', { x: 0, y: 100 });
    expect(s().canRedo).toBe(false);
    s().redo();
    expect(s().project.graph.nodes.map((n) => n.type)).toEqual(['Input', 'Flatten']);
  });

  it('keeps a bounded number of entries, dropping the oldest', () => {
    const { s, tick } = setup(emptyProject(), 5);
    for (let i = 0; i < 8; i++) {
      s().addNode('Dense', { x: 0, y: i * 100 });
      tick();
    }
    let undos = 0;
    while (s().canUndo) {
      s().undo();
      undos++;
    }
    expect(undos).toBe(5);
    expect(s().project.graph.nodes).toHaveLength(3);
  });

  it('knows the saved state: undo back to it is clean, away from it dirty', () => {
    const { s } = setup();
    s().addNode('Input', { x: 0, y: 0 });
    s().markSaved('/tmp/a.netwright');
    expect(s().dirty).toBe(false);
    s().addNode('Dense', { x: 0, y: 100 });
    expect(s().dirty).toBe(true);
    s().undo();
    expect(s().dirty).toBe(false);
    s().undo();
    expect(s().dirty).toBe(true);
  });

  it('opening a file starts a fresh history; a template load is undoable', () => {
    const { s } = setup();
    s().addNode('Input', { x: 0, y: 0 });
    s().newFromTemplate('mnist-mlp');
    expect(s().canUndo).toBe(true);
    s().undo();
    expect(s().project.graph.nodes.map((n) => n.type)).toEqual(['Input']);
    s().loadProject(loadTemplate('mnist-mlp'), '/p/file.netwright');
    expect(s().canUndo).toBe(false);
    expect(s().canRedo).toBe(false);
  });

  it('drops the selection of blocks that an undo removes', () => {
    const { s } = setup();
    const id = s().addNode('Dense', { x: 0, y: 0 });
    expect(s().selectedNodeIds).toEqual([id]);
    s().undo();
    expect(s().selectedNodeIds).toEqual([]);
  });

  it('records changes made with setState from outside the slices too', () => {
    const { store, s } = setup();
    const p = s().project;
    store.setState({ project: { ...p, name: 'Renamed' }, dirty: true });
    s().undo();
    expect(s().project.name).toBe('Untitled');
  });
});
