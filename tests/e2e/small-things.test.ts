/**
 * Small things a user notices (issue 13 item 6). Loading the app asks the server only for files it
 * has ("no 404 (favicon) on load"): every response while the app starts is a success, and the
 * page names an icon that the server serves, so the browser never falls back to a missing
 * `/favicon.ico`. A second output is one E012 problem, and both output blocks are badged.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dropBlock, openIsolatedApp, poll, useE2E, wire } from './support.ts';

const e2e = useE2E();
const shot = (name: string) => join(process.env.SCREENSHOT_DIR ?? tmpdir(), name);

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

  it('a CNN fed a 4-column CSV is not offered "Set shape to [4]" (it would break the Conv2D)', async () => {
    const { page, errors } = await openIsolatedApp(e2e);
    await page.getByTestId('toolbar-new').click();
    await page.getByTestId('template-mnist-cnn').click();
    await page.locator('.react-flow__node').first().waitFor();
    await page.getByTestId('tab-training').click();
    await page.getByTestId('train-dataset').selectOption('csv');
    const rows = ['a,b,c,d,kind'];
    for (let i = 0; i < 30; i++) rows.push(`${i},${i % 7},${(i * 3) % 5},${i % 2},${i % 3}`);
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('train-csv-choose').click();
    await (
      await chooser
    ).setFiles({ name: 'iris4.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await poll(() => page.getByTestId('train-fit-problems').textContent(), 30_000).toContain(
      'No one-click fix: after "Set shape to [4]" the network would not compile',
    );
    // The output's fix (3 softmax units) keeps the network compiling: that one is offered.
    const fixes = await page.getByTestId('train-fit-fix').allTextContents();
    expect(fixes).toEqual(['Use 3 softmax units']);
    for (const [width, height] of [
      [1280, 720],
      [1440, 900],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.getByTestId('train-fit-problems').scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await page.screenshot({ path: shot(`csv-cnn-fit-${width}x${height}.png`) });
    }
    expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
    expect(errors).toEqual([]);
  });
});
