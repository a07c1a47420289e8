/**
 * IR → a complete tf.keras (TensorFlow 2.16+, Keras 3) script: `keras.Sequential` for a chain,
 * the functional API for branches and merges, `model.compile` from the training settings, and a
 * `main()` that trains on the project's data set.
 */
import type { IrOp, ModelIR } from '../ir/lower.ts';
import {
  type CodegenOptions,
  type CodegenSource,
  type GeneratedCode,
  DATA_RUN,
  MAIN_DEF,
  WEIGHTS_RUN,
  withDefaults,
  writeFileDocstring,
  writeMainCall,
  writeMainData,
  writeMainDoc,
  writeSettings,
} from './common.ts';
import {
  datasetNeedsPandas,
  datasetReadsFiles,
  datasetImports,
  installLine,
  writeDatasetConstants,
  writeLoadData,
} from './datasets.ts';
import { kerasHooks } from './keras-config.ts';
import { writeCall } from '../layers/backends/keras.ts';
import { type LossPlan, lossPlan } from './loss.ts';
import { expectedWeights } from '../export/weights.ts';
import { PyWriter, pyLiteral, pyNumber, pyString } from './py-writer.ts';

export const KERAS_FILENAME = 'keras_model.py';

/**
 * The constructor call of one op, e.g. `layers.Dense(128, activation="relu", name="dense_1")`:
 * the kind's `expression` hook when it has one, else its config written in its call style.
 */
export function kerasLayerCall(op: IrOp): string {
  const hooks = kerasHooks(op);
  return hooks.expression ? hooks.expression(op) : writeCall(hooks.config(op), hooks.callStyle);
}

/** The argument text of an op's call in the functional API (see `Hooks.callArgs`). */
function callArgs(op: IrOp, inputs: readonly string[]): string {
  const hooks = kerasHooks(op);
  if (hooks.callArgs) return hooks.callArgs(inputs);
  return inputs.length === 1 ? inputs[0]! : `[${inputs.join(', ')}]`;
}

/** The Python helpers the ops ask for, each written once (by key), in op order. */
function writeHelpers(w: PyWriter, ir: ModelIR): void {
  const seen = new Set<string>();
  for (const op of ir.ops) {
    for (const helper of kerasHooks(op).pythonHelpers?.(op) ?? []) {
      if (seen.has(helper.key)) continue;
      seen.add(helper.key);
      for (const line of helper.lines) w.line(line, op.id);
      w.blank(2);
    }
  }
}

const OPTIMIZERS: Record<string, string> = {
  sgd: 'keras.optimizers.SGD(learning_rate=LEARNING_RATE)',
  momentum: 'keras.optimizers.SGD(learning_rate=LEARNING_RATE, momentum=0.9)',
  adam: 'keras.optimizers.Adam(learning_rate=LEARNING_RATE)',
  rmsprop: 'keras.optimizers.RMSprop(learning_rate=LEARNING_RATE)',
};

const LOSS_CLASSES: Record<string, string> = {
  sparse_categorical_crossentropy: 'SparseCategoricalCrossentropy',
  categorical_crossentropy: 'CategoricalCrossentropy',
  binary_crossentropy: 'BinaryCrossentropy',
};

const LOSS_WHY: Record<string, string> = {
  sparse_categorical_crossentropy: 'Labels are class ids (0, 1, 2, ...) and the output a softmax.',
  one_hot: 'Labels are one-hot rows and the output a softmax.',
  binary_crossentropy: 'Labels are 0 or 1 and the output one sigmoid unit.',
  mse: 'Mean squared error: the output is compared with the target values.',
};

