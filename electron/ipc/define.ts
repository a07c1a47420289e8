import type { z } from 'zod';
import type { IpcChannel, IpcRequest, IpcResponse, IpcResult } from '../../shared/ipc/contract.ts';
import { FileProblem } from '../fs/project-file.ts';
import { senderRefusal, type SenderInfo, type TrustedRenderer } from '../security/origin.ts';

/**
 * One IPC handler: a plain async function of the caller and the raw argument. The Electron
 * wiring (`register.ts`) turns `event.senderFrame` into {@link SenderInfo}; tests call it directly.
 */
export type IpcHandler<C extends IpcChannel> = (
  sender: SenderInfo,
  raw: unknown,
) => Promise<IpcResult<IpcResponse<C>>>;

export type IpcHandlers = { [C in IpcChannel]: IpcHandler<C> };

function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const where = issue.path.map(String).join('.');
    return where ? `${where}: ${issue.message}` : issue.message;
  });
}

/**
 * Wraps `run` with the checks every handler needs: the sender must be the app's own top frame,
 * the argument must match `schema`; expected failures ({@link FileProblem}) become
 * `{ ok: false, error, details }`, anything else a message naming the channel.
 */
export function defineHandler<C extends IpcChannel>(
  channel: C,
  schema: z.ZodType<IpcRequest<C>>,
  trusted: TrustedRenderer,
  run: (request: IpcRequest<C>) => Promise<IpcResponse<C>>,
): IpcHandler<C> {
  return async (sender, raw) => {
    const refusal = senderRefusal(sender, trusted);
    if (refusal) return { ok: false, error: `Refused "${channel}": ${refusal}` };
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const details = formatIssues(parsed.error.issues);
      return {
        ok: false,
        error: `Invalid request to "${channel}": ${details[0] ?? 'bad argument'}`,
        details,
      };
    }
    try {
      return { ok: true, value: await run(parsed.data) };
    } catch (error) {
      if (error instanceof FileProblem) {
        return error.details.length > 0
          ? { ok: false, error: error.message, details: error.details }
          : { ok: false, error: error.message };
      }
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: `"${channel}" failed: ${message}` };
    }
  };
}
