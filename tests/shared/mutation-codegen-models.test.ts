/**
 * Tests written from the survivors of a mutation run over shared/codegen/{keras,loss,py-writer,
 * keras-config,index}.ts (report reports/mutation/cg-small.json): the walk to the model's last
 * activation, the output units, the loss plan's branches and metric names, the Python writer's
 * escapes, literals, comments and blank lines, and the Keras script's helpers, functional call
 * arguments, stored metrics, targets and imports. Every expected value is written out by hand.
 *
 * Equivalent mutants (no observable difference, so no test can kill them):
 * - py-writer.ts:29 EqualityOperator `code <= 0x100`: U+0100 (Ā, a letter) never matches
 *   UNSAFE_CHAR, so escapeChar never sees it.
 * - py-writer.ts:30 EqualityOperator `code <= 0x10000`: U+10000 (Linear B syllable B008 A, a
 *   letter) never matches UNSAFE_CHAR either.
 * - py-writer.ts:131 ConditionalExpression `true` (for `i >= 0`): at i = -1, `this.lines[-1]` is
 *   undefined, not '', so the loop stops there anyway.
 * - keras.ts:153 ConditionalExpression (the `return` of `case 'class_ids'` removed): it is the last
 *   case, so falling out of the switch does the same (writes nothing).
 * - keras.ts:153 StringLiteral `case "":`: class ids then match no case, and the switch again writes
 *   nothing, as the case did.
 *
 * Some loss.ts mutants only differ on a ModelIR that the lowerer never makes (the output op not
 * last, an unknown output id, a Dropout op with two inputs, an op type with no layer kind, no ops):
 * those tests build such an IR by hand from a lowered one, to pin that the functions follow
 * `outputId` and the wires, and fail soft, as their code and docs say.
 */
import { describe, expect, it } from 'vitest';
import { generateCode } from '../../shared/codegen/index.ts';
import type { CodegenOptions } from '../../shared/codegen/common.ts';
import { kerasLayerConfig } from '../../shared/codegen/keras-config.ts';
import {
  lossPlan,
  outputActivation,
  outputActivationOp,
  outputUnits,
  resolveLoss,
} from '../../shared/codegen/loss.ts';
import {
  PyWriter,
  pyCommentText,
  pyDocText,
  pyLiteral,
  pyNumber,
  pyString,
} from '../../shared/codegen/py-writer.ts';
import type { TrainingSettings } from '../../shared/graph/project.ts';
import { type IrOp, type ModelIR, lowerGraph } from '../../shared/ir/lower.ts';
import { getLayer } from '../../shared/layers/registry.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { graphOf } from './graph-builder.ts';

type Block = [id: string, type: string, params?: Record<string, unknown>];

/** The IR of a graph built from blocks and wires (see `graphOf`). */
function irOf(blocks: Block[], wires: string[]): ModelIR {
  const r = lowerGraph(graphOf(blocks, wires));
  if (!r.ok) throw new Error(`graph must lower: ${JSON.stringify(r.diagnostics)}`);
  return r.ir;
}

/** Input(4) → the given blocks, one after the other. */
function chainIr(...blocks: Block[]): ModelIR {
  const all: Block[] = [['in', 'Input', { shape: [4] }], ...blocks];
  const wires = all.slice(1).map((b, i) => `${all[i]![0]}->${b[0]}`);
  return irOf(all, wires);
}

/** The op of an IR with this id. */
function opOf(ir: ModelIR, id: string): IrOp {
  const op = ir.ops.find((o) => o.id === id);
  if (!op) throw new Error(`no op ${id}`);
  return op;
}

/** A template's Keras script with some training settings changed. */
function kerasScript(
  template: string,
  training: Partial<TrainingSettings> = {},
  options: CodegenOptions = {},
): string {
  const project = loadTemplate(template);
  Object.assign(project.training, training);
  const result = generateCode(project, 'keras', options);
  if (!result.ok) throw new Error(`${template} must lower`);
  return result.code.code;
}

const SOFTMAX_3: Block = ['d', 'Dense', { units: 3, activation: 'softmax' }];

