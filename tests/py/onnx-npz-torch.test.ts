// weights.npz layouts as shared/npz/README.md documents them, proven with python3-torch: a
// PyTorch MNIST CNN loaded from the npz by that mapping matches TF.js within 1e-4 (conv kernel
// layout and channels-last flatten order included).
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { weightsToNpz, writeNpz } from '../../shared/npz/npz.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { lower, modelWithRandomWeights, python, randomArray, rng } from '../shared/onnx-helpers.ts';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'netwright-npz-torch-'));
});
afterAll(() => {
  tf.disposeVariables();
  rmSync(dir, { recursive: true, force: true });
});

const TORCH = `
import sys, numpy as np, torch, torch.nn as nn
torch.set_grad_enabled(False)
w = np.load(sys.argv[1]); x = np.load(sys.argv[2])["x"]
conv1 = nn.Conv2d(1, 32, 3); conv2 = nn.Conv2d(32, 64, 3); dense = nn.Linear(1600, 10)
for conv, name in ((conv1, "conv_1"), (conv2, "conv_2")):
    conv.weight.copy_(torch.from_numpy(w[name + "/kernel"].transpose(3, 2, 0, 1).copy()))
    conv.bias.copy_(torch.from_numpy(w[name + "/bias"]))
dense.weight.copy_(torch.from_numpy(w["dense/kernel"].T.copy()))
dense.bias.copy_(torch.from_numpy(w["dense/bias"]))
t = torch.from_numpy(x).permute(0, 3, 1, 2)          # NHWC -> NCHW
t = nn.functional.max_pool2d(torch.relu(conv1(t)), 2)
t = nn.functional.max_pool2d(torch.relu(conv2(t)), 2)
t = t.permute(0, 2, 3, 1).flatten(1)                 # Keras flattens (h, w, c)
y = torch.softmax(dense(t), -1)
print(" ".join(repr(float(v)) for v in y.numpy().ravel()))
`;

it('mnist-cnn: PyTorch with weights.npz (README mapping) matches TF.js within 1e-4', async () => {
  const ir = lower(loadTemplate('mnist-cnn').graph);
  const { model, weights } = await modelWithRandomWeights(ir, 21);
  const batch = 4;
  const x = randomArray(batch * 28 * 28, rng(8), 0, 1);
  writeFileSync(join(dir, 'weights.npz'), weightsToNpz(weights));
  writeFileSync(join(dir, 'x.npz'), writeNpz([{ name: 'x', shape: [batch, 28, 28, 1], data: x }]));
  const expected = tf.tidy(() =>
    (model.predict(tf.tensor(x, [batch, 28, 28, 1])) as tf.Tensor).dataSync(),
  );
  model.dispose();
  const out = python(TORCH, [join(dir, 'weights.npz'), join(dir, 'x.npz')]);
  const got = out.trim().split(' ').map(Number);
  expect(got).toHaveLength(expected.length);
  let worst = 0;
  got.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]!))));
  expect(worst).toBeLessThan(1e-4);
});
