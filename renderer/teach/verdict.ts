import type { Metric } from '../../shared/lessons/lesson.ts';
import type { EpochLog } from '../../shared/training/train.ts';

/** The final metrics of a run, as a lesson goal reads them: the last epoch, and the test set. */
export function finalMetrics(run: {
  epochs: readonly EpochLog[];
  test: { loss: number; acc: number | null } | null;
}): Partial<Record<Metric, number>> {
  const metrics: Partial<Record<Metric, number>> = {};
  const last = run.epochs[run.epochs.length - 1];
  const put = (key: Metric, value: number | null | undefined) => {
    if (value !== null && value !== undefined && Number.isFinite(value)) metrics[key] = value;
  };
  if (last) {
    put('loss', last.loss);
    put('acc', last.acc);
    put('val_loss', last.val_loss);
    put('val_acc', last.val_acc);
  }
  if (run.test) {
    put('test_loss', run.test.loss);
    put('test_acc', run.test.acc);
  }
  return metrics;
}
