/**
 * `model.compile(optimizer=…, loss=…, metrics=[…])` → the project's training settings
 * (shared/graph/project.ts `trainingSchema`): optimizer, learning rate, loss and the metrics
 * Netwright knows (`METRICS`). What Netwright cannot train with or report is a warning at its
 * place, and the setting keeps its default. The loss's `from_logits` is returned for the
 * importer's check against the model's last activation (keras-source.ts).
 */
import { METRICS, type TrainingSettings } from '../../graph/project.ts';
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

/** Keras metric names (strings, `keras.metrics` classes in snake case) → Netwright's. */
const METRIC_NAMES: Record<string, (typeof METRICS)[number]> = {
  accuracy: 'accuracy',
  acc: 'accuracy',
  categorical_accuracy: 'categorical_accuracy',
  mae: 'mae',
  mean_absolute_error: 'mae',
  mse: 'mse',
  mean_squared_error: 'mse',
};

/** What `readCompile` found beyond the settings: the loss's `from_logits`. */
export interface CompileRead {
  /**
   * A cross-entropy loss: `value` is its from_logits (False for a string or function, and a
   * class without the keyword: Keras's default); `keyword`, the written value's place, if any;
   * `at`, the loss's place.
   */
  fromLogits?: { value: boolean; keyword?: SourceSpan; at: SourceSpan };
}

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
): CompileRead {
  const byName = new Map(call.keywords.map((k) => [k.name, k.value]));
  // Keras signature: compile(optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, …).
  ['optimizer', 'loss'].forEach((key, i) => {
    const arg = call.args[i];
    if (arg && !byName.has(key)) byName.set(key, arg);
  });
  const optimizer = byName.get('optimizer');
  if (optimizer) readOptimizer(optimizer, training, scope, warn);
  const loss = byName.get('loss');
  const read: CompileRead = {};
  if (loss) {
    const fromLogits = readLoss(loss, training, scope, warn);
    if (fromLogits) read.fromLogits = fromLogits;
  }
  const metrics = call.keywords.find((k) => k.name === 'metrics')?.value;
  if (metrics) readMetrics(metrics, training, scope, warn);
  for (const k of call.keywords)
    if (!['optimizer', 'loss', 'metrics'].includes(k.name))
      warn(`compile: ${k.name} is not read`, k.at);
  return read;
}

/**
 * `metrics=["accuracy", keras.metrics.MeanAbsoluteError()]` → `training.metrics`; a metric
 * Netwright does not know is a warning at its place and left out.
 */
function readMetrics(
  e: PyExpr,
  training: TrainingSettings,
  scope: ValueScope,
  warn: (message: string, at: SourceSpan) => void,
): void {
  if (e.kind !== 'list' && e.kind !== 'tuple') {
    warn(
      `metrics \`${sourceText(scope.source, e.at)}\` is not read: write a list, metrics=["accuracy"]`,
      e.at,
    );
    return;
  }
  const out: (typeof METRICS)[number][] = [];
  for (const item of e.items) {
    let name: string | undefined;
    if (item.kind === 'string') name = item.value;
    else {
      const callee = item.kind === 'call' ? item.callee : item;
      const path = resolvePath(callee, scope.bindings);
      const noArgs = item.kind !== 'call' || (item.args.length === 0 && item.keywords.length === 0);
      if (path?.startsWith('keras.metrics.') && noArgs)
        name = snake(path.slice('keras.metrics.'.length));
    }
    const metric = name === undefined ? undefined : METRIC_NAMES[name];
    if (!metric) {
      warn(
        `metric \`${sourceText(scope.source, item.at)}\` is not one Netwright reports (${METRICS.join(', ')}): left out`,
        item.at,
      );
      continue;
    }
    if (!out.includes(metric)) out.push(metric);
  }
  if (out.length > 0) training.metrics = out;
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
): CompileRead['fromLogits'] {
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
    return undefined;
  }
  training.loss = loss;
  if (loss === 'mse') return undefined;
  // keras.losses.SparseCategoricalCrossentropy(from_logits=False, …): the keyword read, any
  // other argument said and left at Keras's default.
  let keyword: SourceSpan | undefined;
  let value = false;
  if (e.kind === 'call') {
    for (const kw of e.keywords) {
      const v = valueOf(kw.value, scope);
      if (kw.name === 'from_logits' && typeof v === 'boolean') {
        value = v;
        keyword = kw.value.at;
      } else
        warn(
          `${name}: ${kw.name}=${JSON.stringify(v)} is not read (Netwright uses Keras's default)`,
          kw.at,
        );
    }
    if (e.args.length > 0) {
      const v = valueOf(e.args[0]!, scope);
      if (typeof v === 'boolean') [value, keyword] = [v, e.args[0]!.at];
    }
  }
  return { value, at: e.at, ...(keyword ? { keyword } : {}) };
}
