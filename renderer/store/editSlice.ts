import type { StateCreator } from 'zustand';
import { boxOf, clearOffset } from '../canvas/placement.ts';
import { copyFragment, pasteFragment, type Fragment } from './clipboard.ts';
import type { EditorState } from './index.ts';

/** Copy, paste, duplicate and select all, over the selection; each paste is one undo entry. */
export interface EditSlice {
  /** The selected blocks (and wires between them) as a fragment; also kept as the app clipboard. */
  copySelection(): Fragment | null;
  /**
   * Adds a fragment with fresh ids, moved from where it was copied to the nearest place clear of
   * every block on the canvas (beside the copied blocks, or below); selects the new blocks.
   */
  paste(fragment?: Fragment | null): string[];
  /** Copy + paste of the selection, without touching the clipboard. */
  duplicateSelection(): string[];
  selectAll(): void;
}

export const createEditSlice: StateCreator<EditorState, [], [], EditSlice> = (set, get) => {
  let clipboard: Fragment | null = null;

  const insert = (fragment: Fragment): string[] => {
    const { project, measured } = get();
    // Clear of every block, the earlier pastes of the same fragment included.
    const offset = clearOffset(
      project.graph.nodes.map((n) => boxOf(n, measured)),
      fragment.nodes.map((n) => boxOf(n, measured)),
    );
    const result = pasteFragment(project.graph, fragment, offset);
    set({ project: { ...project, graph: result.graph }, dirty: true });
    get().select(result.nodeIds, result.edgeIds);
    return result.nodeIds;
  };

  return {
    copySelection() {
      const fragment = copyFragment(get().project.graph, get().selectedNodeIds);
      if (fragment) clipboard = fragment;
      return fragment;
    },

    paste(fragment = clipboard) {
      return fragment ? insert(fragment) : [];
    },

    duplicateSelection() {
      const fragment = copyFragment(get().project.graph, get().selectedNodeIds);
      return fragment ? insert(fragment) : [];
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
