/**
 * Where blocks land (drop, drop on a wire, paste, a fix that inserts a block) and what the user
 * can read at 1280×720 and 1440×900: nothing on the canvas covers anything else.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loadTemplate, TEMPLATES } from '../../shared/index.ts';
import { graphToSvg } from '../../shared/pictures/graph-svg.ts';
import { LESSONS } from '../../shared/lessons/index.ts';
import { centre, dropBlock, poll, useE2E, wire, type E2E } from './support.ts';

const e2e = useE2E();

/** Screenshots go to NETWRIGHT_SHOTS (or the temp folder) to be looked at. */
const shot = (name: string) => join(process.env.NETWRIGHT_SHOTS ?? tmpdir(), name);

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface Seen extends Box {
  what: string;
}

async function open(e: E2E, width: number, height: number) {
  const context = await e.browser.newContext({ viewport: { width, height } });
  e.contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('dialog', (d) => void d.accept());
  await page.goto(e.url);
  await page.locator('.react-flow__node').first().waitFor();
  return { page, errors };
}

interface Win {
  __netwright: {
    store: {
      getState(): {
        project: { graph: { edges: { source: string; target: string }[] } };
        dismissNotice(): void;
      };
    };
  };
}

const wiresOf = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as Win).__netwright.store
      .getState()
      .project.graph.edges.map((e) => `${e.source}>${e.target}`)
      .sort(),
  );

/** The rendered boxes of every block on the canvas, by block id. */
async function blockBoxes(page: Page): Promise<Seen[]> {
  return page.locator('.react-flow__node').evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return {
        what: el.getAttribute('data-id')!,
        x: r.x,
        y: r.y,
        width: r.width,
        height: r.height,
      };
    }),
  );
}

const intersect = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Pairs of boxes that share area (each pair once, by name). */
function overlapping(boxes: readonly Seen[]): string[] {
  const out: string[] = [];
  boxes.forEach((a, i) =>
    boxes.slice(i + 1).forEach((b) => {
      if (intersect(a, b)) out.push(`${a.what} × ${b.what}`);
    }),
  );
  return out;
}

/**
 * What the user sees over the canvas, clipped to it: blocks, their warning and problem callouts,
 * wire labels, the minimap and zoom controls; and beside it the lesson card. Callouts must lie
 * wholly inside the canvas (never cut by its edge or the side panel).
 */
async function visibleLayout(page: Page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="canvas"]')!.getBoundingClientRect();
    const seen: { what: string; x: number; y: number; width: number; height: number }[] = [];
    const cut: string[] = [];
    const add = (what: string, el: Element, mustFit = false) => {
      const r = el.getBoundingClientRect();
      const x = Math.max(r.left, canvas.left);
      const y = Math.max(r.top, canvas.top);
      const right = Math.min(r.right, canvas.right);
      const bottom = Math.min(r.bottom, canvas.bottom);
      if (right <= x || bottom <= y) return; // out of view
      if (mustFit && (r.left < canvas.left - 0.5 || r.right > canvas.right + 0.5)) cut.push(what);
      seen.push({ what, x, y, width: right - x, height: bottom - y });
    };
    for (const node of document.querySelectorAll('.react-flow__node')) {
      const id = node.getAttribute('data-id');
      add(`block ${id}`, node.querySelector('.block')!);
      for (const c of node.querySelectorAll('.callout')) add(`callout of ${id}`, c, true);
    }
    for (const l of document.querySelectorAll('.wire-label')) add(`label ${l.textContent}`, l);
    const minimap = document.querySelector('.react-flow__minimap');
    if (minimap) add('minimap', minimap);
    const controls = document.querySelector('.react-flow__controls');
    if (controls) add('controls', controls);
    const lesson = document.querySelector('[data-testid="lesson-banner"]');
    const card = lesson?.getBoundingClientRect();
    const zoom = Number(
      /scale\(([\d.]+)\)/.exec(
        (document.querySelector('.react-flow__viewport') as HTMLElement).style.transform,
      )?.[1],
    );
    return {
      seen,
      cut,
      card: card ? { x: card.x, y: card.y, width: card.width, height: card.height } : null,
      canvas: { x: canvas.x, y: canvas.y, width: canvas.width, height: canvas.height },
      zoom,
    };
  });
}

