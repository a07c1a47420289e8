import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openApp, poll, useE2E } from './support.ts';

const e2e = useE2E();

type Framework = 'keras' | 'pytorch';

/**
 * Whether a pane's code contains `text`, scrolling through it as a reader would: CodeMirror
 * renders only the lines in and near its viewport.
 */
const paneHas = (page: Page, f: Framework, text: string) =>
  page.getByTestId(`code-editor-${f}`).evaluate(async (host, wanted) => {
    const scroller = host.querySelector<HTMLElement>('.cm-scroller')!;
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const start = scroller.scrollTop;
    const seen = () =>
      [...host.querySelectorAll('.cm-line')].some((l) => l.textContent?.includes(wanted));
    if (seen()) return true;
    let found = false;
    for (let top = 0; top < scroller.scrollHeight && !found; top += scroller.clientHeight / 2) {
      scroller.scrollTop = top;
      await frame();
      found = seen();
    }
    if (!found) {
      scroller.scrollTop = start;
      await frame();
    }
    return found;
  }, text);

/** The text of the lines marked as the selected block's. */
const highlighted = (page: Page, f: Framework) =>
  page
    .getByTestId(`code-editor-${f}`)
    .locator('.cm-line.cm-owned-selected')
    .allInnerTexts()
    .then((lines) => lines.join('\n'));

const nodeClass = (page: Page, id: string) => page.getByTestId(`node-${id}`).getAttribute('class');

describe('code panel', () => {
  it('shows live Keras and PyTorch code, syncs selection, copies and exports', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(e2e.url).origin,
    });

    // Narrow side panel: one script at a time, with tabs.
    await page.getByTestId('tab-code').click();
    const panel = page.getByTestId('code-panel');
    await poll(() => panel.getAttribute('data-layout')).toBe('tabs');
    await poll(() => paneHas(page, 'keras', 'layers.Dense(128')).toBe(true);
    await poll(() => page.getByTestId('code-file-keras').textContent()).toBe('keras_model.py');
    await page.getByTestId('code-tab-pytorch').click();
    await poll(() => paneHas(page, 'pytorch', 'nn.Linear(784, 128)')).toBe(true);
    // The model returns logits: the double-softmax note is shown.
    await poll(() => page.getByTestId('code-hint-logits').textContent()).toMatch(/double-softmax/);

    // Edit units in the inspector: the code follows.
    await page.getByTestId('node-dense_1').locator('.block__title').click();
    await page.getByTestId('tab-inspector').click();
    await page.getByTestId('param-units').fill('256');
    await page.getByTestId('tab-code').click();
    await poll(() => paneHas(page, 'pytorch', 'nn.Linear(784, 256)')).toBe(true);
    await poll(() => paneHas(page, 'pytorch', 'nn.Linear(256, 64)')).toBe(true);
    await page.getByTestId('code-tab-keras').click();
    await poll(() => paneHas(page, 'keras', 'layers.Dense(256')).toBe(true);

    // Widen: both scripts side by side.
    await page.getByTestId('code-wide-toggle').click();
    await poll(() => panel.getAttribute('data-layout')).toBe('split');
    await page.getByTestId('code-pane-keras').waitFor();
    await page.getByTestId('code-pane-pytorch').waitFor();
    expect((await page.getByTestId('side-panel').boundingBox())!.width).toBeGreaterThan(620);

    // Selecting a block marks its lines in both panes.
    await page.waitForTimeout(400); // the canvas re-frames the graph after the resize
    await page.getByTestId('node-dense_2').locator('.block__title').click();
    await poll(() => nodeClass(page, 'dense_2')).toMatch(/is-selected/);
    await poll(() => highlighted(page, 'keras')).toContain('layers.Dense(64');
    await poll(() => highlighted(page, 'pytorch')).toContain('nn.Linear(256, 64)');
    expect(await highlighted(page, 'pytorch')).not.toContain('nn.Linear(784, 256)');

    // Clicking a line selects its block on the canvas, and marks it in the other pane.
    await page
      .getByTestId('code-editor-pytorch')
      .locator('.cm-line', { hasText: 'nn.Linear(64, 10)' })
      .click();
    await poll(() => nodeClass(page, 'dense_3')).toMatch(/is-selected/);
    expect(await nodeClass(page, 'dense_2')).not.toMatch(/is-selected/);
    await poll(() => highlighted(page, 'keras')).toContain('layers.Dense(10');
    // Delete inside the code does not delete the block.
    await page.keyboard.press('Delete');
    await page.waitForTimeout(200);
    expect(await page.getByTestId('node-dense_3').count()).toBe(1);

    // Options regenerate both scripts.
    await page.getByTestId('code-opt-distributed').check();
    await poll(() => paneHas(page, 'pytorch', 'torchrun')).toBe(true);
    await page.getByTestId('code-opt-distributed').uncheck();
    await page.getByTestId('code-opt-style').selectOption('sequential');
    await poll(() => paneHas(page, 'pytorch', 'nn.Sequential(')).toBe(true);
    await page.getByTestId('code-opt-style').selectOption('module');
    await poll(() => paneHas(page, 'pytorch', '(nn.Module)')).toBe(true);

    // Export: a download of keras_model.py in the browser.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('code-export-keras').click(),
    ]);
    expect(download.suggestedFilename()).toBe('keras_model.py');
    const exported = await readFile((await download.path())!, 'utf8');
    expect(exported).toContain('def build_model(');
    expect(exported).toContain('layers.Dense(256');
    const [torchDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('code-export-pytorch').click(),
    ]);
    expect(torchDownload.suggestedFilename()).toBe('torch_model.py');
    expect(await readFile((await torchDownload.path())!, 'utf8')).toContain('def build_model(');

    // Copy: the whole script on the clipboard.
    await page.getByTestId('code-copy-pytorch').click();
    await poll(() => page.getByTestId('code-copy-pytorch').textContent()).toBe('Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain('def build_model(');
    expect(copied).toContain('nn.Linear(784, 256)');

    // An invalid graph: the problems, not stale code.
    await page.getByTestId('node-dense_2').locator('.block__title').click();
    await page.keyboard.press('Delete');
    await poll(() => page.getByTestId('node-dense_2').count()).toBe(0);
    const problems = page.getByTestId('code-diagnostics');
    await poll(() => problems.textContent()).toMatch(/No code while the graph is invalid/);
    expect(await page.getByTestId('code-pane-keras').count()).toBe(0);
    expect(await page.getByTestId('code-pane-pytorch').count()).toBe(0);
    await page.locator('[data-testid="code-problem"][data-node-id="dense_3"]').first().click();
    await poll(() => nodeClass(page, 'dense_3')).toMatch(/is-selected/);

    // Narrow again.
    await page.getByTestId('code-wide-toggle').click();
    await poll(() => panel.getAttribute('data-layout')).toBe('tabs');

    expect(errors).toEqual([]);
    await page.close();
  });
});
