/**
 * `netwright import model.py --out FILE [--input-shape …]`: Keras source → project file; errors as
 * `file:line:col: error: message`, exit 1, nothing written, no stack trace.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'netwright-import-source-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const MLP = `from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Dense(128, activation="relu", input_shape=(784,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.002), loss="sparse_categorical_crossentropy")
`;

describe('netwright import model.py', () => {
  it('writes the project of a Keras script: blocks, parameters and training settings', async () => {
    const out = join(dir, 'mlp.netwright.json');
    const r = await cli('import', file('mlp.py', MLP), '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`wrote ${out}: Keras code, 4 blocks, 109,386 parameters`);
    const project = JSON.parse(readFileSync(out, 'utf8')) as {
      name: string;
      graph: { nodes: { id: string; type: string }[] };
      training: { optimizer: string; learningRate: number };
    };
    expect(project.name).toBe('mlp');
    expect(project.graph.nodes.map((n) => `${n.id}:${n.type}`)).toEqual([
      'input_layer:Input',
      'dense:Dense',
      'dense_1:Dense',
      'dense_2:Dense',
    ]);
    expect(project.training).toMatchObject({ optimizer: 'adam', learningRate: 0.002 });
    // The project reads back: summary gives the same total.
    const summary = await cli('summary', out);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toContain('109,386');
  });

  it('an unreadable construct: file:line:col: error, exit 1, nothing written', async () => {
    const path = file(
      'loop.py',
      'from tensorflow import keras\nfrom tensorflow.keras import layers\nmodel = keras.Sequential([keras.Input(shape=(4,))])\nfor n in [8, 4]:\n    model.add(layers.Dense(n))\n',
    );
    const out = join(dir, 'loop.json');
    const r = await cli('import', path, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `${path}:4:1: error: a for loop is not read: Netwright reads models whose layers are written out one by one (it never runs the code)`,
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('a syntax error is reported at its line', async () => {
    const path = file('broken.py', 'import keras\nmodel = keras.Sequential([\n');
    const r = await cli('import', path, '--out', join(dir, 'broken.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error: syntax error`),
    );
  });

  it('no input shape in the code: asks for --input-shape, then imports with it', async () => {
    const source = 'import keras\nmodel = keras.Sequential([keras.layers.Dense(3)])\n';
    const path = file('noshape.py', source);
    const out = join(dir, 'noshape.json');
    const asked = await cli('import', path, '--out', out);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toContain(`${path}:2:27: error: the input shape is not in the code`);
    expect(asked.stderr).toContain('--input-shape');
    const given = await cli('import', path, '--out', out, '--input-shape', '5');
    expect(given.code).toBe(0);
    // 5·3 + 3 = 18.
    expect(given.stdout).toContain('2 blocks, 18 parameters');
    const bad = await cli('import', path, '--out', out, '--input-shape', '28,x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--input-shape "28,x"');
  });
});
