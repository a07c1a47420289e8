import { describe, expect, it } from 'vitest';
import { openIsolatedApp, poll, useE2E } from './support.ts';

const e2e = useE2E();
const shotDir = process.env.SCREENSHOT_DIR ?? '/tmp';

describe('cost preview in the Training panel', () => {
  it("shows the MLP's parameters and FLOPs before Train, and refuses a model too big (E017)", async () => {
    const { page, errors } = await openIsolatedApp(e2e);
    await page.getByTestId('tab-training').click();
    const preview = page.getByTestId('cost-preview');
    await preview.waitFor();
    // By hand: 784·128+128 + 128·64+64 + 64·10+10 = 109,386 parameters; forward FLOPs
    // 2·(784·128 + 128·64 + 64·10) + biases 202 + relu 192 + softmax 3·10 = 218,792.
    await poll(() => preview.innerText()).toContain('109,386');
    const text = await preview.innerText();
    expect(text).toContain('218,792 forward');
    // Training 3 × 218,792 = 656,376; batch 64 with Adam: 986 values · 64 · 4 B = 247 KiB.
    expect(text).toContain('656,376 training');
    expect(text).toContain('247 KiB per batch of 64');
    // 109,386 · 4 B = 427 KiB of weights; Adam's two slots 855 KiB.
    expect(text).toContain('427 KiB + 855 KiB adam state');
    expect(await preview.isVisible()).toBe(true);
    // Seen above the Train button, before any run.
    const previewBox = (await preview.boundingBox())!;
    const trainBox = (await page.getByTestId('train-start').boundingBox())!;
    expect(previewBox.y).toBeLessThan(trainBox.y);

    for (const [width, height] of [
      [1280, 720],
      [1440, 900],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${shotDir}/cost-preview-${width}x${height}.png` });
      expect(await preview.isVisible()).toBe(true);
    }

    // A Dense of 1e6 units after 784 inputs: 785,000,000 parameters > 2 GiB of float32 weights.
    await page.getByTestId('node-dense_1').locator('.block__title').click();
    await page.getByTestId('tab-inspector').click();
    await page.getByTestId('param-units').fill('1000000');
    await page.getByTestId('tab-problems').click();
    await poll(() => page.getByTestId('problems-list').innerText()).toContain(
      'Dense has 785,000,000 parameters',
    );
    await page.getByTestId('tab-training').click();
    await poll(() => preview.count()).toBe(0);
    expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
    await page.screenshot({ path: `${shotDir}/cost-preview-too-big.png` });
    expect(errors).toEqual([]);
  });
});
