/**
 * The progress of the model export running now (Export menu → ONNX, TF.js, npz), for the status
 * bar's progress bar. A 50,000-block ONNX export takes tens of seconds; its stages come from
 * shared/export/progress.ts. Nothing shows for an export that finishes within `SHOW_AFTER_MS`.
 */
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { ExportProgress, ExportProgressCallback } from '../../shared/export/progress.ts';

/** An export shows its progress once it has run this long. */
export const SHOW_AFTER_MS = 300;

export interface RunningExport {
  /** The export's menu label, e.g. "ONNX (model.onnx)". */
  label: string;
  progress: ExportProgress;
}

export const exportProgressStore = createStore<{ running: RunningExport | null }>(() => ({
  running: null,
}));

/** Subscribes a component to the running export (null when none, or not shown yet). */
export function useRunningExport(): RunningExport | null {
  return useStore(exportProgressStore, (s) => s.running);
}

/**
 * Progress reporting for one export labelled `label`: `onProgress` (shows after `SHOW_AFTER_MS`,
 * updates at most every 100 ms) and `done()` (hides it).
 */
export function trackExport(label: string): { onProgress: ExportProgressCallback; done(): void } {
  const start = performance.now();
  let last = -Infinity;
  return {
    onProgress(progress) {
      const now = performance.now();
      if (now - start < SHOW_AFTER_MS || now - last < 100) return;
      last = now;
      exportProgressStore.setState({ running: { label, progress } });
    },
    done() {
      exportProgressStore.setState({ running: null });
    },
  };
}

const STAGES: Record<ExportProgress['stage'], string> = {
  model: 'building the model',
  weights: 'reading weights',
  graph: 'writing nodes',
  encode: 'encoding',
};

/** "Exporting ONNX (model.onnx): encoding 45%". */
export function runningExportText({ label, progress }: RunningExport): string {
  const pct = progress.total > 0 ? Math.floor((100 * progress.done) / progress.total) : 0;
  return `Exporting ${label}: ${STAGES[progress.stage]}${progress.stage === 'model' ? '…' : ` ${pct}%`}`;
}
