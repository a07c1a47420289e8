/**
 * `model.compile(optimizer=…, loss=…, metrics=[…])` → the project's training settings
 * (shared/graph/project.ts `trainingSchema`): optimizer, learning rate and loss. Netwright has no
 * metric setting (it reports accuracy or MAE by the loss), so metrics are read and left out.
 * What Netwright cannot train with is a warning, and the setting keeps its default.
 */
import type { TrainingSettings } from '../../graph/project.ts';
import type { PyExpr, SourceSpan } from './syntax.ts';
import { resolvePath, sourceText, valueOf, type ValueScope } from './keras-source-names.ts';

type Call = Extract<PyExpr, { kind: 'call' }>;

/**
 * Keras optimizer names (the string forms `"adam"` and the classes `keras.optimizers.Adam`,
 * lower-cased) → Netwright's. SGD with `momentum=0.9` is Netwright's `momentum`.
 */
const OPTIMIZERS: Record<string, TrainingSettings['optimizer']> = {
  adam: 'adam',
  sgd: 'sgd',
  rmsprop: 'rmsprop',
};

/**
 * Keras loss names (strings, function names and `keras.losses` classes in snake case) →
 * Netwright's (keras.io/api/losses).
 */
const LOSSES: Record<string, TrainingSettings['loss']> = {
  sparse_categorical_crossentropy: 'sparse_categorical_crossentropy',
  categorical_crossentropy: 'categorical_crossentropy',
  binary_crossentropy: 'binary_crossentropy',
  mse: 'mse',
  mean_squared_error: 'mse',
};

/** `SparseCategoricalCrossentropy` → `sparse_categorical_crossentropy`. */
const snake = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();

/**
 * Reads a `compile` call into `training` (changed in place). Throws `SourceError` for an
 * argument it cannot know (a variable with no known value); `warn` gets what is left out.
 */
export function readCompile(
  call: Call,
  training: TrainingSettings,
  scope: ValueScope,
  warn: (message: string, at: SourceSpan) => void,
): void {
  const byName = new Map(call.keywords.map((k) => [k.name, k.value]));
  // Keras signature: compile(optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, …).
  ['optimizer', 'loss'].forEach((key, i) => {
    const arg = call.args[i];
    if (arg && !byName.has(key)) byName.set(key, arg);
  });
  const optimizer = byName.get('optimizer');
  if (optimizer) readOptimizer(optimizer, training, scope, warn);
  const loss = byName.get('loss');
  if (loss) readLoss(loss, training, scope, warn);
  for (const k of call.keywords)
    if (!['optimizer', 'loss', 'metrics'].includes(k.name))
      warn(`compile: ${k.name} is not read`, k.at);
}

function readOptimizer(
  e: PyExpr,
  training: TrainingSettings,
  scope: ValueScope,
  warn: (message: string, at: SourceSpan) => void,
): void {
  let name: string | undefined;
  let call: Call | undefined;
  if (e.kind === 'string') name = e.value.toLowerCase();
  else if (e.kind === 'call') {
    const path = resolvePath(e.callee, scope.bindings);
    if (path?.startsWith('keras.optimizers.')) {
      name = path.slice('keras.optimizers.'.length).toLowerCase();
      call = e;
    }
  }
  const chosen = name === undefined ? undefined : OPTIMIZERS[name];
  if (!chosen) {
    warn(
      `optimizer ${e.kind === 'string' ? sourceText(scope.source, e.at) : `\`${sourceText(scope.source, e.at)}\``} is not one Netwright trains with (SGD, SGD with momentum 0.9, Adam, RMSprop): the project keeps ${training.optimizer}`,
      e.at,
    );
    return;
  }
  training.optimizer = chosen;
  if (!call) return;
  for (const kw of call.keywords) {
    const value = valueOf(kw.value, scope);
    if ((kw.name === 'learning_rate' || kw.name === 'lr') && typeof value === 'number') {
      if (value > 0 && value <= 10) training.learningRate = value;
      else
        warn(
          `learning rate ${value} is outside (0, 10]: the project keeps ${training.learningRate}`,
          kw.at,
        );
    } else if (kw.name === 'momentum' && chosen === 'sgd' && value === 0.9) {
      training.optimizer = 'momentum';
    } else if (!(kw.name === 'momentum' && value === 0)) {
      warn(
        `${name}: ${kw.name}=${JSON.stringify(value)} is not read (Netwright uses Keras's default)`,
        kw.at,
      );
    }
  }
  if (call.args.length > 0) {
    // Keras: Adam(learning_rate=0.001, …), SGD(learning_rate=0.01, momentum=0.0, …).
    const lr = valueOf(call.args[0]!, scope);
    if (typeof lr === 'number' && lr > 0 && lr <= 10) training.learningRate = lr;
  }
}

function readLoss(
  e: PyExpr,
  training: TrainingSettings,
  scope: ValueScope,
  warn: (message: string, at: SourceSpan) => void,
): void {
  let name: string | undefined;
  if (e.kind === 'string') name = e.value;
  else {
    const callee = e.kind === 'call' ? e.callee : e;
    const path = resolvePath(callee, scope.bindings);
    if (path?.startsWith('keras.losses.')) name = snake(path.slice('keras.losses.'.length));
  }
  const loss = name === undefined ? undefined : LOSSES[name];
  if (!loss) {
    warn(
      `loss \`${sourceText(scope.source, e.at)}\` is not one Netwright trains with (sparse/categorical/binary cross-entropy, mean squared error): the project keeps ${training.loss}`,
      e.at,
    );
    return;
  }
  training.loss = loss;
}
