/**
 * Messages between the UI thread and the training Web Worker (renderer/training/worker.ts).
 * Pure data: structured-clone friendly, no tensors.
 */
import type { Graph } from '../graph/types.ts';
import type { TrainingSettings } from '../graph/project.ts';
import type { CsvPreview } from '../datasets/csv.ts';
import type { DatasetShapeInfo } from '../datasets/fit.ts';
import type { SyntheticOptions } from '../datasets/synthetic.ts';
import type { TokenizerOptions } from '../datasets/tokenizer.ts';
import type { WindowOptions } from '../datasets/window.ts';
import type { BatchProgress, EpochLog, TestResults } from './train.ts';
import type { WeightsSection } from './weights.ts';
import type { WeightsWatch } from '../tfjs/watch.ts';
import type { ProbeEntry } from './probe.ts';

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
/**
 * `auto` probes every backend that starts with a few training steps of the model at its batch
 * size and keeps the fastest (shared/training/probe.ts; answered by a `probe` message).
 */
export type BackendChoice = 'auto' | BackendName;

/** Where the worker gets the data: built-in sets by URL (served by Vite), CSV by text. */
export interface DataSource {
  dataset: TrainingSettings['dataset'];
  synthetic?: SyntheticOptions;
  /** The CSV file and the import choices, when `dataset` is `csv`. */
  csv?: CsvSource;
  /** Asset URLs of the data files (MNIST IDX files, penguins/cars JSON, time-series CSVs). */
  urls: Record<string, string>;
  /** The project's windowing, for a time series (co2, seattle-weather). */
  window?: WindowOptions;
  /** The project's tokenizer, for the topic sentences. */
  tokenizer?: TokenizerOptions;
}

/** Import choices for a CSV file (the project's `training.csv`, less the file name). */
export interface CsvChoices {
  target?: string;
  task?: 'classification' | 'regression';
  normalization?: 'standard' | 'minmax' | 'none';
  ignore?: string[];
}

/**
 * A CSV file for the worker: `file` is the picked File (a Blob handle: posting it copies no
 * bytes; the worker reads it into an ArrayBuffer and decodes it there), or `text` (tests, CLI).
 * `fileId` names one picked file so the worker parses it once.
 */
export interface CsvSource extends CsvChoices {
  name: string;
  fileId?: number;
  file?: Blob;
  text?: string;
}

export type ToWorker =
  /** Parse a CSV file (once per fileId) and try the choices: answered by `csv`. */
  | { type: 'csv'; request: number; source: CsvSource; seed: number }
  | {
      type: 'start';
      graph: Graph;
      settings: TrainingSettings;
      source: DataSource;
      backend: BackendChoice;
      /** Continue from the current weights when the graph is unchanged (after Stop). */
      keepWeights: boolean;
      /**
       * Weights to start from when the worker builds a fresh model (a project's stored
       * `weights`). Weights that do not fit the graph are skipped with a `weights` notice.
       */
      initialWeights?: WeightsSection;
      limit?: number;
    }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'reset' }
  /** Frees the model and the backend's memory (closing a project). */
  | { type: 'dispose' };

/** Decision-boundary grid over the 2-D input range: `size × size` probabilities of class 1. */
export interface BoundaryGrid {
  size: number;
  range: [number, number];
  values: number[];
}

export type FromWorker =
  | { type: 'backend'; backend: BackendName; tried: { backend: BackendName; error?: string }[] }
  /**
   * The "auto" probe: each backend's measured training samples/s (or why not), the one chosen
   * and why, at which batch size, and how long the probe took (milliseconds).
   */
  | {
      type: 'probe';
      entries: ProbeEntry[];
      chosen: BackendName;
      reason: string;
      batchSize: number;
      ms: number;
    }
  | {
      type: 'status';
      state: 'loading' | 'training' | 'paused' | 'stopped' | 'done' | 'idle';
      message?: string;
    }
  | { type: 'dataset'; title: string; trainCount: number; testCount: number; notes: string[] }
  | { type: 'batches'; progress: BatchProgress }
  | { type: 'epoch'; log: EpochLog; boundary?: BoundaryGrid }
  | { type: 'problems'; messages: string[] }
  /** Whether `initialWeights` were loaded into a fresh model, and why not. */
  | { type: 'weights'; loaded: boolean; message: string }
  /**
   * After a run that was not diverged: the model's weights and this run's epochs; `continued`
   * when the run started from earlier weights (kept after Stop or loaded), not from scratch.
   */
  | { type: 'trained'; weights: WeightsSection; history: EpochLog[]; continued: boolean }
  /**
   * While training (at the start, then at most every second and at the end): weight histograms
   * and the first Dense layer's images (shared/tfjs/watch.ts), for "watch the weights".
   */
  | { type: 'weightsWatch'; watch: WeightsWatch; epoch: number; batch: number }
  /**
   * The answer to a `csv` request: a preview once the file parses, the data set's shape when the
   * choices make one, and errors (with line numbers) otherwise.
   */
  | {
      type: 'csv';
      request: number;
      preview: CsvPreview | null;
      info: (DatasetShapeInfo & { trainCount: number; testCount: number; notes: string[] }) | null;
      errors: string[];
      ms: number;
    }
  | { type: 'diverged'; message: string }
  | { type: 'error'; message: string }
  | {
      type: 'results';
      test: TestResults | null;
      /** MNIST: the first images (28×28 bytes each) for the prediction grid, with labels. */
      samples?: { pixels: number[][]; labels: number[] };
      classNames: string[];
      points?: { x: number[]; y: number[] };
      boundary?: BoundaryGrid;
    };
