import '../training/training.css';
import { useEffect, useMemo, useState } from 'react';
import { builtinDatasetInfo, checkDatasetFit, type FitProblem } from '../../shared/datasets/fit.ts';
import {
  DATASETS,
  LOSSES,
  OPTIMIZERS,
  trainingSchema,
  type TrainingSettings,
} from '../../shared/graph/project.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { withSafeFixes } from '../../shared/lint/index.ts';
import { setParams } from '../../shared/lint/rules.ts';
import type { BackendChoice } from '../../shared/training/protocol.ts';
import type { ProbeEntry } from '../../shared/training/probe.ts';
import { epochsTrained } from '../../shared/training/train.ts';
import { editorStore, useEditor, type HistoryEpoch } from '../store/index.ts';
import { LineChart, smooth } from '../training/LineChart.tsx';
import { BoundaryPlot, Results } from '../training/Results.tsx';
import { CsvImport } from '../training/CsvImport.tsx';
import { DATASET_LABELS, SequenceDataOptions } from '../training/SequenceDataOptions.tsx';
import { CostPreview } from '../training/CostPreview.tsx';
import { trainRefusal } from '../training/trainGate.ts';
import { training, useTraining } from '../training/client.ts';
import {
  backendToRequest,
  machineClass,
  rememberedRate,
  modelSignature,
  rememberedBackend,
  withRemembered,
} from '../training/backendMemory.ts';
import { bindTrainingToProject } from '../training/projectBridge.ts';
import { exportCurvesPng } from '../teach/pictures.ts';

bindTrainingToProject();

/** Synthetic-set controls, kept beside the schema's fields in `training.synthetic`. */
interface SyntheticSettings {
  size: number;
  noise: number;
}

function setTraining(patch: Partial<TrainingSettings> & Record<string, unknown>) {
  editorStore.setState((s) => ({
    project: { ...s.project, training: { ...s.project.training, ...patch } },
    dirty: true,
  }));
}

/** A project's `trainingHistory` as chart rows; anything malformed is left out. */
const savedEpochs = (history: unknown): HistoryEpoch[] =>
  Array.isArray(history)
    ? (history as HistoryEpoch[]).filter(
        (e) => typeof e === 'object' && e !== null && typeof e.loss === 'number',
      )
    : [];

