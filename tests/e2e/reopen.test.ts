/**
 * Reopen parity (issue 5, item 1): a model trained in the app, saved (download) and opened again
 * in a fresh page predicts exactly as before saving, and its training curves come back.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseProject, type Project } from '../../shared/index.ts';
import { openIsolatedApp, poll, useE2E } from './support.ts';

const e2e = useE2E();
const SHOTS = process.env.NETWRIGHT_SHOTS;

const open = () => openIsolatedApp(e2e);

type Win = { __netwright: { store: { getState(): { project: Project } } } };
const projectOf = (page: Page) =>
  page.evaluate(
    () =>
      JSON.parse(
        JSON.stringify((window as unknown as Win).__netwright.store.getState().project),
      ) as Project,
  );

interface Prediction {
  source: string;
  top: string;
  tfjs: number[];
  onnx: number[];
  text: string;
}

/** Try it on a fixed point of the 2-D plane: the example and both predictions as shown. */
async function predictPoint(page: Page): Promise<Prediction> {
  await page.getByTestId('tab-tryit').click();
  await poll(() => page.getByTestId('model-status').getAttribute('data-trained'), 60_000).toBe(
    'true',
  );
  // Click only once the panel has settled (ONNX exported, the plane no longer moving), so that
  // both pages click the same point.
  await poll(() => page.getByTestId('onnx-status').getAttribute('data-status'), 60_000).toBe(
    'ready',
  );
  const box = async () => JSON.stringify(await page.getByTestId('point-plane').boundingBox());
  let last = '';
  await poll(async () => {
    const now = await box();
    const settled = now === last;
    last = now;
    await page.waitForTimeout(100);
    return settled;
  }).toBe(true);
  const plane = (await page.getByTestId('point-plane').boundingBox())!;
  await page.mouse.click(plane.x + plane.width * 0.7, plane.y + plane.height * 0.3);
  await poll(() => page.getByTestId('example-source').textContent()).toContain('point (');
  const result = page.getByTestId('tryit-result');
  await poll(async () => (await result.getAttribute('data-onnx')) ?? '', 90_000).not.toBe('');
  return {
    source: (await page.getByTestId('example-source').textContent()) ?? '',
    top: (await page.getByTestId('tryit-top').textContent()) ?? '',
    tfjs: JSON.parse((await result.getAttribute('data-tfjs')) ?? '[]') as number[],
    onnx: JSON.parse((await result.getAttribute('data-onnx')) ?? '[]') as number[],
    text: (await result.textContent()) ?? '',
  };
}

const points = async (page: Page, testId: string) =>
  Number(await page.getByTestId(testId).getAttribute('data-points'));

describe('Reopen parity', () => {
  it('a model trained in the app predicts exactly the same after save and reopen', async () => {
    const { page, errors } = await open();
    await page.getByTestId('toolbar-new').click();
    await page.getByTestId('template-toy-2d-classifier').click();
    await poll(() => page.locator('.react-flow__node').count()).toBe(4);

    // Train the spiral classifier for a few epochs on the CPU backend.
    await page.getByTestId('tab-training').click();
    await page.getByTestId('train-dataset').selectOption('spiral');
    await page.getByTestId('train-epochs').fill('6');
    await page.getByTestId('train-backend').selectOption('cpu');
    await page.getByTestId('train-start').click();
    await poll(() => page.getByTestId('train-status').getAttribute('data-status'), 120_000).toBe(
      'done',
    );
    await poll(() => points(page, 'chart-epoch-loss')).toBe(6);
    const history = (await projectOf(page)).trainingHistory as unknown[];
    expect(history).toHaveLength(6);

    const before = await predictPoint(page);
    // One sigmoid unit: the probability of class 1.
    expect(before.tfjs).toHaveLength(1);
    expect(before.tfjs[0]).toBeGreaterThan(0);
    expect(before.tfjs[0]).toBeLessThan(1);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/reopen-before.png` });

    // Save: a download in this browser mode.
    const download = page.waitForEvent('download');
    await page.getByTestId('toolbar-save').click();
    const file = await download;
    const text = await readFile((await file.path())!, 'utf8');
    const parsed = parseProject(text);
    expect(parsed.ok).toBe(true);

    // A fresh page (a new browser context): open the saved file.
    const fresh = await open();
    const chooser = fresh.page.waitForEvent('filechooser');
    await fresh.page.getByTestId('toolbar-open').click();
    await (
      await chooser
    ).setFiles({
      name: file.suggestedFilename(),
      mimeType: 'application/json',
      buffer: Buffer.from(text),
    });
    await poll(() => fresh.page.getByTestId('project-name').textContent()).toBe(
      (await projectOf(page)).name,
    );
    expect((await projectOf(fresh.page)).weights).toEqual((await projectOf(page)).weights);

    const after = await predictPoint(fresh.page);
    // Exactly the same example and the same numbers, to the last bit.
    expect(after.source).toBe(before.source);
    expect(after.tfjs).toEqual(before.tfjs);
    expect(after.onnx).toEqual(before.onnx);
    expect(after.top).toBe(before.top);
    expect(after.text).toBe(before.text);
    if (SHOTS) await fresh.page.screenshot({ path: `${SHOTS}/reopen-after.png` });

    // The training curves come back in the Training panel.
    expect((await projectOf(fresh.page)).trainingHistory).toEqual(history);
    await fresh.page.getByTestId('tab-training').click();
    await poll(() => points(fresh.page, 'chart-epoch-loss')).toBe(6);
    expect(JSON.parse((await fresh.page.getByTestId('epoch-log').textContent()) ?? '[]')).toEqual(
      history,
    );
    if (SHOTS) await fresh.page.screenshot({ path: `${SHOTS}/reopen-curves.png` });
    expect(errors).toEqual([]);
    expect(fresh.errors).toEqual([]);
  }, 300_000);
});
