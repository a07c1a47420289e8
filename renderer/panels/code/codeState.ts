import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { editorStore } from '../../store/index.ts';
import { createCodeEditStore } from './codeEdit.ts';
import { DEFAULT_CODE_OPTIONS, type CodeOptions, type Framework } from './model.ts';

/**
 * The Code panel's own view state, kept outside the component so that it survives switching
 * tabs and so that the desktop menu's export commands use the options the user picked.
 */
export interface CodeState {
  options: CodeOptions;
  /** The framework shown when the panel is too narrow for both side by side. */
  tab: Framework;
  /** Widens the side panel so that both scripts fit side by side. */
  wide: boolean;
  setOption<K extends keyof CodeOptions>(key: K, value: CodeOptions[K]): void;
  setTab(tab: Framework): void;
  setWide(wide: boolean): void;
}

export const codeStore = createStore<CodeState>()((set, get) => ({
  options: DEFAULT_CODE_OPTIONS,
  tab: 'keras',
  wide: false,
  setOption(key, value) {
    set({ options: { ...get().options, [key]: value } });
  },
  setTab(tab) {
    set({ tab });
  },
  setWide(wide) {
    set({ wide });
  },
}));

export function useCodeState<T>(selector: (state: CodeState) => T): T {
  return useStore(codeStore, selector);
}

/**
 * The app's Code panel edit mode over the app's editor store. The scripts carry the training
 * settings when "Training run" is on, so only then do edits of them reach the project's settings.
 */
export const codeEdit = createCodeEditStore(
  editorStore,
  () => codeStore.getState().options.includeTraining,
);