function writeCompile(
  w: PyWriter,
  plan: LossPlan,
  optimizer: string,
  stored?: readonly string[],
): void {
  w.line('model.compile(');
  w.line(`    optimizer=${OPTIMIZERS[optimizer] ?? OPTIMIZERS.adam!},`);
  const why = LOSS_WHY[plan.targets === 'one_hot' && plan.loss !== 'mse' ? 'one_hot' : plan.loss];
  if (plan.mismatch) {
    // The activation does not fit the loss (Netwright warns W110): say what Keras does instead.
    w.line(
      plan.loss === 'binary_crossentropy'
        ? '    # The output is a softmax, not one sigmoid unit: each unit is taken as a probability.'
        : '    # The output is sigmoid, not softmax: Keras divides each row by its sum to make it one.',
    );
  } else if (why && !plan.fromLogits) w.line(`    # ${why}`);
  if (plan.fromLogits) {
    w.line('    # The last layer has no softmax/sigmoid: its outputs are logits.');
    w.line(`    loss=keras.losses.${LOSS_CLASSES[plan.loss]!}(from_logits=True),`);
  } else {
    w.line(`    loss=${pyLiteral(plan.loss)},`);
  }
  const metric =
    plan.metric === 'mae' ? 'mae' : plan.loss === 'mse' ? 'categorical_accuracy' : 'accuracy';
  // The project's own list (read from imported Keras code) when it has one.
  const metrics = stored && stored.length > 0 ? stored : [metric];
  w.line(`    metrics=[${metrics.map((m) => pyLiteral(m)).join(', ')}],`);
  w.line(')');
}

function writeSequential(w: PyWriter, ir: ModelIR): void {
  w.line('model = keras.Sequential(');
  w.line('    [');
  for (const op of ir.ops) w.line(`        ${kerasLayerCall(op)},`, op.id);
  w.line('    ]');
  w.line(')');
}

function writeFunctional(w: PyWriter, ir: ModelIR): void {
  const vars = new Map<string, string>();
  for (const op of ir.ops) {
    if (op.type === 'Input') {
      vars.set(op.id, 'inputs');
      w.line(`inputs = ${kerasLayerCall(op)}`, op.id);
      continue;
    }
    const arg = callArgs(
      op,
      op.inputs.map((id) => vars.get(id)!),
    );
    vars.set(op.id, op.name);
    w.line(`${op.name} = ${kerasLayerCall(op)}(${arg})`, op.id);
  }
  w.line(`model = keras.Model(inputs=inputs, outputs=${vars.get(ir.outputId)!})`);
}

function writeTargets(w: PyWriter, plan: LossPlan): void {
  switch (plan.targets) {
    case 'one_hot':
      w.comment(`${plan.loss} compares whole rows: turn class ids into one-hot rows.`);
      w.line(`y = keras.utils.to_categorical(y, ${pyNumber(plan.units)})`);
      return;
    case 'binary':
    case 'values':
      w.line('y = y.astype("float32").reshape(-1, 1)  # one target per example, like the output');
      return;
    case 'class_ids':
      return;
  }
}

/**
 * `WEIGHT_NAMES` (each layer's arrays, in the order `set_weights` takes them) and
 * `load_weights(model, path)`, which fills the layers from a Netwright weights.npz.
 */
function writeLoadWeights(w: PyWriter, ir: ModelIR): void {
  const layers = ir.ops
    .map((op) => ({ op, names: expectedWeights(op).map((a) => a.name) }))
    .filter((l) => l.names.length > 0);
  w.comment('The arrays of each layer with weights, in the order set_weights() takes them.');
  if (layers.length === 0) {
    w.line('WEIGHT_NAMES = {}  # this network has no weights');
  } else {
    w.line('WEIGHT_NAMES = {');
    for (const { op, names } of layers)
      w.line(`    ${pyString(op.name)}: ${pyLiteral(names)},`, op.id);
    w.line('}');
  }
  w.blank(2);
  w.block('def load_weights(model, path):', () => {
    w.line('"""Loads a weights.npz exported by Netwright into a model made by build_model().');
    w.line('');
    w.line(
      'The file holds one array per "<layer>/<array>" key, in Keras layouts. Returns the model.',
    );
    w.line('"""');
    w.block('with np.load(path) as arrays:', () => {
      w.block('for layer, names in WEIGHT_NAMES.items():', () => {
        w.line('model.get_layer(layer).set_weights([arrays[f"{layer}/{name}"] for name in names])');
      });
    });
    w.line('return model');
  });
}

