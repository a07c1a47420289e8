import { describe, expect, it } from 'vitest';
import type { Project } from '../../shared/graph/project.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import {
  clampSpan,
  looksLikeModelCode,
  mergeImport,
  parseShapeText,
  previewCode,
  previewSummary,
  pythonScriptOf,
  shapeFieldText,
} from '../../renderer/code-import/model.ts';
import { createCodeEditStore, inputShapeOf } from '../../renderer/panels/code/codeEdit.ts';
import { createEditorStore } from '../../renderer/store/index.ts';

const KERAS_MLP = `from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
`;

const TORCH_SNIPPET = `import torch
from torch import nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
`;

const bytes = (s: string) => new TextEncoder().encode(s);

describe('pasted text', () => {
  it('is model code when it parses and imports keras/tensorflow or torch', () => {
    expect(looksLikeModelCode(KERAS_MLP)).toBe(true);
    expect(looksLikeModelCode(TORCH_SNIPPET)).toBe(true);
  });

  it('is not model code when it is a copied block selection, prose, or Python without a framework', () => {
    const fragment = JSON.stringify({ format: 'netwright.fragment', version: 1, nodes: [] });
    expect(looksLikeModelCode(fragment)).toBe(false);
    expect(looksLikeModelCode('Dense layer with 128 units')).toBe(false);
    expect(looksLikeModelCode('import numpy as np\nx = np.zeros(3)\n')).toBe(false);
    expect(looksLikeModelCode('   ')).toBe(false);
  });
});

describe('input shape field', () => {
  it('reads sizes separated by commas, spaces or x, with or without brackets', () => {
    expect(parseShapeText('28, 28, 1')).toEqual({ ok: true, shape: [28, 28, 1] });
    expect(parseShapeText('(32x32x3)')).toEqual({ ok: true, shape: [32, 32, 3] });
    expect(parseShapeText('[784]')).toEqual({ ok: true, shape: [784] });
    expect(parseShapeText(' 100 16 ')).toEqual({ ok: true, shape: [100, 16] });
  });

  it('names the part that is not a size', () => {
    const unknown = parseShapeText('?, ?, 1');
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.message).toMatch(/^"\?" is not a size/);
    const zero = parseShapeText('28, 0');
    expect(zero.ok).toBe(false);
    if (!zero.ok) expect(zero.message).toMatch(/^"0" is not a size/);
    const empty = parseShapeText('  ');
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.message).toMatch(/Give the input shape/);
  });

  it('starts from the known part, ? where unknown', () => {
    expect(shapeFieldText([null, null, 1])).toBe('?, ?, 1');
    expect(shapeFieldText([784])).toBe('784');
  });
});

describe('File → Import of a .py', () => {
  it('gives the text, named after the file; null when no .py was picked', () => {
    expect(pythonScriptOf([{ name: 'model.onnx', bytes: new Uint8Array([1]) }])).toBeNull();
    expect(pythonScriptOf([{ name: 'mnist_mlp.py', bytes: bytes(KERAS_MLP) }])).toEqual({
      ok: true,
      text: KERAS_MLP,
      name: 'mnist_mlp',
    });
  });

  it('refuses a .py picked with other files, and bytes that are not UTF-8', () => {
    const mixed = pythonScriptOf([
      { name: 'a.py', bytes: bytes('import torch') },
      { name: 'b.bin', bytes: new Uint8Array([0]) },
    ]);
    expect(mixed).toEqual({
      ok: false,
      error: 'Pick one Python file on its own (picked "a.py", "b.bin").',
    });
    expect(pythonScriptOf([{ name: 'x.py', bytes: new Uint8Array([0xff, 0xfe, 0x41]) }])).toEqual({
      ok: false,
      error: '"x.py" is not UTF-8 text.',
    });
  });
});