describe('outputActivation: the walk back to the last activation', () => {
  it('walks through a Dropout to the Dense that feeds it', () => {
    const ir = chainIr(SOFTMAX_3, ['drop', 'Dropout', { rate: 0.5 }]);
    expect(outputActivation(ir)).toBe('softmax');
    expect(outputActivationOp(ir)?.id).toBe('d');
    expect(resolveLoss(ir)).toBe('sparse_categorical_crossentropy');
  });

  it('walks through two pass-on blocks in a row (Dropout, then Activation linear)', () => {
    const ir = chainIr(
      ['d', 'Dense', { units: 3, activation: 'sigmoid' }],
      ['drop', 'Dropout', { rate: 0.25 }],
      ['lin', 'Activation', { activation: 'linear' }],
    );
    expect(outputActivation(ir)).toBe('sigmoid');
    expect(outputActivationOp(ir)?.id).toBe('d');
  });

  it('walks through Activation(linear), but stops at Activation(relu)', () => {
    const linear = chainIr(SOFTMAX_3, ['act', 'Activation', { activation: 'linear' }]);
    expect(outputActivation(linear)).toBe('softmax');
    expect(outputActivationOp(linear)?.id).toBe('d');
    const relu = chainIr(SOFTMAX_3, ['act', 'Activation', { activation: 'relu' }]);
    expect(outputActivation(relu)).toBe('relu');
    expect(outputActivationOp(relu)?.id).toBe('act');
    expect(resolveLoss(relu)).toBe('mse');
  });

  it('a linear Dense is no pass-on block: its outputs are logits (null), whatever feeds it', () => {
    const ir = chainIr(SOFTMAX_3, ['logits', 'Dense', { units: 3, activation: 'linear' }]);
    expect(outputActivation(ir)).toBeNull();
    expect(outputActivationOp(ir)).toBeNull();
    expect(resolveLoss(ir)).toBe('mse');
    expect(lossPlan(ir, 'sparse_categorical_crossentropy').fromLogits).toBe(true);
  });

  it('a single linear Dense output: null, not "linear"', () => {
    const ir = chainIr(['out', 'Dense', { units: 2, activation: 'linear' }]);
    expect(outputActivation(ir)).toBeNull();
    expect(outputActivationOp(ir)).toBeNull();
  });

  it('an output kind without an activation hook (Flatten): null', () => {
    const ir = irOf(
      [['in', 'Input', { shape: [2, 3] }], SOFTMAX_3, ['flat', 'Flatten']],
      ['in->d', 'd->flat'],
    );
    expect(opOf(ir, 'flat').outputShape).toEqual([6]);
    expect(outputActivationOp(ir)).toBeNull();
    expect(outputActivation(ir)).toBeNull();
  });

  it('follows outputId, not the last op, and falls back to the last op for an unknown id', () => {
    const lowered = chainIr(
      ['hidden', 'Dense', { units: 2, activation: 'relu' }],
      ['out', 'Dense', { units: 3, activation: 'softmax' }],
    );
    // The output named by id, though it is not last (the lowerer always puts it last).
    const byId: ModelIR = { ...lowered, outputId: 'hidden' };
    expect(outputActivation(byId)).toBe('relu');
    expect(outputActivationOp(byId)?.id).toBe('hidden');
    expect(outputUnits(byId)).toBe(2);
    // An id that names no op: the last op (the output), here Dense(3, softmax).
    const unknown: ModelIR = { ...lowered, outputId: 'missing' };
    expect(outputActivation(unknown)).toBe('softmax');
    expect(outputActivationOp(unknown)?.id).toBe('out');
    expect(outputUnits(unknown)).toBe(3);
  });

  it('stops at a pass-on op that does not have exactly one input', () => {
    const ir = chainIr(SOFTMAX_3, ['drop', 'Dropout', { rate: 0.5 }]);
    const drop = opOf(ir, 'drop');
    const twoInputs: ModelIR = {
      ...ir,
      ops: ir.ops.map((op) => (op === drop ? { ...drop, inputs: ['d', 'in'] } : op)),
    };
    expect(outputActivationOp(twoInputs)).toBeNull();
    expect(outputActivation(twoInputs)).toBeNull();
  });

  it('fails soft: no ops, a wire to no op, an op type with no layer kind', () => {
    const ir = chainIr(SOFTMAX_3, ['drop', 'Dropout', { rate: 0.5 }]);
    const empty: ModelIR = { ...ir, ops: [] };
    expect(outputActivationOp(empty)).toBeNull();
    expect(outputActivation(empty)).toBeNull();
    expect(outputUnits(empty)).toBe(1);
    const dangling: ModelIR = {
      ...ir,
      ops: ir.ops.map((op) => (op.id === 'drop' ? { ...op, inputs: ['gone'] } : op)),
    };
    expect(outputActivationOp(dangling)).toBeNull();
    const mystery: ModelIR = {
      ...ir,
      ops: ir.ops.map((op) => (op.id === 'd' ? { ...op, type: 'NoSuchKind' } : op)),
    };
    expect(outputActivationOp(mystery)).toBeNull();
    expect(outputActivation(mystery)).toBeNull();
  });
});