/** The smallest block text on screen, px: the computed font size times the canvas zoom. */
const smallestBlockText = (page: Page, zoom: number) =>
  page
    .locator('.block')
    .first()
    .evaluate(
      (block, z) =>
        Math.min(
          ...[...block.querySelectorAll('*')]
            .filter((el) => el.childNodes.length > 0 && el.textContent?.trim())
            .map((el) => parseFloat(getComputedStyle(el).fontSize)),
        ) * z,
      zoom,
    );

/** Shapes shown on more than one line (taller than 1.8 × their font size, in layout px). */
const wrappedShapes = (page: Page) =>
  page
    .locator('[data-testid="node-shape"]')
    .evaluateAll((els) =>
      els
        .filter(
          (el) =>
            (el as HTMLElement).offsetHeight > 1.8 * parseFloat(getComputedStyle(el).fontSize),
        )
        .map((el) => el.textContent),
    );

async function dismissNotice(page: Page) {
  await page.evaluate(() =>
    (window as unknown as Win).__netwright.store.getState().dismissNotice(),
  );
  await poll(() => page.getByTestId('notice').count()).toBe(0);
}

/** Waits until the canvas viewport stops changing (the opening framing is done). */
async function settled(page: Page) {
  const transform = () =>
    page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
  let last = '';
  await poll(async () => {
    await page.waitForTimeout(150);
    const now = await transform();
    const same = now === last;
    last = now;
    return same;
  }).toBe(true);
}

async function checkReadable(page: Page, label: string) {
  await dismissNotice(page);
  await settled(page);
  const layout = await visibleLayout(page);
  expect(layout.cut, `${label}: callouts cut by the canvas edge`).toEqual([]);
  expect(overlapping(layout.seen), `${label}: overlaps`).toEqual([]);
  if (layout.card) {
    // The card sits above the canvas: nothing of the canvas is under it.
    expect(layout.card.y + layout.card.height, `${label}: card over canvas`).toBeLessThanOrEqual(
      layout.canvas.y + 0.5,
    );
  }
  expect(
    await smallestBlockText(page, layout.zoom),
    `${label}: block text px`,
  ).toBeGreaterThanOrEqual(11);
  expect(await wrappedShapes(page), `${label}: wrapped shapes`).toEqual([]);
  // The project name in the toolbar stays readable: whole, or at least ~10 characters of it.
  const name = await page
    .getByTestId('project-name')
    .evaluate((el) => ({ shown: el.clientWidth, whole: el.scrollWidth }));
  expect(name.shown, `${label}: project name px`).toBeGreaterThanOrEqual(Math.min(name.whole, 80));
  return layout;
}

