/**
 * What a learner reads after training (issue 13 item 6): the charts have axes with ticks (their
 * labels are laid out outside the curves: tests/renderer/chart-axes.test.ts), and the confusion
 * matrix and the MNIST prediction grid say which is the predicted and which the true class.
 * Screenshots at 1280×720 and 1440×900 go to SCREENSHOT_DIR (default the temp folder).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openIsolatedApp, poll, useE2E } from './support.ts';

const e2e = useE2E();
const shot = (name: string) => join(process.env.SCREENSHOT_DIR ?? tmpdir(), name);

describe('training results a learner can read', () => {
  it('MNIST MLP, 2 epochs: charts with ticks, legends for the matrix and the grid', async () => {
    const { page, errors } = await openIsolatedApp(e2e);
    await page.getByTestId('toolbar-new').click();
    await page.getByTestId('template-mnist-mlp').click();
    await page.locator('.react-flow__node').first().waitFor();
    await page.getByTestId('tab-training').click();
    await page.getByTestId('train-batch').fill('1024');
    await page.getByTestId('train-epochs').fill('2');
    await page.getByTestId('train-backend').selectOption('wasm');
    await page.getByTestId('train-start').click();
    await poll(() => page.getByTestId('train-status').getAttribute('data-status'), 240_000).toBe(
      'done',
    );
    await page.getByTestId('prediction-grid').waitFor({ timeout: 120_000 });

    // Every chart has y ticks at round values and x ticks at whole epochs/batches.
    for (const id of ['chart-batch-loss', 'chart-epoch-loss', 'chart-epoch-acc']) {
      const canvas = page.getByTestId(id).locator('canvas');
      const y = ((await canvas.getAttribute('data-y-ticks')) ?? '').split(' ');
      const x = ((await canvas.getAttribute('data-x-ticks')) ?? '').split(' ');
      expect(y.length, `${id} y ticks`).toBeGreaterThanOrEqual(2);
      for (const label of y) expect(Number.isFinite(Number(label)), `${id} "${label}"`).toBe(true);
      expect(x[0], `${id} x ticks`).toBe('1');
    }
    // Epoch charts: epochs 1 and 2.
    expect(
      await page.getByTestId('chart-epoch-loss').locator('canvas').getAttribute('data-x-ticks'),
    ).toBe('1 2');

    const confusion = page.getByTestId('confusion-legend');
    expect(await confusion.isVisible()).toBe(true);
    expect(await confusion.textContent()).toMatch(/rows are the true class, columns the predicted/);
    const matrix = page.getByTestId('confusion-matrix');
    expect(await matrix.locator('th.tconfusion__axis').textContent()).toBe('predicted →');
    expect(await matrix.locator('th.tconfusion__corner').textContent()).toBe('true ↓');

    const legend = page.getByTestId('prediction-legend');
    expect(await legend.isVisible()).toBe(true);
    expect(await legend.textContent()).toMatch(/predicted \(true\)/);
    const cell = page.getByTestId('prediction-grid').locator('.tgrid__cell').first();
    expect(await cell.locator('[title="predicted"]').count()).toBe(1);
    expect(await cell.locator('[title="true"]').count()).toBe(1);

    for (const [width, height] of [
      [1280, 720],
      [1440, 900],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.getByTestId('chart-epoch-loss').scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await page.screenshot({ path: shot(`charts-${width}x${height}.png`) });
      await legend.scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await page.screenshot({ path: shot(`results-${width}x${height}.png`) });
    }
    expect(errors).toEqual([]);
  });
});