const fmtTime = (s: number) =>
  s < 60 ? `${Math.round(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;

const fmtRate = (v: number) => Math.round(v).toLocaleString('en-US');

/**
 * Epochs trained, e.g. "3" or, when the last one was cut short, "1.1" or "0.003": the fraction
 * down to its first significant digit, never rounded up to a whole epoch (1.999 shows as "1.9").
 */
function fmtEpochs(total: number, partial: boolean): string {
  if (!partial) return String(Math.round(total));
  const frac = total - Math.floor(total);
  const digits = Math.max(1, Math.min(4, Math.ceil(-Math.log10(Math.max(frac, 1e-4)))));
  const scale = 10 ** digits;
  return (Math.floor(total * scale + 1e-9) / scale).toFixed(digits);
}

/** A share as a percentage that never shows a cut-short epoch as 0% or 100%. */
const fmtShare = (f: number) => (f < 0.01 ? '<1%' : f > 0.99 ? '>99%' : `${Math.floor(f * 100)}%`);

/** The probe's numbers, one backend each: "wasm 12,000 samples/s" or "webgpu: no navigator.gpu". */
function ProbeList({ entries, chosen }: { entries: ProbeEntry[]; chosen: string }) {
  return (
    <ul className="tprobe__list">
      {entries.map((e) => (
        <li key={e.backend} className={e.backend === chosen ? 'tprobe__chosen' : undefined}>
          <span className="mono">{e.backend}</span>{' '}
          {e.samplesPerSecond !== undefined ? (
            <span className="mono" title={e.warmupOnly ? 'from the first step alone' : undefined}>
              {e.warmupOnly ? '≥' : ''}
              {fmtRate(e.samplesPerSecond)} samples/s
            </span>
          ) : e.checkOnly ? (
            <span className="muted">trains (one step, not timed: the only choice besides cpu)</span>
          ) : (
            <span className="muted">{e.error}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * The project's training-set limit (`training.limit`, kept beside the schema's fields like
 * `synthetic`): train on the first N examples; undefined (all) when unset or not a whole N ≥ 1.
 */
function trainLimit(settings: TrainingSettings): number | undefined {
  const v = (settings as Record<string, unknown>).limit;
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : undefined;
}

const FIELD_LABELS: Partial<Record<keyof TrainingSettings, string>> = {
  epochs: 'Epochs',
  batchSize: 'Batch size',
  learningRate: 'Learning rate',
  validationSplit: 'Validation split',
  seed: 'Seed',
};

/** A refused number in words: "must be at most 65,536", "must be a whole number", … */
function rangeMessage(issue: { code: string; maximum?: unknown; minimum?: unknown } | undefined) {
  const n = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US') : String(v));
  if (issue?.code === 'too_big') return `must be at most ${n(issue.maximum)}`;
  if (issue?.code === 'too_small') return `must be at least ${n(issue.minimum)}`;
  return 'must be a number in range';
}

export function TrainingPanel() {
  const graph = useEditor((s) => s.project.graph);
  const settings = useEditor((s) => s.project.training);
  const t = useTraining();
  // The backend choice is remembered per project and machine class (backendMemory.ts).
  const [machine, setMachine] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void machineClass().then((m) => live && setMachine(m));
    return () => {
      live = false;
    };
  }, []);
  const machineKey = machine ?? 'this machine';
  const remembered = rememberedBackend(settings, machineKey);
  const backend: BackendChoice = remembered?.choice ?? 'auto';
  const signature = useMemo(() => modelSignature(graph), [graph]);
  const rememberedPick =
    backend === 'auto' && backendToRequest(remembered, settings.batchSize, signature) !== 'auto'
      ? remembered
      : null;
  const synthetic = ((settings as Record<string, unknown>).synthetic as
    SyntheticSettings | undefined) ?? { size: 500, noise: 0.1 };
  const isToy = ['spiral', 'circles', 'xor', 'blobs'].includes(settings.dataset);

  // The CSV file's shape comes from the worker, once it has read the file with these choices.
  const csvInfo = settings.dataset === 'csv' && !t.csv?.loading ? (t.csv?.info ?? null) : null;
  const csvReady = csvInfo !== null && t.csv?.name === settings.csv?.fileName;
  const lowered = useMemo(() => lowerGraph(graph), [graph]);
  // The batch's activations over the cost preview's budget: Train is refused, the reason beside it.
  const refusal = lowered.ok ? trainRefusal(lowered.ir.ops, settings.batchSize) : null;
  const fit = useMemo((): (Pick<FitProblem, 'message'> & Partial<FitProblem>)[] => {
    if (!lowered.ok) return [{ message: 'Fix the problems in the graph before training' }];
    // Only fixes that keep the network compiling are offered (withSafeFixes).
    if (settings.dataset === 'csv')
      return csvInfo
        ? withSafeFixes(
            graph,
            checkDatasetFit(lowered.ir, { ...csvInfo, id: 'csv' }, settings.loss),
            csvInfo.title,
          )
        : [];
    const info = builtinDatasetInfo(settings);
    return info
      ? withSafeFixes(graph, checkDatasetFit(lowered.ir, info, settings.loss), info.title)
      : [];
  }, [graph, lowered, settings, csvInfo]);

  const running = t.status === 'training' || t.status === 'paused' || t.status === 'loading';
  // A value the settings refuse is not applied, and the field says why (not a silent revert).
  const [numError, setNumError] = useState<string | null>(null);
  const num = (key: keyof TrainingSettings, raw: string, int: boolean) => {
    const v = int ? Number.parseInt(raw, 10) : Number(raw);
    const parsed = trainingSchema.safeParse({ ...settings, [key]: v });
    if (parsed.success) {
      setTraining({ [key]: v });
      setNumError(null);
    } else {
      setNumError(
        `${FIELD_LABELS[key] ?? key}: ${rangeMessage(parsed.error.issues[0])}; kept ${String(settings[key])}`,
      );
    }
  };
  const limit = trainLimit(settings);
  const start = () =>
    training.start({
      graph,
      settings,
      ...(limit !== undefined ? { limit } : {}),
      backend: backendToRequest(remembered, settings.batchSize, signature),
      ...(isToy ? { synthetic } : {}),
      ...(settings.dataset === 'csv' && settings.csv
        ? {
            csv: {
              target: settings.csv.target,
              task: settings.csv.task,
              normalization: settings.csv.normalization,
              ignore: settings.csv.ignore,
            },
          }
        : {}),
    });

  const p = t.progress;
  // Before any run in this session: the curves saved in the project (its trainingHistory).
  const saved = useEditor((s) => s.project.trainingHistory);
  const epochs: HistoryEpoch[] =
    t.epochs.length > 0 || t.status !== 'idle' ? t.epochs : savedEpochs(saved);
  const classification = epochs.some((e) => e.acc !== null);
  const partial = epochs.map((e) => (e.partial ? (e.fraction ?? 0) : null));
  const last = epochs.at(-1);
  return (
    <div className="training" data-testid="training-panel">
      <div className="tform">
        <label>
          Data set
          <select
            data-testid="train-dataset"
            value={settings.dataset}
            disabled={running}
            onChange={(e) =>
              setTraining({ dataset: e.target.value as TrainingSettings['dataset'] })
            }
          >
            {DATASETS.map((d) => (
              <option key={d} value={d}>
                {DATASET_LABELS[d] ?? d}
              </option>
            ))}
          </select>
        </label>
        <SequenceDataOptions
          settings={settings}
          disabled={running}
          onChange={setTraining}
          onError={setNumError}
        />
        {isToy && (
          <>
            <label>
              Points
              <input
                type="number"
                min={20}
                max={5000}
                value={synthetic.size}
                disabled={running}
                onChange={(e) =>
                  setTraining({ synthetic: { ...synthetic, size: Number(e.target.value) || 500 } })
                }
              />
            </label>
            <label>
              Noise
              <input
                type="range"
                min={0}
                max={1}
                step={0.05}
                value={synthetic.noise}
                disabled={running}
                onChange={(e) =>
                  setTraining({ synthetic: { ...synthetic, noise: Number(e.target.value) } })
                }
              />
            </label>
          </>
        )}
        <label>
          Epochs
          <input
            type="number"
            data-testid="train-epochs"
            min={1}
            value={settings.epochs}
            disabled={running}
            onChange={(e) => num('epochs', e.target.value, true)}
          />
        </label>
        <label>
          Batch size
          <input
            type="number"
            data-testid="train-batch"
            min={1}
            value={settings.batchSize}
            disabled={running}
            onChange={(e) => num('batchSize', e.target.value, true)}
          />
        </label>
        <label title="Train on the first N examples of the data set (before the validation split); empty: all">
          Examples
          <input
            type="number"
            data-testid="train-limit"
            min={1}
            step={1}
            placeholder="all"
            value={limit ?? ''}
            disabled={running}
            onChange={(e) => {
              const raw = e.target.value.trim();
              const v = Number(raw);
              if (raw === '') {
                setTraining({ limit: undefined });
                setNumError(null);
              } else if (Number.isInteger(v) && v >= 1) {
                setTraining({ limit: v });
                setNumError(null);
              } else {
                setNumError(
                  `Examples: must be a whole number of at least 1, or empty for all; kept ${limit ?? 'all'}`,
                );
              }
            }}
          />
        </label>
        <label>
          Optimizer
          <select
            value={settings.optimizer}
            disabled={running}
            onChange={(e) =>
              setTraining({ optimizer: e.target.value as TrainingSettings['optimizer'] })
            }
          >
            {OPTIMIZERS.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
        <label>
          Learning rate
          <input
            type="number"
            data-testid="train-lr"
            step="any"
            min={0}
            value={settings.learningRate}
            disabled={running}
            onChange={(e) => num('learningRate', e.target.value, false)}
          />
        </label>
        <label>
          Loss
          <select
            value={settings.loss}
            disabled={running}
            onChange={(e) => setTraining({ loss: e.target.value as TrainingSettings['loss'] })}
          >
            {LOSSES.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
        </label>
        <label>
          Validation split
          <input
            type="number"
            step={0.05}
            min={0}
            max={0.9}
            value={settings.validationSplit}
            disabled={running}
            onChange={(e) => num('validationSplit', e.target.value, false)}
          />
        </label>
        <label>
          Seed
          <input
            type="number"
            min={0}
            value={settings.seed}
            disabled={running}
            onChange={(e) => num('seed', e.target.value, true)}
          />
        </label>
        {numError && (
          <p className="tform__error" role="alert" data-testid="train-field-error">
            {numError}
          </p>
        )}
        <label className="tform__check">
          <input
            type="checkbox"
            checked={settings.shuffle}
            disabled={running}
            onChange={(e) => setTraining({ shuffle: e.target.checked })}
          />{' '}
          Shuffle
        </label>
        <label>
          Backend
          <select
            data-testid="train-backend"
            value={backend}
            disabled={running}
            onChange={(e) => {
              setTraining({
                backends: withRemembered(settings, machineKey, {
                  ...remembered,
                  choice: e.target.value as BackendChoice,
                }),
              });
              training.restart();
            }}
          >
            {['auto', 'webgpu', 'webgl', 'wasm', 'cpu'].map((b) => (
              <option key={b}>{b}</option>
            ))}
          </select>
        </label>
      </div>

      {settings.dataset === 'csv' && (
        <CsvImport settings={settings} setTraining={setTraining} running={running} />
      )}

      {fit.length > 0 && (
        <ul className="tproblems" data-testid="train-fit-problems">
          {fit.map(({ message, fix, nodeId }) => (
            <li key={message}>
              {message}
              {fix && nodeId && (
                <button
                  type="button"
                  className="tfix"
                  data-testid="train-fit-fix"
                  disabled={running}
                  onClick={() =>
                    editorStore.getState().applyFix({
                      title: fix.title,
                      apply: (g) => setParams(g, nodeId, fix.params),
                    })
                  }
                >
                  {fix.title}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}

      <CostPreview samplesPerSecond={rememberedRate(remembered, settings.batchSize, signature)} />
      <div className="tbuttons">
        {!running && (
          <button
            data-testid="train-start"
            className="primary"
            disabled={
              fit.length > 0 || (settings.dataset === 'csv' && !csvReady) || refusal !== null
            }
            aria-describedby={refusal && !running ? 'train-refused' : undefined}
            title={refusal && !running ? refusal.reason : undefined}
            onClick={start}
          >
            {t.status === 'stopped' || t.status === 'done' ? 'Train more' : 'Train'}
          </button>
        )}
        {!running && refusal && (
          <span className="trefused" id="train-refused" role="alert" data-testid="train-refused">
            {refusal.reason}{' '}
            <button
              type="button"
              className="tfix"
              data-testid="train-refused-fix"
              onClick={() => num('batchSize', String(refusal.maxBatchSize), true)}
            >
              Set batch size to {refusal.maxBatchSize.toLocaleString('en-US')}
            </button>
          </span>
        )}
        {t.status === 'training' && (
          <button data-testid="train-pause" onClick={training.pause}>
            Pause
          </button>
        )}
        {t.status === 'paused' && (
          <button data-testid="train-resume" onClick={training.resume}>
            Resume
          </button>
        )}
        {running && (
          <button data-testid="train-stop" onClick={training.stop}>
            Stop
          </button>
        )}
        <button
          data-testid="train-reset"
          disabled={running}
          onClick={() => {
            training.reset();
            editorStore.getState().clearTrainedState();
          }}
        >
          Reset weights
        </button>
        <span className="tstatus" data-testid="train-status" data-status={t.status}>
          {t.status}
          {t.backend && (
            <span
              className="muted"
              data-testid="train-backend-used"
              title={t.tried.map((x) => `${x.backend}: ${x.error ?? 'ok'}`).join('\n')}
            >
              {' '}
              · {t.backend}
            </span>
          )}
        </span>
      </div>

      {backend === 'auto' && (t.probe || rememberedPick) && (
        <div className="tprobe" data-testid="train-probe">
          {t.probe ? (
            <div>
              auto picked <strong>{t.probe.chosen}</strong>: {t.probe.reason} (probe of{' '}
              {(t.probe.ms / 1000).toFixed(1)} s at batch {t.probe.batchSize})
            </div>
          ) : (
            <div>
              auto uses <strong>{rememberedPick!.picked}</strong>, measured earlier on this machine:{' '}
              {rememberedPick!.reason}
            </div>
          )}
          <ProbeList
            entries={t.probe?.entries ?? rememberedPick?.probe ?? []}
            chosen={t.probe?.chosen ?? rememberedPick?.picked ?? ''}
          />
          {!running && (
            <button
              type="button"
              className="tlink"
              data-testid="train-probe-again"
              title="Measure every backend again at the next Train"
              onClick={() => {
                setTraining({
                  backends: withRemembered(settings, machineKey, { choice: 'auto' }),
                });
                training.restart();
              }}
            >
              Probe again
            </button>
          )}
        </div>
      )}

      {t.error && (
        <div className="terror" data-testid="train-error">
          {t.error}
        </div>
      )}
      {t.problems.length > 0 && (
        <ul className="tproblems">
          {t.problems.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      {t.message && <div className="muted">{t.message}</div>}
      {t.weightsNote && (
        <div className="muted" data-testid="train-weights-note">
          {t.weightsNote}
        </div>
      )}
      {t.dataset && (
        <div className="muted" data-testid="train-dataset-info">
          {t.dataset.title}: {t.dataset.trainCount} train, {t.dataset.testCount} test.{' '}
          {t.dataset.notes.join('; ')}
        </div>
      )}

      {p && (
        <div className="tprogress" data-testid="train-progress">
          <div className="tprogress__bar">
            <div
              style={{
                width: `${Math.min(100, ((p.epoch - 1 + (p.batch + 1) / p.batchesPerEpoch) / settings.epochs) * 100)}%`,
              }}
            />
          </div>
          <span className="mono" data-testid="train-progress-text">
            epoch {p.epoch}/{settings.epochs} · batch {p.batch + 1}/{p.batchesPerEpoch}
            {p.samplesPerSecond !== null && ` · ${fmtRate(p.samplesPerSecond)} samples/s`}
            {t.status === 'training' && p.etaSeconds !== null && (
              <span data-testid="train-eta"> · ETA {fmtTime(p.etaSeconds)}</span>
            )}
          </span>
        </div>
      )}

      {last && (
        <div className="muted" data-testid="train-epochs-done">
          Trained {fmtEpochs(epochsTrained(epochs), !!last.partial)}{' '}
          {!last.partial && epochsTrained(epochs) === 1 ? 'epoch' : 'epochs'}
          {last.partial &&
            ` (stopped ${fmtShare(last.fraction ?? 0)} into epoch ${epochs.length}: a partial epoch, drawn hollow, without validation)`}
        </div>
      )}
      <LineChart
        testId="chart-batch-loss"
        title="Batch loss (smoothed)"
        xLabel="batch"
        series={[{ name: 'loss', color: '#3d63f5', values: smooth(t.batchLosses) }]}
      />
      <LineChart
        testId="chart-epoch-loss"
        title="Loss per epoch"
        xLabel="epoch"
        partial={partial}
        series={[
          { name: 'train', color: '#3d63f5', values: epochs.map((e) => e.loss) },
          { name: 'validation', color: '#f08c2e', values: epochs.map((e) => e.val_loss) },
        ]}
      />
      {classification && (
        <LineChart
          testId="chart-epoch-acc"
          title="Accuracy per epoch"
          xLabel="epoch"
          partial={partial}
          series={[
            { name: 'train', color: '#16905a', values: epochs.map((e) => e.acc) },
            { name: 'validation', color: '#e0467c', values: epochs.map((e) => e.val_acc) },
          ]}
        />
      )}
      <div data-testid="epoch-log" hidden>
        {JSON.stringify(epochs)}
      </div>
      {(epochs.length > 0 || t.batchLosses.length > 0) && (
        <button
          type="button"
          data-testid="train-save-curves"
          onClick={(e) => void exportCurvesPng(e.currentTarget.closest('.training') ?? document)}
        >
          Save curves as PNG
        </button>
      )}
      {t.boundary && <BoundaryPlot grid={t.boundary} points={t.results?.points} />}
      <Results state={t} />
    </div>
  );
}
