import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
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

/** A hover tooltip as the user sees it: its text and where it is drawn. */
export interface ShownTooltip {
  text: string;
  box: { x: number; y: number; width: number; height: number };
}

/**
 * Hovers `target` and reads the tooltip the stylesheet draws (`.tip:hover::after`, text from
 * `content`), checking that the user can see it: displayed, opaque, non-empty, inside the
 * viewport, and that its pixels changed when the pointer arrived (it was drawn on screen).
 */
export async function hoverTooltip(page: Page, target: Locator): Promise<ShownTooltip> {
  await page.mouse.move(0, 0);
  await target.scrollIntoViewIfNeeded();
  const place = () =>
    target.evaluate((el) => {
      const after = getComputedStyle(el, '::after');
      const r = el.getBoundingClientRect();
      const width = parseFloat(after.width);
      const height = parseFloat(after.height);
      // `bottom: calc(100% + 6px)` puts the box above the element; `left`/`right` as computed.
      const left =
        after.left !== 'auto'
          ? r.left + parseFloat(after.left)
          : r.right - parseFloat(after.right) - width;
      const top = r.bottom - parseFloat(after.bottom) - height;
      return {
        content: after.content,
        display: after.display,
        visibility: after.visibility,
        opacity: after.opacity,
        box: { x: left, y: top, width, height },
        viewport: { width: innerWidth, height: innerHeight },
      };
    });
  const before = await place();
  if (before.content !== 'none' && before.content !== 'normal') {
    throw new Error(`tooltip shown before hovering: ${before.content}`);
  }
  await target.hover();
  const shown = await place();
  const { box, viewport } = shown;
  const clip = {
    x: Math.max(0, box.x),
    y: Math.max(0, box.y),
    width: box.width,
    height: box.height,
  };
  // The same region with the pointer away, then on the target: it must change.
  await page.mouse.move(0, 0);
  const away = await page.screenshot({ clip });
  await target.hover();
  const over = await page.screenshot({ clip });
  if (shown.display === 'none' || shown.visibility !== 'visible' || Number(shown.opacity) < 1) {
    throw new Error(`tooltip not visible: ${JSON.stringify(shown)}`);
  }
  if (
    !(box.width > 0 && box.height > 0) ||
    box.x < 0 ||
    box.y < 0 ||
    box.x + box.width > viewport.width ||
    box.y + box.height > viewport.height
  ) {
    throw new Error(`tooltip off screen: ${JSON.stringify({ box, viewport })}`);
  }
  if (away.equals(over)) throw new Error('hovering drew nothing where the tooltip should be');
  return { text: cssString(shown.content), box };
}

/** The text of a computed CSS `content` string such as `"a\A b"`. */
function cssString(content: string): string {
  const m = /^"(.*)"$/s.exec(content);
  if (!m) throw new Error(`tooltip content is not text: ${content}`);
  return m[1]!.replace(/\\([0-9a-fA-F]{1,6}) ?|\\(.)/gs, (_, hex: string, ch: string) =>
    hex ? String.fromCodePoint(parseInt(hex, 16)) : ch,
  );
}
