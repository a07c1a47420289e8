/**
 * `netwright export --progress`: a long export prints progress lines on stderr (issue 14 item 6:
 * a 50,000-block ONNX export ran 71 s silently); without the flag, and not on a terminal, stderr
 * is exactly as before. The project is generated here.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyProject, serializeProject } from '../../shared/graph/project.ts';
import type { Graph } from '../../shared/graph/types.ts';
import { FRESH_WEIGHTS_NOTE } from '../../shared/export/formats.ts';
import { cli } from './run-cli.ts';

let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netwright-progress-'));
  // Input [16], then Dense 8 / Activation relu alternating: 3,000 blocks.
  const nodes: Graph['nodes'] = [
    { id: 'n0', type: 'Input', params: { shape: [16] }, position: { x: 0, y: 0 } },
  ];
  const edges: Graph['edges'] = [];
  for (let i = 1; i < 3000; i++) {
    const dense = i % 2 === 1;
    nodes.push({
      id: `n${i}`,
      type: dense ? 'Dense' : 'Activation',
      params: dense ? { units: 8 } : { activation: 'relu' },
      position: { x: 0, y: i * 120 },
    });
    edges.push({ id: `e${i}`, source: `n${i - 1}`, target: `n${i}` });
  }
  file = join(dir, 'chain.netwright.json');
  await writeFile(file, serializeProject({ ...emptyProject('chain'), graph: { nodes, edges } }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PROGRESS =
  /^export: (building the model \(3,000 layers\)|(reading weights|writing ONNX nodes|encoding) [\d,]+\/[\d,]+ \(\d+%\))$/;

describe('netwright export --progress', () => {
  it('prints progress lines on stderr after the first second; the file is the same', async () => {
    const started = performance.now();
    const withFlag = await cli(
      'export',
      file,
      '--to',
      'onnx',
      '--out',
      join(dir, 'a'),
      '--progress',
    );
    const seconds = (performance.now() - started) / 1000;
    expect(withFlag.code).toBe(0);
    const lines = withFlag.stderr.trim().split('\n');
    expect(lines.at(-1)).toBe(FRESH_WEIGHTS_NOTE);
    const progress = lines.slice(0, -1);
    // One line a second at most, none in the first second.
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(seconds));
    if (seconds > 3) expect(progress.length).toBeGreaterThan(0);
    for (const line of progress) expect(line).toMatch(PROGRESS);
    expect(withFlag.stdout).toBe(`wrote ${join(dir, 'a', 'model.onnx')}\n`);

    const without = await cli('export', file, '--to', 'onnx', '--out', join(dir, 'b'));
    expect(without.code).toBe(0);
    expect(without.stderr).toBe(`${FRESH_WEIGHTS_NOTE}\n`);
    expect(await readFile(join(dir, 'a', 'model.onnx'))).toEqual(
      await readFile(join(dir, 'b', 'model.onnx')),
    );
  }, 180_000);
});