/** The complete Keras script for a project. */
export function generateKeras(source: CodegenSource, options: CodegenOptions = {}): GeneratedCode {
  const opts = withDefaults(options);
  const { ir, training } = source;
  const plan = lossPlan(ir, training.loss);
  const w = new PyWriter();
  const run = opts.includeTraining
    ? [
        installLine('keras', training.dataset),
        '',
        `python ${KERAS_FILENAME}`,
        `python ${KERAS_FILENAME} ${WEIGHTS_RUN}`,
        ...(datasetReadsFiles(training.dataset) ? [`python ${KERAS_FILENAME} ${DATA_RUN}`] : []),
        ...(opts.tensorboard ? ['tensorboard --logdir logs'] : []),
      ]
    : [];
  const notes = opts.distributed
    ? ['Training uses every GPU of this machine through tf.distribute.MirroredStrategy.']
    : [];
  writeFileDocstring(w, source, 'a Keras (TensorFlow 2) model.', run, notes);
  w.blank();
  if (opts.includeTraining) w.line('import argparse');
  if (opts.includeTraining) for (const m of datasetImports(training.dataset)) w.line(`import ${m}`);
  if (opts.includeTraining && datasetReadsFiles(training.dataset)) w.line('import os');
  w.blank();
  w.line('import numpy as np');
  if (opts.includeTraining && datasetNeedsPandas(training.dataset)) w.line('import pandas as pd');
  if (opts.distributed) w.line('import tensorflow as tf');
  w.line('from tensorflow import keras');
  w.line('from tensorflow.keras import layers');
  w.blank();
  writeSettings(w, source, () => {
    if (opts.tensorboard) w.line('LOG_DIR = "logs"  # TensorBoard reads its logs from here');
    writeDatasetConstants(w, training.dataset, training.csv, training);
  });
  w.blank(2);
  writeHelpers(w, ir);

  w.block('def build_model():', () => {
    w.line('"""The network, compiled with the project\'s optimizer, loss and metric."""');
    if (ir.isChain) writeSequential(w, ir);
    else writeFunctional(w, ir);
    writeCompile(w, plan, training.optimizer, training.metrics);
    w.line('return model');
  });
  w.blank(2);
  writeLoadWeights(w, ir);
  w.blank(2);

  if (!opts.includeTraining) {
    w.block('if __name__ == "__main__":', () => {
      w.line('build_model().summary()');
    });
    return { filename: KERAS_FILENAME, code: w.toString(), lineOwners: w.lineOwners() };
  }

  writeLoadData(w, 'keras', training.dataset, plan, training.csv);
  w.blank(2);
  w.block(MAIN_DEF, () => {
    writeMainDoc(w);
    w.line('keras.utils.set_random_seed(SEED)  # the same start weights and shuffling each run');
    writeMainData(w);
    writeTargets(w, plan);
    if (opts.distributed) {
      w.comment('MirroredStrategy keeps a copy of the model on each GPU of this machine and');
      w.comment('averages their gradients after every batch. For several machines, use');
      w.comment('tf.distribute.MultiWorkerMirroredStrategy() and set TF_CONFIG on each machine.');
      w.line('strategy = tf.distribute.MirroredStrategy()');
      w.line('print("Replicas:", strategy.num_replicas_in_sync)');
      w.block('with strategy.scope():', () => {
        w.comment('Weights and optimizer state are created here, once per replica.');
        w.line('model = build_model()');
      });
      w.comment('BATCH_SIZE is the global batch: each replica takes an equal share of it.');
    } else {
      w.line('model = build_model()');
    }
    w.block('if weights_file:', () => {
      w.line('load_weights(model, weights_file)  # e.g. the weights trained in Netwright');
    });
    w.line('model.summary()');
    w.line('model.fit(');
    w.line('    x,');
    w.line('    y,');
    w.line('    batch_size=BATCH_SIZE,');
    w.line('    epochs=epochs,');
    w.line('    validation_split=VALIDATION_SPLIT,  # the last examples, held out');
    w.line('    shuffle=SHUFFLE,');
    if (opts.tensorboard) w.line('    callbacks=[keras.callbacks.TensorBoard(log_dir=LOG_DIR)],');
    w.line(')');
    w.line('return model');
  });
  w.blank(2);
  writeMainCall(w, datasetReadsFiles(training.dataset));
  return { filename: KERAS_FILENAME, code: w.toString(), lineOwners: w.lineOwners() };
}