describe('blocks land where the user means', () => {
  it('the first drop on an empty canvas lands under the cursor; the next one beside it, not on it', async () => {
    const { page, errors } = await open(e2e, 1280, 720);
    await page.getByTestId('toolbar-new').click();
    await page.getByTestId('template-empty').click();
    await page.getByTestId('canvas-empty').waitFor();
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    const at = { x: canvas.x + 260, y: canvas.y + 160 };
    const viewport = () =>
      page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
    const before = await viewport();
    await dropBlock(page, 'Input', at.x, at.y);
    await page.getByTestId('node-input_1').waitFor();
    await page.waitForTimeout(400); // a view that would jump has jumped by now
    expect(await viewport()).toBe(before);
    const first = (await page.getByTestId('node-input_1').boundingBox())!;
    // Centred under the pointer horizontally, the pointer inside the block.
    expect(Math.abs(centre(first).x - at.x)).toBeLessThan(2);
    expect(first.y).toBeLessThan(at.y);
    expect(first.y + first.height).toBeGreaterThan(at.y);

    // The same spot again: the new block does not cover the first.
    await dropBlock(page, 'Dense', at.x, at.y);
    await page.getByTestId('node-dense_1').waitFor();
    await dropBlock(page, 'Dense', at.x + 30, at.y + 20);
    await page.getByTestId('node-dense_2').waitFor();
    expect(overlapping(await blockBoxes(page))).toEqual([]);
    await page.screenshot({ path: shot('placement-drops.png') });
    expect(errors).toEqual([]);
  });

  it('a block dropped on a wire goes into it, and the blocks below make room', async () => {
    const { page, errors } = await open(e2e, 1280, 720);
    await settled(page);
    const a = centre(await page.getByTestId('handle-out-dense_1').boundingBox());
    const b = centre(await page.getByTestId('handle-in-dense_2').boundingBox());
    // On the wire a quarter of the way down: clear of the handles and of the shape label.
    const onWire = { x: a.x, y: a.y + (b.y - a.y) * 0.25 };
    // While a block is dragged over the wire, the wire shows that the drop goes into it (the
    // browser's dragover event, as a drag from the palette sends it; off the wire: no mark).
    const dragOver = (x: number, y: number) =>
      page.evaluate(
        ([px, py]) => {
          const data = new DataTransfer();
          data.setData('application/x-netwright-layer', 'Dropout');
          document.elementFromPoint(px!, py!)!.dispatchEvent(
            new DragEvent('dragover', {
              clientX: px,
              clientY: py,
              dataTransfer: data,
              bubbles: true,
              cancelable: true,
            }),
          );
        },
        [x, y],
      );
    const marked = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('.react-flow__edge.is-drop-target')].map((e) =>
          e.getAttribute('data-id'),
        ),
      );
    await dragOver(a.x + 150, onWire.y);
    expect(await marked()).toEqual([]);
    await dragOver(onWire.x, onWire.y);
    expect(await marked()).toEqual(['e-dense_1-dense_2']);
    await dragOver(a.x + 150, onWire.y);
    expect(await marked()).toEqual([]);
    await dropBlock(page, 'Dropout', onWire.x, onWire.y);
    await page.getByTestId('node-dropout_1').waitFor();
    await poll(() => wiresOf(page)).toEqual(
      ['dense_1>dropout_1', 'dense_2>dense_3', 'dropout_1>dense_2', 'input>dense_1'].sort(),
    );
    await poll(async () => overlapping(await blockBoxes(page))).toEqual([]);
    // Dropout sits between the two blocks it now joins.
    const boxes = Object.fromEntries((await blockBoxes(page)).map((x) => [x.what, x]));
    expect(boxes.dropout_1!.y).toBeGreaterThan(boxes.dense_1!.y + boxes.dense_1!.height);
    expect(boxes.dense_2!.y).toBeGreaterThan(boxes.dropout_1!.y + boxes.dropout_1!.height);
    await page.screenshot({ path: shot('placement-wire-drop.png') });
    expect(errors).toEqual([]);
  });

  it('paste lands clear of the copied blocks, again and again', async () => {
    const { page, errors } = await open(e2e, 1280, 720);
    await settled(page);
    await page.getByTestId('node-dense_1').locator('.block__title').click();
    await page
      .getByTestId('node-dense_2')
      .locator('.block__title')
      .click({ modifiers: ['Control'] });
    await poll(() =>
      page.evaluate(
        () =>
          (
            (window as unknown as Win).__netwright.store.getState() as unknown as {
              selectedNodeIds: string[];
            }
          ).selectedNodeIds,
      ),
    ).toEqual(['dense_1', 'dense_2']);
    // The app's copy and paste handlers, through clipboard events as the browser sends them.
    await page.evaluate(() => {
      const data = new DataTransfer();
      (window as unknown as { clip: DataTransfer }).clip = data;
      document.dispatchEvent(new ClipboardEvent('copy', { clipboardData: data, bubbles: true }));
    });
    const paste = () =>
      page.evaluate(() => {
        const data = (window as unknown as { clip: DataTransfer }).clip;
        document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
      });
    await paste();
    await page.getByTestId('node-dense_5').waitFor();
    await paste();
    await page.getByTestId('node-dense_7').waitFor();
    await poll(async () => overlapping(await blockBoxes(page))).toEqual([]);
    // The pasted wire came along: dense_4 → dense_5, dense_6 → dense_7.
    expect(await wiresOf(page)).toEqual(
      expect.arrayContaining(['dense_4>dense_5', 'dense_6>dense_7']),
    );
    expect(errors).toEqual([]);
  });

  it('Insert Flatten makes room instead of covering its neighbours', async () => {
    const { page, errors } = await open(e2e, 1280, 720);
    await page.getByTestId('toolbar-new').click();
    await page.getByTestId('template-mnist-cnn').click();
    await page.getByTestId('node-flatten').waitFor();
    await settled(page);
    // The whole graph in view, to wire it.
    await page.getByTestId('toolbar-fit').click();
    await settled(page);
    await page.getByTestId('node-flatten').locator('.block__title').click();
    await page.keyboard.press('Delete');
    await poll(() => page.getByTestId('node-flatten').count()).toBe(0);
    await wire(page, 'pool_2', 'dropout');
    await poll(() => wiresOf(page)).toContain('pool_2>dropout');
    await page.getByTestId('node-dense').locator('.block__title').click();
    await page.getByTestId('inspector').getByTestId('fix-W101').click();
    await poll(() => page.locator('[data-node-type="Flatten"]').count()).toBe(1);
    await poll(async () => overlapping(await blockBoxes(page))).toEqual([]);
    await dismissNotice(page);
    await page.getByTestId('toolbar-fit').click();
    await settled(page);
    await page.screenshot({ path: shot('placement-fix-insert.png') });
    expect(errors).toEqual([]);
  });
});

