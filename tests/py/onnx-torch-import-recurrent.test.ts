/**
 * ONNX files of PyTorch's recurrent layers (torch.onnx.export of `nn.LSTM`, `nn.GRU`, `nn.RNN`
 * with `batch_first=True`, python3-torch) import as LSTM / GRU / SimpleRNN blocks and give
 * PyTorch's outputs within 1e-4: the whole sequence `y` (return_sequences=True) and the last
 * state `h[-1]` (return_sequences=False). PyTorch writes ONNX's gate orders (LSTM i,o,f,c; GRU
 * z,r,h), two bias vectors (summed into Keras's one for LSTM and SimpleRNN, kept as GRU's
 * `(2, 3·units)` bias), GRU `linear_before_reset=1` (Keras's `reset_after=True`), and a zero
 * initial state built from the input's shape, which the importer drops (ONNX's default). A
 * bidirectional layer's `y` becomes a Bidirectional block (merge_mode 'concat').
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setModelWeights } from '../../shared/export/weights.ts';
import { importOnnx } from '../../shared/import/onnx.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { python } from '../shared/onnx-helpers.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netwright-torch-onnx-recurrent-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases = (['LSTM', 'GRU', 'RNN'] as const).flatMap((cell) =>
  [
    [true, false],
    [false, false],
    [true, true],
  ].map(([sequences, bidirectional]) => [cell, sequences!, bidirectional!] as const),
);

it.each(cases)(
  'nn.%s (batch_first, return sequences: %s, bidirectional: %s) exported with torch.onnx.export imports and agrees within 1e-4',
  async (cell, sequences, bidirectional) => {
    await tf.setBackend('cpu');
    const path = join(dir, `${cell}-${sequences}-${bidirectional}.onnx`);
    const out = python(
      [
        'import sys, json, torch, torch.nn as nn',
        'torch.manual_seed(0)',
        'class M(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        `        self.rnn = nn.${cell}(3, 4, batch_first=True, bidirectional=${bidirectional ? 'True' : 'False'})`,
        '        with torch.no_grad():',
        '            for p in self.rnn.parameters(): p.uniform_(-0.8, 0.8)',
        '    def forward(self, x):',
        '        y, h = self.rnn(x)',
        `        if ${sequences ? 'True' : 'False'}: return y`,
        '        if isinstance(h, tuple): h = h[0]',
        '        return h[-1]',
        'm = M().eval()',
        'x = torch.rand(2, 5, 3) * 4 - 2',
        'torch.onnx.export(m, x, sys.argv[1], opset_version=14, input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})',
        'with torch.no_grad(): y = m(x)',
        'print(json.dumps({"x": x.reshape(-1).tolist(), "y": y.reshape(-1).tolist(), "yshape": list(y.shape)}))',
      ].join('\n'),
      [path],
    );
    const want = JSON.parse(out) as { x: number[]; y: number[]; yshape: number[] };
    const result = importOnnx(new Uint8Array(readFileSync(path)), 'm');
    if (!result.ok) throw new Error(result.error);
    const kind = { LSTM: 'LSTM', GRU: 'GRU', RNN: 'SimpleRNN' }[cell];
    expect(result.ir.ops.map((op) => op.type)).toEqual([
      'Input',
      bidirectional ? 'Bidirectional' : kind,
    ]);
    expect(result.ir.ops[1]!.params).toMatchObject(
      bidirectional
        ? { layer: kind, units: 4, return_sequences: true, merge_mode: 'concat' }
        : { units: 4, return_sequences: sequences },
    );
    const model = buildModel(tf, result.ir);
    if (result.weights) setModelWeights(tf, model, result.ir, result.weights);
    const y = tf.tidy(() => model.predict(tf.tensor(want.x, [2, 5, 3])) as tf.Tensor);
    expect(y.shape).toEqual(want.yshape);
    const got = await y.data();
    y.dispose();
    model.dispose();
    let worst = 0;
    got.forEach((v: number, i: number) => (worst = Math.max(worst, Math.abs(v - want.y[i]!))));
    expect(worst).toBeLessThan(1e-4);
    // Not vacuous: the outputs vary.
    expect(Math.max(...want.y) - Math.min(...want.y)).toBeGreaterThan(0.1);
  },
);

it('a recurrent node from another exporter whose cell state is read is refused by name', () => {
  const path = join(dir, 'lstm-c.onnx');
  python(
    [
      'import sys, torch, torch.nn as nn',
      'class M(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.rnn = nn.LSTM(3, 4, batch_first=True)',
      '    def forward(self, x):',
      '        y, (h, c) = self.rnn(x)',
      '        return c[-1]',
      'torch.onnx.export(M().eval(), torch.rand(2, 5, 3), sys.argv[1], opset_version=14, input_names=["x"], output_names=["y"])',
    ].join('\n'),
    [path],
  );
  const result = importOnnx(new Uint8Array(readFileSync(path)), 'm');
  expect(result.ok).toBe(false);
  if (!result.ok)
    expect(result.error).toMatch(
      /\(LSTM\): LSTM whose outputs are not read as PyTorch's batch_first output y/,
    );
});
