import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { IPC_CHANNELS, type IpcChannel } from '../../shared/ipc/contract.ts';
import type { SenderInfo } from '../security/origin.ts';
import type { IpcHandler, IpcHandlers } from './define.ts';

/** Who called: the frame's URL and whether it is the top frame (`senderFrame` may be gone). */
export function senderInfo(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): SenderInfo {
  const frame = event.senderFrame;
  if (!frame) return { url: undefined, isMainFrame: false };
  return { url: frame.url, isMainFrame: frame.parent === null };
}

/**
 * Registers one `ipcMain.handle` per contract channel. A call must carry at most one argument
 * (the request); the handler does the sender check and validation. Only `IpcMain`'s type is
 * imported, so this runs against a fake in tests.
 */
export function registerIpcHandlers(ipcMain: Pick<IpcMain, 'handle'>, handlers: IpcHandlers): void {
  for (const channel of IPC_CHANNELS) {
    const handler = handlers[channel] as IpcHandler<IpcChannel>;
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      if (args.length > 1) {
        return { ok: false, error: `Invalid request to "${channel}": expected one argument` };
      }
      return handler(senderInfo(event), args[0]);
    });
  }
}
