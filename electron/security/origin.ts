/**
 * Where the renderer comes from, and the checks that only it may call the main process or be
 * navigated to. Pure: no Electron import, tested in Node.
 */

/** The privileged custom scheme that serves the built renderer (instead of `file://`). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'netwright';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export interface TrustedRenderer {
  /** Vite dev server URL during `electron-forge start`, else undefined. */
  devServerUrl?: string;
}

/** The URL the window loads. */
export function rendererEntryUrl(trusted: TrustedRenderer): string {
  return trusted.devServerUrl ? trusted.devServerUrl : `${APP_ORIGIN}/index.html`;
}

/** Whether a URL belongs to the app's own renderer (the built app or the dev server). */
export function isAppUrl(url: string | undefined, trusted: TrustedRenderer): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (trusted.devServerUrl) {
    const dev = new URL(trusted.devServerUrl);
    if (parsed.protocol === dev.protocol && parsed.host === dev.host) return true;
  }
  // `URL.origin` is "null" for non-special schemes, so compare scheme and host.
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && !parsed.username;
}

/** What an IPC handler knows about who called it (from `event.senderFrame`). */
export interface SenderInfo {
  /** URL of the calling frame; undefined when the frame is gone. */
  url: string | undefined;
  /** Whether the caller is the top frame (not an iframe). */
  isMainFrame: boolean;
}

/** Only the app's own top frame may call the main process. Returns a reason when refused. */
export function senderRefusal(sender: SenderInfo, trusted: TrustedRenderer): string | null {
  if (!sender.url) return 'the calling frame is gone';
  if (!sender.isMainFrame) return 'calls from sub-frames are not accepted';
  if (!isAppUrl(sender.url, trusted)) {
    return `calls from ${truncate(sender.url, 80)} are not accepted`;
  }
  return null;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
