/**
 * The UI side of training: owns the Web Worker, keeps what it reports in a small external store
 * (read with `useTraining`), and sends commands. No tensors on this thread.
 */
import { useSyncExternalStore } from 'react';
import type { TrainingSettings } from '../../shared/graph/project.ts';
import type { Graph } from '../../shared/graph/types.ts';
import type { CsvPreview } from '../../shared/datasets/csv.ts';
import type { SyntheticOptions } from '../../shared/datasets/synthetic.ts';
import type {
  BackendChoice,
  BackendName,
  BoundaryGrid,
  CsvChoices,
  CsvSource,
  FromWorker,
  ToWorker,
} from '../../shared/training/protocol.ts';
import type { BatchProgress, EpochLog } from '../../shared/training/train.ts';
import type { WeightsSection } from '../../shared/training/weights.ts';
import type { WeightsWatch } from '../../shared/tfjs/watch.ts';
import { DATA_URLS } from './assets.ts';

/** A picked CSV file as the worker has read it (the file itself stays with the client). */
export interface CsvImportState {
  fileId: number;
  name: string;
  /** Bytes of the file. */
  size: number;
  /** A request is being answered (parsing, or building the data set with new choices). */
  loading: boolean;
  preview: CsvPreview | null;
  info: Extract<FromWorker, { type: 'csv' }>['info'];
  errors: string[];
  /** How long the worker took for the last answer. */
  ms: number | null;
}

export type Probe = Extract<FromWorker, { type: 'probe' }>;

export type TrainingStatus = 'idle' | 'loading' | 'training' | 'paused' | 'stopped' | 'done';

export interface TrainingState {
  status: TrainingStatus;
  message: string | null;
  error: string | null;
  problems: string[];
  backend: BackendName | null;
  tried: { backend: BackendName; error?: string }[];
  /** The last "auto" probe in this session: samples/s per backend, the pick and why. */
  probe: Probe | null;
  batchLosses: number[];
  epochs: EpochLog[];
  progress: BatchProgress | null;
  dataset: { title: string; trainCount: number; testCount: number; notes: string[] } | null;
  results: Extract<FromWorker, { type: 'results' }> | null;
  boundary: BoundaryGrid | null;
  /** Whether the project's saved weights were loaded at the last start, and why not. */
  weightsNote: string | null;
  /** The latest weight histograms posted by the worker during this run (and when). */
  watch: { watch: WeightsWatch; epoch: number; batch: number; seq: number } | null;
  /** The picked CSV file, read and checked in the worker; kept across runs and restarts. */
  csv: CsvImportState | null;
}

/** What a finished or stopped run hands to the project (see `onTrained`). */
export interface Trained {
  weights: WeightsSection;
  /** This run's epochs. */
  history: EpochLog[];
  /** The run started from earlier weights (kept after Stop, or the project's saved ones). */
  continued: boolean;
}

const initial: TrainingState = {
  status: 'idle',
  message: null,
  error: null,
  problems: [],
  backend: null,
  tried: [],
  probe: null,
  batchLosses: [],
  epochs: [],
  progress: null,
  dataset: null,
  results: null,
  boundary: null,
  weightsNote: null,
  watch: null,
  csv: null,
};

let state: TrainingState = initial;
const listeners = new Set<() => void>();
let worker: Worker | null = null;
/** Whether the worker holds weights that a new Start may continue from. */
let hasWeights = false;
/** Weights for the next fresh model (the project's saved `weights`); see `loadProjectWeights`. */
let projectWeights: WeightsSection | null = null;
/** The weights of the last run that was not diverged. */
let lastTrained: WeightsSection | null = null;
const trainedListeners = new Set<(t: Trained) => void>();
const probeListeners = new Set<(p: Probe) => void>();

/** Listeners hear of changes at most every NOTIFY_MS, so a fast worker never floods React. */
const NOTIFY_MS = 50;
let notifyTimer: ReturnType<typeof setTimeout> | null = null;
let lastNotify = 0;

function notify() {
  notifyTimer = null;
  lastNotify = performance.now();
  for (const l of listeners) l();
}

