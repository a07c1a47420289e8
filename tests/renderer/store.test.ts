import { describe, expect, it } from 'vitest';
import { emptyProject, loadTemplate } from '../../shared/index.ts';
import {
  analysisOf,
  createEditorStore,
  diagnosticsByNode,
  summaryOf,
} from '../../renderer/store/index.ts';

const fresh = () => createEditorStore(emptyProject());

describe('editor store: graph slice', () => {
  it('opens a template and derives its analysis', () => {
    const store = createEditorStore(loadTemplate('mnist-mlp'));
    const { project } = store.getState();
    expect(project.graph.nodes).toHaveLength(4);
    expect(summaryOf(project.graph).total).toBe(109_386);
    expect(store.getState().dirty).toBe(false);
  });

  it('adds blocks with default params, unique ids, and selects the new one', () => {
    const store = fresh();
    const a = store.getState().addNode('Dense', { x: 10, y: 20 });
    const b = store.getState().addNode('Dense', { x: 0, y: 0 });
    expect(a).toBe('dense_1');
    expect(b).toBe('dense_2');
    const node = store.getState().project.graph.nodes[0]!;
    expect(node.params).toEqual({ units: 32, activation: 'linear', use_bias: true });
    expect(node.position).toEqual({ x: 10, y: 20 });
    expect(store.getState().selectedNodeIds).toEqual([b]);
    expect(store.getState().dirty).toBe(true);
    expect(() => store.getState().addNode('Nope', { x: 0, y: 0 })).toThrow(/Unknown/);
  });

  it('E012 is one diagnostic that badges every output block', () => {
    const store = fresh();
    const s = store.getState();
    const input = s.addNode('Input', { x: 0, y: 0 });
    const a = s.addNode('Dense', { x: 0, y: 100 });
    const b = s.addNode('Dense', { x: 200, y: 100 });
    s.connect(input, a);
    s.connect(input, b);
    const graph = store.getState().project.graph;
    expect(analysisOf(graph).diagnostics.filter((d) => d.code === 'E012')).toHaveLength(1);
    const byNode = diagnosticsByNode(graph);
    expect(byNode.get(a)!.map((d) => d.code)).toEqual(['E012']);
    expect(byNode.get(b)!.map((d) => d.code)).toEqual(['E012']);
    expect(byNode.get(input)).toBeUndefined();
  });

  it('wires blocks and the edge carries the source shape', () => {
    const store = fresh();
    const s = store.getState();
    const input = s.addNode('Input', { x: 0, y: 0 });
    const dense = s.addNode('Dense', { x: 0, y: 100 });
    const result = s.connect(input, dense);
    expect(result.ok).toBe(true);
    const graph = store.getState().project.graph;
    expect(graph.edges).toEqual([{ id: `e-${input}-${dense}`, source: input, target: dense }]);
    const analysis = analysisOf(graph);
    expect(analysis.edgeShapes.get(graph.edges[0]!.id)).toEqual([784]);
    expect(summaryOf(graph).total).toBe(784 * 32 + 32);
  });

  it('refuses a second wire into a single-input block, wires into Input, duplicates and cycles', () => {
    const store = fresh();
    const s = store.getState();
    const input = s.addNode('Input', { x: 0, y: 0 });
    const a = s.addNode('Dense', { x: 0, y: 0 });
    const b = s.addNode('Dense', { x: 0, y: 0 });
    const c = s.addNode('Dense', { x: 0, y: 0 });
    expect(s.connect(input, a).ok).toBe(true);
    expect(s.connect(a, b).ok).toBe(true);
    expect(s.connect(b, c).ok).toBe(true);
    const second = s.connect(input, b);
    expect(second).toEqual({ ok: false, reason: expect.stringMatching(/one input/) });
    expect(s.connect(a, input)).toEqual({ ok: false, reason: expect.stringMatching(/no inputs/) });
    expect(s.connect(a, a).ok).toBe(false);
    const cycle = createEditorStore(emptyProject());
    const t = cycle.getState();
    const x = t.addNode('Dense', { x: 0, y: 0 });
    const y = t.addNode('Dense', { x: 0, y: 0 });
    const add = t.addNode('Add', { x: 0, y: 0 });
    expect(t.connect(x, y).ok).toBe(true);
    expect(t.connect(y, add).ok).toBe(true);
    expect(t.connect(add, x)).toEqual({ ok: false, reason: expect.stringMatching(/cycle/) });
    expect(t.connect(y, add)).toEqual({ ok: false, reason: expect.stringMatching(/already/) });
    expect(store.getState().project.graph.edges).toHaveLength(3);
  });

  it('numbers merge inputs in wiring order and renumbers them after a removal', () => {
    const store = fresh();
    const s = store.getState();
    const input = s.addNode('Input', { x: 0, y: 0 });
    const a = s.addNode('Dense', { x: 0, y: 0 });
    const b = s.addNode('Dense', { x: 0, y: 0 });
    const c = s.addNode('Dense', { x: 0, y: 0 });
    const cat = s.addNode('Concatenate', { x: 0, y: 0 });
    for (const d of [a, b, c]) s.connect(input, d);
    for (const d of [b, a, c]) s.connect(d, cat);
    const handles = () =>
      store
        .getState()
        .project.graph.edges.filter((e) => e.target === cat)
        .map((e) => [e.source, e.targetHandle]);
    expect(handles()).toEqual([
      [b, '0'],
      [a, '1'],
      [c, '2'],
    ]);
    s.removeElements([], [`e-${b}-${cat}`]);
    expect(handles()).toEqual([
      [a, '0'],
      [c, '1'],
    ]);
    // Single-input targets carry no handle.
    expect(store.getState().project.graph.edges.find((e) => e.target === a)?.targetHandle).toBe(
      undefined,
    );
  });

  it('removes blocks with their wires and drops them from the selection', () => {
    const store = createEditorStore(loadTemplate('mnist-mlp'));
    store.getState().select(['dense_2', 'dense_3'], ['e-input-dense_1']);
    store.getState().removeElements(['dense_2']);
    const graph = store.getState().project.graph;
    expect(graph.nodes.map((n) => n.id)).toEqual(['input', 'dense_1', 'dense_3']);
    expect(graph.edges.map((e) => e.id)).toEqual(['e-input-dense_1']);
    expect(store.getState().selectedNodeIds).toEqual(['dense_3']);
    store.getState().removeElements([], ['e-input-dense_1']);
    expect(store.getState().project.graph.edges).toEqual([]);
    expect(store.getState().selectedEdgeIds).toEqual([]);
  });

  it('validates params: bad values are refused with a message, good ones applied', () => {
    const store = createEditorStore(loadTemplate('mnist-mlp'));
    const s = store.getState();
    expect(s.updateParam('dense_1', 'units', '0')).toEqual({
      ok: false,
      message: 'Units must be at least 1',
    });
    expect(s.updateParam('dense_1', 'units', 'abc')).toEqual({
      ok: false,
      message: 'Units must be a whole number',
    });
    expect(store.getState().project.graph.nodes[1]!.params.units).toBe(128);
    expect(s.updateParam('dense_1', 'units', '256')).toEqual({ ok: true, value: 256 });
    const graph = store.getState().project.graph;
    expect(graph.nodes[1]!.params.units).toBe(256);
    // 784*256+256 + 256*64+64 + 650
    expect(summaryOf(graph).total).toBe(200_960 + 16_448 + 650);
    expect(s.updateParam('dense_1', 'activation', 'tanh').ok).toBe(true);
    expect(s.updateParam('dense_1', 'activation', 'swish').ok).toBe(false);
    expect(s.updateParam('dense_1', 'nope', '1').ok).toBe(false);
    expect(s.updateParam('input', 'shape', '28, 28, 1')).toEqual({ ok: true, value: [28, 28, 1] });
  });

  it('sets and clears labels', () => {
    const store = createEditorStore(loadTemplate('mnist-mlp'));
    store.getState().setLabel('dense_1', 'hidden');
    expect(store.getState().project.graph.nodes[1]!.label).toBe('hidden');
    store.getState().setLabel('dense_1', '  ');
    expect('label' in store.getState().project.graph.nodes[1]!).toBe(false);
  });

  it('moves blocks without re-running analysis, and applies a layout', () => {
    const store = createEditorStore(loadTemplate('mnist-mlp'));
    const before = analysisOf(store.getState().project.graph);
    const untouched = store.getState().project.graph.nodes[0];
    store.getState().moveNode('dense_1', { x: 300, y: 40 });
    const graph = store.getState().project.graph;
    expect(graph.nodes[1]!.position).toEqual({ x: 300, y: 40 });
    expect(graph.nodes[0]).toBe(untouched);
    expect(analysisOf(graph)).toBe(before);
    store.getState().applyLayout({ input: { x: 5, y: 6 }, dense_3: { x: 7, y: 8 } });
    const after = store.getState().project.graph.nodes;
    expect(after[0]!.position).toEqual({ x: 5, y: 6 });
    expect(after[3]!.position).toEqual({ x: 7, y: 8 });
    store.getState().updateParam('dense_3', 'units', '5');
    expect(analysisOf(store.getState().project.graph)).not.toBe(before);
  });

  it('loads projects and templates, resetting selection and dirtiness', () => {
    const store = createEditorStore(loadTemplate('mnist-mlp'));
    store.getState().select(['dense_1']);
    store.getState().setLabel('dense_1', 'x');
    const loads = store.getState().loadCount;
    store.getState().newFromTemplate('mnist-cnn');
    expect(store.getState().project.name).toBe('MNIST CNN');
    expect(summaryOf(store.getState().project.graph).total).toBe(34_826);
    expect(store.getState().selectedNodeIds).toEqual([]);
    expect(store.getState().dirty).toBe(false);
    expect(store.getState().loadCount).toBe(loads + 1);
    store.getState().newEmpty();
    expect(store.getState().project.graph.nodes).toEqual([]);
    // Unknown top-level fields survive a load.
    const project = { ...emptyProject('Kept'), extra: { a: 1 } };
    store.getState().loadProject(project);
    expect(store.getState().project.extra).toEqual({ a: 1 });
  });
});

describe('editor store: ui slice', () => {
  it('tracks selection, active panel, measurements and notices', () => {
    const store = fresh();
    const s = store.getState();
    s.select(['a'], ['e']);
    const first = store.getState().selectedNodeIds;
    s.select(['a'], ['e']);
    expect(store.getState().selectedNodeIds).toBe(first);
    s.setActivePanel('summary');
    expect(store.getState().activePanel).toBe('summary');
    s.setMeasured([{ id: 'a', width: 230, height: 90 }]);
    const measured = store.getState().measured;
    s.setMeasured([{ id: 'a', width: 230, height: 90 }]);
    expect(store.getState().measured).toBe(measured);
    s.notify('hello', 'error');
    expect(store.getState().notice).toMatchObject({ text: 'hello', kind: 'error' });
    s.dismissNotice();
    expect(store.getState().notice).toBe(null);
  });
});