describe('outputUnits and the loss plan', () => {
  it('outputUnits is the output op’s last axis', () => {
    expect(outputUnits(chainIr(SOFTMAX_3, ['drop', 'Dropout', { rate: 0.5 }]))).toBe(3);
    const seq = irOf(
      [
        ['in', 'Input', { shape: [5, 2] }],
        ['d', 'Dense', { units: 7 }],
      ],
      ['in->d'],
    );
    expect(outputUnits(seq)).toBe(7);
  });

  it('auto: sigmoid with more than one unit is mse, not binary_crossentropy', () => {
    const ir = chainIr(['out', 'Dense', { units: 3, activation: 'sigmoid' }]);
    expect(resolveLoss(ir)).toBe('mse');
    expect(lossPlan(ir)).toEqual({
      loss: 'mse',
      targets: 'one_hot',
      units: 3,
      metric: 'accuracy',
      logitsActivation: null,
      fromLogits: false,
      mismatch: null,
    });
    const one = chainIr(['out', 'Dense', { units: 1, activation: 'sigmoid' }]);
    expect(resolveLoss(one)).toBe('binary_crossentropy');
  });

  it('categorical CE after one sigmoid unit: probabilities, no mismatch text', () => {
    const ir = chainIr(['out', 'Dense', { units: 1, activation: 'sigmoid' }]);
    expect(lossPlan(ir, 'categorical_crossentropy')).toEqual({
      loss: 'categorical_crossentropy',
      targets: 'one_hot',
      units: 1,
      metric: 'accuracy',
      logitsActivation: null,
      fromLogits: false,
      mismatch: null,
    });
  });

  it('sparse CE after two sigmoid units: the mismatch names the units and the loss', () => {
    const ir = chainIr(['out', 'Dense', { units: 2, activation: 'sigmoid' }]);
    expect(lossPlan(ir, 'sparse_categorical_crossentropy')).toEqual({
      loss: 'sparse_categorical_crossentropy',
      targets: 'class_ids',
      units: 2,
      metric: 'accuracy',
      logitsActivation: null,
      fromLogits: false,
      mismatch:
        'The output ends in sigmoid, which scores each of its 2 units on its own, but ' +
        'sparse_categorical_crossentropy expects one probability distribution over the classes ' +
        '(softmax) or logits (linear). The outputs are treated as probabilities and divided by ' +
        'their sum, as Keras does; use softmax, or linear outputs (logits).',
    });
  });

  it('softmax through a Dropout: sparse CE on class ids, softmax left to the loss', () => {
    const ir = chainIr(SOFTMAX_3, ['drop', 'Dropout', { rate: 0.5 }]);
    expect(lossPlan(ir)).toEqual({
      loss: 'sparse_categorical_crossentropy',
      targets: 'class_ids',
      units: 3,
      metric: 'accuracy',
      logitsActivation: 'softmax',
      fromLogits: false,
      mismatch: null,
    });
  });

  it('binary CE and mse plans, with their metric names', () => {
    const one = chainIr(['out', 'Dense', { units: 1, activation: 'sigmoid' }]);
    expect(lossPlan(one)).toEqual({
      loss: 'binary_crossentropy',
      targets: 'binary',
      units: 1,
      metric: 'accuracy',
      logitsActivation: 'sigmoid',
      fromLogits: false,
      mismatch: null,
    });
    const ten = chainIr(['out', 'Dense', { units: 10, activation: 'softmax' }]);
    expect(lossPlan(ten, 'mse')).toEqual({
      loss: 'mse',
      targets: 'one_hot',
      units: 10,
      metric: 'accuracy',
      logitsActivation: null,
      fromLogits: false,
      mismatch: null,
    });
    const value = chainIr(['out', 'Dense', { units: 1 }]);
    expect(lossPlan(value)).toEqual({
      loss: 'mse',
      targets: 'values',
      units: 1,
      metric: 'mae',
      logitsActivation: null,
      fromLogits: false,
      mismatch: null,
    });
  });
});