function update(patch: Partial<TrainingState>) {
  state = { ...state, ...patch };
  if (notifyTimer === null)
    notifyTimer = setTimeout(notify, Math.max(0, NOTIFY_MS - (performance.now() - lastNotify)));
}

/** The picked CSV file: a Blob handle, posted to the worker without copying its bytes. */
let csvFile: { fileId: number; name: string; file: Blob } | null = null;

/** The CSV file picked for training in this session (its name and bytes), if any. */
export function pickedCsvFile(): { name: string; file: Blob } | null {
  return csvFile && { name: csvFile.name, file: csvFile.file };
}
let csvRequest = 0;
const csvWaiters = new Map<number, (answer: Extract<FromWorker, { type: 'csv' }>) => void>();

function onMessage(msg: FromWorker) {
  switch (msg.type) {
    case 'csv': {
      csvWaiters.get(msg.request)?.(msg);
      csvWaiters.delete(msg.request);
      // Only the latest request's answer shows (choices may change faster than answers come).
      if (msg.request === csvRequest && state.csv)
        update({
          csv: {
            ...state.csv,
            loading: false,
            preview: msg.preview,
            info: msg.info,
            errors: msg.errors,
            ms: msg.ms,
          },
        });
      break;
    }
    case 'backend':
      update({ backend: msg.backend, tried: msg.tried });
      break;
    case 'probe':
      update({ probe: msg });
      for (const l of probeListeners) l(msg);
      break;
    case 'status':
      update({ status: msg.state, message: msg.message ?? null });
      break;
    case 'dataset':
      update({
        dataset: {
          title: msg.title,
          trainCount: msg.trainCount,
          testCount: msg.testCount,
          notes: msg.notes,
        },
      });
      break;
    case 'batches':
      update({
        progress: msg.progress,
        batchLosses: [...state.batchLosses, ...msg.progress.losses],
      });
      break;
    case 'epoch':
      update({
        epochs: [...state.epochs, msg.log],
        ...(msg.boundary ? { boundary: msg.boundary } : {}),
      });
      break;
    case 'problems':
      update({ problems: msg.messages });
      break;
    case 'diverged':
      update({ error: msg.message });
      break;
    case 'error':
      update({ error: msg.message });
      break;
    case 'weights':
      update({ weightsNote: msg.message });
      break;
    case 'weightsWatch':
      update({
        watch: {
          watch: msg.watch,
          epoch: msg.epoch,
          batch: msg.batch,
          seq: (state.watch?.seq ?? 0) + 1,
        },
      });
      break;
    case 'trained': {
      lastTrained = msg.weights;
      const trained: Trained = {
        weights: msg.weights,
        history: msg.history,
        continued: msg.continued,
      };
      for (const l of trainedListeners) l(trained);
      break;
    }
    case 'results':
      update({ results: msg, ...(msg.boundary ? { boundary: msg.boundary } : {}) });
      break;
  }
}

function send(msg: ToWorker) {
  if (!worker) {
    worker = new Worker(new URL('./worker.ts', import.meta.url), {
      type: 'module',
      name: 'training',
    });
    worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
    worker.onerror = (e) =>
      update({ error: `Training worker failed: ${e.message}`, status: 'idle' });
  }
  worker.postMessage(msg);
}

export interface StartRequest {
  graph: Graph;
  settings: TrainingSettings;
  backend: BackendChoice;
  synthetic?: SyntheticOptions;
  /** The import choices for the picked CSV file (see `training.loadCsv`). */
  csv?: CsvChoices;
}

function csvSource(choices: CsvChoices): CsvSource | null {
  return csvFile
    ? { name: csvFile.name, fileId: csvFile.fileId, file: csvFile.file, ...choices }
    : null;
}

/** Asks the worker about the picked CSV file with these choices; resolves with its answer. */
function describeCsv(choices: CsvChoices, seed: number) {
  const source = csvSource(choices);
  if (!source || !state.csv) return Promise.resolve(null);
  const request = ++csvRequest;
  update({ csv: { ...state.csv, loading: true } });
  return new Promise<Extract<FromWorker, { type: 'csv' }>>((resolve) => {
    csvWaiters.set(request, resolve);
    send({ type: 'csv', request, source, seed });
  });
}

