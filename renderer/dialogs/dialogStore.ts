import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { Recovery } from '../platform/types.ts';

/** The one modal dialog shown at a time. */
export type DialogState =
  | { kind: 'help' }
  | { kind: 'about' }
  | { kind: 'error'; title: string; problems: string[] }
  | { kind: 'recovery'; recovery: Recovery; onRestore: () => void; onDiscard: () => void }
  /** "Paste code": Keras or PyTorch source to import (pasted, typed, or read from a `.py`). */
  | { kind: 'paste-code'; text: string; name?: string };

export const dialogStore = createStore<{ dialog: DialogState | null }>()(() => ({ dialog: null }));

export function showDialog(dialog: DialogState): void {
  dialogStore.setState({ dialog });
}

export function closeDialog(): void {
  dialogStore.setState({ dialog: null });
}

export function useDialog(): DialogState | null {
  return useStore(dialogStore, (s) => s.dialog);
}