describe('Python escapes and literals', () => {
  it('newline, carriage return and tab get their short escapes', () => {
    expect(pyString('a\nb')).toBe('"a\\nb"');
    expect(pyString('a\rb')).toBe('"a\\rb"');
    expect(pyString('a\tb')).toBe('"a\\tb"');
    expect(pyCommentText('1\n2\r3\t4')).toBe('1\\n2\\r3\\t4');
    expect(pyDocText('x\ty')).toBe('x\\ty');
  });

  it('other characters: \\x below U+0100, \\u below U+10000, \\U above, zero-padded', () => {
    expect(pyString('\u0000')).toBe('"\\x00"');
    expect(pyString('\u0007')).toBe('"\\x07"');
    expect(pyString('\u007f')).toBe('"\\x7f"');
    expect(pyString('\u00ad')).toBe('"\\xad"'); // soft hyphen (a format character)
    expect(pyString('\u061c')).toBe('"\\u061c"'); // Arabic letter mark
    expect(pyString('\u2028')).toBe('"\\u2028"');
    expect(pyString('\ufeff')).toBe('"\\ufeff"');
    expect(pyString('\u{e0001}')).toBe('"\\U000e0001"'); // language tag
    expect(pyString('\u{f0000}')).toBe('"\\U000f0000"'); // private use, plane 15
    expect(pyCommentText('tag \u{e0001}')).toBe('tag \\U000e0001');
    // Printable characters either side of the boundaries stay as they are.
    expect(pyString('\u0100\u{10000}')).toBe('"\u0100\u{10000}"');
  });

  it('refuses non-finite numbers, with the number in the message', () => {
    expect(() => pyNumber(Infinity)).toThrow('Cannot write Infinity as a Python number');
    expect(() => pyNumber(-Infinity)).toThrow('Cannot write -Infinity as a Python number');
    expect(() => pyNumber(NaN)).toThrow('Cannot write NaN as a Python number');
    expect(() => pyLiteral(NaN)).toThrow('Cannot write NaN as a Python number');
    expect(pyNumber(-2.5)).toBe('-2.5');
  });

  it('None, True, False, tuples and refused values', () => {
    expect(pyLiteral(undefined)).toBe('None');
    expect(pyLiteral(null)).toBe('None');
    expect(pyLiteral(true)).toBe('True');
    expect(pyLiteral(false)).toBe('False');
    expect(pyLiteral([])).toBe('()');
    expect(pyLiteral(['a'])).toBe('("a",)');
    expect(pyLiteral([1, 'b', null, false])).toBe('(1, "b", None, False)');
    expect(() => pyLiteral({ a: 1 })).toThrow('Cannot write object as a Python literal');
    expect(() => pyLiteral(() => 1)).toThrow('Cannot write function as a Python literal');
  });
});

