import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { GoalVerdict } from '../../shared/lessons/lesson.ts';

/** How the last training run went, as the lints need it. */
export interface LastRun {
  diverged: boolean;
  /** The learning rate the run used: the divergence lint holds only while it is unchanged. */
  learningRate: number;
}

/** A lesson verdict after a run, with the lesson it judged. */
export interface LessonVerdict extends GoalVerdict {
  lessonTitle: string;
}

/** Classroom view state: presenter mode, the last run's facts, the lesson verdict. */
export interface TeachState {
  presenter: boolean;
  /** The block the presenter walk shows, or null before the first arrow key. */
  presenterNodeId: string | null;
  /** The side panel shown beside the canvas in presenter mode; null: the canvas alone. */
  presenterPanel: string | null;
  lastRun: LastRun | null;
  verdict: LessonVerdict | null;
  setPresenter(on: boolean): void;
  setPresenterNode(id: string | null): void;
  setPresenterPanel(id: string | null): void;
  setLastRun(run: LastRun | null): void;
  setVerdict(verdict: LessonVerdict | null): void;
}

export const teachStore = createStore<TeachState>()((set) => ({
  presenter: false,
  presenterNodeId: null,
  presenterPanel: 'inspector',
  lastRun: null,
  verdict: null,
  setPresenter: (on) => set({ presenter: on, presenterNodeId: null }),
  setPresenterNode: (id) => set({ presenterNodeId: id }),
  setPresenterPanel: (id) => set({ presenterPanel: id }),
  setLastRun: (run) => set({ lastRun: run }),
  setVerdict: (verdict) => set({ verdict }),
}));

export function useTeach<T>(selector: (state: TeachState) => T): T {
  return useStore(teachStore, selector);
}
