import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dragBlock, openApp, poll, useE2E } from './support.ts';
import { rng } from '../../shared/datasets/random.ts';

const e2e = useE2E();

const SHOTS = process.env.SCREENSHOT_DIR ?? '/tmp';

/**
 * Two-class data: `label` (yes/no, from x1 + x2 > 0) first, then the features, a text column
 * (color), a unique id (too many values to one-hot: ignored) and a numeric last column (score).
 */
function twoClassCsv(rows: number): string {
  const rnd = rng(7); // seeded: the files are the same on every run
  const colors = ['red', 'green', 'blue'];
  const lines = ['label,x1,x2,color,id,score'];
  for (let i = 0; i < rows; i++) {
    const x1 = rnd() * 2 - 1;
    const x2 = rnd() * 2 - 1;
    const label = x1 + x2 > 0 ? 'yes' : 'no';
    lines.push(
      `${label},${x1.toFixed(4)},${x2.toFixed(4)},${colors[i % 3]},p${1000 + i},${(rnd() * 10).toFixed(3)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function openToyOnCsv(page: Page) {
  page.on('dialog', (d) => void d.accept());
  await page.getByTestId('toolbar-new').click();
  await page.getByTestId('template-toy-2d-classifier').click();
  await poll(() => page.locator('.react-flow__node').count()).toBe(4);
  await page.getByTestId('tab-training').click();
  await page.getByTestId('train-dataset').selectOption('csv');
}

/** Picks a file the way a user does: the button opens the file chooser. */
async function chooseCsv(page: Page, name: string, text: string) {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('train-csv-choose').click();
  await (await chooser).setFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
}

const status = (page: Page) => page.getByTestId('train-status').getAttribute('data-status');

describe('CSV import in the Training panel', () => {
  it('previews a file, picks the target, fixes the Input via the fit message, trains', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    await openToyOnCsv(page);
    expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
    await chooseCsv(page, 'people.csv', twoClassCsv(600));

    // Preview: first rows, detected types, row count; the last column is the default target.
    const preview = page.getByTestId('train-csv-preview');
    await preview.waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('train-csv-name').textContent()).toContain('600 rows');
    const types = async () =>
      page
        .locator('[data-testid="train-csv-preview"] th')
        .evaluateAll((ths) => ths.map((th) => [th.getAttribute('data-column'), th.dataset.type]));
    expect(await types()).toEqual([
      ['label', 'categorical'],
      ['x1', 'numeric'],
      ['x2', 'numeric'],
      ['color', 'categorical'],
      ['id', 'ignored'],
      ['score', 'target'],
    ]);
    expect(await preview.locator('tbody tr').count()).toBe(8);
    expect(await page.getByTestId('train-csv-target').inputValue()).toBe('score');
    expect(await page.getByTestId('train-csv-task').inputValue()).toBe('regression');

    // Pick the real target: the task follows its type (text → classification).
    await page.getByTestId('train-csv-target').selectOption('label');
    expect(await page.getByTestId('train-csv-task').inputValue()).toBe('classification');
    await poll(() => page.getByTestId('train-csv-info').textContent(), 30_000).toContain(
      '2 classes (no, yes)',
    );
    // score is noise: leave it out.
    await page.locator('[data-testid="train-csv-columns"] input[data-column="score"]').uncheck();
    await poll(() => page.getByTestId('train-csv-info').textContent(), 30_000).toMatch(
      /^5 features/,
    );
    await poll(() => page.getByTestId('train-fit-problems').textContent()).toContain(
      'Input has 2 features, people.csv has 5: set Input shape to [5]',
    );
    expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/csv-preview.png` });

    // The fit message's fix sets the Input shape; then training starts.
    await page.getByTestId('train-fit-fix').click();
    await poll(() => page.getByTestId('train-fit-problems').count()).toBe(0);
    await page.getByTestId('train-epochs').fill('8');
    await page.getByTestId('train-backend').selectOption('wasm');
    await page.getByTestId('train-start').click();
    await poll(() => status(page), 120_000).toBe('done');
    const log: { acc: number }[] = JSON.parse(
      (await page.getByTestId('epoch-log').textContent()) || '[]',
    );
    expect(log).toHaveLength(8);
    expect(log.at(-1)!.acc).toBeGreaterThan(log[0]!.acc);
    expect(log.at(-1)!.acc).toBeGreaterThan(0.85);
    expect(await page.getByTestId('train-dataset-info').textContent()).toContain('people.csv');
    await page.screenshot({ path: `${SHOTS}/csv-trained.png`, fullPage: true });

    // The choices are saved in the project's training section, the data is not.
    const project = await page.evaluate(() => {
      const nw = (window as unknown as { __netwright: { store: { getState(): any } } }).__netwright;
      return JSON.parse(JSON.stringify(nw.store.getState().project));
    });
    expect(project.training.csv).toEqual({
      fileName: 'people.csv',
      target: 'label',
      task: 'classification',
      normalization: 'standard',
      ignore: ['score'],
    });
    // Reopened, the project asks for the file again; picking it restores the choices.
    await page.evaluate((p) => {
      const nw = (window as unknown as { __netwright: { store: { getState(): any } } }).__netwright;
      nw.store.getState().loadProject(p);
    }, project);
    await poll(() => page.getByTestId('train-csv-reopen').textContent()).toContain(
      'choose people.csv again',
    );
    await page.screenshot({ path: `${SHOTS}/csv-reopen.png` });
    expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
    await chooseCsv(page, 'people.csv', twoClassCsv(600));
    await poll(() => page.getByTestId('train-csv-info').textContent(), 60_000).toMatch(
      /^5 features · 2 classes/,
    );
    expect(await page.getByTestId('train-csv-target').inputValue()).toBe('label');
    expect(await page.getByTestId('train-fit-problems').count()).toBe(0);
    expect(await page.getByTestId('train-start').isDisabled()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the Input block warns when it does not fit the CSV file, with its fix', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    await openToyOnCsv(page);
    const marker = page.getByTestId('node-input').getByTestId('node-lint-marker');
    // Nothing known about the data before a file is read.
    expect(await marker.count()).toBe(0);
    await chooseCsv(page, 'my.csv', twoClassCsv(200));
    await page.getByTestId('train-csv-target').selectOption('label');
    await page.locator('[data-testid="train-csv-columns"] input[data-column="score"]').uncheck();
    await poll(() => page.getByTestId('train-csv-info').textContent(), 30_000).toMatch(
      /^5 features/,
    );
    // Seen on the block: the warning marker "!" and the finding beside it.
    const lintLine = page.getByTestId('node-input').getByTestId('node-lint');
    await poll(() => lintLine.innerText()).toBe(
      'W105: Input has 2 features, my.csv has 5: set Input shape to [5]',
    );
    expect(await lintLine.isVisible()).toBe(true);
    expect(await marker.innerText()).toBe('!');
    // The output (1 sigmoid unit for 2 classes) fits: no marker there.
    expect(await page.getByTestId('node-output').getByTestId('node-lint-marker').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/csv-lint.png` });

    await page.getByTestId('tab-problems').click();
    const finding = page.locator('[data-testid="finding"][data-code="W105"]');
    await finding.getByTestId('fix-W105').click();
    await poll(() => marker.count()).toBe(0);
    await page.getByTestId('tab-training').click();
    expect(await page.getByTestId('train-fit-problems').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lists bad rows with their line numbers and refuses to train', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    await openToyOnCsv(page);
    const bad = 'a,b,label\n1,2,x\n3,4,y\n5,6\n7,8,x\n9,10,y,11\n12,13,x\n';
    await chooseCsv(page, 'bad.csv', bad);
    const box = page.getByTestId('train-csv-errors');
    await box.waitFor({ timeout: 60_000 });
    const text = await box.textContent();
    expect(text).toContain('line 4: 2 fields, the header has 3');
    expect(text).toContain('line 6: 4 fields, the header has 3');
    expect(await page.getByTestId('train-start').isDisabled()).toBe(true);

    // Text in a number column names its line too; leaving the column out fixes it.
    const rows = ['a,b,label'];
    for (let i = 0; i < 30; i++) rows.push(`${i},${i === 12 ? 'oops' : i * 2},${i % 2}`);
    await chooseCsv(page, 'text.csv', `${rows.join('\n')}\n`);
    await poll(() => box.textContent(), 30_000).toContain(
      'line 14: column "b" holds numbers but this row has "oops"',
    );
    await page.screenshot({ path: `${SHOTS}/csv-errors.png` });
    expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
    await page.locator('[data-testid="train-csv-columns"] input[data-column="b"]').uncheck();
    await poll(() => box.count(), 30_000).toBe(0);
    await poll(() => page.getByTestId('train-csv-info').textContent()).toContain('1 features');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads a 100k-row file in the background: the canvas stays usable meanwhile', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    await openToyOnCsv(page);
    const big = twoClassCsv(100_000);
    // Longest gap between animation frames while the file loads (a frozen window has long ones).
    await page.evaluate(() => {
      const w = window as unknown as { maxGap: number; last: number; watching: boolean };
      w.maxGap = 0;
      w.last = performance.now();
      w.watching = true;
      const tick = (t: number) => {
        w.maxGap = Math.max(w.maxGap, t - w.last);
        w.last = t;
        if (w.watching) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await chooseCsv(page, 'big.csv', big);
    await page.getByTestId('train-csv-loading').waitFor();
    // A block drags while the file is read and parsed.
    expect((await dragBlock(page, 1, 120, 60)).x).toBeGreaterThan(60);
    await poll(() => page.getByTestId('train-csv-name').textContent(), 90_000).toContain(
      '100,000 rows',
    );
    await poll(() => page.getByTestId('train-csv-info').textContent(), 90_000).toContain(
      '80000 train, 20000 test',
    );
    const maxGap = await page.evaluate(() => {
      const w = window as unknown as { maxGap: number; watching: boolean };
      w.watching = false;
      return w.maxGap;
    });
    // Generous: a parse on this thread would freeze it for seconds on these 2 cores.
    expect(maxGap).toBeLessThan(1500);
    await page.screenshot({ path: `${SHOTS}/csv-big.png` });
    expect(errors).toEqual([]);
    await page.close();
  });
});
