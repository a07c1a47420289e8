import '../training/training.css';
import { useMemo, useState } from 'react';
import {
  BUILTIN_DATASET_INFO,
  checkDatasetFit,
  type FitProblem,
} from '../../shared/datasets/fit.ts';
import {
  DATASETS,
  LOSSES,
  OPTIMIZERS,
  trainingSchema,
  type TrainingSettings,
} from '../../shared/graph/project.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { setParams } from '../../shared/lint/rules.ts';
import type { BackendChoice } from '../../shared/training/protocol.ts';
import { editorStore, useEditor, type HistoryEpoch } from '../store/index.ts';
import { LineChart, smooth } from '../training/LineChart.tsx';
import { BoundaryPlot, Results } from '../training/Results.tsx';
import { CsvImport } from '../training/CsvImport.tsx';
import { CostPreview } from '../training/CostPreview.tsx';
import { training, useTraining } from '../training/client.ts';
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

export function TrainingPanel() {
  const graph = useEditor((s) => s.project.graph);
  const settings = useEditor((s) => s.project.training);
  const t = useTraining();
  const [backend, setBackend] = useState<BackendChoice>('auto');
  const synthetic = ((settings as Record<string, unknown>).synthetic as
    SyntheticSettings | undefined) ?? { size: 500, noise: 0.1 };
  const isToy = ['spiral', 'circles', 'xor', 'blobs'].includes(settings.dataset);

  // The CSV file's shape comes from the worker, once it has read the file with these choices.
  const csvInfo = settings.dataset === 'csv' && !t.csv?.loading ? (t.csv?.info ?? null) : null;
  const csvReady = csvInfo !== null && t.csv?.name === settings.csv?.fileName;
  const fit = useMemo((): (Pick<FitProblem, 'message'> & Partial<FitProblem>)[] => {
    const lowered = lowerGraph(graph);
    if (!lowered.ok) return [{ message: 'Fix the problems in the graph before training' }];
    if (settings.dataset === 'csv')
      return csvInfo ? checkDatasetFit(lowered.ir, { ...csvInfo, id: 'csv' }, settings.loss) : [];
    return checkDatasetFit(lowered.ir, BUILTIN_DATASET_INFO[settings.dataset], settings.loss);
  }, [graph, settings.dataset, settings.loss, csvInfo]);

  const running = t.status === 'training' || t.status === 'paused' || t.status === 'loading';
  const num = (key: keyof TrainingSettings, raw: string, int: boolean) => {
    const v = int ? Number.parseInt(raw, 10) : Number(raw);
    const parsed = trainingSchema.safeParse({ ...settings, [key]: v });
    if (parsed.success) setTraining({ [key]: v });
  };
  const start = () =>
    training.start({
      graph,
      settings,
      backend,
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
                {d === 'csv' ? 'CSV file…' : d}
              </option>
            ))}
          </select>
        </label>
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
              setBackend(e.target.value as BackendChoice);
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

      <CostPreview />
      <div className="tbuttons">
        {!running && (
          <button
            data-testid="train-start"
            className="primary"
            disabled={fit.length > 0 || (settings.dataset === 'csv' && !csvReady)}
            onClick={start}
          >
            {t.status === 'stopped' || t.status === 'done' ? 'Train more' : 'Train'}
          </button>
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
        <button data-testid="train-reset" disabled={running} onClick={training.reset}>
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
          <span className="mono">
            epoch {p.epoch}/{settings.epochs} · batch {p.batch + 1}/{p.batchesPerEpoch} ·{' '}
            {Math.round(p.samplesPerSecond)} samples/s · ETA {fmtTime(p.etaSeconds)}
          </span>
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
