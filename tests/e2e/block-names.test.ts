/**
 * One name per block (issue 13, item 3), in the app: the inspector shows the block's name, the
 * Summary and the code use it, and renaming in the inspector renames it in all of them. Bad names
 * get a message at the field and the graph keeps its old name.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openApp, poll, useE2E } from './support.ts';

const e2e = useE2E();
const shot = (name: string) => join(process.env.NETWRIGHT_SHOTS ?? tmpdir(), name);

type Framework = 'keras' | 'pytorch';

/** Whether a code pane contains `text`, scrolling through it (CodeMirror renders only visible lines). */
const paneHas = (page: Page, f: Framework, text: string) =>
  page.getByTestId(`code-editor-${f}`).evaluate(async (host, wanted) => {
    const scroller = host.querySelector<HTMLElement>('.cm-scroller')!;
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const seen = () =>
      [...host.querySelectorAll('.cm-line')].some((l) => l.textContent?.includes(wanted));
    if (seen()) return true;
    for (let top = 0; top < scroller.scrollHeight; top += scroller.clientHeight / 2) {
      scroller.scrollTop = top;
      await frame();
      if (seen()) return true;
    }
    return false;
  }, text);

/** Shows a code pane: side by side on wide panels, else through its tab. */
async function showPane(page: Page, f: Framework) {
  await page.getByTestId('tab-code').click();
  const tab = page.getByTestId(`code-tab-${f}`);
  if (await tab.isVisible()) await tab.click();
  await page.getByTestId(`code-editor-${f}`).waitFor();
}

const summaryName = (page: Page, id: string) =>
  page.getByTestId(`summary-row-${id}`).locator('td').first().textContent();

describe('block names', () => {
  it('renames a block in the inspector: Summary and both scripts follow', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    page.on('dialog', (d) => void d.accept());
    await page.getByTestId('toolbar-new').click();
    await page.getByTestId('template-mnist-cnn').click();
    await page.getByTestId('node-conv_1').waitFor();

    // The template's block id is the name everywhere (it used to be conv2d_1 in Summary and code).
    await page.getByTestId('tab-summary').click();
    await poll(() => summaryName(page, 'conv_1')).toBe('conv_1 (Conv2D)');
    await poll(() => summaryName(page, 'pool_1')).toBe('pool_1 (MaxPooling2D)');
    await showPane(page, 'keras');
    await poll(() => paneHas(page, 'keras', 'name="conv_1"')).toBe(true);
    await showPane(page, 'pytorch');
    await poll(() => paneHas(page, 'pytorch', 'self.conv_1 = nn.Conv2d(1, 32')).toBe(true);

    await page.getByTestId('node-conv_1').locator('.block__title').click();
    await page.getByTestId('tab-inspector').click();
    const input = page.getByTestId('name-input');
    await poll(() => input.inputValue()).toBe('conv_1');
    expect(await page.getByTestId('inspector-name').textContent()).toBe('conv_1');

    // An empty name: a message at the field, the block keeps its name, the graph keeps working.
    await input.fill('');
    await poll(() => page.getByTestId('name-error').textContent()).toBe(
      'A block needs a name. The block keeps the name conv_1.',
    );
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('inspector-name').textContent()).toBe('conv_1');
    expect(await page.getByTestId('inspector-shape').textContent()).toBe('(None, 26, 26, 32)');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.screenshot({ path: shot('inspector-name-error-1280x720.png') });

    // Another block's name: refused, naming that block.
    await input.fill('dense');
    await poll(() => page.getByTestId('name-error').textContent()).toBe(
      'Another block (dense) is already named dense. The block keeps the name conv_1.',
    );
    // A name the code cannot use: refused with a suggestion.
    await input.fill('My Conv');
    await poll(() => page.getByTestId('name-error').textContent()).toMatch(/Try my_conv\./);

    // A good name applies at once.
    await input.fill('features');
    await poll(() => page.getByTestId('name-error').count()).toBe(0);
    await poll(() => page.getByTestId('inspector-name').textContent()).toBe('features');
    expect(await input.getAttribute('aria-invalid')).toBeNull();
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: shot('inspector-name-1440x900.png') });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.screenshot({ path: shot('inspector-name-1280x720.png') });

    await page.getByTestId('tab-summary').click();
    await poll(() => summaryName(page, 'conv_1')).toBe('features (Conv2D)');
    // The other blocks keep their names.
    expect(await summaryName(page, 'conv_2')).toBe('conv_2 (Conv2D)');
    expect(await summaryName(page, 'dense')).toBe('dense (Dense)');
    await showPane(page, 'keras');
    await poll(() => paneHas(page, 'keras', 'name="features"')).toBe(true);
    expect(await paneHas(page, 'keras', 'name="conv_1"')).toBe(false);
    expect(await paneHas(page, 'keras', '"features": ("kernel", "bias")')).toBe(true);
    await showPane(page, 'pytorch');
    await poll(() => paneHas(page, 'pytorch', 'self.features = nn.Conv2d(1, 32')).toBe(true);
    expect(await paneHas(page, 'pytorch', 'x = torch.relu(self.features(x))')).toBe(true);
    expect(await paneHas(page, 'pytorch', '"features/kernel"')).toBe(true);
    expect(await paneHas(page, 'pytorch', 'self.conv_1')).toBe(false);

    // A label is the block's title on the canvas; it does not rename the block.
    await page.getByTestId('tab-inspector').click();
    await page.getByTestId('label-input').fill('First convolution');
    await poll(() => page.getByTestId('node-conv_1').locator('.block__title').textContent()).toBe(
      'First convolution',
    );
    expect(await page.getByTestId('inspector-name').textContent()).toBe('features');
    await page.getByTestId('tab-summary').click();
    expect(await summaryName(page, 'conv_1')).toBe('features (Conv2D)');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
