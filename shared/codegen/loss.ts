/**
 * How a model is trained, decided once for every back-end (generated Keras and PyTorch, the
 * in-app TF.js trainer): which loss `auto` stands for, what the targets look like, which metric
 * to report, and whether the last activation belongs to the loss (the double-softmax rule).
 */
import type { LOSSES } from '../graph/project.ts';
import type { ModelIR } from '../ir/lower.ts';

export type LossSetting = (typeof LOSSES)[number];
export type Loss = Exclude<LossSetting, 'auto'>;

/** The activation the model applies last, when its output block has one; else `null`. */
export function outputActivation(ir: ModelIR): string | null {
  const out = ir.ops.find((op) => op.id === ir.outputId) ?? ir.ops.at(-1);
  if (!out) return null;
  if (out.type === 'Dense' || out.type === 'Conv2D' || out.type === 'Activation') {
    const act = out.params.activation;
    return typeof act === 'string' && act !== 'linear' ? act : null;
  }
  return null;
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
   * True when a cross-entropy loss meets an output without its activation (e.g. linear): the
   * outputs are logits, so Keras must be told `from_logits=True`.
   */
  fromLogits: boolean;
}

export function lossPlan(ir: ModelIR, setting: LossSetting = 'auto'): LossPlan {
  const loss = resolveLoss(ir, setting);
  const act = outputActivation(ir);
  const units = outputUnits(ir);
  switch (loss) {
    case 'sparse_categorical_crossentropy':
    case 'categorical_crossentropy':
      return {
        loss,
        targets: loss === 'sparse_categorical_crossentropy' ? 'class_ids' : 'one_hot',
        units,
        metric: 'accuracy',
        logitsActivation: act === 'softmax' ? 'softmax' : null,
        fromLogits: act !== 'softmax',
      };
    case 'binary_crossentropy':
      return {
        loss,
        targets: 'binary',
        units,
        metric: 'accuracy',
        logitsActivation: act === 'sigmoid' ? 'sigmoid' : null,
        fromLogits: act !== 'sigmoid',
      };
    case 'mse':
      return {
        loss,
        targets: units > 1 ? 'one_hot' : 'values',
        units,
        metric: units > 1 ? 'accuracy' : 'mae',
        logitsActivation: null,
        fromLogits: false,
      };
  }
}