describe('PyWriter', () => {
  it('line() refuses a line break, saying why', () => {
    const w = new PyWriter();
    expect(() => w.line('a\nb')).toThrow('PyWriter.line: text must be a single line');
    expect(() => w.line('a\rb')).toThrow('PyWriter.line: text must be a single line');
    expect(w.lineOwners()).toEqual([]);
  });

  it('comment(): an empty text is a bare "#", trailing spaces are trimmed', () => {
    const w = new PyWriter();
    w.comment('');
    w.comment('end ');
    w.line('x = 1');
    expect(w.toString()).toBe('#\n# end\nx = 1\n');
  });

  it('comment(): a first word longer than the width stays on one line, no empty "#" first', () => {
    const long = 'w'.repeat(120);
    const w = new PyWriter();
    w.comment(`${long} next`, 'op');
    expect(w.toString()).toBe(`# ${long}\n# next\n`);
    expect(w.lineOwners()).toEqual(['op', 'op']);
  });

  it('comment(): wraps where the line would pass 99 columns (97 after "# ")', () => {
    const fits = `${'a'.repeat(90)} ${'b'.repeat(6)}`; // 97 characters
    const w = new PyWriter();
    w.comment(fits);
    w.comment(`${'a'.repeat(90)} ${'b'.repeat(7)}`); // 98: "b…" goes to the next line
    expect(w.toString()).toBe(
      `# ${'a'.repeat(90)} ${'b'.repeat(6)}\n# ${'a'.repeat(90)}\n# ${'b'.repeat(7)}\n`,
    );
  });

  it('blank() on an empty writer adds nothing', () => {
    const w = new PyWriter();
    w.blank(2);
    expect(w.lineOwners()).toEqual([]);
    expect(w.toString()).toBe('\n');
  });

  it('blank(n) counts every blank line already at the end, including the first line', () => {
    const w = new PyWriter();
    w.line('a');
    w.line();
    w.line();
    w.blank(2);
    expect(w.lineOwners()).toEqual([null, null, null]);
    w.blank(3);
    expect(w.lineOwners()).toEqual([null, null, null, null]);
    const first = new PyWriter();
    first.line('');
    first.blank();
    expect(first.lineOwners()).toEqual([null]);
  });

  it('toString() drops the blank lines at the end and ends in one newline', () => {
    const w = new PyWriter();
    w.line('a');
    w.line();
    w.line('b', 'op');
    w.line();
    w.line();
    expect(w.toString()).toBe('a\n\nb\n');
    expect(w.lineOwners()).toEqual([null, null, 'op', null, null]);
    const one = new PyWriter();
    one.line('only');
    expect(one.toString()).toBe('only\n');
  });
});

describe('kerasLayerConfig', () => {
  it('is the kind’s config of the op', () => {
    const ir = chainIr(['out', 'Dense', { units: 2, activation: 'tanh' }]);
    expect(kerasLayerConfig(opOf(ir, 'out'))).toEqual({
      className: 'Dense',
      config: { name: 'out', units: 2, activation: 'tanh', use_bias: true },
    });
  });

  it('names an unknown block type', () => {
    const op = { ...opOf(chainIr(SOFTMAX_3), 'd'), type: 'Warp' };
    expect(() => kerasLayerConfig(op)).toThrow('Keras back-end: no layer for block type "Warp"');
  });
});