describe('preview', () => {
  it('the 784-128-64-10 Keras MLP: 4 blocks and 109,386 parameters', () => {
    // 784·128+128 + 128·64+64 + 64·10+10 = 100,480 + 8,256 + 650 = 109,386
    const preview = previewCode(KERAS_MLP, null);
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    expect(preview.framework).toBe('keras');
    expect(preview.blocks).toBe(4);
    expect(preview.params).toBe(109_386);
    expect(previewSummary(preview.blocks, preview.params)).toBe('4 blocks · 109,386 parameters');
  });

  it('a syntax error is reported at its line, and nothing imports', () => {
    const preview = previewCode('import torch\nfrom torch import nn\nx = nn.Linear(3, 4\n', null);
    expect(preview.ok).toBe(false);
    expect(preview.diagnostics.length).toBeGreaterThan(0);
    expect(preview.diagnostics[0]!.severity).toBe('error');
    expect(preview.diagnostics[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('empty text asks for code', () => {
    const preview = previewCode('  \n', null);
    expect(preview.ok).toBe(false);
    expect(preview.diagnostics[0]!.message).toBe('Paste or type a Keras or PyTorch model');
  });

  it('a shape field that is not a shape is reported on the field', () => {
    // Code without a framework fails anyway; the field's own message rides along.
    const preview = previewCode('x = 1\n', 'abc');
    expect(preview.ok).toBe(false);
    if (!preview.ok) expect(preview.shapeError).toMatch(/^"abc" is not a size/);
  });

  it('clamps a problem span into a shorter text', () => {
    const d = { severity: 'error' as const, message: 'm', line: 1, column: 1, from: 8, to: 20 };
    expect(clampSpan(d, 10)).toEqual({ from: 8, to: 10 });
    expect(clampSpan(d, 5)).toEqual({ from: 5, to: 5 });
  });
});

describe('merging an import into the open project', () => {
  const current = loadTemplate('mnist-mlp');
  const imported: Project = {
    ...current,
    name: 'from code',
    training: { ...current.training, epochs: current.training.epochs + 7 },
    graph: {
      nodes: [
        { id: 'input', type: 'Input', params: { shape: [784] }, position: { x: 900, y: 900 } },
        { id: 'extra', type: 'Dense', params: { units: 3 }, position: { x: 5, y: 6 } },
      ],
      edges: [{ id: 'e', source: 'input', target: 'extra' }],
    },
  };

  it('keeps the places of blocks that keep their ids, the name, and (without a training section) the training', () => {
    const merged = mergeImport(current, imported, false);
    const input = current.graph.nodes.find((n) => n.id === 'input')!;
    expect(merged.graph.nodes.map((n) => [n.id, n.position])).toEqual([
      ['input', input.position],
      ['extra', { x: 5, y: 6 }],
    ]);
    expect(merged.graph.edges).toEqual(imported.graph.edges);
    expect(merged.name).toBe(current.name);
    expect(merged.training).toBe(current.training);
  });

  it('takes the training settings when the code has them', () => {
    expect(mergeImport(current, imported, true).training.epochs).toBe(current.training.epochs + 7);
  });
});

describe('Code panel edit mode', () => {
  const setup = () => {
    const editor = createEditorStore(loadTemplate('mnist-mlp'));
    const edit = createCodeEditStore(editor, () => false, 1_000_000);
    edit.getState().setEditing(true);
    return { editor, edit };
  };

  it('the Input shape of the open graph answers a script that does not give it', () => {
    expect(inputShapeOf(loadTemplate('mnist-mlp'))).toEqual([784]);
    expect(inputShapeOf(loadTemplate('mnist-cnn'))).toEqual([28, 28, 1]);
  });

  it('an edit that reads updates the graph as one undo step; Undo brings the old graph back and drops the text', () => {
    const { editor, edit } = setup();
    const before = editor.getState().project;
    const text = KERAS_MLP.replace('Dense(64', 'Dense(32');
    edit.getState().edit('keras', text);
    expect(edit.getState().drafts.keras?.state).toBe('pending');
    expect(editor.getState().project).toBe(before);
    edit.getState().flush('keras');
    expect(edit.getState().drafts.keras?.state).toBe('applied');
    const units = editor
      .getState()
      .project.graph.nodes.filter((n) => n.type === 'Dense')
      .map((n) => n.params.units);
    expect(units).toEqual([128, 32, 10]);
    expect(editor.getState().canUndo).toBe(true);
    editor.getState().undo();
    expect(editor.getState().project).toBe(before);
    // The graph changed from elsewhere: the script is generated from the graph again.
    expect(edit.getState().drafts.keras).toBeUndefined();
  });

  it('an edit with a syntax error keeps the graph and keeps the problems for the editor', () => {
    const { editor, edit } = setup();
    const before = editor.getState().project;
    edit.getState().edit('keras', KERAS_MLP.replace('Dense(64, ', 'Dense(64,, '));
    edit.getState().flush('keras');
    const draft = edit.getState().drafts.keras!;
    expect(draft.state).toBe('error');
    expect(draft.problems.some((p) => p.severity === 'error' && p.line === 7)).toBe(true);
    expect(editor.getState().project).toBe(before);
    expect(editor.getState().canUndo).toBe(false);
  });

  it('leaving edit mode drops the edited text; edits outside edit mode are ignored', () => {
    const { edit } = setup();
    edit.getState().edit('pytorch', TORCH_SNIPPET);
    expect(edit.getState().drafts.pytorch).toBeDefined();
    edit.getState().setEditing(false);
    expect(edit.getState().drafts).toEqual({});
    edit.getState().edit('pytorch', TORCH_SNIPPET);
    expect(edit.getState().drafts).toEqual({});
  });
});
