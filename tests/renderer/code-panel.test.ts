import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../shared/index.ts';
import {
  buildCodeView,
  DEFAULT_CODE_OPTIONS,
  lineCount,
  logitsHint,
  minimalChange,
  ownedLineRanges,
  ownerAtLine,
  sameCodeInput,
} from '../../renderer/panels/code/model.ts';
import { createEditorStore } from '../../renderer/store/index.ts';

describe('line ranges from lineOwners', () => {
  const owners = [null, 'a', 'a', null, 'b', 'a', 'a', 'a', 'b', null];

  it('merges consecutive lines of the wanted blocks into 1-based inclusive runs', () => {
    expect(ownedLineRanges(owners, ['a'])).toEqual([
      { from: 2, to: 3 },
      { from: 6, to: 8 },
    ]);
    expect(ownedLineRanges(owners, new Set(['b']))).toEqual([
      { from: 5, to: 5 },
      { from: 9, to: 9 },
    ]);
    expect(ownedLineRanges(owners, ['a', 'b'])).toEqual([
      { from: 2, to: 3 },
      { from: 5, to: 9 },
    ]);
  });

  it('is empty for no selection or an unknown block', () => {
    expect(ownedLineRanges(owners, [])).toEqual([]);
    expect(ownedLineRanges(owners, ['zzz'])).toEqual([]);
    expect(ownedLineRanges([], ['a'])).toEqual([]);
  });

  it('finds the owner of a 1-based line, null outside blocks and past the end', () => {
    expect(ownerAtLine(owners, 1)).toBeNull();
    expect(ownerAtLine(owners, 2)).toBe('a');
    expect(ownerAtLine(owners, 9)).toBe('b');
    expect(ownerAtLine(owners, 11)).toBeNull();
    expect(ownerAtLine(owners, 0)).toBeNull();
  });
});

describe('minimal text change', () => {
  const apply = (text: string, c: { from: number; to: number; insert: string }) =>
    text.slice(0, c.from) + c.insert + text.slice(c.to);

  it('keeps the common prefix and suffix', () => {
    const before = 'a = nn.Linear(784, 128)\nb = 1\n';
    const after = 'a = nn.Linear(784, 256)\nb = 1\n';
    const change = minimalChange(before, after)!;
    expect(change.insert).toBe('256');
    expect(before.slice(change.from, change.to)).toBe('128');
    expect(apply(before, change)).toBe(after);
  });

  it('handles insertions, deletions, repeats and empty texts', () => {
    const cases: Array<[string, string]> = [
      ['abc', 'abXbc'],
      ['aaaa', 'aa'],
      ['aa', 'aaaa'],
      ['', 'x = 1\n'],
      ['x = 1\n', ''],
      ['line\nline\n', 'line\n'],
    ];
    for (const [a, b] of cases) expect(apply(a, minimalChange(a, b)!)).toBe(b);
    expect(minimalChange('same', 'same')).toBeNull();
  });
});

describe('code view of a project', () => {
  it('generates both scripts for the MNIST MLP with block owners and the logits note', () => {
    const view = buildCodeView(loadTemplate('mnist-mlp'), DEFAULT_CODE_OPTIONS);
    if (!view.ok) throw new Error('expected code');
    expect(view.keras.filename).toBe('keras_model.py');
    expect(view.pytorch.filename).toBe('torch_model.py');
    expect(view.keras.code).toContain('layers.Dense(128');
    expect(view.pytorch.code).toContain('nn.Linear(784, 128)');
    expect(view.isChain).toBe(true);
    expect(view.logitsActivation).toBe('softmax');
    expect(logitsHint(view.logitsActivation)).toMatch(/double-softmax/);

    const lines = view.pytorch.code.split('\n');
    const ranges = ownedLineRanges(view.pytorch.lineOwners, ['dense_1']);
    expect(ranges.length).toBeGreaterThan(0);
    const owned = ranges.flatMap((r) => lines.slice(r.from - 1, r.to));
    expect(owned.some((l) => l.includes('nn.Linear(784, 128)'))).toBe(true);
    expect(owned.every((l) => !l.includes('nn.Linear(128, 64)'))).toBe(true);
    const kerasOwned = ownedLineRanges(view.keras.lineOwners, ['dense_1']).flatMap((r) =>
      view.keras.code.split('\n').slice(r.from - 1, r.to),
    );
    expect(kerasOwned.some((l) => l.includes('layers.Dense(128'))).toBe(true);
  });

  it('passes the options to the generators', () => {
    const project = loadTemplate('mnist-mlp');
    const plain = buildCodeView(project, DEFAULT_CODE_OPTIONS);
    const options = {
      includeTraining: true,
      distributed: true,
      tensorboard: true,
      style: 'sequential' as const,
    };
    const rich = buildCodeView(project, options);
    if (!plain.ok || !rich.ok) throw new Error('expected code');
    expect(rich.pytorch.code).toContain('DistributedDataParallel');
    expect(rich.pytorch.code).toContain('SummaryWriter');
    expect(rich.pytorch.code).toContain('nn.Sequential(');
    expect(rich.keras.code).toContain('MirroredStrategy');
    expect(rich.keras.code).toContain('TensorBoard');
    expect(plain.pytorch.code).not.toContain('DistributedDataParallel');
    const short = buildCodeView(project, { ...DEFAULT_CODE_OPTIONS, includeTraining: false });
    if (!short.ok) throw new Error('expected code');
    expect(short.pytorch.code.length).toBeLessThan(plain.pytorch.code.length);
  });

  it('gives the diagnostics instead of code for an invalid graph', () => {
    const store = createEditorStore(loadTemplate('mnist-mlp'));
    const edge = store.getState().project.graph.edges.find((e) => e.target === 'dense_2')!;
    store.getState().removeElements([], [edge.id]);
    const view = buildCodeView(store.getState().project, DEFAULT_CODE_OPTIONS);
    expect(view.ok).toBe(false);
    if (!view.ok) expect(view.diagnostics.map((d) => d.nodeId)).toContain('dense_2');
  });

  it('knows when the graph branches (no nn.Sequential style)', () => {
    const view = buildCodeView(loadTemplate('residual-block'), {
      ...DEFAULT_CODE_OPTIONS,
      style: 'sequential',
    });
    if (!view.ok) throw new Error('expected code');
    expect(view.isChain).toBe(false);
    expect(view.pytorch.code).toContain('(nn.Module)');
  });

  it('has no logits note when the output has no softmax or sigmoid', () => {
    expect(logitsHint(null)).toBeNull();
    expect(logitsHint('sigmoid')).toMatch(/BCEWithLogitsLoss/);
  });

  it('ignores moves but not edits when deciding to regenerate', () => {
    const store = createEditorStore(loadTemplate('mnist-mlp'));
    const first = store.getState().project;
    store.getState().moveNode('dense_2', { x: 10, y: 10 });
    const moved = store.getState().project;
    expect(moved).not.toBe(first);
    expect(sameCodeInput(first, moved)).toBe(true);
    store.getState().updateParam('dense_1', 'units', '256');
    expect(sameCodeInput(moved, store.getState().project)).toBe(false);
    store.getState().setLabel('dense_2', 'hidden');
    const labelled = store.getState().project;
    expect(sameCodeInput(labelled, { ...labelled, name: 'Other' })).toBe(false);
  });

  it('counts lines', () => {
    expect(lineCount('')).toBe('0 lines');
    expect(lineCount('a\n')).toBe('1 line');
    expect(lineCount('a\nb')).toBe('2 lines');
  });
});
