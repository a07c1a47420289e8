import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { DEFAULT_TEMPLATE_ID, loadTemplate, type Project } from '../../shared/index.ts';
import { createEditSlice, type EditSlice } from './editSlice.ts';
import { createGraphSlice, type GraphSlice } from './graphSlice.ts';
import { withHistory, type HistoryOptions, type HistorySlice } from './history.ts';
import { createTrainedSlice, type TrainedSlice } from './trainedSlice.ts';
import { createUiSlice, type UiSlice } from './uiSlice.ts';
import { forgetAnalysis, onAnalysisUpdate } from './analysis.ts';

export type EditorState = GraphSlice & UiSlice & EditSlice & TrainedSlice & HistorySlice;
export type EditorStore = StoreApi<EditorState>;

/** A store built from its slices; usable without React (unit tests). */
export function createEditorStore(project?: Project, history?: HistoryOptions): EditorStore {
  const store = createStore<EditorState>()(
    withHistory(
      (...a) => ({
        ...createGraphSlice(...a),
        ...createUiSlice(...a),
        ...createEditSlice(...a),
        ...createTrainedSlice(...a),
      }),
      history,
    ),
  );
  if (project) store.getState().loadProject(project);
  store.getState().clearHistory();
  return store;
}

/** The app's one store; opens on the MNIST MLP template. */
export const editorStore: EditorStore = createEditorStore(loadTemplate(DEFAULT_TEMPLATE_ID));

// A worker analysis arrived: selectors reading `analysisOf` run again. Another project loaded:
// the last one's analysis must not stand in for this one's while the worker runs.
onAnalysisUpdate(() => editorStore.setState((s) => ({ analysisVersion: s.analysisVersion + 1 })));
editorStore.subscribe((s, prev) => {
  if (s.loadCount !== prev.loadCount) forgetAnalysis(s.project.graph);
});

/** Subscribes a component to one slice of the editor state. */
export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(editorStore, selector);
}

export {
  analysisNow,
  analysisOf,
  analysisPending,
  diagnosticsByNode,
  parseProjectFile,
  lossTakesActivation,
  summaryOf,
  WORKER_MIN_BLOCKS,
} from './analysis.ts';
export { checkConnection, isMergeType } from './connection.ts';
export type { ConnectResult, GraphSlice, XY } from './graphSlice.ts';
export type { EditSlice } from './editSlice.ts';
export type { HistoryEpoch, TrainedSlice } from './trainedSlice.ts';
export type { HistoryOptions, HistorySlice } from './history.ts';
export { FRAGMENT_MIME, readFragment, type Fragment } from './clipboard.ts';
export type { Notice, UiSlice } from './uiSlice.ts';
