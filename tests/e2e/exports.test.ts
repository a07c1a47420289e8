/**
 * The toolbar's Export menu (issue 13, items 1 and 2): each export is clicked in the web app and
 * its download checked by independent readers: ONNX in onnxruntime-web, TF.js with
 * tf.loadLayersModel, weights.npz with numpy (a forward pass written in numpy here, from the
 * Dense formula y = act(x·W + b)), and the PyTorch project folder trains one epoch with
 * /usr/bin/python3 (torch, no torchvision) with no network. Screenshots of the open menu at
 * 1280×720 and 1440×900 go to $NETWRIGHT_SHOTS when set.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import * as ort from 'onnxruntime-web';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { openIsolatedApp, poll, useE2E } from './support.ts';

const e2e = useE2E();
const PYTHON = '/usr/bin/python3';
const SHOTS = process.env.NETWRIGHT_SHOTS;
const dir = mkdtempSync(join(tmpdir(), 'netwright-exports-'));
let saved = 0;

/** Clicks Export › `kind` and saves the download under `dir`; returns its path and name. */
async function exportVia(page: Page, kind: string): Promise<{ path: string; name: string }> {
  await page.getByTestId('toolbar-export').click();
  const downloaded = page.waitForEvent('download', { timeout: 180_000 });
  await page.getByTestId(`export-${kind}`).click();
  // An export that fails says why in an error notice: fail with its text, not a timeout.
  const failed = page
    .locator('[data-testid="notice"].notice--error')
    .waitFor({ timeout: 180_000 })
    .then(async () => {
      throw new Error(`export ${kind}: ${await page.getByTestId('notice').textContent()}`);
    });
  failed.catch(() => undefined);
  const download = await Promise.race([downloaded, failed]);
  const name = download.suggestedFilename();
  const path = join(dir, `${++saved}-${name}`);
  await download.saveAs(path);
  return { path, name };
}

/** Runs Python code; its stdout. */
function py(code: string, args: string[] = [], cwd = dir): string {
  return execFileSync(PYTHON, ['-c', code, ...args], { cwd, encoding: 'utf8' });
}

/** Unzips with Python's zipfile (a reader independent of our writer) into `to`; the names. */
function unzip(path: string, to: string): string[] {
  return JSON.parse(
    py(
      'import json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nz.extractall(sys.argv[2])\nprint(json.dumps(z.namelist()))',
      [path, to],
    ),
  ) as string[];
}

const INPUTS = [
  [0.3, -0.7],
  [-1.2, 0.4],
  [0.05, 0.9],
];

