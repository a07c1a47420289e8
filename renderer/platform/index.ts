import type { NetwrightApi } from '../../shared/ipc/contract.ts';
import { browserPlatform } from './browser.ts';
import { electronPlatform } from './electron.ts';
import type { Platform } from './types.ts';

export type * from './types.ts';
export { PlatformError, RecentFileGone } from './types.ts';

/** Electron when preload exposed its API as `window.netwright`, the browser otherwise. */
export function detectPlatform(host: { netwright?: NetwrightApi | undefined } = window): Platform {
  return host.netwright ? electronPlatform(host.netwright) : browserPlatform;
}

export const platform: Platform = detectPlatform();
