/**
 * Issue 14 item 6: Picture → PNG of a project with positions near 1e308 hung silently. Now the
 * export menu answers with a notice naming the size and what to do, and no canvas is made.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { emptyProject, serializeProject, type Graph } from '../../shared/index.ts';
import { openApp, poll, useE2E } from './support.ts';

const e2e = useE2E();

/** Input [4] → Dense 2 → Dense 1 at the given positions. */
function farProject(positions: [number, number][]) {
  const types = [
    { type: 'Input', params: { shape: [4] } },
    { type: 'Dense', params: { units: 2 } },
    { type: 'Dense', params: { units: 1 } },
  ];
  const graph: Graph = {
    nodes: positions.map(([x, y], i) => ({ id: `n${i}`, ...types[i]!, position: { x, y } })),
    edges: positions
      .slice(1)
      .map((_, i) => ({ id: `e${i}`, source: `n${i}`, target: `n${i + 1}` })),
  };
  return serializeProject({ ...emptyProject('far'), graph });
}

async function openProject(page: Awaited<ReturnType<typeof openApp>>['page'], text: string) {
  await page.evaluate(() => delete (window as { showOpenFilePicker?: unknown }).showOpenFilePicker);
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('toolbar-open').click();
  await (
    await chooser
  ).setFiles({
    name: 'far.netwright.json',
    mimeType: 'application/json',
    buffer: Buffer.from(text),
  });
  await poll(() => page.getByTestId('status-bar').textContent()).toMatch(/3 blocks/);
}

describe('graph pictures of blocks far apart', () => {
  it('refuses the PNG and the SVG of blocks at ±1e308 with a notice, quickly', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    await openProject(
      page,
      farProject([
        [-1e308, 0],
        [0, 200],
        [1e308, 1e308],
      ]),
    );
    for (const item of ['picture-png', 'picture-svg']) {
      await page.getByTestId('toolbar-export').click();
      const started = Date.now();
      await page.getByTestId(item).click();
      await poll(() => page.getByTestId('notice').textContent(), 10_000).toMatch(
        // (the notice's close button "×" follows the text)
        /^Could not export the picture: The picture has no finite size; the blocks lie too far apart: move them together \(Arrange\) and export again/,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      await page.evaluate(() =>
        (
          window as unknown as { __netwright: { store: { getState(): { dismissNotice(): void } } } }
        ).__netwright.store
          .getState()
          .dismissNotice(),
      );
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses the PNG of blocks 1e15 apart; at 500,000 px apart the SVG is made, the PNG refused', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    await openProject(
      page,
      farProject([
        [0, 0],
        [1e15, 0],
        [1e15, 200],
      ]),
    );
    await page.getByTestId('toolbar-export').click();
    await page.getByTestId('picture-png').click();
    await poll(() => page.getByTestId('notice').textContent(), 10_000).toMatch(
      /^Could not export the picture: The picture would be 1\.0e\+15 × [\d,]+ pixels; a picture is limited to 1,000,000 pixels a side/,
    );

    await openProject(
      page,
      farProject([
        [0, 0],
        [500_000, 0],
        [500_000, 200],
      ]),
    );
    await page.getByTestId('toolbar-export').click();
    const [svg] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('picture-svg').click(),
    ]);
    const text = await readFile((await svg.path())!, 'utf8');
    expect(/<svg[^>]*\swidth="(\d+)"/.exec(text)![1]).toBe('500300');
    await page.getByTestId('toolbar-export').click();
    await page.getByTestId('picture-png').click();
    await poll(() => page.getByTestId('notice').textContent(), 10_000).toMatch(
      /^Could not export the picture: The picture would be 1,000,600 × [\d,]+ pixels; a PNG is limited to 16,384 pixels a side/,
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});
