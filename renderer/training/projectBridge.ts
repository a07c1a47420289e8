/**
 * Ties the training worker to the open project: a project's saved `weights` become the starting
 * point of the next Start; every run that does not diverge stores its weights and history back
 * in the project (`setTrainedState`); opening or replacing a project frees the worker and its
 * backend's memory (`training.dispose()`); an "auto" probe's pick is remembered in the project's
 * `training.backends` for this machine class (backendMemory.ts).
 */
import { WEIGHTS_FORMAT, type WeightsSection } from '../../shared/training/weights.ts';
import { editorStore } from '../store/index.ts';
import { training } from './client.ts';
import {
  machineClass,
  modelSignature,
  rememberedBackend,
  withRemembered,
} from './backendMemory.ts';

const asWeights = (value: unknown): WeightsSection | null =>
  value && typeof value === 'object' && (value as { format?: unknown }).format === WEIGHTS_FORMAT
    ? (value as WeightsSection)
    : null;

let bound = false;

/** Idempotent; called once when the Training panel's module loads. */
export function bindTrainingToProject(store = editorStore) {
  if (bound) return;
  bound = true;
  training.loadProjectWeights(asWeights(store.getState().project.weights));
  let loadCount = store.getState().loadCount;
  store.subscribe((s) => {
    if (s.loadCount === loadCount) return;
    loadCount = s.loadCount;
    training.dispose();
    training.loadProjectWeights(asWeights(s.project.weights));
  });
  training.onTrained((run) => store.getState().setTrainedState(run));
  // An "auto" probe's pick is remembered in the project for this machine class; it does not
  // mark the project dirty (it is kept when the project is next saved).
  training.onProbe((probe) => {
    const graph = store.getState().project.graph;
    void machineClass().then((machine) =>
      store.setState((s) => {
        const before = rememberedBackend(s.project.training, machine);
        if (before && before.choice !== 'auto') return {};
        return {
          project: {
            ...s.project,
            training: {
              ...s.project.training,
              backends: withRemembered(s.project.training, machine, {
                choice: 'auto',
                picked: probe.chosen,
                batchSize: probe.batchSize,
                model: modelSignature(graph),
                reason: probe.reason,
                probe: probe.entries,
              }),
            },
          },
        };
      }),
    );
  });
}
