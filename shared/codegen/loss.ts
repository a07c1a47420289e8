/**
 * How a model is trained, decided once for every back-end (generated Keras and PyTorch, the
 * in-app TF.js trainer): which loss `auto` stands for, what the targets look like, which metric
 * to report, and whether the last activation belongs to the loss (the double-softmax rule).
 */
import type { LOSSES } from '../graph/project.ts';
import type { IrOp, ModelIR } from '../ir/lower.ts';
import { getLayer } from '../layers/registry.ts';

export type LossSetting = (typeof LOSSES)[number];
export type Loss = Exclude<LossSetting, 'auto'>;

/**
 * The op whose activation is the model's last: the output op or, through blocks that pass their
 * values on unchanged at inference (Dropout, Activation linear), the op that feeds them; `null`
 * when that op applies no activation (or a linear one). E.g. Dense(softmax) → Dropout: the Dense.
 */
export function outputActivationOp(ir: ModelIR): IrOp | null {
  const op = outputChain(ir).at(-1);
  if (!op) return null;
  const act = lastActivation(op);
  return act !== undefined && act !== 'linear' ? op : null;
}

/**
 * The ops `outputActivationOp` walks: the output op, then back through blocks that pass their
 * values on unchanged at inference (Dropout, Activation linear; one input), ending with the first
 * op that does not. E.g. Dense → Dropout (output): [Dropout, Dense]. Empty for an IR with no ops.
 */
export function outputChain(ir: ModelIR): IrOp[] {
  const byId = new Map(ir.ops.map((op) => [op.id, op]));
  const passesOn = (o: IrOp) =>
    o.type === 'Dropout' || (o.type === 'Activation' && o.params.activation === 'linear');
  const chain: IrOp[] = [];
  let op = byId.get(ir.outputId) ?? ir.ops.at(-1);
  while (op) {
    chain.push(op);
    op = passesOn(op) && op.inputs.length === 1 ? byId.get(op.inputs[0]!) : undefined;
  }
  return chain;
}

/** The activation an op applies last, from its kind's `explain.outputActivation` hook. */
function lastActivation(op: IrOp): string | undefined {
  return getLayer(op.type)?.explain.outputActivation?.(op.params);
}

/** The activation the model applies last (see `outputActivationOp`), else `null`. */
export function outputActivation(ir: ModelIR): string | null {
  const op = outputActivationOp(ir);
  return op ? (lastActivation(op) ?? null) : null;
}

/** Size of the output's last axis (classes or targets per example). */
export function outputUnits(ir: ModelIR): number {
  const out = ir.ops.find((op) => op.id === ir.outputId) ?? ir.ops.at(-1);
  return out?.outputShape.at(-1) ?? 1;
}

/**
 * The loss `auto` stands for: a softmax output → `sparse_categorical_crossentropy` (integer
 * labels); one sigmoid unit → `binary_crossentropy`; anything else → `mse`. Other settings are
 * returned unchanged.
 */
export function resolveLoss(ir: ModelIR, setting: LossSetting = 'auto'): Loss {
  if (setting !== 'auto') return setting;
  const act = outputActivation(ir);
  if (act === 'softmax') return 'sparse_categorical_crossentropy';
  if (act === 'sigmoid' && outputUnits(ir) === 1) return 'binary_crossentropy';
  return 'mse';
}

