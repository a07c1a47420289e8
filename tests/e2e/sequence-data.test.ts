import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openIsolatedApp, poll, useE2E } from './support.ts';

const e2e = useE2E();

const SHOTS = process.env.SCREENSHOT_DIR ?? '/tmp';

const status = (page: Page) => page.getByTestId('train-status').getAttribute('data-status');

const projectTraining = (page: Page) =>
  page.evaluate(() => {
    const nw = (window as unknown as { __netwright: { store: { getState(): any } } }).__netwright;
    return JSON.parse(JSON.stringify(nw.store.getState().project.training));
  });

async function shots(page: Page, name: string) {
  for (const [width, height] of [
    [1280, 720],
    [1440, 900],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.getByTestId('train-dataset').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SHOTS}/${name}-${width}x${height}.png` });
  }
}

async function openRegressionOnTraining(page: Page) {
  await page.getByTestId('toolbar-new').click();
  await page.getByTestId('template-regression-mlp').click();
  await poll(() => page.locator('.react-flow__node').count()).toBe(4);
  await page.getByTestId('tab-training').click();
}

describe('time series and text data in the Training panel', () => {
  it('co2: window options, the fit message follows the window, windows train', async () => {
    const { page, errors } = await openIsolatedApp(e2e);
    await openRegressionOnTraining(page);
    await page.getByTestId('train-dataset').selectOption('co2');
    expect(await page.getByTestId('train-window').inputValue()).toBe('12');
    expect(await page.getByTestId('train-horizon').inputValue()).toBe('1');
    expect(await page.getByTestId('train-normalize').isChecked()).toBe(true);
    // The Input takes 9 numbers; a window is 12 steps × 1 value.
    await poll(() => page.getByTestId('train-fit-problems').textContent()).toContain(
      'Input has 9 features, CO₂ at Mauna Loa has 12: set Input shape to [12] or [12, 1]',
    );
    await shots(page, 'sequence-co2-fit');
    // A shorter window: the message follows it; its fix sets the Input.
    await page.getByTestId('train-window').fill('6');
    await poll(() => page.getByTestId('train-fit-problems').textContent()).toContain(
      'CO₂ at Mauna Loa has 6',
    );
    await page.getByTestId('train-fit-fix').click();
    await poll(() => page.getByTestId('train-fit-problems').count()).toBe(0);
    // A refused value says why and keeps the last good one.
    await page.getByTestId('train-horizon').fill('0');
    await poll(() => page.getByText('Horizon: must be at least 1; kept 1').count()).toBe(1);
    await page.getByTestId('train-horizon').fill('2');

    await page.getByTestId('train-epochs').fill('3');
    await page.getByTestId('train-backend').selectOption('wasm');
    await page.getByTestId('train-start').click();
    await poll(() => status(page), 120_000).toBe('done');
    // 741 months; cut at 593: training windows 593 − 6 − 2 + 1 = 586, test 148 − 7 = 141.
    expect(await page.getByTestId('train-dataset-info').textContent()).toContain(
      'CO₂ at Mauna Loa: 586 train, 141 test.',
    );
    const log: { loss: number; val_loss: number }[] = JSON.parse(
      (await page.getByTestId('epoch-log').textContent()) || '[]',
    );
    expect(log).toHaveLength(3);
    expect(log.every((e) => Number.isFinite(e.loss) && Number.isFinite(e.val_loss))).toBe(true);
    expect(await projectTraining(page)).toMatchObject({
      dataset: 'co2',
      window: { length: 6, horizon: 2, normalize: true },
    });
    await shots(page, 'sequence-co2-trained');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('topics: tokenizer options, fit fixes for ids and classes, sentences train', async () => {
    const { page, errors } = await openIsolatedApp(e2e);
    await openRegressionOnTraining(page);
    await page.getByTestId('train-dataset').selectOption('topics');
    expect(await page.getByTestId('train-vocab').inputValue()).toBe('1000');
    await page.getByTestId('train-seqlen').fill('8');
    await poll(() => page.getByTestId('train-fit-problems').textContent()).toContain(
      'Input has 9 features, topic sentences has 8',
    );
    expect(await page.getByTestId('train-fit-problems').textContent()).toContain(
      'topic sentences has 4 classes',
    );
    await shots(page, 'sequence-topics-fit');
    // Two problems, two fixes: the Input's shape, then 4 softmax units.
    await page.getByTestId('train-fit-fix').first().click();
    await poll(() => page.getByTestId('train-fit-fix').count()).toBe(1);
    await page.getByTestId('train-fit-fix').click();
    await poll(() => page.getByTestId('train-fit-problems').count()).toBe(0);
    await page.getByTestId('train-epochs').fill('2');
    await page.getByTestId('train-backend').selectOption('wasm');
    await page.getByTestId('train-start').click();
    await poll(() => status(page), 120_000).toBe('done');
    expect(await page.getByTestId('train-dataset-info').textContent()).toContain(
      'topic sentences: 320 train, 80 test.',
    );
    expect(await page.getByTestId('train-dataset-info').textContent()).toContain(
      '8 ids per sentence',
    );
    expect(await projectTraining(page)).toMatchObject({
      dataset: 'topics',
      tokenizer: { vocabSize: 1000, sequenceLength: 8 },
    });
    await shots(page, 'sequence-topics-trained');
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** Needs the Conv1D, Embedding and GlobalAveragePooling1D kinds (their templates are offered then). */
describe('the sequence and text templates train in the app', () => {
  for (const [template, info] of [
    ['co2-forecast', 'CO₂ at Mauna Loa: 581 train, 136 test.'],
    ['text-classifier', 'topic sentences: 320 train, 80 test.'],
  ] as const) {
    it(`${template}: two epochs on wasm`, async () => {
      const { page, errors } = await openIsolatedApp(e2e);
      await page.getByTestId('toolbar-new').click();
      await page.getByTestId(`template-${template}`).click();
      await poll(() => page.locator('.react-flow__node').count()).toBe(4);
      await page.getByTestId('tab-training').click();
      expect(await page.getByTestId('train-fit-problems').count()).toBe(0);
      await page.getByTestId('train-epochs').fill('2');
      await page.getByTestId('train-backend').selectOption('wasm');
      await page.getByTestId('train-start').click();
      await poll(() => status(page), 120_000).toBe('done');
      expect(await page.getByTestId('train-dataset-info').textContent()).toContain(info);
      const log: { loss: number }[] = JSON.parse(
        (await page.getByTestId('epoch-log').textContent()) || '[]',
      );
      expect(log).toHaveLength(2);
      expect(log[1]!.loss).toBeLessThan(log[0]!.loss);
      await shots(page, `template-${template}`);
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
