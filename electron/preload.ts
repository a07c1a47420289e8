/**
 * Preload (sandboxed, context-isolated): exposes `window.netwright`, built from the contract's
 * method table. Only `ipcRenderer.invoke` (never `sendSync`) and one event subscription; no
 * Electron or Node object crosses the bridge.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  API_METHODS,
  APP_COMMAND_CHANNEL,
  type AppCommand,
  type NetwrightApi,
} from '../shared/ipc/contract.ts';

const invokers: Record<string, (request?: unknown) => Promise<unknown>> = {};
for (const [method, channel] of Object.entries(API_METHODS)) {
  invokers[method] = (request?: unknown) =>
    request === undefined ? ipcRenderer.invoke(channel) : ipcRenderer.invoke(channel, request);
}

const api = {
  ...invokers,
  kind: 'electron',
  platform: process.platform,
  onCommand(listener: (command: AppCommand) => void): () => void {
    const wrapped = (_event: IpcRendererEvent, command: AppCommand) => {
      listener({ command: command.command, ...(command.path ? { path: command.path } : {}) });
    };
    ipcRenderer.on(APP_COMMAND_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(APP_COMMAND_CHANNEL, wrapped);
    };
  },
} as unknown as NetwrightApi;

contextBridge.exposeInMainWorld('netwright', api);
