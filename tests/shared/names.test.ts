import { describe, expect, it } from 'vitest';
import {
  blockNames,
  checkBlockName,
  pythonClassName,
  pythonIdentifier,
  snakeCase,
  uniqueNames,
} from '../../shared/ir/names.ts';

describe('Python names from user text', () => {
  it('snake-cases Keras class names', () => {
    expect(snakeCase('MaxPooling2D')).toBe('max_pooling2d');
    expect(snakeCase('BatchNormalization')).toBe('batch_normalization');
    expect(snakeCase('Conv2D')).toBe('conv2d');
  });

  it('makes any label a safe identifier', () => {
    for (const label of [
      '"); __import__("os").system("rm -rf /")#',
      'a\nb',
      '123',
      'class',
      'forward',
      '',
      'Ünïcödé layer',
      '💥',
    ]) {
      const id = pythonIdentifier(label);
      expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      expect(['class', 'forward', 'import']).not.toContain(id);
    }
    expect(pythonIdentifier('Hidden Layer 1')).toBe('hidden_layer_1');
    expect(pythonIdentifier('123')).toBe('layer_123');
    expect(pythonIdentifier('class')).toBe('class_layer');
  });

  it('class names are PascalCase identifiers', () => {
    expect(pythonClassName('MNIST MLP')).toBe('MnistMlp');
    expect(pythonClassName('"""\n__import__("os")')).toBe('ImportOs');
    expect(pythonClassName('')).toBe('Net');
  });

  it('keeps names unique', () => {
    expect(uniqueNames(['a', 'a', 'b', 'a'])).toEqual(['a', 'a_2', 'b', 'a_3']);
  });
});

const SAFE = /^[A-Za-z_][A-Za-z0-9_]*$/;

describe('one name per block (blockNames)', () => {
  it('is the stored name, else the label, else the id, made safe', () => {
    expect(
      blockNames([
        { id: 'input' },
        { id: 'conv_1' },
        { id: 'dense_7', label: 'Hidden Layer 1' },
        { id: 'dense_8', label: 'Hidden', name: 'encoder' },
        { id: 'blank', name: '   ', label: '  ' },
      ]),
    ).toEqual(['input_layer', 'conv_1', 'hidden_layer_1', 'encoder', 'blank']);
  });

  it('sanitises names from files: every one a safe identifier, none reserved, all distinct', () => {
    const nodes = [
      { id: 'a', name: '"); __import__("os").system("rm -rf /")#' },
      { id: 'b', name: 'class' },
      { id: 'c', name: 'forward' },
      { id: 'd', name: '123' },
      { id: 'e', name: '💥' },
      { id: 'f', label: 'a\nb' },
      { id: 'g', name: 'self' },
      { id: 'h', name: 'x'.repeat(200) },
    ];
    const names = blockNames(nodes);
    for (const name of names) {
      expect(name).toMatch(SAFE);
      expect(name.length).toBeLessThanOrEqual(60);
    }
    expect(names).toEqual([
      'import_os_system_rm_rf',
      'class_layer',
      'forward_layer',
      'layer_123',
      'layer',
      'a_b',
      'self_layer',
      'x'.repeat(60),
    ]);
  });

  it('makes repeats unique in file order without taking a later block’s own name', () => {
    // Hand-checked: the second "a" would take "a_2" but the third block owns it, so it gets "a_3".
    expect(blockNames([{ id: 'a' }, { id: 'p', name: 'A' }, { id: 'a_2' }])).toEqual([
      'a',
      'a_3',
      'a_2',
    ]);
    expect(blockNames([{ id: 'q', label: 'dense' }, { id: 'dense' }])).toEqual([
      'dense',
      'dense_2',
    ]);
  });

  it('is stable when other blocks are added, removed or relabelled', () => {
    const graph = [
      { id: 'input' },
      { id: 'conv2d_1' },
      { id: 'dense_1' },
      { id: 'dense_2' },
      { id: 'dense_3' },
    ];
    const before = blockNames(graph);
    expect(before).toEqual(['input_layer', 'conv2d_1', 'dense_1', 'dense_2', 'dense_3']);
    // Relabelling dense_2 (stored name pinned, as the editor does) leaves dense_3 alone; the
    // old rule (numbering by type in model order) turned dense_3 into dense_2 here.
    const relabelled = graph.map((n) =>
      n.id === 'dense_2' ? { ...n, label: 'Hidden', name: 'dense_2' } : n,
    );
    expect(blockNames(relabelled)).toEqual(before);
    // A label alone (a file from before names were stored) renames only its own block.
    expect(
      blockNames(graph.map((n) => (n.id === 'dense_1' ? { ...n, label: 'Hidden' } : n))),
    ).toEqual(['input_layer', 'conv2d_1', 'hidden', 'dense_2', 'dense_3']);
    // Removing a block, or adding one before or after, renames nothing else.
    expect(blockNames(graph.filter((n) => n.id !== 'dense_1'))).toEqual([
      'input_layer',
      'conv2d_1',
      'dense_2',
      'dense_3',
    ]);
    expect(blockNames([{ id: 'dense_4' }, ...graph, { id: 'flatten' }])).toEqual([
      'dense_4',
      ...before,
      'flatten',
    ]);
  });
});

describe('renaming a block (checkBlockName)', () => {
  const nodes = [{ id: 'input' }, { id: 'dense_1' }, { id: 'dense_2', label: 'Out' }];

  it('accepts a free, safe name (trimmed) and the block’s own name', () => {
    expect(checkBlockName(nodes, 'dense_1', '  encoder ')).toEqual({ ok: true, name: 'encoder' });
    expect(checkBlockName(nodes, 'dense_1', 'dense_1')).toEqual({ ok: true, name: 'dense_1' });
    expect(checkBlockName(nodes, 'dense_2', 'out')).toEqual({ ok: true, name: 'out' });
  });

  it('refuses an empty name', () => {
    expect(checkBlockName(nodes, 'dense_1', '   ')).toEqual({
      ok: false,
      message: 'A block needs a name.',
    });
  });

  it('refuses a name another block has, naming that block', () => {
    const r = checkBlockName(nodes, 'dense_1', 'out');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toBe('Another block (dense_2) is already named out.');
    expect(checkBlockName(nodes, 'dense_1', 'input_layer').ok).toBe(false);
  });

  it('refuses names the code cannot use, suggesting one it can', () => {
    for (const [raw, suggestion] of [
      ['Hidden Layer', 'hidden_layer'],
      ['class', 'class_layer'],
      ['2nd', 'layer_2nd'],
      ['a-b', 'a_b'],
    ] as const) {
      const r = checkBlockName(nodes, 'dense_1', raw);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.message).toContain(`Try ${suggestion}.`);
    }
  });
});
