import type { NetwrightBridge, Platform } from './types.ts';

/** The desktop build: every call goes through the typed API that preload exposes. */
export function electronPlatform(bridge: NetwrightBridge): Platform {
  return {
    kind: 'electron',
    openFile: (filters) => bridge.openFile(filters ? { filters } : {}),
    saveFile: (suggestedName, data) => bridge.saveFile({ suggestedName, data }),
    exportFile: (suggestedName, data) => bridge.exportFile({ suggestedName, data }),
  };
}