describe('Keras script', () => {
  it('helpers are written once per key, in op order, two blank lines after each', () => {
    const graph = graphOf(
      [
        ['in', 'Input', { shape: [4] }],
        ['a', 'Dense', { units: 3 }],
        ['b', 'Dense', { units: 2, activation: 'softmax' }],
      ],
      ['in->a', 'a->b'],
    );
    const hooks = getLayer('Dense')!.keras;
    const before = hooks.pythonHelpers;
    hooks.pythonHelpers = (op) => [
      { key: 'shared', lines: ['def shared_helper():', '    return 1'] },
      { key: `own-${op.id}`, lines: [`OWN_${op.id.toUpperCase()} = 1`] },
    ];
    try {
      const result = generateCode({ ...loadTemplate('toy-2d-classifier'), graph }, 'keras', {
        includeTraining: false,
      });
      if (!result.ok) throw new Error('must lower');
      const { code, lineOwners } = result.code;
      expect(code).toContain(`SEED = 42


def shared_helper():
    return 1


OWN_A = 1


OWN_B = 1


def build_model():
`);
      const lines = code.split('\n');
      const at = (text: string) => lineOwners[lines.indexOf(text)];
      expect(at('def shared_helper():')).toBe('a');
      expect(at('    return 1')).toBe('a');
      expect(at('OWN_A = 1')).toBe('a');
      expect(at('OWN_B = 1')).toBe('b');
    } finally {
      if (before) hooks.pythonHelpers = before;
      else delete hooks.pythonHelpers;
    }
    // Without helpers the settings are followed directly by build_model().
    expect(kerasScript('toy-2d-classifier', {}, { includeTraining: false })).toContain(
      'SEED = 42\n\n\ndef build_model():\n',
    );
  });

  it('functional API: a kind’s own call arguments (MultiHeadAttention q, v) and a merge list', () => {
    const blocks: Block[] = [
      ['in', 'Input', { shape: [4, 3] }],
      ['a', 'Dense', { units: 5 }],
      ['b', 'Dense', { units: 5 }],
      ['mha', 'MultiHeadAttention', { num_heads: 2, key_dim: 3 }],
      ['sum', 'Add'],
      ['f', 'Flatten'],
      ['out', 'Dense', { units: 2, activation: 'softmax' }],
    ];
    const wires = [
      'in->a',
      'in->b',
      'a->mha:0',
      'b->mha:1',
      'mha->sum:0',
      'a->sum:1',
      'sum->f',
      'f->out',
    ];
    const project = { ...loadTemplate('toy-2d-classifier'), graph: graphOf(blocks, wires) };
    const result = generateCode(project, 'keras', { includeTraining: false });
    if (!result.ok) throw new Error('must lower');
    expect(result.code.code).toContain(`
    inputs = keras.Input(shape=(4, 3), name="in_layer")
    a = layers.Dense(5, name="a")(inputs)
    b = layers.Dense(5, name="b")(inputs)
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, name="mha")(a, b)
    sum = layers.Add(name="sum")([mha, a])
    f = layers.Flatten(name="f")(sum)
    out = layers.Dense(2, activation="softmax", name="out")(f)
    model = keras.Model(inputs=inputs, outputs=out)
`);
  });

  it('metrics: the stored list when it has entries, else the loss’s own', () => {
    expect(kerasScript('toy-2d-classifier', { metrics: ['mae', 'mse'] })).toContain(
      '        loss="binary_crossentropy",\n        metrics=["mae", "mse"],\n    )\n',
    );
    expect(kerasScript('toy-2d-classifier', { metrics: ['mse'] })).toContain(
      '        metrics=["mse"],\n',
    );
    expect(kerasScript('toy-2d-classifier', { metrics: [] })).toContain(
      '        loss="binary_crossentropy",\n        metrics=["accuracy"],\n    )\n',
    );
    expect(kerasScript('regression-mlp', { metrics: [] })).toContain(
      '        loss="mse",\n        metrics=["mae"],\n    )\n',
    );
  });

  it('targets: binary and values become a float column; class ids are left as they are', () => {
    const column =
      '    y = y.astype("float32").reshape(-1, 1)  # one target per example, like the output\n';
    const binary = kerasScript('toy-2d-classifier');
    expect(binary).toContain(`        x, y = x[:limit], y[:limit]  # a quick check on a few examples
${column}    model = build_model()
`);
    const values = kerasScript('regression-mlp');
    expect(values).toContain(`        x, y = x[:limit], y[:limit]  # a quick check on a few examples
${column}    model = build_model()
`);
    const ids = kerasScript('mnist-mlp');
    expect(ids).toContain(`        x, y = x[:limit], y[:limit]  # a quick check on a few examples
    model = build_model()
`);
  });

  it('the docstring has a --data run line only for data read from files', () => {
    expect(kerasScript('mnist-mlp')).toContain(`
    python keras_model.py
    python keras_model.py --weights weights.npz  # start from weights exported by Netwright
    python keras_model.py --data data  # read the data set from the folder data/ (offline)
"""
`);
    expect(kerasScript('toy-2d-classifier', { dataset: 'spiral' })).toContain(`
    python keras_model.py
    python keras_model.py --weights weights.npz  # start from weights exported by Netwright
"""
`);
  });

  it('data set imports (json, re for topics) only in a script that trains', () => {
    const training = kerasScript('text-classifier');
    expect(training).toContain(`"""

import argparse
import json
import re
import os

import numpy as np
import pandas as pd
from tensorflow import keras
`);
    const model = kerasScript('text-classifier', {}, { includeTraining: false });
    expect(model).toContain(`"""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

INPUT_SHAPE = (16,)`);
    expect(model).not.toContain('import json');
    expect(model).not.toContain('import re');
  });
});
