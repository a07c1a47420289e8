import { isAppUrl, type TrustedRenderer } from './origin.ts';

/**
 * Permissions the renderer may get: only writing to the clipboard (the "copy code" buttons of
 * the Python export), and only for the app's own pages. Camera, microphone, geolocation,
 * notifications, MIDI, HID/USB/serial, fullscreen requests from the page... are all denied.
 */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

export function isPermissionAllowed(
  permission: string,
  requestingUrl: string | undefined,
  trusted: TrustedRenderer,
): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl, trusted);
}

/**
 * Network requests: nothing leaves the machine. Only the Vite dev server (development) may be
 * reached over http(s)/ws; `app:`, `blob:` and `data:` URLs never hit this filter.
 */
export function isNetworkRequestAllowed(url: string, trusted: TrustedRenderer): boolean {
  return trusted.devServerUrl !== undefined && isAppUrl(url.replace(/^ws/, 'http'), trusted);
}

/** Navigation (links, `location =`, redirects): only within the app itself. */
export function isNavigationAllowed(url: string, trusted: TrustedRenderer): boolean {
  return isAppUrl(url, trusted);
}

/** Choices of the "unsaved changes" prompt on close, in button order. */
export const CLOSE_PROMPT_BUTTONS = ['Save', "Don't Save", 'Cancel'] as const;

export function closeAction(response: number): 'save' | 'discard' | 'cancel' {
  return response === 0 ? 'save' : response === 1 ? 'discard' : 'cancel';
}
