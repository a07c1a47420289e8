/**
 * Ties the training worker to the open project: a project's saved `weights` become the starting
 * point of the next Start; every run that does not diverge stores its weights and history back
 * in the project (`setTrainedState`); opening or replacing a project frees the worker and its
 * backend's memory (`training.dispose()`).
 */
import { WEIGHTS_FORMAT, type WeightsSection } from '../../shared/training/weights.ts';
import { editorStore } from '../store/index.ts';
import { training } from './client.ts';

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
}
