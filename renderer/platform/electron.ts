import type { IpcResult, NetwrightApi } from '../../shared/ipc/contract.ts';
import { PROJECT_FILE_FILTERS } from '../../shared/ipc/contract.ts';
import { PlatformError, type Platform } from './types.ts';

function unwrap<T>(result: IpcResult<T>): T {
  if (result.ok) return result.value;
  throw new PlatformError(result.error, result.details ?? []);
}

/** The desktop build: every call goes through the typed API that preload exposes. */
export function electronPlatform(api: NetwrightApi): Platform {
  return {
    kind: 'electron',
    async openFile() {
      const opened = unwrap(await api.openProject());
      return opened.canceled ? null : { name: opened.name, text: opened.text, path: opened.path };
    },
    async openModelFiles() {
      const opened = unwrap(await api.openModelFiles());
      return opened.canceled ? null : opened.files;
    },
    async openRecent(path) {
      const opened = unwrap(await api.openRecentProject({ path }));
      return { name: opened.name, text: opened.text, path: opened.path };
    },
    async saveFile(suggestedName, text, options) {
      const saved = unwrap(
        await api.saveProject({
          text,
          suggestedName,
          ...(options?.path ? { path: options.path } : {}),
        }),
      );
      return saved.canceled
        ? { saved: false }
        : { saved: true, location: saved.name, path: saved.path };
    },
    async exportFile(suggestedName, data, filters) {
      const saved = unwrap(
        await api.exportFile({
          suggestedName,
          data,
          filters: filters ?? [{ name: 'All files', extensions: ['*'] }],
        }),
      );
      return saved.canceled
        ? { saved: false }
        : { saved: true, location: saved.name, path: saved.path };
    },
    onCommand: (listener) => api.onCommand((c) => listener(c)),
    setDocumentState: (state) => void api.setDocumentState(state),
    autosave: {
      async write(text, sourcePath) {
        unwrap(await api.writeAutosave({ text, sourcePath }));
      },
      read: async () => unwrap(await api.readAutosave()),
      async clear() {
        unwrap(await api.clearAutosave());
      },
    },
    versions: async () => unwrap(await api.versions()),
    async closeWindow() {
      unwrap(await api.closeWindow());
    },
    modKey: api.platform === 'darwin' ? 'Cmd' : 'Ctrl',
  };
}

export { PROJECT_FILE_FILTERS };
