/**
 * Keras `model.compile(…)` read into the training settings (issue 15): loss classes with and
 * without `from_logits`, checked against the model's last activation as Keras's docs say
 * (keras.io/api/losses/probabilistic_losses: from_logits=True expects logits, False
 * probabilities); metrics into the optional `training.metrics`, written back by the Keras
 * generator; and `layers.ReLU()` vs `layers.Activation("relu")` read as what they are.
 */
import { describe, expect, it } from 'vitest';
import { generateCode } from '../../shared/codegen/index.ts';
import { parseProject, trainingSchema, type Project } from '../../shared/graph/project.ts';
import { importPythonSource, type SourceImportResult } from '../../shared/import/python/index.ts';

type Ok = Extract<SourceImportResult, { ok: true }>;

const model = (last: string, compile: string) => `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(16, activation="relu"),
    ${last},
])
model.compile(
    optimizer="adam",
    ${compile}
)
`;

function imported(source: string): Ok {
  const r = importPythonSource(source);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r;
}

const lineOf = (source: string, text: string) =>
  source.slice(0, source.indexOf(text)).split('\n').length;

/** The source with a diagnostic's fix applied. */
function applyFix(source: string, d: Ok['diagnostics'][number]): string {
  const [edit] = d.fix!.edits;
  return source.slice(0, edit!.from) + edit!.insert + source.slice(edit!.to);
}

describe('from_logits against the last activation', () => {
  it.each([
    ['SparseCategoricalCrossentropy', 'layers.Dense(3, activation="softmax")', 'softmax'],
    ['CategoricalCrossentropy', 'layers.Dense(3, activation="softmax")', 'softmax'],
    ['SparseCategoricalCrossentropy', 'layers.Dense(3), layers.Softmax()', 'softmax'],
    ['BinaryCrossentropy', 'layers.Dense(1, activation="sigmoid")', 'sigmoid'],
  ])('%s(from_logits=True) after %s: a warning with the fix False', (cls, last, act) => {
    const src = model(last, `loss=keras.losses.${cls}(from_logits=True),`);
    const r = imported(src);
    const [d] = r.diagnostics;
    expect(r.diagnostics).toHaveLength(1);
    expect(d!.message).toContain(`from_logits=True but the model ends in ${act}`);
    expect(d!.line).toBe(lineOf(src, 'from_logits'));
    const fixed = applyFix(src, d!);
    expect(fixed).toContain(`${cls}(from_logits=False)`);
    expect(imported(fixed).diagnostics).toEqual([]);
  });

  it('from_logits=False with no output activation: a warning with the fix True', () => {
    const src = model(
      'layers.Dense(3)',
      'loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),',
    );
    const r = imported(src);
    expect(r.project.training.loss).toBe('sparse_categorical_crossentropy');
    const [d] = r.diagnostics;
    expect(d!.message).toContain('takes probabilities (from_logits=False)');
    expect(imported(applyFix(src, d!)).diagnostics).toEqual([]);
  });

  it("a string loss with no output activation: warned (Keras's default is from_logits=False), no fix", () => {
    const src = model('layers.Dense(3)', 'loss="sparse_categorical_crossentropy",');
    const [d] = imported(src).diagnostics;
    expect(d!.message).toContain("from_logits=False, Keras's default");
    expect(d!.line).toBe(lineOf(src, 'loss='));
    expect(d!.fix).toBeUndefined();
  });

  it.each([
    ['layers.Dense(3)', 'loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),'],
    ['layers.Dense(3, activation="softmax")', 'loss=keras.losses.CategoricalCrossentropy(),'],
    ['layers.Dense(3, activation="softmax")', 'loss="categorical_crossentropy",'],
    ['layers.Dense(1)', 'loss=keras.losses.BinaryCrossentropy(from_logits=True),'],
    ['layers.Dense(1)', 'loss="mse",'],
  ])('no warning for %s with %s', (last, compile) => {
    expect(imported(model(last, compile)).diagnostics).toEqual([]);
  });

  it('another loss argument is said at its place and left at the default', () => {
    const src = model(
      'layers.Dense(3)',
      'loss=keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),',
    );
    const [d] = imported(src).diagnostics;
    expect(d!.message).toBe(
      "categorical_crossentropy: label_smoothing=0.1 is not read (Netwright uses Keras's default)",
    );
  });
});

describe('metrics', () => {
  it('known metrics are kept in order, aliases named as Netwright names them; others warned', () => {
    const src = model(
      'layers.Dense(3)',
      'loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),\n    metrics=["acc", keras.metrics.MeanAbsoluteError(), "AUC", "mse"],',
    );
    const r = imported(src);
    expect(r.project.training.metrics).toEqual(['accuracy', 'mae', 'mse']);
    expect(r.diagnostics.map((d) => [d.line, d.message])).toEqual([
      [
        lineOf(src, '"AUC"'),
        'metric `"AUC"` is not one Netwright reports (accuracy, categorical_accuracy, mae, mse): left out',
      ],
    ]);
  });

  it('without metrics the setting stays absent; the Keras generator writes its default', () => {
    const r = imported(
      model(
        'layers.Dense(3)',
        'loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),',
      ),
    );
    expect(r.project.training.metrics).toBeUndefined();
    const code = generateCode(r.project, 'keras');
    if (!code.ok) throw new Error('no code');
    expect(code.code.code).toContain('metrics=["accuracy"],');
  });

  it('the Keras generator writes the stored list, and it reads back', () => {
    const project: Project = {
      ...imported(model('layers.Dense(1)', 'loss="mse",')).project,
    };
    project.training = { ...project.training, metrics: ['mae', 'mse'] };
    const code = generateCode(project, 'keras');
    if (!code.ok) throw new Error('no code');
    expect(code.code.code).toContain('metrics=["mae", "mse"],');
    expect(imported(code.code.code).project.training.metrics).toEqual(['mae', 'mse']);
  });

  it('project files: the field is optional (old files load) and checked when present', () => {
    const base = { format: 'netwright.project', version: 1, graph: { nodes: [], edges: [] } };
    const old = parseProject(JSON.stringify({ ...base, training: {} }));
    expect(old.ok && old.project.training.metrics).toBeUndefined();
    expect(trainingSchema.parse({ metrics: ['mae'] }).metrics).toEqual(['mae']);
    const bad = parseProject(JSON.stringify({ ...base, training: { metrics: ['auc'] } }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.join(' ')).toContain('training.metrics[0]');
  });
});

describe('layers.ReLU() and layers.Activation("relu") are told apart', () => {
  it('each reads as its own kind', () => {
    const r = imported(
      model('layers.ReLU(), layers.Activation("relu"), layers.Dense(3)', 'loss="mse",'),
    );
    expect(r.ir.ops.map((o) => o.type)).toEqual(['Input', 'Dense', 'ReLU', 'Activation', 'Dense']);
  });
});
