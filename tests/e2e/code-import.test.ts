/**
 * From code to graph in the app (issue 15): pasting Keras code on the canvas opens "Paste code"
 * with a live preview and imports the graph (undoable); the Code panel's edit mode turns edits of
 * either script into graph changes, shows syntax errors at their lines and keeps the graph; a
 * PyTorch conv net asks for its input shape. Screenshots with NETWRIGHT_SHOTS=dir.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Project } from '../../shared/graph/project.ts';
import { openIsolatedApp, poll, useE2E } from './support.ts';

const e2e = useE2E();
const SHOTS = process.env.NETWRIGHT_SHOTS;

const KERAS_MLP = `from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
`;

const TORCH_CNN = `import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(32 * 13 * 13, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = torch.flatten(x, 1)
        return self.fc(x)
`;

const TORCH_SOFTMAX = `import torch
from torch import nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = torch.relu(self.fc1(x))
        return torch.softmax(self.fc2(x), dim=1)

model = Net()
criterion = nn.CrossEntropyLoss()
`;

type Win = { __netwright: { store: { getState(): { project: Project } } } };
const projectOf = (page: Page) =>
  page.evaluate(
    () =>
      JSON.parse(
        JSON.stringify((window as unknown as Win).__netwright.store.getState().project),
      ) as Project,
  );
const denseUnits = async (page: Page) =>
  (await projectOf(page)).graph.nodes.filter((n) => n.type === 'Dense').map((n) => n.params.units);

/** Ctrl+V on the canvas with `text` on the clipboard, through the paste event the browser sends. */
async function pasteOnCanvas(page: Page, text: string) {
  await page.getByTestId('canvas').click({ position: { x: 30, y: 30 } });
  await page.evaluate((t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
  }, text);
}

/** The whole script a Code panel pane shows, through its Copy button. */
async function paneText(page: Page, f: 'keras' | 'pytorch'): Promise<string> {
  await page.getByTestId(`code-copy-${f}`).click();
  await poll(() => page.getByTestId(`code-copy-${f}`).textContent()).toMatch(/Copied/);
  return page.evaluate(() => navigator.clipboard.readText());
}

/** Replaces a pane's whole text as a user would (select all, type), in its editor. */
async function replacePaneText(page: Page, f: 'keras' | 'pytorch', text: string) {
  await page.getByTestId(`code-editor-${f}`).locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

async function openCodePanelEditing(page: Page) {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(e2e.url).origin,
  });
  await page.getByTestId('tab-code').click();
  await page.getByTestId('code-wide-toggle').click();
  await page.getByTestId('code-pane-pytorch').waitFor();
  await page.getByTestId('code-edit-toggle').click();
  await poll(() => page.getByTestId('code-edit-toggle').getAttribute('aria-pressed')).toBe('true');
}

