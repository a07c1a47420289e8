import type { StateCreator } from 'zustand';
import { epochsTrained, type EpochLog } from '../../shared/training/train.ts';
import type { WeightsSection } from '../../shared/training/weights.ts';
import type { EditorState } from './index.ts';

/** One epoch of the project's training history (the top-level `trainingHistory`). */
export type HistoryEpoch = Omit<EpochLog, 'seconds'>;

/** Trained weights and training history kept in the project document. */
export interface TrainedSlice {
  /**
   * Stores a run's result in the project: `weights` (shared/training/weights.ts's format) and
   * `trainingHistory` (one entry per epoch; an epoch cut short by Stop keeps `partial: true` and
   * its `fraction`). A run that `continued` from earlier weights appends to the history,
   * numbering on; a run from scratch replaces it. `weights.trainedOn.epochs` is the epochs
   * trained, a partial one counted by its fraction (e.g. 1.1). Marks the project dirty.
   */
  setTrainedState(run: { weights: WeightsSection; history: EpochLog[]; continued: boolean }): void;
  /**
   * "Reset weights": removes the project's trained `weights` and `trainingHistory`, so the next
   * save holds an untrained model. Marks the project dirty when there was anything to remove.
   */
  clearTrainedState(): void;
}

export const createTrainedSlice: StateCreator<EditorState, [], [], TrainedSlice> = (set, get) => ({
  setTrainedState({ weights, history, continued }) {
    const project = get().project;
    const before =
      continued && Array.isArray(project.trainingHistory)
        ? (project.trainingHistory as HistoryEpoch[])
        : [];
    const added = history.map(({ seconds: _seconds, ...e }, i) => ({
      ...e,
      epoch: before.length + i + 1,
    }));
    const trainingHistory = [...before, ...added];
    set({
      project: {
        ...project,
        weights: {
          ...weights,
          ...(weights.trainedOn
            ? {
                trainedOn: {
                  ...weights.trainedOn,
                  epochs: Math.round(epochsTrained(trainingHistory) * 1000) / 1000,
                },
              }
            : {}),
        },
        trainingHistory,
      },
      dirty: true,
    });
  },
  clearTrainedState() {
    const { weights: _weights, trainingHistory: _history, ...rest } = get().project;
    if (_weights === undefined && _history === undefined) return;
    set({ project: { ...rest } as EditorState['project'], dirty: true });
  },
});
