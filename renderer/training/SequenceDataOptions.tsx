/**
 * The data options of the time series (window length, horizon, normalisation) and of the topic
 * sentences (vocabulary size, sequence length), kept in the project's `training.window` and
 * `training.tokenizer`. A number the settings refuse is not applied; `onError` says why.
 */
import { DEFAULT_TOKENIZER } from '../../shared/datasets/tokenizer.ts';
import { DEFAULT_WINDOW, isSeriesSet, SERIES_SETS } from '../../shared/datasets/window.ts';
import {
  tokenizerSettingsSchema,
  windowSettingsSchema,
  type TrainingSettings,
} from '../../shared/graph/project.ts';

/** Names of the built-in data sets in the picker (the others show their id). */
export const DATASET_LABELS: Partial<Record<TrainingSettings['dataset'], string>> = {
  csv: 'CSV file…',
  co2: 'co2 (time series)',
  'seattle-weather': 'seattle-weather (time series)',
  topics: 'topics (text)',
};

const LABELS: Record<string, string> = {
  length: 'Window',
  horizon: 'Horizon',
  vocabSize: 'Vocabulary size',
  sequenceLength: 'Sequence length',
};

function why(issue: { code: string; maximum?: unknown; minimum?: unknown } | undefined): string {
  const n = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US') : String(v));
  if (issue?.code === 'too_big') return `must be at most ${n(issue.maximum)}`;
  if (issue?.code === 'too_small') return `must be at least ${n(issue.minimum)}`;
  return 'must be a whole number';
}

export function SequenceDataOptions({
  settings,
  disabled,
  onChange,
  onError,
}: {
  settings: TrainingSettings;
  disabled: boolean;
  onChange: (patch: Partial<TrainingSettings>) => void;
  onError: (message: string | null) => void;
}) {
  const dataset = settings.dataset;
  if (isSeriesSet(dataset)) {
    const win = settings.window ?? DEFAULT_WINDOW;
    const set = (key: 'length' | 'horizon', raw: string) => {
      const parsed = windowSettingsSchema.safeParse({ ...win, [key]: Number(raw) });
      if (parsed.success) {
        onChange({ window: parsed.data });
        onError(null);
      } else onError(`${LABELS[key]}: ${why(parsed.error.issues[0])}; kept ${win[key]}`);
    };
    return (
      <>
        <label title={`Steps of ${SERIES_SETS[dataset].description} in one example`}>
          Window
          <input
            type="number"
            data-testid="train-window"
            min={1}
            value={win.length}
            disabled={disabled}
            onChange={(e) => set('length', e.target.value)}
          />
        </label>
        <label title="Predict the value this many steps after the window">
          Horizon
          <input
            type="number"
            data-testid="train-horizon"
            min={1}
            value={win.horizon}
            disabled={disabled}
            onChange={(e) => set('horizon', e.target.value)}
          />
        </label>
        <label
          className="tform__check"
          title="Mean 0, spread 1, with the training part's statistics"
        >
          <input
            type="checkbox"
            data-testid="train-normalize"
            checked={win.normalize}
            disabled={disabled}
            onChange={(e) => onChange({ window: { ...win, normalize: e.target.checked } })}
          />{' '}
          Standardise
        </label>
      </>
    );
  }
  if (dataset === 'topics') {
    const tok = settings.tokenizer ?? DEFAULT_TOKENIZER;
    const set = (key: 'vocabSize' | 'sequenceLength', raw: string) => {
      const parsed = tokenizerSettingsSchema.safeParse({ ...tok, [key]: Number(raw) });
      if (parsed.success) {
        onChange({ tokenizer: parsed.data });
        onError(null);
      } else onError(`${LABELS[key]}: ${why(parsed.error.issues[0])}; kept ${tok[key]}`);
    };
    return (
      <>
        <label title="Word ids 0…N−1: 0 padding, 1 unknown word, then the most frequent words">
          Vocabulary size
          <input
            type="number"
            data-testid="train-vocab"
            min={3}
            value={tok.vocabSize}
            disabled={disabled}
            onChange={(e) => set('vocabSize', e.target.value)}
          />
        </label>
        <label title="Word ids per sentence: shorter ones are padded with 0, longer ones cut">
          Sequence length
          <input
            type="number"
            data-testid="train-seqlen"
            min={1}
            value={tok.sequenceLength}
            disabled={disabled}
            onChange={(e) => set('sequenceLength', e.target.value)}
          />
        </label>
      </>
    );
  }
  return null;
}