describe('readable at 1280×720 and 1440×900', () => {
  for (const [width, height] of [
    [1280, 720],
    [1440, 900],
  ] as const) {
    it(`${width}×${height}: templates and lessons open readable, nothing covers anything`, async () => {
      const { page, errors } = await open(e2e, width, height);
      for (const t of TEMPLATES) {
        await page.getByTestId('toolbar-new').click();
        await page.getByTestId(`template-${t.id}`).click();
        await poll(() => page.getByTestId('project-name').textContent()).toBe(
          loadTemplate(t.id).name,
        );
        await checkReadable(page, `${t.id} at ${width}×${height}`);
        await page.screenshot({ path: shot(`template-${t.id}-${width}.png`) });
      }
      for (const lesson of LESSONS) {
        await page.getByTestId('toolbar-lessons').click();
        await page.getByTestId(`lesson-${lesson.id}`).click();
        await page.getByTestId('lesson-banner').waitFor();
        await checkReadable(page, `lesson ${lesson.id} at ${width}×${height}`);
        await page.screenshot({ path: shot(`lesson-${lesson.id}-${width}.png`) });
      }
      expect(errors).toEqual([]);
    });
  }

  it('a warning near the side panel moves to the side with room, whole', async () => {
    const { page, errors } = await open(e2e, 1280, 720);
    await page.getByTestId('toolbar-new').click();
    await page.getByTestId('template-mnist-mlp').click();
    await settled(page);
    // dense_1 without an activation feeding dense_2: W102 on dense_1.
    await page.evaluate(() =>
      (
        (window as unknown as Win).__netwright.store.getState() as unknown as {
          updateParam(id: string, p: string, v: unknown): void;
        }
      ).updateParam('dense_1', 'activation', 'linear'),
    );
    const callout = page.getByTestId('node-dense_1').getByTestId('node-lint');
    await callout.waitFor();
    // Drag the block to the right edge of the canvas.
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    const title = (await page.getByTestId('node-dense_1').locator('.block__title').boundingBox())!;
    await page.mouse.move(title.x + 5, title.y + 5);
    await page.mouse.down();
    const dx = canvas.x + canvas.width - 260 - title.x;
    await page.mouse.move(title.x + 5 + dx / 2, title.y + 5, { steps: 5 });
    await page.mouse.move(title.x + 5 + dx, title.y + 5, { steps: 5 });
    await page.mouse.up();
    await poll(() => callout.getAttribute('data-side')).toBe('left');
    const box = (await callout.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(canvas.x);
    expect(box.x + box.width).toBeLessThanOrEqual(canvas.x + canvas.width);
    // Whole: the text is not clipped (no hidden overflow) and ends its sentence.
    const text = (await callout.innerText()).trim();
    expect(text).toMatch(/^W102: .*\.$/s);
    expect(await callout.evaluate((el) => el.scrollHeight <= el.clientHeight + 1)).toBe(true);
    await page.screenshot({ path: shot('placement-callout-left.png') });
    expect(errors).toEqual([]);
  });

  it('palette: groups fold, headings and long names fit without cutting a word', async () => {
    const { page, errors } = await open(e2e, 1280, 720);
    await page.getByTestId('palette-heading-Core').click();
    await poll(() => page.getByTestId('palette-item-Dense').count()).toBe(0);
    expect(await page.getByTestId('palette-heading-Core').getAttribute('aria-expanded')).toBe(
      'false',
    );
    // A search shows matches in folded groups too.
    await page.getByTestId('palette-search').fill('dense');
    await poll(() => page.getByTestId('palette-item-Dense').count()).toBe(1);
    await page.getByTestId('palette-search').fill('');
    await page.getByTestId('palette-heading-Core').click();
    await poll(() => page.getByTestId('palette-item-Dense').count()).toBe(1);

    // Nothing in the palette overflows its box; a wrapped line starts a word.
    const bad = await page
      .locator('.palette__groupname, .palette__name, .palette__torch')
      .evaluateAll((els) =>
        els.flatMap((el) => {
          const problems: string[] = [];
          if (el.scrollWidth > el.clientWidth + 1) problems.push(`${el.textContent} overflows`);
          // The top of each character's box: a new top is a new line.
          const text = el.textContent ?? '';
          const tops: number[] = [];
          const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (let i = 0; i < node.textContent!.length; i++) {
              const r = document.createRange();
              r.setStart(node, i);
              r.setEnd(node, i + 1);
              tops.push(Math.round(r.getBoundingClientRect().top));
            }
          }
          for (let i = 1; i < tops.length; i++) {
            if (tops[i] === tops[i - 1]) continue;
            // A line starts at character i: after "/", "." or "(", or a capital after a small letter.
            const prev = text[i - 1]!;
            const here = text[i]!;
            const ok =
              prev === '/' ||
              prev === '.' ||
              prev === '(' ||
              (/[a-z0-9]/.test(prev) && /[A-Z]/.test(here));
            if (!ok) problems.push(`${text} breaks inside a word at ${i}`);
          }
          return problems;
        }),
      );
    expect(bad).toEqual([]);
    const heading = (await page
      .getByTestId('palette-heading-Normalisation/Regularisation')
      .boundingBox())!;
    const palette = (await page.getByTestId('palette').boundingBox())!;
    expect(heading.x + heading.width).toBeLessThanOrEqual(palette.x + palette.width);
    expect(errors).toEqual([]);
  });

  it('the exported graph picture has no overlapping text, in the font metrics of Chromium', async () => {
    const { page, errors } = await open(e2e, 1280, 720);
    const projects = TEMPLATES.map((t) => loadTemplate(t.id));
    // A long label and a long layer name: cut to fit, not run over the block's edge.
    const long = loadTemplate('mnist-cnn');
    long.graph.nodes[1]!.label = 'A very long label that a teacher typed for this block';
    projects.push(long);
    for (const project of projects) {
      await page.setContent(graphToSvg(project.graph, undefined, project.name));
      const problems = await page.evaluate(() => {
        const out: string[] = [];
        const texts = [...document.querySelectorAll('text')];
        const boxes = texts.map((t) => (t as SVGTextElement).getBBox());
        const meets = (a: DOMRect, b: DOMRect) =>
          a.x < b.x + b.width &&
          b.x < a.x + a.width &&
          a.y < b.y + b.height &&
          b.y < a.y + a.height;
        texts.forEach((t, i) => {
          boxes.slice(i + 1).forEach((b, j) => {
            if (meets(boxes[i]!, b))
              out.push(`"${t.textContent}" on "${texts[i + 1 + j]!.textContent}"`);
          });
          // Inside its own box: the block's outline, or the label's pill just before it.
          let holder = t.previousElementSibling;
          while (holder && holder.tagName !== 'rect') holder = holder.previousElementSibling;
          if (t.parentElement?.tagName === 'g') holder = t.parentElement.querySelector('rect');
          if (!holder) return;
          const r = (holder as SVGRectElement).getBBox();
          const b = boxes[i]!;
          if (b.x < r.x - 0.5 || b.x + b.width > r.x + r.width + 0.5) {
            out.push(`"${t.textContent}" runs out of its box`);
          }
        });
        // Label pills never sit on a block.
        const blocks = [...document.querySelectorAll('g > rect:first-child')].map((r) =>
          (r as SVGRectElement).getBBox(),
        );
        for (const pill of document.querySelectorAll('svg > rect[rx="10"]')) {
          const p = (pill as SVGRectElement).getBBox();
          if (blocks.some((b) => meets(p, b))) out.push(`a wire label lies on a block`);
        }
        return out;
      });
      expect(problems, project.name).toEqual([]);
    }
    expect(errors).toEqual([]);
  });
});
