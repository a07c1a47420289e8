// `netwright export --to onnx|tfjs|npz` and `netwright import`, checked with python3-onnx and numpy.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { serializeProject } from '../../shared/graph/project.ts';
import { python } from '../shared/onnx-helpers.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netwright-cli-export-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('netwright export (model formats) and import', () => {
  it('exports onnx, tfjs and npz for an untrained project, with a note on stderr', async () => {
    const file = join(dir, 'cnn.json');
    writeFileSync(file, serializeProject(loadTemplate('mnist-cnn')));
    const outDir = join(dir, 'out');
    for (const to of ['onnx', 'tfjs', 'npz']) {
      const r = await cli('export', file, '--to', to, '--out', outDir);
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/no trained weights; exporting freshly initialised/);
    }
    const check = python(
      [
        'import sys, json, onnx, numpy as np',
        'd = sys.argv[1]',
        'm = onnx.load(d + "/model.onnx"); onnx.checker.check_model(m)',
        'print([i.name for i in m.graph.input], m.opset_import[0].version)',
        'z = np.load(d + "/weights.npz"); print(sorted(z.files)); print(z["conv_1/kernel"].shape)',
        'j = json.load(open(d + "/tfjs/model.json")); print(j["format"], j["weightsManifest"][0]["paths"])',
      ].join('\n'),
      [outDir],
    );
    expect(check.trim().split('\n')).toEqual([
      "['input_layer'] 17",
      "['conv_1/bias', 'conv_1/kernel', 'conv_2/bias', 'conv_2/kernel', 'dense/bias', 'dense/kernel']",
      '(3, 3, 1, 32)',
      "layers-model ['group1-shard1of1.bin']",
    ]);
  });

  it('imports the ONNX and TF.js exports back with the weights, and re-exports the same npz', async () => {
    const file = join(dir, 'res.json');
    writeFileSync(file, serializeProject(loadTemplate('residual-block')));
    const a = join(dir, 'a');
    expect((await cli('export', file, '--to', 'onnx', '--out', a)).code).toBe(0);
    expect((await cli('export', file, '--to', 'tfjs', '--out', a)).code).toBe(0);
    expect((await cli('export', file, '--to', 'npz', '--out', a)).code).toBe(0);
    for (const [model, name] of [
      [join(a, 'model.onnx'), 'from-onnx.json'],
      [join(a, 'tfjs', 'model.json'), 'from-tfjs.json'],
    ] as const) {
      const project = join(dir, name);
      const r = await cli('import', model, '--out', project);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/7 blocks, 59,210 parameters, weights kept/);
      const saved = JSON.parse(readFileSync(project, 'utf8'));
      expect(saved.format).toBe('netwright.project');
      expect(saved.weights.format).toBe('netwright.weights');
      // Trained weights: exported as stored, no note; byte-identical to the first npz.
      const b = join(dir, `b-${name}`);
      const again = await cli('export', project, '--to', 'npz', '--out', b);
      expect(again.err).toBe('');
      expect(readFileSync(join(b, 'weights.npz'))).toEqual(readFileSync(join(a, 'weights.npz')));
    }
  });

  it('an unsupported model: one message, exit 1, no file written', async () => {
    const model = join(dir, 'convlstm.json');
    writeFileSync(
      model,
      JSON.stringify({
        class_name: 'Sequential',
        config: {
          layers: [
            { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 5, 3] } },
            { class_name: 'ConvLSTM1D', config: { name: 'clstm', filters: 4, kernel_size: 3 } },
          ],
        },
      }),
    );
    const target = join(dir, 'never.json');
    const r = await cli('import', model, '--out', target);
    expect(r.code).toBe(1);
    expect(r.err).toContain('layer "clstm" (ConvLSTM1D)');
    expect(() => readFileSync(target)).toThrow();
  });
});
