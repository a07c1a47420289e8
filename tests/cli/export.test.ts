import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../shared/templates/index.ts';
import { cli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'netwright-export-'));

describe('netwright export', () => {
  it.each([
    ['keras', 'keras_model.py', 'keras.Sequential('],
    ['pytorch', 'torch_model.py', 'class MnistMlp(nn.Module):'],
  ])('--to %s writes DIR/%s defining build_model()', async (to, file, marker) => {
    const out = join(dir, to);
    const result = await cli('export', 'shared/templates/mnist-mlp.json', '--to', to, '--out', out);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(join(out, file));
    const code = readFileSync(join(out, file), 'utf8');
    expect(code).toContain('def build_model():');
    expect(code).toContain(marker);
  });

  it('prints no TF.js "running in Node.js" banner (onnx export and train run TF.js)', async () => {
    const exported = await cli(
      'export',
      'shared/templates/mnist-mlp.json',
      '--to',
      'onnx',
      '--out',
      join(dir, 'banner'),
    );
    expect(exported.code, exported.stderr).toBe(0);
    const trained = await cli(
      'train',
      'shared/templates/toy-2d-classifier.json',
      '--epochs',
      '1',
      '--backend',
      'cpu',
    );
    expect(trained.code, trained.stderr).toBe(0);
    for (const r of [exported, trained]) {
      expect(r.stdout + r.stderr).not.toMatch(/running TensorFlow\.js in Node\.js|={10,}/);
    }
  });

  it('passes the options through', async () => {
    const out = join(dir, 'dist');
    const result = await cli(
      'export',
      'shared/templates/mnist-mlp.json',
      '--to',
      'pytorch',
      '--out',
      out,
      '--distributed',
      '--tensorboard',
    );
    expect(result.code).toBe(0);
    const code = readFileSync(join(out, 'torch_model.py'), 'utf8');
    expect(code).toContain('DistributedDataParallel');
    expect(code).toContain('SummaryWriter');
  });

  it('exits 1 with the diagnostics on an invalid graph', async () => {
    const project = loadTemplate('mnist-mlp');
    project.graph.nodes.push({ id: 'conv', type: 'Conv2D', params: {}, position: { x: 0, y: 0 } });
    project.graph.edges.push({ id: 'e-bad', source: 'dense_3', target: 'conv' });
    const path = join(dir, 'invalid.json');
    writeFileSync(path, JSON.stringify(project));
    const result = await cli('export', path, '--to', 'keras', '--out', join(dir, 'x'));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('E003 [node conv]');
  });

  it('exits 2 for a bad file, an unknown format or missing options', async () => {
    const missing = await cli('export', join(dir, 'nope.json'), '--to', 'keras', '--out', dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const format = await cli(
      'export',
      'shared/templates/mnist-mlp.json',
      '--to',
      'caffe',
      '--out',
      dir,
    );
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('unknown format "caffe"');
    const usage = await cli('export', 'shared/templates/mnist-mlp.json');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: netwright export');
  });
});