describe('import from code', () => {
  it('pasting Keras code on the canvas opens Paste code; Import shows 4 blocks and 109,386 params; Undo brings the old graph back', async () => {
    const { page, errors } = await openIsolatedApp(e2e);
    await page.getByTestId('toolbar-layout').waitFor();
    const before = await projectOf(page);
    await page.getByTestId('toolbar-paste-code').waitFor();
    await pasteOnCanvas(page, KERAS_MLP.replace('Dense(64', 'Dense(65'));
    const dialog = page.getByTestId('paste-code-dialog');
    await dialog.waitFor();
    await poll(() => page.getByTestId('paste-code-framework').getAttribute('data-framework')).toBe(
      'keras',
    );
    // 784·128+128 + 128·65+65 + 65·10+10 = 100,480 + 8,385 + 660
    await poll(() => page.getByTestId('paste-code-summary').textContent(), 20_000).toBe(
      '4 blocks · 109,525 parameters',
    );
    // Edit in the dialog's editor: the preview follows.
    await page.getByTestId('paste-code-editor').locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(KERAS_MLP);
    await poll(() => page.getByTestId('paste-code-summary').textContent(), 20_000).toBe(
      '4 blocks · 109,386 parameters',
    );
    if (SHOTS) {
      for (const [w, h] of [
        [1280, 720],
        [1440, 900],
      ] as const) {
        await page.setViewportSize({ width: w, height: h });
        await page.waitForTimeout(200);
        await page.screenshot({ path: `${SHOTS}/paste-code-${w}x${h}.png` });
      }
    }
    await page.getByTestId('paste-code-import').click();
    await dialog.waitFor({ state: 'detached' });
    await poll(() => page.locator('.react-flow__node').count(), 20_000).toBe(4);
    await poll(() => page.getByTestId('status-bar').textContent()).toContain('109,386 params');
    const project = await projectOf(page);
    expect(project.graph.nodes.map((n) => n.type)).toEqual(['Input', 'Dense', 'Dense', 'Dense']);
    expect(await denseUnits(page)).toEqual([128, 64, 10]);

    // One undoable step: the graph that was open comes back.
    await page.getByTestId('toolbar-undo').click();
    await poll(async () => (await projectOf(page)).graph).toEqual(before.graph);
    expect(errors).toEqual([]);
  });

  it('Ctrl+V of a snippet without imports opens Paste code, read as PyTorch', async () => {
    const { page, errors } = await openIsolatedApp(e2e);
    await page.getByTestId('toolbar-paste-code').waitFor();
    await pasteOnCanvas(page, 'model = nn.Sequential(nn.Linear(784, 10))\n');
    await page.getByTestId('paste-code-dialog').waitFor();
    await poll(() => page.getByTestId('paste-code-framework').getAttribute('data-framework')).toBe(
      'pytorch',
    );
    // 784·10 + 10 = 7,850.
    await poll(() => page.getByTestId('paste-code-summary').textContent(), 20_000).toBe(
      '2 blocks · 7,850 parameters',
    );
    expect(await page.getByTestId('paste-code-problems').textContent()).toContain(
      'no import lines',
    );
    expect(errors).toEqual([]);
  });

  it('a PyTorch conv net asks for the input shape, prefilled with its channels; with it the net imports', async () => {
    const { page, errors } = await openIsolatedApp(e2e);
    await page.getByTestId('toolbar-paste-code').click();
    await page.getByTestId('paste-code-dialog').waitFor();
    await page.getByTestId('paste-code-editor').locator('.cm-content').click();
    await page.keyboard.insertText(TORCH_CNN);
    await poll(() => page.getByTestId('paste-code-framework').getAttribute('data-framework')).toBe(
      'pytorch',
    );
    const field = page.getByTestId('paste-code-shape');
    await field.waitFor({ timeout: 20_000 });
    expect(await field.inputValue()).toBe('?, ?, 1');
    expect(await page.getByTestId('paste-code-import').isDisabled()).toBe(true);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/paste-code-shape.png` });
    await field.fill('28, 28, 1');
    // conv 1·32·9+32 = 320; fc 32·13·13·10+10 = 54,090
    await poll(() => page.getByTestId('paste-code-summary').textContent(), 20_000).toMatch(
      /· 54,410 parameters$/,
    );
    expect(await page.getByTestId('paste-code-import').isDisabled()).toBe(false);
    expect(errors).toEqual([]);
  });
});

describe('one-click fix', () => {
  it('the double softmax of a PyTorch forward + nn.CrossEntropyLoss is removed from the code with one click', async () => {
    const { page, errors } = await openIsolatedApp(e2e);
    await page.getByTestId('toolbar-paste-code').click();
    await page.getByTestId('paste-code-editor').locator('.cm-content').click();
    await page.keyboard.insertText(TORCH_SOFTMAX);
    const fix = page.getByTestId('paste-code-fix');
    await fix.waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('paste-code-problems').textContent()).toMatch(
      /Line 12, column 16: softmax in forward/,
    );
    await fix.click();
    await poll(() =>
      page.getByTestId('paste-code-editor').locator('.cm-line').allInnerTexts(),
    ).toContain('        return self.fc2(x)');
    await fix.waitFor({ state: 'detached', timeout: 20_000 });
    // 784·128+128 + 128·10+10 = 100,480 + 1,290
    expect(await page.getByTestId('paste-code-summary').textContent()).toBe(
      '3 blocks · 101,770 parameters',
    );
    expect(errors).toEqual([]);
  });
});

describe('Import… with a .py file', () => {
  it('opens the code in Paste code, named after the file', async () => {
    const { page, errors } = await openIsolatedApp(e2e);
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('toolbar-import').click();
    await (
      await chooser
    ).setFiles([
      { name: 'mnist_mlp.py', mimeType: 'text/x-python', buffer: Buffer.from(KERAS_MLP) },
    ]);
    await page.getByTestId('paste-code-dialog').waitFor();
    await poll(() => page.getByTestId('paste-code-summary').textContent(), 20_000).toBe(
      '4 blocks · 109,386 parameters',
    );
    await page.getByTestId('paste-code-import').click();
    await poll(() => page.getByTestId('project-name').textContent(), 20_000).toBe('mnist_mlp');
    expect(errors).toEqual([]);
  });
});

describe('Code panel edit mode', () => {
  it('editing the Keras code changes the graph; a syntax error shows its line and keeps the graph', async () => {
    const { page, errors } = await openIsolatedApp(e2e);
    await openCodePanelEditing(page);
    const keras = await paneText(page, 'keras');
    expect(keras).toContain('layers.Dense(64');
    await replacePaneText(page, 'keras', keras.replace('layers.Dense(64', 'layers.Dense(48'));
    await poll(
      () => page.getByTestId('code-edit-status-keras').getAttribute('data-state'),
      20_000,
    ).toBe('applied');
    expect(await denseUnits(page)).toEqual([128, 48, 10]);
    // The other script follows the graph.
    await poll(async () => paneText(page, 'pytorch'), 20_000).toContain('nn.Linear(128, 48)');

    // A syntax error: its line in the list and marked in the editor; the graph stays.
    const broken = keras.replace('layers.Dense(64', 'layers.Dense(48,,');
    const line = broken.split('\n').findIndex((l) => l.includes('Dense(48,,')) + 1;
    await replacePaneText(page, 'keras', broken);
    await poll(
      () => page.getByTestId('code-edit-status-keras').getAttribute('data-state'),
      20_000,
    ).toBe('error');
    const lines = await page
      .getByTestId('code-edit-problem-keras')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-line'))));
    // One problem, at its line: no follow-up errors from the parser's recovery.
    expect(lines).toEqual([line]);
    await poll(() =>
      page.getByTestId('code-editor-keras').locator('.cm-lintRange-error').count(),
    ).toBeGreaterThan(0);
    expect(await denseUnits(page)).toEqual([128, 48, 10]);
    if (SHOTS) {
      for (const [w, h] of [
        [1280, 720],
        [1440, 900],
      ] as const) {
        await page.setViewportSize({ width: w, height: h });
        await page.waitForTimeout(200);
        await page.screenshot({ path: `${SHOTS}/code-edit-${w}x${h}.png` });
      }
    }

    // Undo outside the editor: the applied edit is one step; the code is the graph's again.
    await page.getByTestId('toolbar-undo').click();
    await poll(() => denseUnits(page)).toEqual([128, 64, 10]);
    await poll(async () => paneText(page, 'keras'), 20_000).toContain('layers.Dense(64');
    expect(errors).toEqual([]);
  });

  it('editing the PyTorch code (Linear 128→32 and the next layer) makes the Dense 32 units', async () => {
    const { page, errors } = await openIsolatedApp(e2e);
    await openCodePanelEditing(page);
    const torch = await paneText(page, 'pytorch');
    expect(torch).toContain('nn.Linear(128, 64)');
    await replacePaneText(
      page,
      'pytorch',
      torch
        .replace('nn.Linear(128, 64)', 'nn.Linear(128, 32)')
        .replace('nn.Linear(64, 10)', 'nn.Linear(32, 10)'),
    );
    await poll(
      () => page.getByTestId('code-edit-status-pytorch').getAttribute('data-state'),
      20_000,
    ).toBe('applied');
    expect(await denseUnits(page)).toEqual([128, 32, 10]);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/code-edit-pytorch.png` });
    await poll(async () => paneText(page, 'keras'), 20_000).toMatch(/layers\.Dense\(\s*32/);
    expect(errors).toEqual([]);
  });
});
