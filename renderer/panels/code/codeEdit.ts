/**
 * The Code panel's edit mode: a script the user is editing is re-imported after a pause
 * (`EDIT_DEBOUNCE_MS`); when it reads, the graph becomes the imported one (block places kept, one
 * undoable step) and the other script follows from the graph; when it does not, its problems are
 * kept for the editor and the graph stays. A change of the graph from anywhere else (the canvas,
 * Undo) drops the edited text, so the script is generated from the graph again. Never runs code.
 */
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { Project } from '../../../shared/graph/project.ts';
import {
  importPythonSource,
  type SourceDiagnostic,
  type SourceImportResult,
} from '../../../shared/import/python/index.ts';
import { mergeImport } from '../../code-import/model.ts';
import type { EditorStore } from '../../store/index.ts';
import type { Framework } from './model.ts';
import { sameCodeInput } from './model.ts';

/** Re-import this long after the last keystroke. */
export const EDIT_DEBOUNCE_MS = 400;

/** One script's text while the user edits it. */
export interface Draft {
  text: string;
  /** The project the text was last in step with: a graph change from elsewhere drops the draft. */
  basis: Project;
  state: 'pending' | 'applied' | 'unchanged' | 'error';
  /** Problems at their places (errors keep the graph; warnings are things left out). */
  problems: SourceDiagnostic[];
}

export interface CodeEditState {
  editing: boolean;
  drafts: Partial<Record<Framework, Draft>>;
}

/** The Input block's shape, when the graph has exactly one: the answer to `needsInputShape`. */
export function inputShapeOf(project: Project): number[] | undefined {
  const inputs = project.graph.nodes.filter((n) => n.type === 'Input');
  const shape = inputs.length === 1 ? inputs[0]!.params.shape : undefined;
  return Array.isArray(shape) && shape.every((d) => typeof d === 'number')
    ? (shape as number[])
    : undefined;
}

/**
 * Imports an edited script: when the code does not fix the input shape (a PyTorch conv net), the
 * open graph's Input shape is the answer, since the graph and the script describe one model.
 */
export function importEdited(text: string, framework: Framework, current: Project) {
  const first = importPythonSource(text, { framework });
  if (first.ok || !first.needsInputShape) return first;
  const shape = inputShapeOf(current);
  return shape ? importPythonSource(text, { framework, inputShape: shape }) : first;
}

/**
 * What applying an import result does to the open project: the merged project to set, or null
 * when the graph stays (errors, or code that reads as the graph there is already).
 */
export function applyResult(
  current: Project,
  result: SourceImportResult,
  codeHasTraining: boolean,
): Project | null {
  if (!result.ok) return null;
  const merged = mergeImport(current, result.project, codeHasTraining);
  return sameCodeInputDeep(current, merged) ? null : merged;
}

/** `sameCodeInput` with blocks, wires and training compared by value, not by reference. */
function sameCodeInputDeep(a: Project, b: Project): boolean {
  if (sameCodeInput(a, b)) return true;
  const view = (p: Project) =>
    JSON.stringify([
      p.name,
      p.training,
      p.graph.edges.map((e) => [e.source, e.target, e.targetHandle ?? null]),
      p.graph.nodes.map((n) => [n.id, n.type, n.params, n.label ?? null, n.name ?? null]),
    ]);
  return view(a) === view(b);
}

/** The edit-mode store for one editor store (the app's, or a test's). */
export function createCodeEditStore(
  editor: EditorStore,
  codeHasTraining: () => boolean,
  debounceMs = EDIT_DEBOUNCE_MS,
) {
  const timers = new Map<Framework, ReturnType<typeof setTimeout>>();
  const cancel = (f: Framework) => {
    const t = timers.get(f);
    if (t !== undefined) clearTimeout(t);
    timers.delete(f);
  };
  const store = createStore<
    CodeEditState & {
      setEditing(on: boolean): void;
      /** The user typed in `framework`'s script: re-import after the pause. */
      edit(framework: Framework, text: string): void;
      /** Re-imports `framework`'s draft now (what the pause ends in). */
      flush(framework: Framework): void;
    }
  >()((set, get) => {
    const setDraft = (f: Framework, draft: Draft | undefined) => {
      const drafts = { ...get().drafts };
      if (draft) drafts[f] = draft;
      else delete drafts[f];
      set({ drafts });
    };
    return {
      editing: false,
      drafts: {},
      setEditing(on) {
        for (const f of timers.keys()) cancel(f);
        set({ editing: on, drafts: {} });
      },
      edit(f, text) {
        if (!get().editing) return;
        const basis = get().drafts[f]?.basis ?? editor.getState().project;
        setDraft(f, { text, basis, state: 'pending', problems: get().drafts[f]?.problems ?? [] });
        cancel(f);
        timers.set(
          f,
          setTimeout(() => get().flush(f), debounceMs),
        );
      },
      flush(f) {
        cancel(f);
        const draft = get().drafts[f];
        if (!draft) return;
        const current = editor.getState().project;
        const result = importEdited(draft.text, f, current);
        if (!result.ok) {
          setDraft(f, { ...draft, state: 'error', problems: result.diagnostics });
          return;
        }
        const next = applyResult(current, result, codeHasTraining());
        if (!next) {
          setDraft(f, {
            ...draft,
            basis: current,
            state: 'unchanged',
            problems: result.diagnostics,
          });
          return;
        }
        // The draft first: the graph change below is this edit's own, not one from elsewhere.
        setDraft(f, { ...draft, basis: next, state: 'applied', problems: result.diagnostics });
        const ids = new Set(next.graph.nodes.map((n) => n.id));
        const edgeIds = new Set(next.graph.edges.map((e) => e.id));
        const s = editor.getState();
        editor.setState({
          project: next,
          dirty: true,
          selectedNodeIds: s.selectedNodeIds.filter((id) => ids.has(id)),
          selectedEdgeIds: s.selectedEdgeIds.filter((id) => edgeIds.has(id)),
        });
      },
    };
  });

  // A graph change from anywhere else (canvas, inspector, Undo) drops the edited text.
  editor.subscribe((s, prev) => {
    if (s.project === prev.project) return;
    const { drafts } = store.getState();
    let changed = false;
    const next = { ...drafts };
    for (const f of Object.keys(drafts) as Framework[]) {
      const d = drafts[f]!;
      if (d.basis === s.project) continue;
      if (sameCodeInput(d.basis, s.project)) {
        next[f] = { ...d, basis: s.project };
      } else {
        cancel(f);
        delete next[f];
      }
      changed = true;
    }
    if (changed) store.setState({ drafts: next });
  });
  return store;
}

export type CodeEditStore = ReturnType<typeof createCodeEditStore>;

export function useCodeEdit<T>(store: CodeEditStore, selector: (s: CodeEditState) => T): T {
  return useStore(store, selector);
}
