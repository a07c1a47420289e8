import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadTemplate, parseProject } from '../../shared/index.ts';
import { AUTOSAVE_INTERVAL_MS, startAutosave } from '../../renderer/project/autosave.ts';
import type { AutosaveStore } from '../../renderer/platform/types.ts';
import { createEditorStore } from '../../renderer/store/index.ts';

function fakeTarget() {
  const writes: { text: string; sourcePath: string | null }[] = [];
  let clears = 0;
  const target: AutosaveStore = {
    write: vi.fn(async (text: string, sourcePath: string | null) => {
      writes.push({ text, sourcePath });
    }),
    read: vi.fn(async () => null),
    clear: vi.fn(async () => {
      clears++;
    }),
  };
  return { target, writes, clears: () => clears };
}

describe('autosave scheduling', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes unsaved work every 30 s, only when it changed, and clears after a save', async () => {
    const store = createEditorStore(loadTemplate('mnist-mlp'));
    const { target, writes, clears } = fakeTarget();
    const autosave = startAutosave(store, target);

    // Clean: nothing is written.
    await vi.advanceTimersByTimeAsync(AUTOSAVE_INTERVAL_MS * 2);
    expect(writes).toHaveLength(0);

    store.getState().addNode('Dense', { x: 0, y: 0 });
    await vi.advanceTimersByTimeAsync(AUTOSAVE_INTERVAL_MS - 1);
    expect(writes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(writes).toHaveLength(1);
    const saved = parseProject(writes[0]!.text);
    expect(saved.ok && saved.project.graph.nodes).toHaveLength(5);
    expect(writes[0]!.sourcePath).toBe(null);

    // Unchanged since the last write: no second write.
    await vi.advanceTimersByTimeAsync(AUTOSAVE_INTERVAL_MS);
    expect(writes).toHaveLength(1);

    store.getState().updateParam('dense_1', 'units', '7');
    await vi.advanceTimersByTimeAsync(AUTOSAVE_INTERVAL_MS);
    expect(writes).toHaveLength(2);

    store.getState().markSaved('/p/m.netwright');
    await vi.advanceTimersByTimeAsync(0);
    expect(clears()).toBe(1);
    await vi.advanceTimersByTimeAsync(AUTOSAVE_INTERVAL_MS * 3);
    expect(writes).toHaveLength(2);

    // Dirty again after the save: written with its file path.
    store.getState().addNode('Dense', { x: 0, y: 0 });
    await vi.advanceTimersByTimeAsync(AUTOSAVE_INTERVAL_MS);
    expect(writes).toHaveLength(3);
    expect(writes[2]!.sourcePath).toBe('/p/m.netwright');

    autosave.stop();
    store.getState().addNode('Dense', { x: 0, y: 0 });
    await vi.advanceTimersByTimeAsync(AUTOSAVE_INTERVAL_MS * 3);
    expect(writes).toHaveLength(3);
  });

  it('flush writes at once; a failing write is reported once and retried', async () => {
    const store = createEditorStore(loadTemplate('mnist-mlp'));
    const errors: string[] = [];
    let fail = true;
    const target: AutosaveStore = {
      write: vi.fn(async () => {
        if (fail) throw new Error('disk full');
      }),
      read: async () => null,
      clear: async () => {},
    };
    const autosave = startAutosave(store, target, { onError: (m) => errors.push(m) });
    store.getState().addNode('Dense', { x: 0, y: 0 });
    await autosave.flush();
    expect(target.write).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(AUTOSAVE_INTERVAL_MS * 2);
    expect(target.write).toHaveBeenCalledTimes(3);
    expect(errors).toEqual(['Autosave failed: disk full']);
    fail = false;
    await vi.advanceTimersByTimeAsync(AUTOSAVE_INTERVAL_MS);
    expect(target.write).toHaveBeenCalledTimes(4);
    await vi.advanceTimersByTimeAsync(AUTOSAVE_INTERVAL_MS);
    expect(target.write).toHaveBeenCalledTimes(4);
    autosave.stop();
  });
});
