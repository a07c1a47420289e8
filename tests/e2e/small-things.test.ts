/**
 * Small things a user notices (issue 13 item 6). Loading the app asks the server only for files it
 * has ("no 404 (favicon) on load"): every response while the app starts is a success, and the
 * page names an icon that the server serves, so the browser never falls back to a missing
 * `/favicon.ico`. A second output is one E012 problem, and both output blocks are badged.
 */
import { describe, expect, it } from 'vitest';
import { dropBlock, openIsolatedApp, poll, useE2E, wire } from './support.ts';

const e2e = useE2E();

describe('small things a user notices', () => {
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

  it('a second output is one E012 problem; both output blocks carry the error badge', async () => {
    const { page, errors } = await openIsolatedApp(e2e);
    await dropBlock(page, 'Dense', 820, 260);
    const added = page.locator('.react-flow__node [data-node-type="Dense"]').last();
    const id = ((await added.getAttribute('data-testid')) ?? '').replace(/^node-/, '');
    expect(id).not.toBe('dense_3');
    await wire(page, 'dense_1', id);
    await page.getByTestId('tab-problems').click();
    const e012 = page.locator('[data-testid="problem-item"]', { hasText: 'E012' });
    await poll(() => e012.count()).toBe(1);
    expect(await e012.textContent()).toContain('The model has 2 outputs');
    for (const output of ['dense_3', id])
      await poll(() =>
        page.getByTestId(`node-${output}`).getByTestId('node-error-badge').count(),
      ).toBe(1);
    expect(await page.getByTestId('node-dense_2').getByTestId('node-error-badge').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
