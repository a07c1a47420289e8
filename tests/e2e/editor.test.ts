import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dropBlock, openApp, poll, useE2E, wire } from './support.ts';

const e2e = useE2E();

const edgeCount = (page: Page) => page.locator('.react-flow__edge').count();

describe('editor', () => {
  it('builds, wires, edits and checks a network in the browser', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    page.on('dialog', (d) => void d.accept());

    // Opens on the MNIST MLP template.
    await poll(() => page.locator('.react-flow__node').count()).toBe(4);
    await expect
      .poll(() => page.getByTestId('node-dense_1').getByTestId('node-names').textContent())
      .toBe('Dense / nn.Linear + nn.ReLU');
    // The output's softmax is left to nn.CrossEntropyLoss in the PyTorch code: none named here.
    expect(await page.getByTestId('node-dense_3').getByTestId('node-names').textContent()).toBe(
      'Dense / nn.Linear',
    );
    await page.getByTestId('tab-summary').click();
    await expect
      .poll(() => page.getByTestId('summary-total').textContent())
      .toBe('Total params: 109,386');

    // A new, empty graph.
    await page.getByTestId('toolbar-new').click();
    await page.getByTestId('template-empty').click();
    await page.getByTestId('canvas-empty').waitFor();
    await poll(() => page.locator('.react-flow__node').count()).toBe(0);

    // Drag Input and two Dense blocks from the palette onto the canvas.
    await dropBlock(page, 'Input', 400, 110);
    await page.getByTestId('node-input_1').waitFor();
    await dropBlock(page, 'Dense', 400, 260);
    await page.getByTestId('node-dense_1').waitFor();
    await dropBlock(page, 'Dense', 400, 410);
    await page.getByTestId('node-dense_2').waitFor();

    // Wire them with the mouse; edges carry shapes.
    await wire(page, 'input_1', 'dense_1');
    await wire(page, 'dense_1', 'dense_2');
    await poll(() => edgeCount(page)).toBe(2);
    const label12 = page.getByTestId('edge-label-e-dense_1-dense_2');
    await expect
      .poll(() => page.getByTestId('edge-label-e-input_1-dense_1').textContent())
      .toBe('(None, 784)');
    await poll(() => label12.textContent()).toBe('(None, 32)');
    const total = page.getByTestId('summary-total');
    // 784*32+32 + 32*32+32
    await poll(() => total.textContent()).toBe('Total params: 26,176');

    // Edit units in the inspector: edge label and total follow.
    await page.getByTestId('node-dense_1').locator('.block__title').click();
    await page.getByTestId('tab-inspector').click();
    const units = page.getByTestId('param-units');
    await units.fill('128');
    await poll(() => label12.textContent()).toBe('(None, 128)');
    await expect
      .poll(() => page.getByTestId('node-dense_1').getByTestId('node-shape').textContent())
      .toBe('(None, 128)');
    await page.getByTestId('tab-summary').click();
    // 784*128+128 + 128*32+32
    await poll(() => total.textContent()).toBe('Total params: 104,608');

    // Invalid values are shown on the field and not applied.
    await page.getByTestId('tab-inspector').click();
    await units.fill('0');
    await expect
      .poll(() => page.getByTestId('param-error-units').textContent())
      .toBe('Units must be at least 1');
    await poll(() => units.getAttribute('aria-invalid')).toBe('true');
    await units.fill('abc');
    await expect
      .poll(() => page.getByTestId('param-error-units').textContent())
      .toBe('Units must be a whole number');
    await poll(() => label12.textContent()).toBe('(None, 128)');
    await page.getByTestId('tab-summary').click();
    await poll(() => total.textContent()).toBe('Total params: 104,608');

    // A second wire into a single-input block is refused.
    await wire(page, 'input_1', 'dense_2');
    await poll(() => page.getByTestId('notice').textContent()).toMatch(/takes one input/);
    expect(await edgeCount(page)).toBe(2);

    // Conv2D fed a vector: a badge on that block.
    await dropBlock(page, 'Conv2D', 670, 260);
    await page.getByTestId('node-conv2d_1').waitFor();
    await wire(page, 'dense_2', 'conv2d_1');
    const convBadge = page.getByTestId('node-conv2d_1').getByTestId('node-error-badge');
    await convBadge.waitFor();
    // Seen on the block: the "!" badge and the problem's first line beside it.
    expect(await convBadge.innerText()).toBe('!');
    const convProblem = page.getByTestId('node-conv2d_1').getByTestId('node-error');
    await poll(() => convProblem.isVisible()).toBe(true);
    await poll(() => convProblem.innerText()).toMatch(/needs a 3-D input/);
    await page.getByTestId('tab-problems').click();
    await expect
      .poll(() =>
        page.locator('[data-testid="problem-item"][data-node-id="conv2d_1"]').textContent(),
      )
      .toMatch(/E003/);

    // Delete removes the selected block and its wire.
    await page.getByTestId('node-conv2d_1').locator('.block__title').click();
    await page.keyboard.press('Delete');
    await poll(() => page.getByTestId('node-conv2d_1').count()).toBe(0);
    expect(await edgeCount(page)).toBe(2);

    // Add of mismatched inputs: a badge on the Add.
    await dropBlock(page, 'Add', 400, 560);
    await page.getByTestId('node-add_1').waitFor();
    await wire(page, 'dense_2', 'add_1');
    await wire(page, 'dense_1', 'add_1');
    await poll(() => edgeCount(page)).toBe(4);
    const addBadge = page.getByTestId('node-add_1').getByTestId('node-error-badge');
    await addBadge.waitFor();
    const addProblem = page.getByTestId('node-add_1').getByTestId('node-error');
    await poll(() => addProblem.isVisible()).toBe(true);
    await expect
      .poll(() => addProblem.innerText())
      .toMatch(
        /Add needs inputs whose sizes match, or are 1, on each axis \(counted from the last\) but gets \(None, 32\) and \(None, 128\)/,
      );

    // A cycle is refused.
    await dropBlock(page, 'Add', 670, 430);
    await page.getByTestId('node-add_2').waitFor();
    await wire(page, 'add_1', 'add_2');
    await poll(() => edgeCount(page)).toBe(5);
    await wire(page, 'add_2', 'add_1');
    await poll(() => page.getByTestId('notice').textContent()).toMatch(/cycle/);
    expect(await edgeCount(page)).toBe(5);

    // Clicking the problem selects its block.
    await page.locator('[data-testid="problem-item"][data-node-id="add_1"]').first().click();
    await expect
      .poll(() => page.getByTestId('node-add_1').getAttribute('class'))
      .toMatch(/is-selected/);

    // Palette search and keyboard: Enter on a block adds it at the centre.
    await page.getByTestId('palette-search').fill('flat');
    await poll(() => page.locator('[data-testid^="palette-item-"]').count()).toBe(1);
    await page.getByTestId('palette-item-Flatten').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('node-flatten_1').waitFor();
    await page.getByTestId('palette-search').fill('');

    // Auto layout puts the chain top to bottom.
    const y = (id: string) =>
      page.evaluate((nodeId) => {
        const w = window as unknown as {
          __netwright: {
            store: {
              getState(): {
                project: { graph: { nodes: { id: string; position: { y: number } }[] } };
              };
            };
          };
        };
        return w.__netwright.store.getState().project.graph.nodes.find((n) => n.id === nodeId)!
          .position.y;
      }, id);
    const before = await y('dense_2');
    await page.getByTestId('toolbar-layout').click();
    await poll(() => y('dense_2')).not.toBe(before);
    expect(await y('input_1')).toBeLessThan(await y('dense_1'));
    expect(await y('dense_1')).toBeLessThan(await y('dense_2'));
    expect(await y('dense_2')).toBeLessThan(await y('add_1'));

    expect(errors).toEqual([]);
    await page.close();
  });
});