describe('Export menu', () => {
  it('exports ONNX, TF.js, weights.npz and Python projects that load and train', async () => {
    const { page, errors } = await openIsolatedApp(e2e);

    // Screenshots of the open menu at both sizes.
    for (const [width, height] of [
      [1280, 720],
      [1440, 900],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.getByTestId('toolbar-export').click();
      const list = page.getByTestId('toolbar-export-menu');
      await list.waitFor();
      const box = (await list.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      expect(box.y + box.height).toBeLessThanOrEqual(height);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/export-menu-${width}x${height}.png` });
      await page.keyboard.press('Escape');
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    // 1. The MNIST MLP (untrained): the PyTorch project trains offline from its data/ folder.
    const project = await exportVia(page, 'pytorch-project');
    expect(project.name).toBe('mnist_mlp_pytorch.zip');
    const projectDir = join(dir, 'pytorch');
    const names = unzip(project.path, projectDir);
    expect(names.sort()).toEqual(
      [
        'README.md',
        'data/train-images-idx3-ubyte',
        'data/train-labels-idx1-ubyte',
        'requirements.txt',
        'torch_model.py',
        'weights.npz',
      ].map((n) => `mnist_mlp_pytorch/${n}`),
    );
    const folder = join(projectDir, 'mnist_mlp_pytorch');
    // No torchvision here: the script must not import it when --data is given.
    expect(spawnSync(PYTHON, ['-c', 'import torchvision']).status).not.toBe(0);
    // unshare -rn: a new network namespace with no interfaces (no network at all).
    const offline = spawnSync('unshare', ['-rn', 'true']).status === 0;
    const cmd = [PYTHON, 'torch_model.py', '--data', 'data', '--weights', 'weights.npz'];
    const run = spawnSync(
      offline ? 'unshare' : cmd[0]!,
      [...(offline ? ['-rn', ...cmd] : cmd.slice(1)), '--epochs', '1', '--limit', '2000'],
      { cwd: folder, encoding: 'utf8', timeout: 120_000 },
    );
    expect(run.stderr).not.toMatch(/Traceback/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/epoch 1\/1 {2}loss \d+\.\d{4} {2}accuracy 0\.\d{4}/);
    expect(readFileSync(join(folder, 'requirements.txt'), 'utf8')).toBe('torch>=1.13\nnumpy\n');

    // The Keras project: the same folder with keras_model.py (TensorFlow is not installed here:
    // the script is compiled, its data files compared byte for byte with the PyTorch ones).
    const keras = await exportVia(page, 'keras-project');
    const kerasNames = unzip(keras.path, join(dir, 'keras'));
    expect(kerasNames).toContain('mnist_mlp_keras/keras_model.py');
    const kerasDir = join(dir, 'keras', 'mnist_mlp_keras');
    execFileSync(PYTHON, ['-m', 'py_compile', join(kerasDir, 'keras_model.py')]);
    expect(readFileSync(join(kerasDir, 'data/train-labels-idx1-ubyte'))).toEqual(
      readFileSync(join(folder, 'data/train-labels-idx1-ubyte')),
    );
    expect(readFileSync(join(kerasDir, 'keras_model.py'), 'utf8')).toContain(
      'pip install tensorflow numpy',
    );

    // 2. A trained model: the toy 2-D classifier, two epochs on the spiral.
    await page.getByTestId('toolbar-new').click();
    await page.getByTestId('template-toy-2d-classifier').click();
    await poll(() => page.locator('.react-flow__node').count()).toBe(4);
    const fresh = await exportVia(page, 'npz');
    await page.getByTestId('tab-training').click();
    await page.getByTestId('train-dataset').selectOption('spiral');
    await page.getByTestId('train-epochs').fill('2');
    await page.getByTestId('train-backend').selectOption('cpu');
    await page.getByTestId('train-start').click();
    await poll(() => page.getByTestId('train-status').getAttribute('data-status'), 120_000).toBe(
      'done',
    );
    // The run's weights are stored in the project document once the worker hands them over.
    type Win = { __netwright: { store: { getState(): { project: object } } } };
    await poll(() =>
      page.evaluate(
        () => 'weights' in (window as unknown as Win).__netwright.store.getState().project,
      ),
    ).toBe(true);

    const npz = await exportVia(page, 'npz');
    expect(npz.name).toBe('weights.npz');
    const onnx = await exportVia(page, 'onnx');
    expect(onnx.name).toBe('model.onnx');
    const tfjsZip = await exportVia(page, 'tfjs');
    expect(tfjsZip.name).toMatch(/_tfjs\.zip$/);

    // numpy: the expected keys and shapes; the trained weights differ from the fresh ones; a
    // forward pass y = act(x·W + b) (tanh, tanh, sigmoid, as the template's blocks say).
    const forward = JSON.parse(
      py(
        [
          'import json, sys',
          'import numpy as np',
          'w = np.load(sys.argv[1]); f = np.load(sys.argv[2])',
          'shapes = {k: list(w[k].shape) for k in sorted(w.files)}',
          'changed = any(not np.array_equal(w[k], f[k]) for k in w.files)',
          'layers = sorted({k.split("/")[0] for k in w.files})',
          'acts = [np.tanh, np.tanh, lambda z: 1 / (1 + np.exp(-z))]',
          'x = np.array(json.loads(sys.argv[3]), dtype=np.float64)',
          'for name, act in zip(layers, acts):',
          '    x = act(x @ w[name + "/kernel"] + w[name + "/bias"])',
          'print(json.dumps({"shapes": shapes, "changed": changed, "y": x[:, 0].tolist()}))',
        ].join('\n'),
        [npz.path, fresh.path, JSON.stringify(INPUTS)],
      ),
    ) as { shapes: Record<string, number[]>; changed: boolean; y: number[] };
    expect(forward.shapes).toEqual({
      // The template's block ids are the layer names (README "Block names").
      'hidden_1/bias': [16],
      'hidden_1/kernel': [2, 16],
      'hidden_2/bias': [16],
      'hidden_2/kernel': [16, 16],
      'output/bias': [1],
      'output/kernel': [16, 1],
    });
    expect(forward.changed).toBe(true);

    // ONNX in onnxruntime-web (wasm, in Node).
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(onnx.path)));
    const feeds = {
      [session.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(INPUTS.flat()), [3, 2]),
    };
    const onnxOut = Array.from(
      (await session.run(feeds))[session.outputNames[0]!]!.data as Float32Array,
    );

    // TF.js: tf.loadLayersModel on the unzipped model.json and weights file.
    const tfjsNames = unzip(tfjsZip.path, join(dir, 'tfjs'));
    const jsonName = tfjsNames.find((n) => n.endsWith('model.json'))!;
    const modelJson = JSON.parse(readFileSync(join(dir, 'tfjs', jsonName), 'utf8')) as {
      modelTopology: object;
      weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    };
    const group = modelJson.weightsManifest[0]!;
    const bin = readFileSync(join(dir, 'tfjs', jsonName.replace('model.json', group.paths[0]!)));
    await tf.setBackend('cpu');
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: group.weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      }),
    );
    const input = tf.tensor2d(INPUTS);
    const output = model.predict(input) as tf.Tensor;
    const tfjsOut = Array.from(await output.data());
    tf.dispose([input, output]);
    model.dispose();

    for (let i = 0; i < INPUTS.length; i++) {
      expect(onnxOut[i]).toBeCloseTo(forward.y[i]!, 5);
      expect(tfjsOut[i]).toBeCloseTo(forward.y[i]!, 5);
    }
    writeFileSync(join(dir, 'outputs.json'), JSON.stringify({ onnxOut, tfjsOut, forward }));
    expect(errors).toEqual([]);
  }, 600_000);
});
