import type { StateCreator } from 'zustand';
import type { EditorState } from './index.ts';

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

/** View state: selection, the open side panel, measured block sizes and a transient notice. */
export interface UiSlice {
  selectedNodeIds: string[];
  selectedEdgeIds: string[];
  activePanel: string;
  /** Block sizes measured by the canvas (React Flow needs them back on every node object). */
  measured: Record<string, { width: number; height: number }>;
  notice: Notice | null;
  templateMenuOpen: boolean;
  /**
   * Bumped when a worker analysis arrives (renderer/store/analysis.ts), so selectors that read
   * `analysisOf(graph)` run again.
   */
  analysisVersion: number;
  setTemplateMenuOpen(open: boolean): void;
  select(nodeIds: readonly string[], edgeIds?: readonly string[]): void;
  setActivePanel(id: string): void;
  setMeasured(sizes: ReadonlyArray<{ id: string; width: number; height: number }>): void;
  notify(text: string, kind?: Notice['kind']): void;
  dismissNotice(): void;
  /** Clears selection and measurements, e.g. after loading another project. */
  resetView(): void;
}

let noticeId = 0;

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export const createUiSlice: StateCreator<EditorState, [], [], UiSlice> = (set, get) => ({
  selectedNodeIds: [],
  selectedEdgeIds: [],
  activePanel: 'inspector',
  measured: {},
  notice: null,
  templateMenuOpen: false,
  analysisVersion: 0,

  setTemplateMenuOpen(open) {
    set({ templateMenuOpen: open });
  },

  select(nodeIds, edgeIds = []) {
    const s = get();
    if (sameList(s.selectedNodeIds, nodeIds) && sameList(s.selectedEdgeIds, edgeIds)) return;
    set({ selectedNodeIds: [...nodeIds], selectedEdgeIds: [...edgeIds] });
  },

  setActivePanel(id) {
    set({ activePanel: id });
  },

  setMeasured(sizes) {
    const current = get().measured;
    const changed = sizes.filter((s) => {
      const m = current[s.id];
      return !m || m.width !== s.width || m.height !== s.height;
    });
    if (changed.length === 0) return;
    const next = { ...current };
    for (const s of changed) next[s.id] = { width: s.width, height: s.height };
    set({ measured: next });
  },

  notify(text, kind = 'info') {
    set({ notice: { id: ++noticeId, kind, text } });
  },

  dismissNotice() {
    set({ notice: null });
  },

  resetView() {
    set({ selectedNodeIds: [], selectedEdgeIds: [], measured: {} });
  },
});
