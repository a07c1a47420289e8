import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A free TCP port on localhost. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Spawns the renderer's Vite dev server on a free port: `npm run web`'s config without HMR or a
 * file watcher (tests/e2e/vite.e2e.config.ts), so other edits never reload a page mid-test.
 */
export async function startWebServer(): Promise<WebServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      `${ROOT}/node_modules/vite/bin/vite.js`,
      '--config',
      'tests/e2e/vite.e2e.config.ts',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BROWSER: 'none' } },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Vite exited early:\n${output}`);
    try {
      const res = await fetch(url);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`Vite did not start within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** Opens the app and waits until the canvas shows its blocks; `errors` collects page errors. */
export async function openApp(
  browser: Browser,
  url: string,
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.getByTestId('canvas').waitFor();
  await page.locator('.react-flow__node').first().waitFor();
  return { page, errors };
}

/** `expect.poll` with a timeout that suits a busy 2-core machine. */
export function poll<T>(fn: () => T | Promise<T>, timeout = 15_000) {
  return expect.poll(fn, { timeout, interval: 50 });
}

/** What an e2e file works with: its Chromium, the shared server's URL, contexts to close. */
export interface E2E {
  readonly browser: Browser;
  readonly url: string;
  /** Contexts a test opened; each is closed after its test, even when the test fails. */
  readonly contexts: BrowserContext[];
}

/**
 * Registers the hooks every e2e file needs: a Chromium for the file, closed after it, and the
 * URL of the one Vite server that tests/e2e/global-setup.ts starts for the whole run.
 */
export function useE2E(): E2E {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('Chromium is not started yet (use it inside a test)');
      return browser;
    },
    url: inject('webUrl'),
    contexts,
  };
}

/** Init script: no File System Access API, so files go through a file input and downloads. */
export const NO_FS_ACCESS = (): void => {
  delete (window as { showOpenFilePicker?: unknown }).showOpenFilePicker;
  delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
};

/**
 * Opens the app in a context of its own (its own storage, so no autosave leaks between pages),
 * without the File System Access API, accepting native dialogs (beforeunload).
 */
export async function openIsolatedApp(e2e: E2E): Promise<{ page: Page; errors: string[] }> {
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
  e2e.contexts.push(context);
  await context.addInitScript(NO_FS_ACCESS);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => void d.accept());
  await page.goto(e2e.url);
  await page.getByTestId('canvas').waitFor();
  await page.locator('.react-flow__node').first().waitFor();
  return { page, errors };
}

/** The centre of an element's bounding box. */
export const centre = (box: { x: number; y: number; width: number; height: number } | null) => {
  if (!box) throw new Error('element has no box');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
};

/** Drags a palette block onto the canvas with the mouse (HTML5 drag and drop). */
export async function dropBlock(page: Page, type: string, x: number, y: number): Promise<void> {
  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  await page.dragAndDrop(`[data-testid="palette-item-${type}"]`, '[data-testid="canvas"]', {
    targetPosition: { x: x - canvas.x, y: y - canvas.y },
  });
}

/** Drags a wire from one block's output handle to another's input handle. */
export async function wire(page: Page, from: string, to: string): Promise<void> {
  const a = centre(await page.getByTestId(`handle-out-${from}`).boundingBox());
  const b = centre(await page.getByTestId(`handle-in-${to}`).boundingBox());
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x, b.y, { steps: 5 });
  await page.mouse.up();
}

/** Drags the `index`-th block on the canvas by (dx, dy) with the mouse; returns how far it moved. */
export async function dragBlock(page: Page, index: number, dx: number, dy: number) {
  const node = page.locator('.react-flow__node').nth(index);
  const before = (await node.boundingBox())!;
  await page.mouse.move(before.x + before.width / 2, before.y + 10);
  await page.mouse.down();
  await page.mouse.move(before.x + before.width / 2 + dx, before.y + 10 + dy, { steps: 8 });
  await page.mouse.up();
  const after = (await node.boundingBox())!;
  return { x: after.x - before.x, y: after.y - before.y };
}
