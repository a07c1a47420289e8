import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../shared/templates/index.ts';
import { cli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'netwright-check-'));

async function check(project: unknown) {
  const path = join(dir, `p${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(project));
  const { code, stdout } = await cli('check', path);
  return { code, lines: stdout.trim().split('\n') };
}

describe('netwright check', () => {
  it('exits 0 with only hints, one line per finding with code and node id', async () => {
    const result = await check(loadTemplate('mnist-mlp'));
    expect(result.code).toBe(0);
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatch(/^H103 \[node dense_3\] /);
  });

  it('exits 0 on warnings, 1 when any finding is an error', async () => {
    const warned = loadTemplate('mnist-mlp');
    warned.training.dataset = 'penguins';
    const w = await check(warned);
    expect(w.code).toBe(0);
    expect(w.lines.some((l) => l.startsWith('W105 [node input] Input has 784 features'))).toBe(
      true,
    );

    const broken = loadTemplate('mnist-mlp');
    broken.graph.edges.pop();
    const e = await check(broken);
    expect(e.code).toBe(1);
    expect(e.lines).toContain(
      "E006 [node dense_3] Dense has no input: wire a block's output into it",
    );
  });

  it('W109: an unknown param is a warning naming the block and the known name (exit 0)', async () => {
    const project = loadTemplate('regression-mlp');
    const dense = project.graph.nodes.find((n) => n.type === 'Dense')!;
    dense.params = { ...dense.params, useBias: false };
    const result = await check(project);
    expect(result.code).toBe(0);
    expect(result.lines).toEqual([
      `W109 [node ${dense.id}] Dense: unknown parameter "useBias" is kept but not used; did you mean "use_bias"?`,
    ]);
  });

  it('says so when there is nothing to report', async () => {
    const project = loadTemplate('regression-mlp');
    expect(await check(project)).toEqual({ code: 0, lines: ['No problems found.'] });
  });
});
