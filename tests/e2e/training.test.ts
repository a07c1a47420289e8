import { chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, dragBlock, openApp, poll, useE2E } from './support.ts';

const e2e = useE2E();

const epochLog = async (
  page: Page,
): Promise<{ epoch: number; loss: number; acc: number | null; val_acc: number | null }[]> =>
  JSON.parse((await page.getByTestId('epoch-log').textContent()) || '[]');

async function openToy(page: Page) {
  page.on('dialog', (d) => void d.accept());
  await page.getByTestId('toolbar-new').click();
  await page.getByTestId('template-toy-2d-classifier').click();
  await poll(() => page.locator('.react-flow__node').count()).toBe(4);
  await page.getByTestId('tab-training').click();
  await page.getByTestId('train-dataset').selectOption('spiral');
}

describe('training in the app', () => {
  it('trains on spiral: charts fill, accuracy rises, pause/stop work, blocks drag meanwhile', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    await openToy(page);
    await page.getByTestId('train-epochs').fill('500');
    await page.getByTestId('train-batch').fill('16');
    await page.getByTestId('train-lr').fill('0.03');
    await page.getByTestId('train-backend').selectOption('wasm');
    await page.getByTestId('train-start').click();
    await poll(() => page.getByTestId('train-status').getAttribute('data-status'), 60_000).toBe(
      'training',
    );
    await poll(
      async () => Number(await page.getByTestId('chart-batch-loss').getAttribute('data-points')),
      60_000,
    ).toBeGreaterThan(20);
    await poll(() => page.getByTestId('train-backend-used').textContent()).toContain('wasm');

    // A block drags while the model trains.
    expect((await dragBlock(page, 1, 120, 60)).x).toBeGreaterThan(60);

    // Pause holds the batch count; Resume continues.
    await poll(async () => (await epochLog(page)).length, 60_000).toBeGreaterThan(3);
    await page.getByTestId('train-pause').dispatchEvent('click');
    await poll(() => page.getByTestId('train-status').getAttribute('data-status')).toBe('paused');
    const paused = Number(await page.getByTestId('chart-batch-loss').getAttribute('data-points'));
    await page.waitForTimeout(700);
    expect(Number(await page.getByTestId('chart-batch-loss').getAttribute('data-points'))).toBe(
      paused,
    );
    await page.screenshot({
      path: process.env.SCREENSHOT_DIR
        ? `${process.env.SCREENSHOT_DIR}/training-paused.png`
        : '/tmp/training-paused.png',
    });
    await page.getByTestId('train-resume').dispatchEvent('click');
    await poll(() => page.getByTestId('train-status').getAttribute('data-status')).toBe('training');

    // Accuracy rises.
    await page.screenshot({ path: '/tmp/training-resumed.png' });
    await poll(async () => {
      const log = await epochLog(page);
      return log.length >= 15 ? log.at(-1)!.acc! - log[0]!.acc! : 0;
    }, 90_000).toBeGreaterThan(0.05);

    // Stop keeps the weights and shows test results with a decision boundary.
    await page.getByTestId('train-stop').dispatchEvent('click');
    await poll(() => page.getByTestId('train-status').getAttribute('data-status'), 30_000).toBe(
      'stopped',
    );
    await page.getByTestId('confusion-matrix').waitFor();
    await page.getByTestId('decision-boundary').waitFor();
    const firstRun = await epochLog(page);
    expect(firstRun.length).toBeLessThan(500);
    await page.screenshot({ path: '/tmp/training-stopped.png', fullPage: true });

    // The stopped weights are kept: training more starts where it stopped, not from scratch.
    await page.getByTestId('train-epochs').fill('1');
    await page.getByTestId('train-start').click();
    await poll(() => page.getByTestId('train-status').getAttribute('data-status'), 30_000).toBe(
      'done',
    );
    const more = await epochLog(page);
    expect(more).toHaveLength(1);
    expect(more[0]!.loss).toBeLessThan(firstRun[0]!.loss * 0.7);

    // Another backend restarts the worker; the trained weights (kept in the project) load there.
    await page.getByTestId('train-backend').selectOption('cpu');
    await page.getByTestId('train-start').click();
    await poll(() => page.getByTestId('train-status').getAttribute('data-status'), 30_000).toBe(
      'done',
    );
    expect(await page.getByTestId('train-weights-note').textContent()).toContain(
      "Started from the project's saved weights",
    );
    expect((await epochLog(page))[0]!.loss).toBeLessThan(firstRun[0]!.loss * 0.7);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the Input/data set mismatch with the fix before training', async () => {
    const { page } = await openApp(e2e.browser, e2e.url);
    await page.getByTestId('tab-training').click();
    await page.getByTestId('train-dataset').selectOption('penguins');
    await poll(() => page.getByTestId('train-fit-problems').textContent()).toContain(
      'Input has 784 features, penguins has 9: set Input shape to [9]',
    );
    expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
    await page.close();
  });

  it('the WebGPU path trains a few batches under --enable-unsafe-webgpu', async () => {
    const gpuBrowser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'],
    });
    try {
      const { page, errors } = await openApp(gpuBrowser, e2e.url);
      await openToy(page);
      await page.getByTestId('train-epochs').fill('2');
      await page.getByTestId('train-backend').selectOption('webgpu');
      await page.getByTestId('train-start').click();
      await poll(
        async () => Number(await page.getByTestId('chart-batch-loss').getAttribute('data-points')),
        150_000,
      ).toBeGreaterThan(4);
      await poll(() => page.getByTestId('train-backend-used').textContent()).toContain('webgpu');
      // Both epochs finish with finite, falling loss (the fused optimizer update and the app's
      // webgpu flags run here, on Chromium's WebGPU).
      await poll(async () => (await epochLog(page)).length, 150_000).toBe(2);
      const losses = (await epochLog(page)).map((e) => e.loss);
      expect(losses.every(Number.isFinite), JSON.stringify(losses)).toBe(true);
      expect(losses[1]!).toBeLessThan(losses[0]!);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await gpuBrowser.close();
    }
  });
});
