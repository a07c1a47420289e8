import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32, encodeNpy, weightsToNpz, writeNpz } from '../../shared/npz/npz.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { everyOpGraph, lower, modelWithRandomWeights, python } from './onnx-helpers.ts';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'netwright-npz-'));
});
afterAll(() => {
  tf.disposeVariables();
  rmSync(dir, { recursive: true, force: true });
});

/** Loads an npz with numpy and prints `key shape dtype sum first` per array, sorted. */
const DUMP = [
  'import sys, numpy as np',
  'z = np.load(sys.argv[1])',
  'for k in sorted(z.files):',
  '    a = z[k]',
  '    print(k, list(a.shape), a.dtype, repr(float(a.astype(np.float64).sum())), repr(float(a.flat[0])) if a.size else "-")',
].join('\n');

describe('npz writer', () => {
  it('crc32 matches the zip test vector', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('npy headers are padded to 64 bytes', () => {
    for (const shape of [[], [3], [2, 3], [3, 3, 1, 32]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const bytes = encodeNpy(shape, new Float32Array(n));
      const headerLen = bytes[8]! | (bytes[9]! << 8);
      expect((10 + headerLen) % 64).toBe(0);
      expect(bytes.length).toBe(10 + headerLen + 4 * n);
    }
  });

  it('numpy.load reads scalars, vectors and matrices exactly', () => {
    const path = join(dir, 'plain.npz');
    writeFileSync(
      path,
      writeNpz([
        { name: 'scalar', shape: [], data: Float32Array.of(2.5) },
        { name: 'vec', shape: [3], data: Float32Array.of(1, -2, 3.25) },
        { name: 'a/b', shape: [2, 3], data: Float32Array.of(0, 1, 2, 3, 4, 5) },
      ]),
    );
    const out = python(
      [
        'import sys, numpy as np',
        'z = np.load(sys.argv[1])',
        'print(sorted(z.files))',
        'print(z["scalar"].shape, float(z["scalar"]))',
        'print(z["vec"].tolist(), z["a/b"].tolist(), z["a/b"].dtype)',
      ].join('\n'),
      [path],
    );
    expect(out.trim().split('\n')).toEqual([
      "['a/b', 'scalar', 'vec']",
      '() 2.5',
      '[1.0, -2.0, 3.25] [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]] float32',
    ]);
  });

  it.each([
    ['mnist-cnn', () => lower(loadTemplate('mnist-cnn').graph)],
    ['every op', () => lower(everyOpGraph())],
  ])('%s: keys <layer>/<array>, Keras shapes, values equal the TF.js weights', async (_, ir) => {
    const model = await modelWithRandomWeights(ir(), 5);
    const path = join(dir, 'weights.npz');
    writeFileSync(path, weightsToNpz(model.weights));
    const lines = python(DUMP, [path]).trim().split('\n');
    const expected = [...model.weights]
      .flatMap(([layer, list]) =>
        list.map((w) => {
          let sum = 0;
          for (const v of w.data) sum += v;
          return { key: `${layer}/${w.name}`, shape: w.shape, sum, first: w.data[0]! };
        }),
      )
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(lines).toHaveLength(expected.length);
    // TF.js names its weights the same way.
    const tfNames = model.model.weights.map((w) => w.originalName ?? w.name);
    lines.forEach((line, i) => {
      const e = expected[i]!;
      const [key, ...rest] = line.split(' ');
      expect(key).toBe(e.key);
      expect(tfNames.some((n) => n === e.key)).toBe(true);
      const m = /^(\[.*\]) float32 (\S+) (\S+)$/.exec(rest.join(' '));
      expect(m).not.toBeNull();
      expect(JSON.parse(m![1]!)).toEqual(e.shape);
      expect(Number(m![2])).toBeCloseTo(e.sum, 3);
      expect(Number(m![3])).toBe(e.first);
    });
    model.model.dispose();
  });
});
