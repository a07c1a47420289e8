/**
 * Screenshots of the Training panel after a Stop mid-epoch (partial epoch drawn hollow) with the
 * "auto" probe's result, at 1280×720 and 1440×900, into SCREENSHOT_DIR (default /tmp).
 * Run: node --experimental-strip-types tests/e2e/screenshot-training.ts
 */
import { launchChromium, openApp, startWebServer } from './support.ts';

const dir = process.env.SCREENSHOT_DIR ?? '/tmp';
const server = await startWebServer();
const browser = await launchChromium();
try {
  const { page } = await openApp(browser, server.url);
  page.on('dialog', (d) => void d.accept());
  await page.getByTestId('toolbar-new').click();
  await page.getByTestId('template-toy-2d-classifier').click();
  await page.locator('.react-flow__node').first().waitFor();
  await page.getByTestId('tab-training').click();
  await page.getByTestId('train-dataset').selectOption('spiral');
  await page.getByTestId('train-epochs').fill('200');
  await page.getByTestId('train-batch').fill('4');
  await page.getByTestId('train-lr').fill('0.03');
  await page.getByTestId('train-start').click();
  const epochs = async () =>
    (JSON.parse((await page.getByTestId('epoch-log').textContent()) || '[]') as unknown[]).length;
  for (let i = 0; i < 600 && (await epochs()) < 6; i++) await page.waitForTimeout(200);
  await page.waitForTimeout(150);
  await page.getByTestId('train-stop').dispatchEvent('click');
  await page.locator('[data-testid="train-status"][data-status="stopped"]').waitFor();
  await page.getByTestId('confusion-matrix').waitFor();
  for (const [width, height] of [
    [1280, 720],
    [1440, 900],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.getByTestId('train-probe').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${dir}/training-panel-${width}x${height}.png` });
    await page.getByTestId('chart-epoch-loss').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${dir}/training-panel-charts-${width}x${height}.png` });
  }
  console.log(await page.getByTestId('train-epochs-done').textContent());
} finally {
  await browser.close();
  await server.close();
}
