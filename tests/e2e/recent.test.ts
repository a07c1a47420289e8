import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loadTemplate, serializeProject } from '../../shared/index.ts';
import { openIsolatedApp, poll, useE2E } from './support.ts';

const e2e = useE2E();

const SHOTS = process.env.NETWRIGHT_SHOTS;

/**
 * The pickers hand out real handles from the origin private file system, so the app keeps real
 * `FileSystemFileHandle`s in IndexedDB, exactly as with files a user picks.
 */
function fakePickers() {
  const w = window as unknown as Record<string, unknown>;
  const file = async (name: string) =>
    (await navigator.storage.getDirectory()).getFileHandle(name, { create: true });
  w.__pick = 'a.netwright';
  w.showOpenFilePicker = async () => [await file(w.__pick as string)];
  w.showSaveFilePicker = async (o: { suggestedName: string }) => file(o.suggestedName);
}

async function writeFile(page: Page, name: string, text: string) {
  await page.evaluate(
    async ([n, t]) => {
      const dir = await navigator.storage.getDirectory();
      const out = await (await dir.getFileHandle(n!, { create: true })).createWritable();
      await out.write(t!);
      await out.close();
    },
    [name, text],
  );
}

function projectText(name: string) {
  return serializeProject({ ...loadTemplate('mnist-mlp'), name });
}

async function openByPicker(page: Page, name: string) {
  await page.evaluate((n) => ((window as unknown as { __pick: string }).__pick = n), name);
  await page.getByTestId('toolbar-open').click();
  await poll(() => page.getByTestId('project-name').textContent()).toBe(name.split('.')[0]);
}

const recentNames = async (page: Page) => {
  await page.getByTestId('toolbar-recent').click();
  const menu = page.getByTestId('toolbar-recent-menu');
  await menu.waitFor();
  await poll(
    async () =>
      (await menu.getByTestId('recent-empty').count()) > 0 ||
      (await menu.getByTestId('recent-item').count()) > 0,
  ).toBe(true);
  return menu
    .getByTestId('recent-item')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
};

describe('recent files (File System Access API)', () => {
  it('lists opened files, reopens one, drops a file that is gone or refused', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
    e2e.contexts.push(context);
    await context.addInitScript(fakePickers);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('dialog', (d) => void d.accept());
    await page.goto(e2e.url);
    await page.locator('.react-flow__node').first().waitFor();

    expect(await recentNames(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await writeFile(page, 'first.netwright', projectText('first'));
    await writeFile(page, 'second.netwright', projectText('second'));
    await writeFile(page, 'third.netwright', projectText('third'));
    await openByPicker(page, 'first.netwright');
    await openByPicker(page, 'second.netwright');
    expect(await recentNames(page)).toEqual(['second.netwright', 'first.netwright']);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/recent-menu.png` });

    // Reopen the first from Recent: it opens, and moves to the top.
    await page.getByTestId('recent-item').nth(1).click();
    await poll(() => page.getByTestId('project-name').textContent()).toBe('first');
    await poll(() => page.title()).toBe('first.netwright — Netwright');
    expect(await recentNames(page)).toEqual(['first.netwright', 'second.netwright']);
    await page.keyboard.press('Escape');

    // The list survives a reload (the handles are in IndexedDB).
    await page.reload();
    await page.locator('.react-flow__node').first().waitFor();
    expect(await recentNames(page)).toEqual(['first.netwright', 'second.netwright']);
    await page.keyboard.press('Escape');

    // A file deleted since: a notice, the list drops it, the open project stays.
    await openByPicker(page, 'third.netwright');
    await page.evaluate(async () =>
      (await navigator.storage.getDirectory()).removeEntry('second.netwright'),
    );
    expect(await recentNames(page)).toEqual([
      'third.netwright',
      'first.netwright',
      'second.netwright',
    ]);
    await page.getByTestId('recent-item').nth(2).click();
    await poll(() => page.getByTestId('notice').textContent()).toContain(
      'second.netwright was moved or deleted: removed from Recent',
    );
    expect(await page.getByTestId('project-name').textContent()).toBe('third');
    expect(await recentNames(page)).toEqual(['third.netwright', 'first.netwright']);
    await page.keyboard.press('Escape');

    // Read permission refused at the prompt: asked for, then dropped the same way.
    await page.evaluate(() => {
      const proto = FileSystemHandle.prototype as unknown as Record<string, unknown>;
      proto.queryPermission = async () => 'prompt';
      proto.requestPermission = async () => 'denied';
    });
    expect(await recentNames(page)).toEqual(['third.netwright', 'first.netwright']);
    await page.getByTestId('recent-item').nth(1).click();
    await poll(() => page.getByTestId('notice').textContent()).toContain(
      'Not allowed to read first.netwright: removed from Recent',
    );
    expect(await page.getByTestId('project-name').textContent()).toBe('third');
    expect(await recentNames(page)).toEqual(['third.netwright']);
    expect(errors).toEqual([]);
  });

  it('Save as adds the file (named <project>.netwright.json); a bad file from Recent shows the open error', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
    e2e.contexts.push(context);
    await context.addInitScript(fakePickers);
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(e2e.url);
    await page.locator('.react-flow__node').first().waitFor();
    await page.getByTestId('toolbar-save-as').click();
    await poll(() => page.title()).toBe('MNIST MLP.netwright.json — Netwright');
    expect(await recentNames(page)).toEqual(['MNIST MLP.netwright.json']);
    await page.keyboard.press('Escape');
    await writeFile(page, 'MNIST MLP.netwright.json', 'not json');
    await page.getByTestId('node-dense_1').locator('.block__title').click();
    await page.getByTestId('label-input').fill('mine');
    await recentNames(page);
    await page.getByTestId('recent-item').first().click();
    const dialog = page.getByTestId('error-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/Not valid JSON/);
    await dialog.getByRole('button', { name: 'OK' }).click();
    expect(await page.getByTestId('label-input').inputValue()).toBe('mine');
    // Still listed: the file is there, only its contents are wrong.
    expect(await recentNames(page)).toEqual(['MNIST MLP.netwright.json']);
  });

  it('has no Recent menu without the API (upload and download)', async () => {
    const { page } = await openIsolatedApp(e2e);
    await page.getByTestId('toolbar-open').waitFor();
    expect(await page.getByTestId('toolbar-recent').count()).toBe(0);
  });
});
