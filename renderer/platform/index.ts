import { browserPlatform } from './browser.ts';
import { electronPlatform } from './electron.ts';
import type { NetwrightBridge, Platform } from './types.ts';

export type * from './types.ts';

/**
 * Electron when preload exposed its API as `window.netwright`, the browser otherwise. (No global
 * `Window` augmentation here: the Electron side owns that declaration.)
 */
export function detectPlatform(
  host: { netwright?: unknown } = window as { netwright?: unknown },
): Platform {
  return host.netwright ? electronPlatform(host.netwright as NetwrightBridge) : browserPlatform;
}

export const platform: Platform = detectPlatform();
