import './cost-preview.css';
import { useMemo } from 'react';
import {
  budgetDiagnostics,
  formatBytes,
  formatSeconds,
  modelCost,
} from '../../shared/cost/cost.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { useEditor } from '../store/index.ts';
import { useTraining } from './client.ts';

const exact = (n: number) => n.toLocaleString('en-US');

/**
 * What the model will cost before Train: parameters, FLOPs per example (forward and training),
 * memory for the project's batch size and optimizer, and the time per epoch when a training rate
 * was measured: the running/last run's rate, else the rate this session's "auto" probe measured
 * for the backend it chose, else `samplesPerSecond` (a remembered probe's rate for this model and
 * batch size, from the project). Nothing is
 * shown while the graph has errors (the Problems panel lists them).
 */
export function CostPreview({ samplesPerSecond }: { samplesPerSecond?: number | undefined }) {
  const graph = useEditor((s) => s.project.graph);
  const settings = useEditor((s) => s.project.training);
  const t = useTraining();
  const probed = t.probe?.entries.find((e) => e.backend === t.probe?.chosen)?.samplesPerSecond;
  const rate = t.progress?.samplesPerSecond ?? probed ?? samplesPerSecond;
  // The Training panel's "Examples" limit (`training.limit`) caps the examples of an epoch.
  const limit = (settings as Record<string, unknown>).limit;
  const trainCount =
    t.dataset?.trainCount !== undefined && typeof limit === 'number' && limit >= 1
      ? Math.min(t.dataset.trainCount, limit)
      : t.dataset?.trainCount;
  const ir = useMemo(() => {
    const lowered = lowerGraph(graph);
    return lowered.ok ? lowered.ir : null;
  }, [graph]);
  if (!ir) return null;
  const samplesPerEpoch =
    trainCount === undefined
      ? undefined
      : trainCount - Math.floor(trainCount * settings.validationSplit);
  const cost = modelCost(ir.ops, {
    batchSize: settings.batchSize,
    optimizer: settings.optimizer,
    ...(rate !== undefined ? { samplesPerSecond: rate } : {}),
    ...(samplesPerEpoch !== undefined ? { samplesPerEpoch } : {}),
  });
  // Per batch: analysis already refused models too big for one example (E017).
  const overBudget = budgetDiagnostics(ir.ops, { batchSize: settings.batchSize });
  return (
    <section className="tcost" data-testid="cost-preview" aria-label="Cost preview">
      <div className="tcost__row">
        <span className="tcost__key">Parameters</span>
        <span data-testid="cost-params">{exact(cost.params.total)}</span>
      </div>
      <div
        className="tcost__row"
        title="Per example. 1 multiply-add = 2 FLOPs; training = forward + backward ≈ 3 × forward (Kaplan et al. 2020)"
      >
        <span className="tcost__key">FLOPs / example</span>
        <span data-testid="cost-flops">
          {exact(cost.forwardFlops)} forward · {exact(cost.trainingFlops)} training
        </span>
      </div>
      <div className="tcost__row">
        <span className="tcost__key">Weights</span>
        <span data-testid="cost-weights">
          {formatBytes(cost.weightBytes)}
          {cost.optimizerStateBytes > 0 &&
            ` + ${formatBytes(cost.optimizerStateBytes)} ${cost.optimizer} state`}
        </span>
      </div>
      <div className="tcost__row">
        <span className="tcost__key">Activations</span>
        <span data-testid="cost-activations">
          {formatBytes(cost.activationBytesPerBatch)} per batch of {cost.batchSize}
        </span>
      </div>
      {cost.secondsPerEpoch !== null && cost.samplesPerSecond !== null && (
        <div className="tcost__row">
          <span className="tcost__key">Time / epoch</span>
          <span data-testid="cost-epoch-time">
            ≈ {formatSeconds(cost.secondsPerEpoch)}
            {t.backend ? ` on ${t.backend}` : ''} at {exact(Math.round(cost.samplesPerSecond))}{' '}
            samples/s (measured)
          </span>
        </div>
      )}
      {overBudget.map((d) => (
        <div key={d.message} className="tcost__over" data-testid="cost-over-budget">
          {d.message}
        </div>
      ))}
    </section>
  );
}
