import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { analyzeGraph, serializeProject } from '../../shared/index.ts';
import { bigProject } from './bigGraph.ts';
import { openApp, poll, useE2E } from './support.ts';

const e2e = useE2E();

const viewport = (page: Page) =>
  page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);

const nodePosition = (page: Page, id: string) =>
  page.evaluate((nodeId) => {
    const w = window as unknown as {
      __netwright: {
        store: {
          getState(): { project: { graph: { nodes: { id: string; position: object }[] } } };
        };
      };
    };
    const node = w.__netwright.store.getState().project.graph.nodes.find((n) => n.id === nodeId);
    return node?.position;
  }, id);

describe('a 300-block graph', () => {
  it('opens, renders, pans, zooms and drags', async () => {
    const project = bigProject(300);
    expect(project.graph.nodes).toHaveLength(300);
    expect(analyzeGraph(project.graph).diagnostics).toEqual([]);

    const { page, errors } = await openApp(e2e.browser, e2e.url);
    // Open through the upload path (a file chooser the test can answer), not the File System
    // Access picker that Chromium would show.
    await page.evaluate(
      () => delete (window as { showOpenFilePicker?: unknown }).showOpenFilePicker,
    );
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('toolbar-open').click();
    const started = Date.now();
    await (
      await chooser
    ).setFiles({
      name: 'big.netwright.json',
      mimeType: 'application/json',
      buffer: Buffer.from(serializeProject(project)),
    });
    await poll(() => page.getByTestId('status-bar').textContent()).toMatch(/300 blocks/);
    await poll(() => page.getByTestId('project-name').textContent()).toBe('300 blocks');
    await poll(() => page.locator('.react-flow__node').count()).toBeGreaterThan(0);
    console.info(`300 blocks: first blocks on screen after ${Date.now() - started} ms`);
    await expect
      .poll(() => page.getByTestId('status-problems').textContent())
      .toBe('Model is valid');

    // Pan: drag the empty pane.
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    const before = await viewport(page);
    const start = { x: canvas.x + 12, y: canvas.y + 12 };
    const target = await page.evaluate(
      ({ x, y }) => document.elementFromPoint(x, y)?.className ?? '',
      start,
    );
    expect(String(target)).toMatch(/react-flow__pane/);
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x + 250, start.y + 180, { steps: 12 });
    await page.mouse.up();
    await poll(() => viewport(page)).not.toBe(before);
    const panned = await viewport(page);

    // Zoom in with the wheel, then on the zoom control.
    await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
    await page.mouse.wheel(0, -400);
    await poll(() => viewport(page)).not.toBe(panned);
    const zoomed = await viewport(page);
    await page.locator('.react-flow__controls-zoomin').click();
    await poll(() => viewport(page)).not.toBe(zoomed);

    // Drag a visible block.
    const node = page.locator('.react-flow__node').first();
    const id = (await node.getAttribute('data-id'))!;
    const from = await nodePosition(page, id);
    const title = (await node.locator('.block__title').boundingBox())!;
    await page.mouse.move(title.x + 5, title.y + 5);
    await page.mouse.down();
    await page.mouse.move(title.x + 60, title.y + 45, { steps: 10 });
    await page.mouse.up();
    await poll(() => nodePosition(page, id)).not.toEqual(from);

    // Fit view brings the whole graph back.
    await page.getByTestId('toolbar-fit').click();
    await poll(() => page.locator('.react-flow__node').count()).toBeGreaterThan(20);

    expect(errors).toEqual([]);
    await page.close();
  });
});
