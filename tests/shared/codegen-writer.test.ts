import { describe, expect, it } from 'vitest';
import {
  PyWriter,
  pyCommentText,
  pyDocText,
  pyFloat,
  pyLiteral,
  pyString,
} from '../../shared/codegen/py-writer.ts';
import { lossPlan, resolveLoss } from '../../shared/codegen/loss.ts';
import { generateCode } from '../../shared/codegen/index.ts';
import { samePadding, torchConcatDim } from '../../shared/codegen/pytorch.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { python, withPython } from '../py/python.ts';

const NASTY = [
  'plain',
  'quote " and \' and """ and \'\'\'',
  'back\\slash\\',
  'new\nline\r\nand\ttab',
  '\u2028line separator\u2029',
  'bidi \u202e override \u200b zero width',
  'nul \u0000 bell \u0007 del \u007f',
  'café ü 日本 😀',
  'lone \ud800 surrogate',
  "__import__('os').system('echo pwned')",
];

describe('Python escaping', () => {
  it('comments and docstrings stay on one line and never close their quotes', () => {
    for (const text of NASTY) {
      expect(pyCommentText(text)).not.toMatch(/[\r\n\u2028\u2029]/);
      expect(pyCommentText(text)).not.toContain('\u0000');
      expect(pyDocText(text)).not.toMatch(/(?<!\\)"|[\r\n]/);
    }
    expect(pyString('a"b')).toBe('"a\\"b"');
    expect(pyString('é')).toBe('"é"');
    expect(pyString('\u202e')).toBe('"\\u202e"');
  });

  it('writes Python literals', () => {
    expect(pyLiteral([784])).toBe('(784,)');
    expect(pyLiteral([3, 3])).toBe('(3, 3)');
    expect(pyLiteral(null)).toBe('None');
    expect(pyLiteral(true)).toBe('True');
    expect(pyFloat(1)).toBe('1.0');
    expect(pyFloat(0.001)).toBe('0.001');
  });

  it('indents blocks and wraps long comments', () => {
    const w = new PyWriter();
    w.block('def f():', () => {
      w.comment('word '.repeat(40).trim());
      w.line('return 1', 'op');
    });
    const lines = w.toString().split('\n');
    expect(lines[0]).toBe('def f():');
    expect(lines.every((l) => l.length <= 100)).toBe(true);
    expect(lines.filter((l) => l.startsWith('    # ')).length).toBeGreaterThan(1);
    expect(w.lineOwners().at(-1)).toBe('op');
    expect(() => w.line('a\nb')).toThrow();
  });

  withPython.it('Python reads every string back unchanged', async () => {
    const literals = NASTY.map(pyString);
    const source = `import json, sys\nsys.stdout.write(json.dumps([${literals.join(', ')}]))\n`;
    const { stdout } = await python(['-c', source]);
    const expected = NASTY.map((t) => t.replace('\ud800', '\ufffd'));
    expect(JSON.parse(stdout)).toEqual(expected);
  });
});

describe('loss resolution', () => {
  const ir = (id: string) => {
    const r = lowerGraph(loadTemplate(id).graph);
    if (!r.ok) throw new Error(id);
    return r.ir;
  };
  it('auto: softmax → sparse CE, one sigmoid unit → binary CE, else mse', () => {
    expect(resolveLoss(ir('mnist-mlp'))).toBe('sparse_categorical_crossentropy');
    expect(resolveLoss(ir('toy-2d-classifier'))).toBe('binary_crossentropy');
    expect(resolveLoss(ir('regression-mlp'))).toBe('mse');
    expect(resolveLoss(ir('mnist-mlp'), 'mse')).toBe('mse');
  });
  it('plans logits for the PyTorch losses that apply the activation themselves', () => {
    expect(lossPlan(ir('mnist-mlp')).logitsActivation).toBe('softmax');
    expect(lossPlan(ir('toy-2d-classifier')).logitsActivation).toBe('sigmoid');
    expect(lossPlan(ir('regression-mlp'))).toMatchObject({ metric: 'mae', targets: 'values' });
    expect(lossPlan(ir('mnist-mlp'), 'mse').logitsActivation).toBeNull();
  });
});

describe('Keras → PyTorch details', () => {
  it("computes TensorFlow's 'same' padding", () => {
    expect(samePadding(10, 3, 2)).toEqual([0, 1]);
    expect(samePadding(9, 3, 2)).toEqual([1, 1]);
    expect(samePadding(5, 4, 1)).toEqual([1, 2]);
    expect(samePadding(4, 1, 1)).toEqual([0, 0]);
  });
  it('maps Concatenate axes from channels last to NCHW', () => {
    expect(torchConcatDim(-1, [8, 8, 3])).toBe(1);
    expect(torchConcatDim(3, [8, 8, 3])).toBe(1);
    expect(torchConcatDim(1, [8, 8, 3])).toBe(2);
    expect(torchConcatDim(2, [8, 8, 3])).toBe(3);
    expect(torchConcatDim(-1, [16])).toBe(1);
  });
  it('matches BatchNormalization eps and momentum, and says why the softmax is left out', () => {
    const project = loadTemplate('mnist-mlp');
    project.graph.nodes.push({
      id: 'bn',
      type: 'BatchNormalization',
      params: {},
      position: { x: 0, y: 0 },
    });
    project.graph.edges = project.graph.edges.filter((e) => e.target !== 'dense_3');
    project.graph.edges.push(
      { id: 'a', source: 'dense_2', target: 'bn' },
      { id: 'b', source: 'bn', target: 'dense_3' },
    );
    const result = generateCode(project, 'pytorch');
    if (!result.ok) throw new Error('invalid');
    expect(result.code.code).toContain('nn.BatchNorm1d(64, eps=0.001, momentum=0.01)');
    expect(result.code.code).toContain('double-softmax');
    expect(result.code.code).toContain('def predict_proba(self, x):');
    const keras = generateCode(project, 'keras');
    if (!keras.ok) throw new Error('invalid');
    expect(keras.code.code).toContain('layers.BatchNormalization(name="bn")');
  });
  it('maps lines to blocks', () => {
    const result = generateCode(loadTemplate('mnist-mlp'), 'keras');
    if (!result.ok) throw new Error('invalid');
    const lines = result.code.code.split('\n');
    const i = result.code.lineOwners.indexOf('dense_2');
    expect(lines[i]).toContain('layers.Dense(64');
  });
  it('returns diagnostics for an invalid graph', () => {
    const project = loadTemplate('mnist-mlp');
    project.graph.edges = [];
    const result = generateCode(project, 'keras');
    expect(result.ok).toBe(false);
  });
});
