import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loadTemplate, parseProject, serializeProject, type Project } from '../../shared/index.ts';
import { weightsToSection } from '../../shared/export/project-weights.ts';
import { centre, dropBlock, openIsolatedApp, poll, useE2E, wire } from './support.ts';

const e2e = useE2E();

const SHOTS = process.env.NETWRIGHT_SHOTS;

const open = () => openIsolatedApp(e2e);

type Win = {
  __netwright: {
    store: {
      getState(): {
        project: Project;
        dirty: boolean;
        canUndo: boolean;
        loadProject(p: Project): void;
      };
    };
    autosave(): Promise<void>;
  };
};

const graphOf = (page: Page) =>
  page.evaluate(() =>
    JSON.stringify((window as unknown as Win).__netwright.store.getState().project.graph),
  );
const projectOf = (page: Page) =>
  page.evaluate(() =>
    JSON.stringify((window as unknown as Win).__netwright.store.getState().project),
  );
const dirtyOf = (page: Page) =>
  page.evaluate(() => (window as unknown as Win).__netwright.store.getState().dirty);

/** Clicks an empty spot of the canvas so the keys go to the editor, not a field. */
async function focusCanvas(page: Page) {
  const box = (await page.getByTestId('canvas').boundingBox())!;
  await page.mouse.click(box.x + box.width - 40, box.y + 40);
}

/** Moves the focus off any field without touching the selection. */
async function focusCanvasKeepSelection(page: Page) {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

/** A project with everything a file holds: graph, settings, curves and weights. */
function trainedProject(): Project {
  const project = loadTemplate('mnist-mlp');
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const tensor = (name: string, shape: number[]) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = rand();
    return { name, shape, data };
  };
  const weights = weightsToSection(
    new Map([
      ['dense_1', [tensor('kernel', [784, 128]), tensor('bias', [128])]],
      ['dense_2', [tensor('kernel', [128, 64]), tensor('bias', [64])]],
      ['dense_3', [tensor('kernel', [64, 10]), tensor('bias', [10])]],
    ]),
  );
  return {
    ...project,
    name: 'Trained MLP',
    training: { ...project.training, epochs: 3, learningRate: 0.0042, batchSize: 32 },
    trainingHistory: [
      { epoch: 1, loss: 0.41, acc: 0.88, val_loss: 0.25, val_acc: 0.93, seconds: 4.1 },
      { epoch: 2, loss: 0.2, acc: 0.94, val_loss: 0.18, val_acc: 0.95, seconds: 3.9 },
      { epoch: 3, loss: 0.15, acc: 0.955, val_loss: 0.15, val_acc: 0.96, seconds: 3.8 },
    ],
    weights: { ...weights, trainedOn: { dataset: 'mnist', epochs: 3 } },
  };
}

async function openFile(page: Page, name: string, contents: string | Buffer) {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('toolbar-open').click();
  const buffer = typeof contents === 'string' ? Buffer.from(contents) : contents;
  if (buffer.length < 40 * 1024 * 1024) {
    await (await chooser).setFiles({ name, mimeType: 'application/json', buffer });
    return;
  }
  // Playwright passes big files by path.
  const dir = await mkdtemp(join(tmpdir(), 'netwright-e2e-'));
  await writeFile(join(dir, name), buffer);
  try {
    await (await chooser).setFiles(join(dir, name));
  } finally {
    setTimeout(() => void rm(dir, { recursive: true, force: true }), 10_000);
  }
}

/** The editor store's selected block ids. */
const selectedIds = (page: Page) =>
  page.evaluate(
    () =>
      (
        (window as unknown as Win).__netwright.store.getState() as unknown as {
          selectedNodeIds: string[];
        }
      ).selectedNodeIds,
  );

/**
 * Clicks the blocks' titles (Ctrl for the second and later) until the store has exactly them
 * selected: a click while the view still settles (fit, layout) can miss on a loaded machine.
 */
async function selectBlocks(page: Page, ids: string[]) {
  await poll(async () => {
    for (const [i, id] of ids.entries())
      await page
        .getByTestId(`node-${id}`)
        .locator('.block__title')
        .click(i === 0 ? {} : { modifiers: ['Control'] });
    return [...(await selectedIds(page))].sort();
  }).toEqual([...ids].sort());
}

