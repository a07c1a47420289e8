import type { StateCreator, StoreApi } from 'zustand';
import type { Project } from '../../shared/index.ts';
import type { EditorState } from './index.ts';

/** Undo/redo of the project document, recorded at the store level. */
export interface HistorySlice {
  canUndo: boolean;
  canRedo: boolean;
  undo(): void;
  redo(): void;
  /**
   * Starts a gesture (a drag): every document change until {@link endGesture} becomes one undo
   * entry. Gestures do not nest; a second begin is ignored.
   */
  beginGesture(): void;
  endGesture(): void;
  /** Forgets every entry (e.g. after opening a file). */
  clearHistory(): void;
}

/** Entries kept; the oldest go first. Graph documents are small, snapshots share structure. */
export const HISTORY_LIMIT = 100;
/** Edits of the same field of the same block closer than this (typing) are one entry. */
export const COALESCE_MS = 1000;

interface Snapshot {
  project: Project;
  filePath: string | null;
}

export interface HistoryOptions {
  limit?: number;
  coalesceMs?: number;
  now?: () => number;
}

type Base = Omit<EditorState, keyof HistorySlice>;

/**
 * What kind of edit turned `a` into `b`, when it is one that typing repeats: a change of one
 * param or the label of one block. Consecutive edits with the same key are merged.
 */
export function coalesceKey(a: Project, b: Project): string | null {
  if (a.graph.edges !== b.graph.edges || a.training !== b.training || a.name !== b.name) {
    return null;
  }
  const x = a.graph.nodes;
  const y = b.graph.nodes;
  if (x.length !== y.length) return null;
  let key: string | null = null;
  for (let i = 0; i < x.length; i++) {
    const p = x[i]!;
    const q = y[i]!;
    if (p === q) continue;
    if (key !== null || p.id !== q.id || p.type !== q.type) return null;
    if (p.position.x !== q.position.x || p.position.y !== q.position.y) return null;
    if (p.label !== q.label) {
      if (p.params !== q.params) return null;
      key = `label:${p.id}`;
      continue;
    }
    const names = new Set([...Object.keys(p.params), ...Object.keys(q.params)]);
    const changed = [...names].filter((n) => p.params[n] !== q.params[n]);
    if (changed.length !== 1) return null;
    key = `param:${p.id}:${changed[0]}`;
  }
  return key;
}

/**
 * Store middleware: every change of `project` made through the store's `set` (any action, today's
 * or a future one) pushes the previous document on the undo stack and clears redo. Opening a file
 * (a load with a path) starts a fresh history; loading a template or a new project is undoable.
 */
export function withHistory(
  creator: StateCreator<EditorState, [], [], Base>,
  options: HistoryOptions = {},
): StateCreator<EditorState> {
  const limit = options.limit ?? HISTORY_LIMIT;
  const coalesceMs = options.coalesceMs ?? COALESCE_MS;
  const now = options.now ?? (() => Date.now());

  return (set, get, api) => {
    const past: Snapshot[] = [];
    const future: Snapshot[] = [];
    let applying = false;
    let gesture: { recorded: boolean } | null = null;
    let last: { key: string; at: number } | null = null;
    /** The document as last loaded or saved: undoing back to it makes the project clean. */
    let saved: Project | null = null;

    const flags = () => {
      const canUndo = past.length > 0;
      const canRedo = future.length > 0;
      const s = get();
      if (s.canUndo !== canUndo || s.canRedo !== canRedo) set({ canUndo, canRedo });
    };

    const record = (before: EditorState, after: EditorState) => {
      if (after.loadCount !== before.loadCount && after.filePath !== null) {
        past.length = 0;
        future.length = 0;
        last = null;
        return;
      }
      const key =
        after.loadCount === before.loadCount ? coalesceKey(before.project, after.project) : null;
      const t = now();
      const merge = gesture
        ? gesture.recorded
        : key !== null && last?.key === key && t - last.at < coalesceMs && past.length > 0;
      if (!merge) {
        past.push({ project: before.project, filePath: before.filePath });
        if (past.length > limit) past.splice(0, past.length - limit);
      }
      if (gesture) gesture.recorded = true;
      future.length = 0;
      last = key !== null ? { key, at: t } : null;
    };

    const tracked: StoreApi<EditorState>['setState'] = (partial, replace) => {
      const before = get();
      if (replace === true) set(partial as EditorState, true);
      else set(partial);
      const after = get();
      if (!applying && after.project !== before.project) record(before, after);
      if (!after.dirty) saved = after.project;
      if (!applying) flags();
    };
    api.setState = tracked;

    const restore = (from: Snapshot[], to: Snapshot[]) => {
      const snap = from.pop();
      if (!snap) return;
      const s = get();
      to.push({ project: s.project, filePath: s.filePath });
      last = null;
      applying = true;
      try {
        const ids = new Set(snap.project.graph.nodes.map((n) => n.id));
        const edgeIds = new Set(snap.project.graph.edges.map((e) => e.id));
        set({
          project: snap.project,
          filePath: snap.filePath,
          dirty: snap.project !== saved,
          selectedNodeIds: s.selectedNodeIds.filter((id) => ids.has(id)),
          selectedEdgeIds: s.selectedEdgeIds.filter((id) => edgeIds.has(id)),
        });
      } finally {
        applying = false;
      }
      flags();
    };

    const base = creator(tracked, get, api);
    return {
      ...base,
      canUndo: false,
      canRedo: false,
      undo: () => restore(past, future),
      redo: () => restore(future, past),
      beginGesture() {
        gesture ??= { recorded: false };
      },
      endGesture() {
        gesture = null;
        last = null;
      },
      clearHistory() {
        past.length = 0;
        future.length = 0;
        last = null;
        flags();
      },
    };
  };
}