/** Everything a training loop needs to know about the loss. */
export interface LossPlan {
  loss: Loss;
  /**
   * What the labels look like: integer class ids, one-hot rows, 0/1 floats in a column of one,
   * or real values.
   */
  targets: 'class_ids' | 'one_hot' | 'binary' | 'values';
  /** Classes (or target values) per example: the output's last axis. */
  units: number;
  /** `accuracy` for classification, `mae` (mean absolute error) for regression. */
  metric: 'accuracy' | 'mae';
  /**
   * The output activation that the loss should apply itself from logits (`softmax` before a
   * cross-entropy, `sigmoid` before a binary cross-entropy): PyTorch's `CrossEntropyLoss` /
   * `BCEWithLogitsLoss` expect logits, so the generated module leaves it out of `forward`.
   */
  logitsActivation: 'softmax' | 'sigmoid' | null;
  /**
   * True when the outputs are logits: a cross-entropy after an output with no softmax or
   * sigmoid (linear, relu, tanh, ...), so Keras must be told `from_logits=True`. False when they
   * are probabilities (softmax or sigmoid, whichever the loss meets): Keras's default
   * `from_logits=False`, which for a categorical cross-entropy divides each output row by its
   * sum, clips it to [1e-7, 1 - 1e-7] and takes -log of the label's entry
   * (`categorical_crossentropy` in keras/src/backend/tensorflow/nn.py and jax/nn.py) — except
   * that on the TensorFlow backend a tensor that a softmax/sigmoid activation returned carries its
   * logits (`_keras_logits`), and the loss is then taken from them; the app's loop does the same
   * (shared/tfjs/output-logits.ts).
   */
  fromLogits: boolean;
  /**
   * Why this activation does not fit this loss, when it does not (e.g. sigmoid outputs with a
   * categorical cross-entropy: each unit is scored on its own, not as one distribution);
   * `null` when they fit. Training still runs, on the outputs as they are (probabilities).
   */
  mismatch: string | null;
}

/**
 * The plan for a loss and the output it meets. The logits decision follows the real last
 * activation, for every pair:
 * | activation \ loss | (sparse) categorical CE         | binary CE                 | mse |
 * | softmax           | probabilities; PyTorch: logits  | probabilities (mismatch)  | -   |
 * |                   | to nn.CrossEntropyLoss          |                           |     |
 * | sigmoid           | probabilities (mismatch if > 1  | probabilities; PyTorch:   | -   |
 * |                   | unit)                           | logits to BCEWithLogits   |     |
 * | linear and others | logits (from_logits=True)       | logits (from_logits=True) | -   |
 * A categorical CE on one unit, or on a regression target, is refused by `checkDatasetFit`.
 */
export function lossPlan(ir: ModelIR, setting: LossSetting = 'auto'): LossPlan {
  const loss = resolveLoss(ir, setting);
  const act = outputActivation(ir);
  const units = outputUnits(ir);
  switch (loss) {
    case 'sparse_categorical_crossentropy':
    case 'categorical_crossentropy': {
      const probabilities = act === 'softmax' || act === 'sigmoid';
      // One unit is refused before training by the dataset fit check (checkDatasetFit).
      const mismatch =
        act === 'sigmoid' && units > 1
          ? `The output ends in sigmoid, which scores each of its ${units} units on its own, but ${loss} expects one probability distribution over the classes (softmax) or logits (linear). The outputs are treated as probabilities and divided by their sum, as Keras does; use softmax, or linear outputs (logits).`
          : null;
      return {
        loss,
        targets: loss === 'sparse_categorical_crossentropy' ? 'class_ids' : 'one_hot',
        units,
        metric: 'accuracy',
        logitsActivation: act === 'softmax' ? 'softmax' : null,
        fromLogits: !probabilities,
        mismatch,
      };
    }
    case 'binary_crossentropy':
      return {
        loss,
        targets: 'binary',
        units,
        metric: 'accuracy',
        logitsActivation: act === 'sigmoid' ? 'sigmoid' : null,
        fromLogits: act !== 'sigmoid' && act !== 'softmax',
        mismatch:
          act === 'softmax'
            ? `The output ends in softmax, but binary_crossentropy scores each unit as its own yes/no probability (sigmoid). Use 1 sigmoid unit for two classes, or softmax with a categorical cross-entropy.`
            : null,
      };
    case 'mse':
      return {
        loss,
        targets: units > 1 ? 'one_hot' : 'values',
        units,
        metric: units > 1 ? 'accuracy' : 'mae',
        logitsActivation: null,
        fromLogits: false,
        mismatch: null,
      };
  }
}
