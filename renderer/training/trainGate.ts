/**
 * Whether the Training panel lets Train start for this model and batch size (issue 10): the
 * activations one batch keeps for backprop must fit the budget the cost preview checks
 * (`MODEL_BUDGET.activationBytesPerBatch`, 2 GiB). Analysis (E017) already refuses a model
 * whose single example is over it; this is the batch size pushing it over.
 */
import {
  BYTES_PER_VALUE,
  formatBytes,
  layerCost,
  MODEL_BUDGET,
  type CostOp,
  type ModelBudget,
} from '../../shared/cost/cost.ts';

/** Why Train is refused, and the batch size that would fit. */
export interface TrainRefusal {
  /** One sentence for beside the Train button; names the fix. */
  reason: string;
  /** The largest batch size whose activations fit the budget (≥ 1). */
  maxBatchSize: number;
}

const exact = (n: number) => n.toLocaleString('en-US');

/**
 * The refusal for training `ops` (a `ModelIR`'s ops) at `batchSize`, or null when the batch's
 * activations (values kept per example × batch size × 4 bytes, as `modelCost` counts them) fit
 * `budget.activationBytesPerBatch`. The fix offered is the largest batch size that fits:
 * floor(budget / (values per example × 4 B)). Returns null too when not even one example fits:
 * analysis reports that as E017 on the block, and the panel refuses an invalid graph already.
 */
export function trainRefusal(
  ops: readonly CostOp[],
  batchSize: number,
  budget: ModelBudget = MODEL_BUDGET,
): TrainRefusal | null {
  const perExample = ops.reduce((a, op) => a + layerCost(op).activationValues, 0) * BYTES_PER_VALUE;
  const limit = budget.activationBytesPerBatch;
  if (perExample <= 0 || perExample * batchSize <= limit) return null;
  const maxBatchSize = Math.floor(limit / perExample);
  if (maxBatchSize < 1) return null;
  // Exact bytes where the rounded sizes would read the same ("2.00 GiB, over the 2.00 GiB limit").
  let need = formatBytes(perExample * batchSize);
  let cap = formatBytes(limit);
  if (need === cap) [need, cap] = [`${exact(perExample * batchSize)} B`, `${exact(limit)} B`];
  return {
    reason:
      `Batch size ${exact(batchSize)} needs ${need} of activations, over the ${cap} limit: ` +
      `use a batch size of ${exact(maxBatchSize)} or less`,
    maxBatchSize,
  };
}
