import { useEffect } from 'react';
import { parseProject } from '../../shared/index.ts';
import { closeDialog, showDialog } from '../dialogs/dialogStore.ts';
import { platform } from '../platform/index.ts';
import { editorStore } from '../store/index.ts';
import { startAutosave, type Autosave } from './autosave.ts';

let active: Autosave | null = null;

/** Writes the autosave now (tests and the console: `__netwright.autosave()`). */
export function autosaveNow(): Promise<void> {
  return active?.flush() ?? Promise.resolve();
}

/**
 * At start: offers to restore autosaved work left by a crash or a kill (Restore / Discard), then
 * autosaves unsaved work every 30 s. In the browser, leaving the page with unsaved changes asks
 * first (the desktop asks through `setDocumentState`).
 */
export function useProjectSafety() {
  useEffect(() => {
    let stopped = false;
    const begin = () => {
      if (stopped || active) return;
      active = startAutosave(editorStore, platform.autosave, {
        onError: (message) => editorStore.getState().notify(message, 'error'),
      });
    };
    platform.autosave
      .read()
      .catch(() => null)
      .then((recovery) => {
        if (stopped) return;
        const parsed = recovery ? parseProject(recovery.text) : null;
        if (!recovery || !parsed?.ok) {
          if (recovery) void platform.autosave.clear();
          return begin();
        }
        showDialog({
          kind: 'recovery',
          recovery,
          onRestore() {
            closeDialog();
            editorStore.getState().loadProject(parsed.project, recovery.sourcePath);
            // Still unsaved: it stays dirty, and the autosave keeps it until it is saved.
            editorStore.setState({ dirty: true });
            editorStore.getState().notify('Restored the unsaved work: save it to keep it');
            begin();
          },
          onDiscard() {
            closeDialog();
            void platform.autosave.clear();
            begin();
          },
        });
      });
    return () => {
      stopped = true;
      active?.stop();
      active = null;
    };
  }, []);

  useEffect(() => {
    if (platform.kind !== 'browser') return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (!editorStore.getState().dirty) return;
      void autosaveNow();
      e.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);
}
