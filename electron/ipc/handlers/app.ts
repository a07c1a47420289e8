import type { AppVersions, DocumentState } from '../../../shared/ipc/contract.ts';
import { defineHandler, type IpcHandlers } from '../define.ts';
import { documentStateSchema, noRequest } from '../schemas.ts';
import type { TrustedRenderer } from '../../security/origin.ts';

export interface AppDeps {
  appVersion: string;
  /** `process.versions` of the main process. */
  versions: Partial<Record<string, string>>;
  platform: string;
  /** Sets the window title and unsaved mark; remembered for the close prompt. */
  setDocument(state: DocumentState): void;
  /** Closes the window without asking again. */
  closeWindow(): void;
}

export function appVersions(deps: AppDeps): AppVersions {
  return {
    app: deps.appVersion,
    electron: deps.versions.electron ?? 'unknown',
    chrome: deps.versions.chrome ?? 'unknown',
    node: deps.versions.node ?? 'unknown',
    v8: deps.versions.v8 ?? 'unknown',
    platform: deps.platform,
  };
}

export function createAppHandlers(
  deps: AppDeps,
  trusted: TrustedRenderer,
): Pick<IpcHandlers, 'app:versions' | 'window:set-document' | 'window:close'> {
  return {
    'app:versions': defineHandler('app:versions', noRequest, trusted, async () =>
      appVersions(deps),
    ),
    'window:set-document': defineHandler(
      'window:set-document',
      documentStateSchema,
      trusted,
      async (state) => {
        deps.setDocument(state);
        return null;
      },
    ),
    'window:close': defineHandler('window:close', noRequest, trusted, async () => {
      deps.closeWindow();
      return null;
    }),
  };
}
