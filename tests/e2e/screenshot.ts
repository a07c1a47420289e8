/**
 * Writes docs/screenshot.png (1280×800): the MNIST MLP with a block selected.
 * Run: node --experimental-strip-types tests/e2e/screenshot.ts
 */
import { launchChromium, openApp, ROOT, startWebServer } from './support.ts';

const server = await startWebServer();
const browser = await launchChromium();
try {
  const { page } = await openApp(browser, server.url);
  const headers = (await page.request.get(server.url)).headers();
  console.log(
    'COOP',
    headers['cross-origin-opener-policy'],
    'COEP',
    headers['cross-origin-embedder-policy'],
  );
  await page.waitForTimeout(500);
  await page.getByTestId('node-dense_1').locator('.block__title').click();
  await page.mouse.move(5, 400);
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${ROOT}/docs/screenshot.png` });
} finally {
  await browser.close();
  await server.close();
}
