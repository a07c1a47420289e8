import type { Plugin } from 'vite';
import { contentSecurityPolicy, securityHeaders } from './electron/security/csp.ts';

/** Directives a `<meta>` CSP cannot carry (browsers ignore them there, with a console warning). */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

/** The production CSP without the header-only directives, for a `<meta http-equiv>` tag. */
export function metaContentSecurityPolicy(): string {
  return contentSecurityPolicy()
    .split('; ')
    .filter((d) => !HEADER_ONLY.has(d.split(' ')[0]!))
    .join('; ');
}

/**
 * The web build gets the desktop app's security headers from the same source
 * (`electron/security/csp.ts`):
 * - `npm run web` (dev server): every response carries `securityHeaders()` with the dev server's
 *   own origin, exactly as the Electron main process sends them to a dev renderer;
 * - `vite preview`: the production headers;
 * - `npm run build:web`: `index.html` gets the production CSP as a `<meta>` tag, so that any
 *   static host serves the same policy (frame-ancestors needs a header; static hosts should add
 *   the headers from `securityHeaders()`).
 */
export function webSecurity(): Plugin {
  return {
    name: 'netwright:web-security',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const origin = `http://${req.headers.host ?? 'localhost'}`;
        for (const [name, value] of Object.entries(securityHeaders({ devServerOrigin: origin })))
          res.setHeader(name, value);
        next();
      });
    },
    configurePreviewServer(server) {
      server.middlewares.use((_req, res, next) => {
        for (const [name, value] of Object.entries(securityHeaders())) res.setHeader(name, value);
        next();
      });
    },
    transformIndexHtml: {
      order: 'pre',
      handler(_html, ctx) {
        if (ctx.server) return [];
        return [
          {
            tag: 'meta',
            attrs: {
              'http-equiv': 'Content-Security-Policy',
              content: metaContentSecurityPolicy(),
            },
            injectTo: 'head-prepend',
          },
        ];
      },
    },
  };
}
