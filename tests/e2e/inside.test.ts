import { readFileSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, openApp, poll, ROOT, useE2E } from './support.ts';

const e2e = useE2E();

const shot = (name: string) => `${process.env.SCREENSHOT_DIR ?? '/tmp'}/${name}.png`;

/** Screenshots the side panel with room for its whole body (a tall window, then back). */
async function panelShot(page: Page, name: string) {
  await page.setViewportSize({ width: 1280, height: 1500 });
  await page.waitForTimeout(150);
  await page.getByTestId('side-panel').screenshot({ path: shot(name) });
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function openTemplate(page: Page, id: string, blocks: number) {
  page.on('dialog', (d) => void d.accept());
  await page.getByTestId('toolbar-new').click();
  await page.getByTestId(`template-${id}`).click();
  await poll(() => page.locator('.react-flow__node').count()).toBe(blocks);
}

const numbers = async (page: Page, testId: string, attr: string): Promise<number[]> =>
  JSON.parse((await page.getByTestId(testId).getAttribute(attr)) || '[]') as number[];

describe('Try it and Inside panels', () => {
  it('MNIST MLP: a drawn digit gives the same probabilities in ONNX and TF.js', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    await page.getByTestId('tab-tryit').click();
    await poll(() => page.getByTestId('onnx-status').getAttribute('data-status'), 60_000).toBe(
      'ready',
    );
    expect(await page.getByTestId('model-status').getAttribute('data-trained')).toBe('false');
    await expect(page.getByTestId('model-status').textContent()).resolves.toContain('untrained');

    // A "7": a stroke across the top and down to the lower left.
    const pad = (await page.getByTestId('draw-pad').boundingBox())!;
    const at = (fx: number, fy: number) =>
      [pad.x + fx * pad.width, pad.y + fy * pad.height] as const;
    await page.mouse.move(...at(0.25, 0.22));
    await page.mouse.down();
    await page.mouse.move(...at(0.75, 0.22), { steps: 10 });
    await page.mouse.move(...at(0.42, 0.82), { steps: 12 });
    await page.mouse.up();

    await poll(() => page.getByTestId('example-source').textContent()).toContain('your drawing');
    await poll(
      async () => (await page.getByTestId('tryit-result').getAttribute('data-max-diff')) ?? '',
      30_000,
    ).not.toBe('');
    const diff = Number(await page.getByTestId('tryit-result').getAttribute('data-max-diff'));
    expect(diff).toBeLessThan(1e-4);
    const tfjs = await numbers(page, 'tryit-result', 'data-tfjs');
    const onnx = await numbers(page, 'tryit-result', 'data-onnx');
    expect(tfjs).toHaveLength(10);
    expect(onnx).toHaveLength(10);
    expect(tfjs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    for (let i = 0; i < 10; i++) expect(Math.abs(tfjs[i]! - onnx[i]!)).toBeLessThan(1e-4);
    // The drawing reached the model as MNIST-like ink: some pixels on, most off.
    await page.getByTestId('example-preview').waitFor();
    await expect(page.getByTestId('tryit-diff').textContent()).resolves.toContain('agree');
    await panelShot(page, 'tryit-mnist-drawing');

    // A test image too.
    await page.getByTestId('pick-test-index').fill('3');
    await page.getByTestId('pick-test').click();
    await poll(() => page.getByTestId('example-source').textContent()).toContain('test image 3');
    await poll(async () => {
      const d = await page.getByTestId('tryit-result').getAttribute('data-max-diff');
      return d === null || d === '' ? 1 : Number(d);
    }).toBeLessThan(1e-4);

    // The first Dense layer's weights as 28×28 images (MNIST), and histograms, in Inside.
    await page.getByTestId('tab-inside').click();
    await poll(() => page.getByTestId('first-layer-images').getAttribute('data-units')).toBe('32');
    expect(await page.getByTestId('histogram').count()).toBe(6);
    await panelShot(page, 'inside-mnist-mlp');
    expect(errors).toEqual([]);
  }, 180_000);

  it('MNIST CNN: steps through every block of a test image, heatmaps for convolutions', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    await openTemplate(page, 'mnist-cnn', templateBlocks('mnist-cnn'));
    await page.getByTestId('tab-inside').click();
    await page.getByTestId('pick-test-index').fill('0');
    await page.getByTestId('pick-test').click();
    await page.getByTestId('activation').waitFor({ timeout: 60_000 });
    const steps = Number(await page.getByTestId('step-where').getAttribute('data-steps'));
    expect(steps).toBeGreaterThan(4);
    expect(await page.getByTestId('activation').getAttribute('data-type')).toBe('Input');

    const seen: string[] = [];
    let convShot = false;
    for (let i = 0; i < steps; i++) {
      await poll(() => page.getByTestId('step-where').getAttribute('data-step')).toBe(String(i));
      const act = page.getByTestId('activation');
      const type = (await act.getAttribute('data-type'))!;
      const op = (await act.getAttribute('data-op'))!;
      seen.push(type);
      // The current block is selected on the canvas.
      if (i > 0)
        await poll(() =>
          page.locator(`.react-flow__node[data-id="${op}"]`).getAttribute('class'),
        ).toContain('selected');
      if (type === 'Conv2D') {
        expect(Number(await page.getByTestId('feature-maps').getAttribute('data-channels'))).toBe(
          Math.min(16, Number((await act.getAttribute('data-shape'))!.split(',')[2])),
        );
        expect(await page.getByTestId('heatmap').count()).toBeGreaterThan(0);
        if (!convShot) {
          await panelShot(page, 'inside-step-conv');
          convShot = true;
        }
      }
      if (i < steps - 1) await page.getByTestId('step-next').click();
    }
    expect(seen).toContain('Conv2D');
    expect(await page.getByTestId('step-next').isDisabled()).toBe(true);
    const finalValues = await numbers(page, 'activation', 'data-final');
    const finalTop = await page.getByTestId('activation').getAttribute('data-top');
    await page.getByTestId('step-prediction').waitFor();
    await panelShot(page, 'inside-step-final');

    // Clicking a block on the chip list walks back to it.
    const firstOp = await page
      .locator('[data-testid^="step-block-"]')
      .nth(1)
      .getAttribute('data-testid');
    await page.getByTestId(firstOp!).click();
    await poll(() => page.getByTestId('step-where').getAttribute('data-step')).toBe('1');

    // The final prediction is Try it's TF.js prediction for the same image.
    await page.getByTestId('tab-tryit').click();
    await poll(() => page.getByTestId('example-source').textContent()).toContain('test image 0');
    await poll(async () => (await numbers(page, 'tryit-result', 'data-tfjs')).length, 30_000).toBe(
      10,
    );
    const tfjs = await numbers(page, 'tryit-result', 'data-tfjs');
    expect(await page.getByTestId('tryit-result').getAttribute('data-top')).toBe(finalTop);
    for (let i = 0; i < 10; i++) expect(Math.abs(tfjs[i]! - finalValues[i]!)).toBeLessThan(1e-6);
    await poll(async () => {
      const d = await page.getByTestId('tryit-result').getAttribute('data-max-diff');
      return d === null || d === '' ? 1 : Number(d);
    }, 30_000).toBeLessThan(1e-4);
    await panelShot(page, 'tryit-mnist-cnn');
    expect(errors).toEqual([]);
  }, 240_000);

  it('spiral: weight histograms appear and change while training', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    await openTemplate(page, 'toy-2d-classifier', 4);
    await page.getByTestId('tab-training').click();
    await page.getByTestId('train-dataset').selectOption('spiral');
    await page.getByTestId('train-epochs').fill('40');
    await page.getByTestId('train-backend').selectOption('cpu');

    await page.getByTestId('tab-inside').click();
    await poll(() => page.getByTestId('histogram').count(), 30_000).toBeGreaterThan(0);
    expect(await page.getByTestId('weights-view').getAttribute('data-source')).toBe('project');
    const before = await page.getByTestId('histogram').first().getAttribute('data-counts');
    // Step through a clicked point while here.
    const plane = (await page.getByTestId('point-plane').boundingBox())!;
    await page.mouse.click(plane.x + plane.width * 0.7, plane.y + plane.height * 0.3);
    await poll(() => page.getByTestId('example-source').textContent()).toContain('point (');

    await page.getByTestId('tab-training').click();
    await page.getByTestId('train-start').click();
    await page.getByTestId('tab-inside').click();
    await poll(() => page.getByTestId('weights-view').getAttribute('data-source'), 60_000).toBe(
      'training',
    );
    await poll(
      async () => Number(await page.getByTestId('weights-view').getAttribute('data-seq')),
      60_000,
    ).toBeGreaterThan(1);
    await page.getByTestId('tab-training').click();
    await poll(() => page.getByTestId('train-status').getAttribute('data-status'), 120_000).toBe(
      'done',
    );
    await page.getByTestId('tab-inside').click();
    await poll(() => page.getByTestId('weights-source').textContent()).toContain('last run');
    const after = await page.getByTestId('histogram').first().getAttribute('data-counts');
    expect(after).not.toBe(before);
    // The trained weights reach the Inside model too.
    await poll(() => page.getByTestId('model-status').getAttribute('data-trained'), 30_000).toBe(
      'true',
    );
    await panelShot(page, 'inside-spiral-trained');
    await page.getByTestId('tab-tryit').click();
    await poll(async () => {
      const d = await page.getByTestId('tryit-result').getAttribute('data-max-diff');
      return d === null || d === '' ? 1 : Number(d);
    }, 30_000).toBeLessThan(1e-4);
    await panelShot(page, 'tryit-spiral');
    expect(errors).toEqual([]);
  }, 240_000);

  it('runs the ONNX model on the WebGPU execution provider where there is one', async () => {
    const gpuBrowser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'],
    });
    try {
      const { page, errors } = await openApp(gpuBrowser, e2e.url);
      await page.getByTestId('tab-tryit').click();
      await poll(() => page.getByTestId('onnx-status').getAttribute('data-status'), 90_000).toBe(
        'ready',
      );
      expect(await page.getByTestId('onnx-status').textContent()).toContain('webgpu');
      await page.getByTestId('pick-test').click();
      await poll(async () => {
        const d = await page.getByTestId('tryit-result').getAttribute('data-max-diff');
        return d === null || d === '' ? 1 : Number(d);
      }, 90_000).toBeLessThan(1e-4);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await gpuBrowser.close();
    }
  }, 240_000);
});

/** How many blocks a template has. */
function templateBlocks(id: string): number {
  const file = `${ROOT}/shared/templates/${id}.json`;
  return (JSON.parse(readFileSync(file, 'utf8')) as { graph: { nodes: unknown[] } }).graph.nodes
    .length;
}
