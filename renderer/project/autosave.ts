import { serializeProject, type Project } from '../../shared/index.ts';
import type { AutosaveStore } from '../platform/types.ts';
import type { EditorStore } from '../store/index.ts';

/** Unsaved work is written this often. */
export const AUTOSAVE_INTERVAL_MS = 30_000;

export interface AutosaveTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(id: unknown): void;
}

export interface Autosave {
  /** Writes now when there is unsaved work not yet written. */
  flush(): Promise<void>;
  stop(): void;
}

/**
 * Every `intervalMs` while the project is dirty and changed since the last write, writes it to
 * `target`; when the project becomes clean (saved, or another one loaded), clears the autosave.
 * A failed write is reported once through `onError` and tried again at the next tick.
 */
export function startAutosave(
  store: EditorStore,
  target: AutosaveStore,
  options: {
    intervalMs?: number;
    timers?: AutosaveTimers;
    onError?: (message: string) => void;
  } = {},
): Autosave {
  const timers: AutosaveTimers = options.timers ?? {
    setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
    clearInterval: (id) => globalThis.clearInterval(id as number),
  };
  let written: Project | null = null;
  let failed = false;
  let chain: Promise<void> = Promise.resolve();

  const queue = (job: () => Promise<void>) => {
    chain = chain.then(job, job);
    return chain;
  };

  const flush = () =>
    queue(async () => {
      const { project, dirty, filePath } = store.getState();
      if (!dirty || project === written) return;
      try {
        await target.write(serializeProject(project), filePath);
        written = project;
        failed = false;
      } catch (e) {
        if (!failed) options.onError?.(`Autosave failed: ${e instanceof Error ? e.message : e}`);
        failed = true;
      }
    });

  const unsubscribe = store.subscribe((state, prev) => {
    if (prev.dirty && !state.dirty) {
      written = null;
      void queue(() => target.clear().catch(() => undefined));
    }
  });
  const timer = timers.setInterval(() => void flush(), options.intervalMs ?? AUTOSAVE_INTERVAL_MS);

  return {
    flush,
    stop() {
      timers.clearInterval(timer);
      unsubscribe();
    },
  };
}
