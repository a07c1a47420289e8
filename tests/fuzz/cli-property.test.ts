/**
 * Property over the fuzzer's graphs (issue 11, "Tests"): what `netwright check` accepts, `train`
 * (one tiny epoch on a CSV that fits the Input) and every `export` format handle: no crash (no
 * throw out of the CLI's `main`, no stack trace printed), exit 0 or a coded diagnostic.
 * A few graphs only: the CLI is cheap in-process; the generator's coverage is tested in
 * differential.test.ts. The fixture of item 11.2 (Flatten on a vector) must be refused with E003.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { EXPORT_FORMATS } from '../../cli/commands/export.ts';
import { serializeProject, type Project } from '../../shared/graph/project.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { fuzzProjects } from './compare.ts';

const dir = mkdtempSync(join(tmpdir(), 'netwright-fuzz-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The project with a regression head (Flatten when needed, Dense 1) and a CSV that fits it. */
function trainable(project: Project, file: string): { project: string; csv: string } {
  const lowered = lowerGraph(project.graph);
  if (!lowered.ok) throw new Error(`${project.name} does not lower`);
  const ir = lowered.ir;
  const output = ir.outputId;
  const features = ir.ops[0]!.outputShape.reduce((a, b) => a * b, 1);
  const nodes = [...project.graph.nodes];
  const edges = [...project.graph.edges];
  let last = output;
  if (ir.ops.at(-1)!.outputShape.length > 1) {
    nodes.push({ id: 'head_flatten', type: 'Flatten', params: {}, position: { x: 0, y: 9000 } });
    edges.push({ id: 'head_e0', source: last, target: 'head_flatten' });
    last = 'head_flatten';
  }
  nodes.push({
    id: 'head_dense',
    type: 'Dense',
    params: { units: 1 },
    position: { x: 0, y: 9100 },
  });
  edges.push({ id: 'head_e1', source: last, target: 'head_dense' });
  const withHead: Project = {
    ...project,
    graph: { nodes, edges },
    training: { ...project.training, dataset: 'csv', batchSize: 8 },
  };
  const rows = [
    [...Array(features).keys()]
      .map((i) => `f${i}`)
      .concat('target')
      .join(','),
  ];
  for (let r = 0; r < 24; r++) {
    const xs = Array.from({ length: features }, (_, i) =>
      (((r * 31 + i * 17) % 23) / 23).toFixed(3),
    );
    rows.push([...xs, String((r % 7) / 7)].join(','));
  }
  const csv = join(dir, `${file}.csv`);
  writeFileSync(csv, `${rows.join('\n')}\n`);
  const path = join(dir, `${file}.json`);
  writeFileSync(path, serializeProject(withHead));
  return { project: path, csv };
}

async function cli(argv: string[]) {
  const lines: string[] = [];
  const code = await main(
    argv,
    (s) => lines.push(s),
    (s) => lines.push(s),
  );
  return { code, text: lines.join('\n') };
}

/** Exit 0, or a non-zero exit with a coded diagnostic (E001…, W101…) and no stack trace. */
function expectHandled(step: string, r: { code: number; text: string }) {
  expect(r.text, step).not.toMatch(/\n\s+at .+:\d+:\d+/);
  if (r.code !== 0) expect(r.text, `${step} exit ${r.code}`).toMatch(/\b[EW]\d{3}\b/);
}

/** Exit codes of every step, to show that the property is not vacuous. */
const codes: Record<string, number> = {};

async function property(project: Project, file: string) {
  const { project: path, csv } = trainable(project, file);
  const check = await cli(['check', path]);
  expectHandled('check', check);
  codes[`${file} check`] = check.code;
  if (check.code !== 0) return; // check refused it: nothing else has to run
  const train = await cli(['train', path, '--dataset', csv, '--epochs', '1', '--limit', '16']);
  codes[`${file} train`] = train.code;
  expectHandled('train', train);
  for (const format of Object.keys(EXPORT_FORMATS)) {
    const r = await cli(['export', path, '--to', format, '--out', join(dir, `${file}-${format}`)]);
    codes[`${file} export ${format}`] = r.code;
    expectHandled(`export ${format}`, r);
  }
}

describe('check → train → export over fuzzed graphs', () => {
  fuzzProjects(3, 21, 0).forEach((project, i) => {
    it(`graph ${i} (${project.name}): no crash, exit 0 or a coded diagnostic`, async () => {
      await property(project, `g${i}`);
      // Not vacuous: these seeds' graphs are valid, so each step ran and succeeded.
      expect(codes[`g${i} check`]).toBe(0);
      expect(codes[`g${i} train`]).toBe(0);
      for (const format of Object.keys(EXPORT_FORMATS))
        expect(codes[`g${i} export ${format}`], format).toBe(0);
    }, 120_000);
  });

  const fixture = fileURLToPath(
    new URL('../fixtures/fuzz/flatten-on-vector.json', import.meta.url),
  );
  it('fixture flatten-on-vector (11.2): check, train and every export refuse it with E003 on the Flatten block', async () => {
    const steps: [string, string[]][] = [
      ['check', ['check', fixture]],
      ['train', ['train', fixture, '--dataset', 'blobs', '--epochs', '1', '--limit', '16']],
      ...Object.keys(EXPORT_FORMATS).map(
        (f) =>
          [`export ${f}`, ['export', fixture, '--to', f, '--out', join(dir, `vector-${f}`)]] as [
            string,
            string[],
          ],
      ),
    ];
    for (const [step, argv] of steps) {
      const r = await cli(argv);
      expectHandled(step, r);
      expect(r.code, step).toBe(1);
      expect(r.text, step).toMatch(/E003\b.*\bflat\b|\bflat\b.*E003\b/);
    }
  }, 120_000);
});
