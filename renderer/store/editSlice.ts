import type { StateCreator } from 'zustand';
import { copyFragment, pasteFragment, PASTE_OFFSET, type Fragment } from './clipboard.ts';
import type { EditorState } from './index.ts';

/** Copy, paste, duplicate and select all, over the selection; each paste is one undo entry. */
export interface EditSlice {
  /** The selected blocks (and wires between them) as a fragment; also kept as the app clipboard. */
  copySelection(): Fragment | null;
  /** Adds a fragment with fresh ids, offset from where it was copied; selects the new blocks. */
  paste(fragment?: Fragment | null): string[];
  /** Copy + paste of the selection, without touching the clipboard. */
  duplicateSelection(): string[];
  selectAll(): void;
}

export const createEditSlice: StateCreator<EditorState, [], [], EditSlice> = (set, get) => {
  let clipboard: Fragment | null = null;
  /** Pastes of the same fragment land one offset further each time. */
  let pasted: { key: string; count: number } | null = null;

  const insert = (fragment: Fragment, count: number): string[] => {
    const { project } = get();
    const offset = { x: PASTE_OFFSET.x * count, y: PASTE_OFFSET.y * count };
    const result = pasteFragment(project.graph, fragment, offset);
    set({ project: { ...project, graph: result.graph }, dirty: true });
    get().select(result.nodeIds, result.edgeIds);
    return result.nodeIds;
  };

  return {
    copySelection() {
      const fragment = copyFragment(get().project.graph, get().selectedNodeIds);
      if (fragment) {
        clipboard = fragment;
        pasted = null;
      }
      return fragment;
    },

    paste(fragment = clipboard) {
      if (!fragment) return [];
      const key = JSON.stringify(fragment);
      const count = pasted?.key === key ? pasted.count + 1 : 1;
      pasted = { key, count };
      return insert(fragment, count);
    },

    duplicateSelection() {
      const fragment = copyFragment(get().project.graph, get().selectedNodeIds);
      return fragment ? insert(fragment, 1) : [];
    },

    selectAll() {
      const { nodes, edges } = get().project.graph;
      get().select(
        nodes.map((n) => n.id),
        edges.map((e) => e.id),
      );
    },
  };
};
