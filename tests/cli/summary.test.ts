import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../shared/templates/index.ts';
import { cli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'netwright-cli-'));

function writeFile(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('netwright summary', () => {
  it('prints the summary and ends with Total params in Keras formatting', async () => {
    const result = await cli('summary', 'shared/templates/mnist-mlp.json');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Total params: 109,386');
    expect(result.stdout).toMatch(/dense_2 \(Dense\) +\(None, 64\) +8256/);
  });

  it('--cost prints FLOPs, memory and the time per epoch from a measured rate', async () => {
    const result = await cli(
      'summary',
      'shared/templates/mnist-mlp.json',
      '--cost',
      '--samples-per-second',
      '12000',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Total params: 109,386');
    // 2·(784·128 + 128·64 + 64·10) = 218,368, + biases 202 + relu 192 + softmax 3·10 = 218,792.
    expect(result.stdout).toContain('FLOPs per example, forward: 218,792');
    expect(result.stdout).toContain('FLOPs per example, training (forward + backward): 656,376');
    // Adam, batch 64 (the template's): 986 kept values · 64 · 4 B = 252,416 B = 247 KiB.
    expect(result.stdout).toContain('optimizer state (adam): 855 KiB');
    expect(result.stdout).toContain('Activation memory per batch of 64: 247 KiB');
    // MNIST's 60,000 images less the 10% validation split = 54,000 at 12,000/s = 4.5 s.
    expect(result.stdout).toContain('Time per epoch: 4.5 s at 12,000 samples/s (measured)');
    expect(result.stdout).toMatch(/dense_1 \(Dense\) +100,480 +200,960 +602,880 +128/);

    const noRate = await cli('summary', 'shared/templates/mnist-mlp.json', '--cost');
    expect(noRate.stdout).toContain('Time per epoch: not predicted');
    const plain = await cli('summary', 'shared/templates/mnist-mlp.json');
    expect(plain.stdout).not.toContain('FLOPs');
    const bad = await cli(
      'summary',
      'shared/templates/mnist-mlp.json',
      '--cost',
      '--batch-size',
      '0',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--batch-size needs a whole number above 0, got 0');
  });

  it('exits 1 and prints each diagnostic with its node id on an invalid graph', async () => {
    const project = loadTemplate('mnist-mlp');
    project.graph.nodes.push({ id: 'conv', type: 'Conv2D', params: {}, position: { x: 0, y: 0 } });
    project.graph.edges.push({ id: 'e-bad', source: 'dense_3', target: 'conv' });
    const result = await cli('summary', writeFile('invalid.json', project));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('E003 [node conv] Conv2D needs a 3-D input');
  });

  it('exits 2 naming the problem for unreadable or invalid files', async () => {
    const missing = await cli('summary', join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json: cannot read the file: no such file');

    const notJson = await cli('summary', writeFile('bad.json', '{"format": '));
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/bad\.json: Not valid JSON at line 1/);

    const wrongShape = loadTemplate('mnist-mlp') as unknown as Record<string, any>;
    wrongShape.graph.nodes[1].position = null;
    const schema = await cli('summary', writeFile('schema.json', wrongShape));
    expect(schema.code).toBe(2);
    expect(schema.stderr).toContain('graph.nodes[1].position');
  });

  it('exits 2 with usage for an unknown command or missing file', async () => {
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('summary')).code).toBe(2);
  });

  it('never writes control characters from a file to the terminal', async () => {
    const project = loadTemplate('mnist-mlp') as unknown as Record<string, any>;
    project.graph.nodes[1].type = 'Dense\u001b]0;pwned\u0007\nE000 fake line';
    const result = await cli('summary', writeFile('hostile.json', project));
    expect(result.code).toBe(2);
    // Quoted as JSON: the newline and escapes stay visible on the one line.
    expect(result.stderr).toContain(
      'graph.nodes[1].type: unknown layer type "Dense\\u001b]0;pwned\\u0007\\nE000 fake line"',
    );
    // eslint-disable-next-line no-control-regex
    expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });
});
