/**
 * Hostile and odd files in the app (issue 14, item 7): CSVs the app reads as the CLI does —
 * UTF-16 with a byte-order mark reads, a `;` file with decimal commas reads (and says so), UTF-16
 * without one and a quoted decimal comma in a `,` file get messages that say what to do (a single class: tests/cli/hostile.test.ts); no page error.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openApp, poll, useE2E } from './support.ts';

const e2e = useE2E();

async function openToyOnCsv(page: Page) {
  page.on('dialog', (d) => void d.accept());
  await page.getByTestId('toolbar-new').click();
  await page.getByTestId('template-toy-2d-classifier').click();
  await poll(() => page.locator('.react-flow__node').count()).toBe(4);
  await page.getByTestId('tab-training').click();
  await page.getByTestId('train-dataset').selectOption('csv');
}

async function chooseCsv(page: Page, name: string, buffer: Buffer) {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('train-csv-choose').click();
  await (await chooser).setFiles({ name, mimeType: 'text/csv', buffer });
}

describe('odd CSV files in the Training panel', () => {
  it('UTF-16 reads; no BOM and decimal commas say what to do', async () => {
    const { page, errors } = await openApp(e2e.browser, e2e.url);
    await openToyOnCsv(page);
    const rows = ['a,b,label'];
    for (let i = 0; i < 20; i++) rows.push(`${i},${i * 2},${i % 2}`);
    const text = `${rows.join('\n')}\n`;

    await chooseCsv(page, 'le.csv', Buffer.from(`\ufeff${text}`, 'utf16le'));
    await poll(() => page.getByTestId('train-csv-name').textContent(), 30_000).toContain('20 rows');

    const box = page.getByTestId('train-csv-errors');
    await chooseCsv(page, 'nobom.csv', Buffer.from(text, 'utf16le'));
    await poll(async () => ((await box.count()) ? box.textContent() : ''), 30_000).toContain(
      'UTF-16 text without a byte-order mark (save it as UTF-8)',
    );

    // A quoted decimal comma in a comma-separated file: the message says what to do.
    await chooseCsv(page, 'q.csv', Buffer.from('a,b,label\n"1,5","2,25",0\n"3,0","4,75",1\n'));
    await poll(async () => ((await box.count()) ? box.textContent() : ''), 30_000).toContain(
      'holds numbers with a decimal comma ("1,5")',
    );
    expect(await page.getByTestId('train-start').isDisabled()).toBe(true);

    // A semicolon file with decimal commas (a European spreadsheet export) reads, and says so.
    const eu = ['a;b;label'];
    for (let i = 0; i < 20; i++) eu.push(`${i},5;${i * 2},25;${i % 2}`);
    await chooseCsv(page, 'eu.csv', Buffer.from(`${eu.join('\n')}\n`));
    await poll(() => page.getByTestId('train-csv-info').textContent(), 30_000).toContain(
      '"a", "b" read with a decimal comma (1,5 = 1.5)',
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});
