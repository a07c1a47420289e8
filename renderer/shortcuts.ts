import { useEffect } from 'react';
import { looksLikeModelCode } from './code-import/model.ts';
import { dialogStore, showDialog } from './dialogs/dialogStore.ts';
import { platform } from './platform/index.ts';
import { editorStore, FRAGMENT_MIME, readFragment } from './store/index.ts';
import type { EditorCommands } from './commands.ts';

/** The shortcut list the Help dialog shows; `Mod` is Ctrl, or Cmd on macOS. */
export const SHORTCUTS: ReadonlyArray<{ group: string; keys: string[]; action: string }> = [
  { group: 'Edit', keys: ['Mod+Z'], action: 'Undo' },
  { group: 'Edit', keys: ['Mod+Shift+Z', 'Mod+Y'], action: 'Redo' },
  { group: 'Edit', keys: ['Mod+C'], action: 'Copy the selected blocks' },
  { group: 'Edit', keys: ['Mod+X'], action: 'Cut the selected blocks' },
  {
    group: 'Edit',
    keys: ['Mod+V'],
    action:
      'Paste (new ids, offset, wires between them kept); Keras or PyTorch code opens "Paste code"',
  },
  { group: 'Edit', keys: ['Mod+D'], action: 'Duplicate the selection' },
  { group: 'Edit', keys: ['Mod+A'], action: 'Select all blocks and wires' },
  { group: 'Edit', keys: ['Delete', 'Backspace'], action: 'Delete the selection' },
  { group: 'Canvas', keys: ['Shift+Drag'], action: 'Select a group of blocks' },
  { group: 'Canvas', keys: ['Mod+Click'], action: 'Add a block to the selection' },
  { group: 'Canvas', keys: ['Enter'], action: 'Add the focused palette block' },
  { group: 'File', keys: ['Mod+O'], action: 'Open a project' },
  { group: 'File', keys: ['Mod+S'], action: 'Save' },
  { group: 'File', keys: ['Mod+Shift+S'], action: 'Save as' },
  { group: 'View', keys: ['F5'], action: 'Presenter mode (arrow keys walk the blocks)' },
  { group: 'View', keys: ['Esc'], action: 'Leave presenter mode' },
  { group: 'Help', keys: ['F1'], action: 'This list of shortcuts' },
  { group: 'Help', keys: ['Esc'], action: 'Close a dialog' },
];

/** Shows `Mod+Shift+Z` as `Ctrl+Shift+Z` (or `Cmd+Shift+Z`). */
export function formatKeys(keys: string, mod: 'Cmd' | 'Ctrl' = platform.modKey): string {
  return keys.replace(/^Mod\b/, mod);
}

/** Whether the focus is in a text field, where the editing keys keep their native meaning. */
export function isTextField(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit'].includes(el.type);
  }
  return (el as HTMLElement).isContentEditable === true;
}

/** Keys the desktop menu owns (its accelerators send commands; see electron/menu/template.ts). */
const MENU_KEYS = new Set(['z', 'shift+z', 'd', 'a', 'o', 's', 'shift+s']);

/**
 * Keyboard shortcuts for the canvas, and Cut/Copy/Paste through the DOM clipboard events (which
 * the desktop menu's roles fire too). Text fields keep their own undo, copy and select all.
 */
export function useKeyboardShortcuts(commands: EditorCommands) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      if (e.key === 'F1') {
        e.preventDefault();
        commands.help();
        return;
      }
      if (dialogStore.getState().dialog) return;
      const mod = platform.modKey === 'Cmd' ? e.metaKey : e.ctrlKey;
      if (!mod || e.altKey) return;
      const key = `${e.shiftKey ? 'shift+' : ''}${e.key.toLowerCase()}`;
      if (platform.kind === 'electron' && MENU_KEYS.has(key)) return;
      const text = isTextField(document.activeElement);
      const run = (fn: () => unknown) => {
        e.preventDefault();
        void fn();
      };
      switch (key) {
        case 'o':
          return run(commands.open);
        case 's':
          return run(commands.save);
        case 'shift+s':
          return run(commands.saveAs);
      }
      if (text) return;
      switch (key) {
        case 'z':
          return run(commands.undo);
        case 'shift+z':
        case 'y':
          return run(commands.redo);
        case 'd':
          return run(commands.duplicate);
        case 'a':
          return run(commands.selectAll);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [commands]);

  useEffect(() => {
    const canvasOwns = () => !isTextField(document.activeElement) && !dialogStore.getState().dialog;
    const onCopy = (e: ClipboardEvent, cut: boolean) => {
      if (!canvasOwns() || !e.clipboardData) return;
      const fragment = editorStore.getState().copySelection();
      if (!fragment) return;
      const json = JSON.stringify(fragment);
      e.clipboardData.setData(FRAGMENT_MIME, json);
      e.clipboardData.setData('text/plain', json);
      e.preventDefault();
      if (cut) commands.deleteSelection();
    };
    const onPaste = (e: ClipboardEvent) => {
      if (!canvasOwns()) return;
      const raw =
        e.clipboardData?.getData(FRAGMENT_MIME) || e.clipboardData?.getData('text/plain') || '';
      let fragment = null;
      try {
        if (raw) fragment = readFragment(JSON.parse(raw));
      } catch {
        // not JSON: not ours
      }
      e.preventDefault();
      // Keras or PyTorch code (not a copied block selection): the "Paste code" dialog, with it.
      const text = e.clipboardData?.getData('text/plain') ?? '';
      if (!fragment && looksLikeModelCode(text)) {
        showDialog({ kind: 'paste-code', text });
        return;
      }
      // Without blocks on the system clipboard, paste what was last copied here.
      const ids = editorStore.getState().paste(fragment ?? undefined);
      if (ids.length === 0 && raw)
        editorStore.getState().notify('Nothing to paste: no blocks on the clipboard');
    };
    const copy = (e: ClipboardEvent) => onCopy(e, false);
    const cut = (e: ClipboardEvent) => onCopy(e, true);
    document.addEventListener('copy', copy);
    document.addEventListener('cut', cut);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('copy', copy);
      document.removeEventListener('cut', cut);
      document.removeEventListener('paste', onPaste);
    };
  }, [commands]);
}

/** For menu commands while a text field has focus: the field's own action. */
export function nativeEdit(action: 'undo' | 'redo' | 'selectAll' | 'delete'): boolean {
  if (!isTextField(document.activeElement)) return false;
  // execCommand is deprecated but remains the only way to trigger a field's own undo stack.
  document.execCommand(action);
  return true;
}
