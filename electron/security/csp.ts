/**
 * The Content-Security-Policy and isolation headers of the renderer. Pure (no Electron import):
 * the main process sets them on every response, and the web build may serve the same ones.
 *
 * Each allowance beyond `'self'` and why it is there:
 * - `script-src 'wasm-unsafe-eval'`: WebAssembly compilation. The TF.js wasm backend and
 *   onnxruntime-web compile `.wasm` modules; this allows `WebAssembly.compile/instantiate`
 *   without allowing JavaScript `eval` (`'unsafe-eval'` is NOT granted).
 * - `worker-src blob:`: the TF.js wasm backend (threaded build) and onnxruntime-web start their
 *   worker threads from `blob:` URLs made from their own bundled code.
 * - `script-src blob:`: those blob workers then `importScripts()` the backend's own code from a
 *   `blob:` URL (Emscripten pthreads); without it threaded training fails at start (found when
 *   the web build began serving this policy). A `blob:` URL can only be made by script that
 *   already runs in the page, so this admits no outside code.
 * - `img-src data: blob:`: icons inlined by the bundler as `data:` URLs, and images the app draws
 *   itself (canvas exports, previews).
 * - `font-src data:`: fonts the bundler inlines.
 * - `connect-src blob: data:`: `fetch` of the app's own `.wasm`/model bytes, which the libraries
 *   may hand around as blob/data URLs. No `http(s):` origin at all: nothing is downloaded.
 * - `style-src 'unsafe-inline'`: React Flow and React set inline `style` attributes on nodes and
 *   edges (positions, transforms); styles cannot run code.
 * Everything else is closed: no plugins, no frames, no `<base>`, no form posts.
 *
 * In development only (the Vite dev server), Vite's HMR client needs its websocket and the React
 * refresh preamble is an inline script, so the dev server origin, `ws:` to it and
 * `'unsafe-inline'` scripts are added. Production builds never get these.
 */

export interface CspOptions {
  /** Origin of the Vite dev server (e.g. `http://localhost:5173`), only during development. */
  devServerOrigin?: string;
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const dev = options.devServerOrigin;
  const ws = dev ? dev.replace(/^http/, 'ws') : undefined;
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': [
      "'self'",
      "'wasm-unsafe-eval'",
      'blob:',
      ...(dev ? [dev, "'unsafe-inline'"] : []),
    ],
    'worker-src': ["'self'", 'blob:'],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", 'blob:', 'data:', ...(dev && ws ? [dev, ws] : [])],
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    'child-src': ["'self'", 'blob:'],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/**
 * Headers for every renderer response. COOP + COEP make the page cross-origin isolated, which
 * `SharedArrayBuffer` (and so multi-threaded wasm in TF.js and onnxruntime-web) requires.
 */
export function securityHeaders(options: CspOptions = {}): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(options),
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}