export const training = {
  start(req: StartRequest) {
    // A run is under way (a second Train before the panel re-rendered): one run at a time.
    if (state.status === 'loading' || state.status === 'training' || state.status === 'paused')
      return;
    update({
      ...initial,
      backend: state.backend,
      tried: state.tried,
      probe: state.probe,
      csv: state.csv,
      status: 'loading',
    });
    send({
      type: 'start',
      graph: req.graph,
      settings: req.settings,
      backend: req.backend,
      keepWeights: hasWeights,
      ...(!hasWeights && projectWeights ? { initialWeights: projectWeights } : {}),
      source: {
        dataset: req.settings.dataset,
        urls: DATA_URLS,
        ...(req.settings.window ? { window: req.settings.window } : {}),
        ...(req.settings.tokenizer ? { tokenizer: req.settings.tokenizer } : {}),
        ...(req.synthetic ? { synthetic: req.synthetic } : {}),
        ...(req.csv && csvSource(req.csv) ? { csv: csvSource(req.csv)! } : {}),
      },
    });
    hasWeights = true;
  },
  pause: () => send({ type: 'pause' }),
  resume: () => send({ type: 'resume' }),
  stop: () => send({ type: 'stop' }),
  reset() {
    hasWeights = false;
    projectWeights = null;
    lastTrained = null;
    send({ type: 'reset' });
    update({
      ...initial,
      backend: state.backend,
      tried: state.tried,
      probe: state.probe,
      csv: state.csv,
    });
  },
  /** Frees the worker and everything in it, the backend's memory included (closing a project). */
  dispose() {
    worker?.postMessage({ type: 'dispose' } satisfies ToWorker);
    worker?.terminate();
    worker = null;
    hasWeights = false;
    projectWeights = null;
    lastTrained = null;
    // The next project's data is not this file.
    csvFile = null;
    csvWaiters.clear();
    update(initial);
  },
  /**
   * The next Start begins from these weights (a project's top-level `weights` section) instead
   * of a fresh initialisation; null forgets them. Weights that do not fit the graph are skipped
   * with a note (`weightsNote`). The worker's current model is dropped so that they apply.
   */
  loadProjectWeights(section: WeightsSection | null) {
    projectWeights = section;
    lastTrained = section;
    hasWeights = false;
  },
  /** The weights of the last run (or the loaded project's), in the project file's format. */
  currentWeights: (): WeightsSection | null => lastTrained,
  /** Called after every run that did not diverge (done or stopped); returns an unsubscribe. */
  onTrained(listener: (t: Trained) => void): () => void {
    trainedListeners.add(listener);
    return () => trainedListeners.delete(listener);
  },
  /** Forget the backend so a new choice takes effect (the worker restarts). */
  restart() {
    worker?.terminate();
    worker = null;
    hasWeights = false;
    // The trained weights survive the new backend: the next Start loads them.
    projectWeights = lastTrained;
    update({
      ...initial,
      probe: state.probe,
      csv: state.csv && { ...state.csv, loading: false },
    });
  },
  /** Called with every "auto" probe's result; returns an unsubscribe. */
  onProbe(listener: (p: Probe) => void): () => void {
    probeListeners.add(listener);
    return () => probeListeners.delete(listener);
  },
  /**
   * Reads a picked CSV file in the worker (decoding and parsing happen there, not on this thread)
   * and checks it with `choices`; resolves with the answer (preview, shape, errors).
   */
  loadCsv(file: Blob, name: string, choices: CsvChoices, seed: number) {
    csvFile = { fileId: (csvFile?.fileId ?? 0) + 1, name, file };
    update({
      csv: {
        fileId: csvFile.fileId,
        name,
        size: file.size,
        loading: true,
        preview: null,
        info: null,
        errors: [],
        ms: null,
      },
    });
    return describeCsv(choices, seed);
  },
  /** Checks new import choices for the picked file (the answer lands in `csv`). */
  describeCsv,
  getState: () => state,
};

/**
 * One value of the training state: re-renders only when it changes (by identity), so blocks on
 * the canvas may read the CSV facts without re-rendering at every batch.
 */
export function useTrainingSelect<T>(select: (s: TrainingState) => T): T {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => select(state),
  );
}

export function useTraining(): TrainingState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
}
