import { copyFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoverTooltip, openApp, poll, useE2E, wire } from './support.ts';

const e2e = useE2E();

/** Screenshots go to NETWRIGHT_SHOTS (or the temp folder) to be looked at. */
const shot = (name: string) => join(process.env.NETWRIGHT_SHOTS ?? tmpdir(), name);

describe('classroom', () => {
  it('explains a block: card in the inspector, arithmetic on hover', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    await page.getByTestId('node-dense_1').click();
    const card = page.getByTestId('explain-card');
    await poll(() => card.getAttribute('data-node-id')).toBe('dense_1');
    expect(await card.textContent()).toContain('Dense (fully connected)');
    expect(await card.getByTestId('explain-names').textContent()).toBe(
      'Dense / nn.Linear + nn.ReLU',
    );
    expect(await card.getByTestId('explain-formula').textContent()).toBe(
      'y = activation(x · W + b)',
    );
    expect(await card.getByTestId('explain-params').textContent()).toContain(
      '784 × 128 weights + 128 biases = 100,480',
    );

    // On the canvas: hovering the count shows the same arithmetic, drawn on screen.
    const count = page.getByTestId('node-dense_1').getByTestId('node-params');
    const tip = await hoverTooltip(page, count);
    expect(tip.text).toBe('784 × 128 weights + 128 biases = 100,480');
    await page.screenshot({ path: shot('explain-card.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a conv output shape arithmetic', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    page.on('dialog', (d) => void d.accept());
    await page.getByTestId('toolbar-new').click();
    await page.getByTestId('template-mnist-cnn').click();
    await page.getByTestId('node-conv_1').waitFor();
    const shape = page.getByTestId('node-conv_1').getByTestId('node-shape');
    const tip = await hoverTooltip(page, shape);
    expect(tip.text).toBe('height: (28 − 3) / 1 + 1 = 26\nwidth: (28 − 3) / 1 + 1 = 26');
    // Two lines: taller than one line of 11.5px text plus padding.
    expect(tip.box.height).toBeGreaterThan(2 * 11.5);
    await page.screenshot({ path: shot('shape-tooltip.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('flags Dense after pooling without Flatten; Insert Flatten fixes it; Ctrl+Z brings it back', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    page.on('dialog', (d) => void d.accept());
    await page.getByTestId('toolbar-new').click();
    await page.getByTestId('template-mnist-cnn').click();
    await page.getByTestId('node-flatten').waitFor();
    // The template opens readable (zoom 1), taller than the canvas: show all of it to wire it.
    await page.waitForTimeout(300);
    await page.getByTestId('toolbar-fit').click();
    await page.waitForTimeout(300);
    await page.getByTestId('node-flatten').click();
    await page.keyboard.press('Delete');
    await poll(() => page.getByTestId('node-flatten').count()).toBe(0);
    await wire(page, 'pool_2', 'dropout');
    await poll(() => page.locator('.react-flow__edge').count()).toBe(6);

    // What the user sees on the block: a warning marker "!" and the finding beside it.
    const marker = page.getByTestId('node-dense').getByTestId('node-lint-marker');
    const lintLine = page.getByTestId('node-dense').getByTestId('node-lint');
    await marker.waitFor();
    expect(await marker.isVisible()).toBe(true);
    expect(await marker.innerText()).toBe('!');
    expect(await lintLine.isVisible()).toBe(true);
    expect(await lintLine.innerText()).toMatch(/^W101: This Dense gets a feature map/);
    expect(await page.getByTestId('node-dense').getByTestId('node-error-badge').count()).toBe(0);

    // The Inspector lists the block's findings with their fixes too.
    await page.getByTestId('node-dense').click();
    await page.getByTestId('inspector').getByTestId('fix-W101').waitFor();
    await page.screenshot({ path: shot('inspector-finding.png') });

    await page.getByTestId('tab-summary').click();
    const before = await page.getByTestId('summary-total').textContent();
    await page.getByTestId('tab-problems').click();
    const finding = page.locator('[data-testid="finding"][data-code="W101"]');
    await finding.waitFor();
    expect(await finding.getAttribute('data-node-id')).toBe('dense');
    expect(await finding.isVisible()).toBe(true);
    expect(await finding.innerText()).toContain('W101');
    await page.screenshot({ path: shot('lint-warning.png') });

    await finding.getByTestId('fix-W101').click();
    // Only the softmax hint (H103) is left on the output block: "i", and no warning text.
    await poll(() => marker.innerText()).toBe('i');
    expect(await lintLine.count()).toBe(0);
    await poll(() => page.locator('[data-testid="finding"][data-code="W101"]').count()).toBe(0);
    await page.getByTestId('tab-summary').click();
    const after = await page.getByTestId('summary-total').textContent();
    expect(after).not.toBe(before);
    expect(await page.locator('[data-node-type="Flatten"]').count()).toBe(1);

    // One undo restores the graph without Flatten, and the warning with it.
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 300 } });
    await page.keyboard.press('Control+z');
    await poll(() => page.locator('[data-node-type="Flatten"]').count()).toBe(0);
    await poll(() => marker.innerText()).toBe('!');
    await poll(() => lintLine.innerText()).toMatch(/^W101: This Dense gets a feature map/);
    await poll(() => page.getByTestId('summary-total').textContent()).toBe(before);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('presenter mode at 1280×720: canvas and one panel, arrow keys walk the blocks', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByTestId('toolbar-present').click();
    await page.getByTestId('presenter-bar').waitFor();
    expect(await page.getByTestId('palette').isVisible()).toBe(false);
    expect(await page.getByTestId('toolbar').isVisible()).toBe(false);
    expect(await page.getByTestId('side-panel').isVisible()).toBe(true);

    await page.keyboard.press('ArrowRight');
    await poll(() => page.getByTestId('presenter-card').getAttribute('data-node-id')).toBe('input');
    await page.keyboard.press('ArrowRight');
    await poll(() => page.getByTestId('presenter-card').getAttribute('data-node-id')).toBe(
      'dense_1',
    );
    expect(await page.getByTestId('presenter-position').textContent()).toBe('Block 2 of 4');
    expect(await page.getByTestId('presenter-card').textContent()).toContain(
      '784 × 128 weights + 128 biases = 100,480',
    );
    // The walk selects the block, so the chosen panel (Inspector) follows it.
    await poll(() => page.getByTestId('inspector').getAttribute('data-node-id')).toBe('dense_1');
    await page.keyboard.press('ArrowLeft');
    await poll(() => page.getByTestId('presenter-card').getAttribute('data-node-id')).toBe('input');
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(600);
    await page.screenshot({ path: shot('presenter.png') });

    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('presenter-bar').count()).toBe(0);
    expect(await page.getByTestId('palette').isVisible()).toBe(true);
    await page.keyboard.press('F5');
    await page.getByTestId('presenter-bar').waitFor();
    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('toolbar').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exports the graph as SVG and PNG', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    await page.getByTestId('toolbar-export').click();
    const [svg] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('picture-svg').click(),
    ]);
    expect(svg.suggestedFilename()).toMatch(/\.svg$/);
    const text = await readFile((await svg.path())!, 'utf8');
    expect(text).toContain('<svg');
    expect(text).toContain('Dense');

    await page.getByTestId('toolbar-export').click();
    await page.screenshot({ path: shot('picture-menu.png') });
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('picture-png').click(),
    ]);
    expect(png.suggestedFilename()).toMatch(/\.png$/);
    await copyFile((await png.path())!, shot('graph-export.png'));
    const bytes = await readFile((await png.path())!);
    expect([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    // 2×: the PNG is twice the SVG's width (IHDR width at bytes 16..19).
    const width = Number(/width="(\d+)"/.exec(text)![1]);
    expect(bytes.readUInt32BE(16)).toBe(width * 2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens the XOR lesson, trains, and says whether the goal is met', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    page.on('dialog', (d) => void d.accept());
    await page.getByTestId('toolbar-lessons').click();
    await page.screenshot({ path: shot('lessons-menu.png') });
    await page.getByTestId('lesson-xor-hidden-layer').click();
    const banner = page.getByTestId('lesson-banner');
    await banner.waitFor();
    expect(await page.getByTestId('lesson-goal').textContent()).toBe(
      'Goal: validation accuracy ≥ 95% with fewer than 50 parameters',
    );
    await poll(() => page.locator('.react-flow__node').count()).toBe(2);
    // The palette offers only the lesson's blocks.
    expect(await page.getByTestId('palette-item-Conv2D').count()).toBe(0);
    expect(await page.getByTestId('palette-item-Dense').count()).toBe(1);

    await page.getByTestId('tab-training').click();
    expect(await page.getByTestId('train-dataset').inputValue()).toBe('xor');
    await page.getByTestId('train-backend').selectOption('cpu');
    await page.getByTestId('train-start').click();
    await poll(async () => {
      const status = await page.getByTestId('train-status').getAttribute('data-status');
      const error = await page.getByTestId('train-error').count();
      return error > 0 ? `error: ${await page.getByTestId('train-error').textContent()}` : status;
    }, 120_000).toBe('done');
    const verdict = page.getByTestId('lesson-verdict');
    await verdict.waitFor();
    // One Dense layer cannot separate XOR: the goal is not met, and the verdict says why.
    expect(await verdict.getAttribute('data-met')).toBe('false');
    expect(await verdict.isVisible()).toBe(true);
    expect(await verdict.textContent()).toMatch(/Validation accuracy is [\d.]+%; the goal is 95/);
    await page.screenshot({ path: shot('lesson-verdict.png') });

    // The curves export as one PNG.
    const [curves] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('train-save-curves').click(),
    ]);
    expect(curves.suggestedFilename()).toMatch(/training\.png$/);
    await copyFile((await curves.path())!, shot('curves-export.png'));
    const bytes = await readFile((await curves.path())!);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('XOR lesson: a hidden tanh layer meets the goal', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    page.on('dialog', (d) => void d.accept());
    await page.getByTestId('toolbar-lessons').click();
    await page.getByTestId('lesson-xor-hidden-layer').click();
    await page.getByTestId('lesson-banner').waitFor();
    await poll(() => page.locator('.react-flow__node').count()).toBe(2);

    // Input → Dense 8 tanh → output, instead of Input → output.
    await page.locator('.react-flow__edge').first().click({ force: true });
    await page.keyboard.press('Delete');
    await poll(() => page.locator('.react-flow__edge').count()).toBe(0);
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    await page.dragAndDrop('[data-testid="palette-item-Dense"]', '[data-testid="canvas"]', {
      targetPosition: { x: canvas.width - 260, y: canvas.height / 2 - 120 },
    });
    await poll(() => page.locator('.react-flow__node').count()).toBe(3);
    const hidden = (await page
      .locator('[data-node-type="Dense"]')
      .last()
      .getAttribute('data-testid'))!.slice(5);
    await page.getByTestId('param-units').fill('8');
    await page.getByTestId('param-activation').selectOption('tanh');
    await wire(page, 'input', hidden);
    await wire(page, hidden, 'output');
    await poll(() => page.locator('.react-flow__edge').count()).toBe(2);

    await page.getByTestId('tab-training').click();
    await page.getByTestId('train-backend').selectOption('cpu');
    await page.getByTestId('train-start').click();
    const verdict = page.getByTestId('lesson-verdict');
    await verdict.waitFor({ timeout: 120_000 });
    await page.screenshot({ path: shot('lesson-met.png') });
    expect(await verdict.textContent()).toContain('Goal met');
    expect(await verdict.getAttribute('data-met')).toBe('true');
    expect(errors).toEqual([]);
    await page.close();
  });
});