describe('projects', () => {
  it('undoes and redoes every kind of edit with the keyboard', async () => {
    const { page, errors } = await open();
    const states: string[] = [];
    const record = async () => states.push(await graphOf(page));

    await page.getByTestId('toolbar-new').click();
    await page.getByTestId('template-empty').click();
    await page.getByTestId('canvas-empty').waitFor();
    await record();
    // add
    await dropBlock(page, 'Input', 400, 140);
    await page.getByTestId('node-input_1').waitFor();
    await record();
    await dropBlock(page, 'Dense', 400, 320);
    await page.getByTestId('node-dense_1').waitFor();
    await record();
    // connect
    await wire(page, 'input_1', 'dense_1');
    await poll(() => page.locator('.react-flow__edge').count()).toBe(1);
    await record();
    // parameter change (typing: one entry)
    await page.getByTestId('node-dense_1').locator('.block__title').click();
    await page.getByTestId('param-units').fill('');
    await page.getByTestId('param-units').pressSequentially('256');
    await poll(async () => (await graphOf(page)).includes('"units":256')).toBe(true);
    await record();
    await page.waitForTimeout(1100);
    // label change
    await page.getByTestId('label-input').fill('hidden');
    await poll(async () => (await graphOf(page)).includes('"label":"hidden"')).toBe(true);
    await record();
    // move: one drag with many mouse moves
    const title = centre(
      await page.getByTestId('node-dense_1').locator('.block__title').boundingBox(),
    );
    await page.mouse.move(title.x, title.y);
    await page.mouse.down();
    await page.mouse.move(title.x + 120, title.y + 40, { steps: 12 });
    await page.mouse.up();
    await record();
    expect(states.at(-1)).not.toBe(states.at(-2));
    // auto layout
    await page.getByTestId('toolbar-layout').click();
    await poll(async () => (await graphOf(page)) !== states.at(-1)).toBe(true);
    await record();
    // delete (auto layout may still be moving the block: click until the store has it selected)
    await selectBlocks(page, ['input_1']);
    await page.keyboard.press('Delete');
    await poll(() => page.getByTestId('node-input_1').count()).toBe(0);
    await record();
    // duplicate and select all
    await focusCanvas(page);
    await page.getByTestId('node-dense_1').locator('.block__title').click();
    await page.keyboard.press('Control+d');
    await page.getByTestId('node-dense_2').waitFor();
    await record();
    // template load
    await page.getByTestId('toolbar-new').click();
    await page.getByTestId('template-mnist-mlp').click();
    await poll(() => page.locator('.react-flow__node').count()).toBe(4);
    await record();

    await focusCanvas(page);
    await page.keyboard.press('Control+a');
    expect(
      await page.evaluate(
        () =>
          (
            (window as unknown as Win).__netwright.store.getState() as unknown as {
              selectedNodeIds: string[];
            }
          ).selectedNodeIds.length,
      ),
    ).toBe(4);

    for (let i = states.length - 1; i > 0; i--) {
      await page.keyboard.press('Control+z');
      await poll(() => graphOf(page)).toBe(states[i - 1]);
    }
    // Before the first state: the opening template, which New replaced.
    await page.keyboard.press('Control+z');
    await poll(() => page.locator('.react-flow__node').count()).toBe(4);
    await poll(() => page.getByTestId('toolbar-undo').isDisabled()).toBe(true);
    await page.keyboard.press('Control+Shift+z');
    await poll(() => graphOf(page)).toBe(states[0]);
    for (let i = 1; i < states.length; i++) {
      await page.keyboard.press(i % 2 ? 'Control+Shift+z' : 'Control+y');
      await poll(() => graphOf(page)).toBe(states[i]);
    }
    await poll(() => page.getByTestId('toolbar-redo').isDisabled()).toBe(true);
    // The toolbar buttons do the same.
    await page.getByTestId('toolbar-undo').click();
    await poll(() => graphOf(page)).toBe(states.at(-2));
    await page.getByTestId('toolbar-redo').click();
    await poll(() => graphOf(page)).toBe(states.at(-1));
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('an undo while the block is selected shows the old value in its field', async () => {
    const { page, errors } = await open();
    await page.getByTestId('node-dense_1').locator('.block__title').click();
    await page.getByTestId('param-units').fill('7');
    await poll(async () => (await graphOf(page)).includes('"units":7,')).toBe(true);
    await page.getByTestId('toolbar-undo').click();
    await poll(() => page.getByTestId('param-units').inputValue()).toBe('128');
    await page.getByTestId('toolbar-redo').click();
    await poll(() => page.getByTestId('param-units').inputValue()).toBe('7');
    // In a field, Ctrl+Z is the field's own undo, not the graph's.
    await page.getByTestId('label-input').fill('x');
    await page.getByTestId('label-input').press('Control+z');
    await poll(async () => (await graphOf(page)).includes('"units":7,')).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('copies and pastes blocks through the clipboard events', async () => {
    const { page, errors } = await open();
    await selectBlocks(page, ['dense_1', 'dense_2']);
    await focusCanvasKeepSelection(page);
    // A synthetic clipboard round trip (headless Chromium has no system clipboard to read).
    const pasted = await page.evaluate(() => {
      const data = new DataTransfer();
      document.dispatchEvent(new ClipboardEvent('copy', { clipboardData: data, bubbles: true }));
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
      return data.getData('application/x-netwright-fragment+json');
    });
    expect(JSON.parse(pasted).nodes).toHaveLength(2);
    await page.getByTestId('node-dense_4').waitFor();
    await page.getByTestId('node-dense_5').waitFor();
    const graph = JSON.parse(await graphOf(page)) as Project['graph'];
    expect(graph.edges.some((e) => e.source === 'dense_4' && e.target === 'dense_5')).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('saves and reopens a project: graph, settings, curves and weights', async () => {
    const { page, errors } = await open();
    const original = trainedProject();
    const text = serializeProject(original);
    await openFile(page, 'trained.netwright', text);
    await poll(() => page.getByTestId('project-name').textContent()).toBe('Trained MLP');
    await poll(() => page.title()).toBe('Trained MLP — Netwright');

    // An edit, then Save (a download in this browser mode).
    await page.getByTestId('node-dense_1').locator('.block__title').click();
    await page.getByTestId('label-input').fill('first hidden');
    await poll(() => page.title()).toBe('• Trained MLP — Netwright');
    await focusCanvas(page);
    const download = page.waitForEvent('download');
    await page.keyboard.press('Control+s');
    const file = await download;
    expect(file.suggestedFilename()).toBe('Trained MLP.netwright.json');
    const saved = await readFile((await file.path())!, 'utf8');
    await poll(() => page.title()).toBe('Trained MLP — Netwright');
    await poll(() => dirtyOf(page)).toBe(false);

    const parsed = parseProject(saved);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const back = parsed.project;
    expect(back.weights).toEqual(original.weights);
    const w = back.weights as { layers: { data: string }[] };
    const o = original.weights as { layers: { data: string }[] };
    for (let i = 0; i < o.layers.length; i++) {
      expect(
        Buffer.from(w.layers[i]!.data, 'base64').equals(Buffer.from(o.layers[i]!.data, 'base64')),
      ).toBe(true);
    }
    expect(back.trainingHistory).toEqual(original.trainingHistory);
    expect(back.training).toEqual(original.training);
    expect(back.graph.nodes.find((n) => n.id === 'dense_1')!.label).toBe('first hidden');

    // Reopen the saved file in a fresh page: the same document.
    const second = await open();
    await openFile(second.page, 'Trained MLP.netwright', saved);
    await poll(() => second.page.getByTestId('project-name').textContent()).toBe('Trained MLP');
    expect(JSON.parse(await projectOf(second.page))).toEqual(JSON.parse(saved));
    expect(errors).toEqual([]);
    expect(second.errors).toEqual([]);
    await page.context().close();
    await second.page.context().close();
  });

  it('saves in place through the File System Access API handle', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
    e2e.contexts.push(context);
    await context.addInitScript(() => {
      const files: Record<string, string> = { 'a.netwright': '' };
      const handle = (name: string) => ({
        name,
        getFile: async () => new File([files[name] ?? ''], name),
        createWritable: async () => {
          let text = '';
          return {
            write: async (d: string) => void (text += d),
            close: async () => void (files[name] = text),
          };
        },
      });
      const w = window as unknown as Record<string, unknown>;
      w.__files = files;
      w.__pickerCalls = 0;
      w.showSaveFilePicker = async (o: { suggestedName: string }) => {
        w.__pickerCalls = (w.__pickerCalls as number) + 1;
        return handle(o.suggestedName);
      };
      w.showOpenFilePicker = async () => [handle('a.netwright')];
    });
    const page = await context.newPage();
    await page.goto(e2e.url);
    await page.locator('.react-flow__node').first().waitFor();
    await page.getByTestId('toolbar-save').click();
    await poll(() => page.title()).toBe('MNIST MLP.netwright.json — Netwright');
    await page.getByTestId('node-dense_1').locator('.block__title').click();
    await page.getByTestId('label-input').fill('in place');
    await page.getByTestId('toolbar-save').click();
    await poll(() =>
      page.evaluate(() =>
        (window as unknown as { __files: Record<string, string> }).__files[
          'MNIST MLP.netwright.json'
        ]?.includes('in place'),
      ),
    ).toBe(true);
    expect(
      await page.evaluate(() => (window as unknown as { __pickerCalls: number }).__pickerCalls),
    ).toBe(1);
    await context.close();
  });

  it('a bad file shows every problem and the open project stays', async () => {
    const { page, errors } = await open();
    await page.getByTestId('node-dense_1').locator('.block__title').click();
    await page.getByTestId('label-input').fill('mine');
    await focusCanvas(page);
    const before = await projectOf(page);

    const bad = loadTemplate('mnist-mlp') as Project;
    bad.graph.nodes[1]!.type = 'Evil<img src=x onerror=alert(1)>';
    bad.graph.nodes.push({ ...bad.graph.nodes[0]!, position: { x: 1, y: 1 } });
    bad.graph.edges.push({ id: 'dangling', source: 'dense_2', target: 'ghost' });
    const cases: [string, string | Buffer, RegExp[]][] = [
      ['notes.txt', 'hello, not json', [/Not valid JSON at line 1/]],
      ['model.json', '{"format":"keras","config":{}}', [/Not a Netwright project/]],
      [
        'future.netwright',
        JSON.stringify({ ...loadTemplate('mnist-mlp'), version: 99 }),
        [/newer Netwright \(format version 99\)/],
      ],
      [
        'broken.netwright',
        JSON.stringify(bad),
        [/unknown layer type "Evil<img/, /duplicate block id "input"/, /no block with id "ghost"/],
      ],
      [
        'huge.netwright',
        Buffer.alloc(50 * 1024 * 1024, 32),
        [/50\.0 MB; projects are limited to 32 MB/],
      ],
    ];
    for (const [name, contents, messages] of cases) {
      await openFile(page, name, contents);
      const dialog = page.getByTestId('error-dialog');
      await dialog.waitFor();
      const text = (await dialog.textContent()) ?? '';
      for (const m of messages) expect(text).toMatch(m);
      if (name === 'broken.netwright') {
        expect(await page.getByTestId('error-problems').locator('li').count()).toBe(3);
        if (SHOTS) await page.screenshot({ path: `${SHOTS}/error-dialog.png` });
      }
      await dialog.getByRole('button', { name: 'OK' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(await projectOf(page)).toBe(before);
      expect(await dirtyOf(page)).toBe(true);
    }
    expect(await page.locator('img').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('offers to restore autosaved work after an unclean exit', async () => {
    const { page, errors } = await open();
    await selectBlocks(page, ['dense_2']);
    await page.keyboard.press('Delete');
    await poll(() => page.getByTestId('node-dense_2').count()).toBe(0);
    const edited = await graphOf(page);
    await page.evaluate(() => (window as unknown as Win).__netwright.autosave());

    // Reload without saving (the leave-page prompt is accepted): the prompt offers the work back.
    await page.reload();
    const dialog = page.getByTestId('recovery-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/MNIST MLP/);
    expect(await page.getByTestId('recovery-time').textContent()).toMatch(/\d/);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/recovery-dialog.png` });
    await page.getByTestId('recovery-restore').click();
    await dialog.waitFor({ state: 'detached' });
    await poll(() => graphOf(page)).toBe(edited);
    expect(await dirtyOf(page)).toBe(true);
    await poll(() => page.title()).toBe('• MNIST MLP — Netwright');

    // Discard: the next start opens clean, without a prompt.
    await page.evaluate(() => (window as unknown as Win).__netwright.autosave());
    await page.reload();
    await page.getByTestId('recovery-dialog').waitFor();
    await page.getByTestId('recovery-discard').click();
    await poll(() => page.locator('.react-flow__node').count()).toBe(4);
    expect(await page.evaluate(() => localStorage.getItem('netwright.autosave'))).toBe(null);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the shortcuts (F1) and the About versions', async () => {
    const { page, errors } = await open();
    await focusCanvas(page);
    await page.keyboard.press('F1');
    const help = page.getByTestId('help-dialog');
    await help.waitFor();
    expect(await help.textContent()).toMatch(/Ctrl\+Shift\+Z/);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/help-dialog.png` });
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await page.getByTestId('toolbar-help').click();
    await page.getByTestId('help-about').click();
    const about = page.getByTestId('about-dialog');
    await about.waitFor();
    await poll(() => page.getByTestId('version-tensorflow-js').textContent()).toBe('4.22.0');
    await poll(() => page.getByTestId('version-onnxruntime-web').textContent()).toMatch(/^1\.\d+/);
    expect(await page.getByTestId('version-netwright').textContent()).toBe('0.1.0');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/about-dialog.png` });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
