/**
 * Loading the app asks the server only for files it has (issue 13 item 6: "no 404 (favicon) on
 * load"): every response while the app starts is a success, and the page names an icon that the
 * server serves, so the browser never falls back to a missing `/favicon.ico`.
 */
import { describe, expect, it } from 'vitest';
import { useE2E } from './support.ts';

const e2e = useE2E();

describe('loading the app', () => {
  it('no request fails, and the icon the page names is served', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
    e2e.contexts.push(context);
    const page = await context.newPage();
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    page.on('requestfailed', (r) => failed.push(`failed ${r.url()} ${r.failure()?.errorText}`));
    await page.goto(e2e.url);
    await page.getByTestId('canvas').waitFor();
    await page.locator('.react-flow__node').first().waitFor();
    const icon = await page.evaluate(() => {
      const link = document.querySelector<HTMLLinkElement>('link[rel~="icon"]');
      return link ? link.href : null;
    });
    expect(icon, 'the page names an icon').not.toBeNull();
    const status = await page.evaluate(async (href) => {
      const r = await fetch(href);
      return `${r.status} ${r.headers.get('content-type')}`;
    }, icon!);
    expect(status).toMatch(/^200 image\/svg\+xml/);
    expect(failed).toEqual([]);
  });
});
