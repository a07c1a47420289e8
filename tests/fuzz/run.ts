/**
 * `npm run fuzz -- --graphs N --seed S [--out DIR] [--backends cpu,wasm,webgpu] [--no-torch]
 * [--no-wasm] [--known-share F]`: differential testing of the back-ends on N random projects
 * (tests/fuzz/). `--backends`: the TF.js backends (default `cpu,wasm`; cpu, the reference, always
 * runs); `webgpu` starts TF.js's WebGPU backend on Dawn (tests/support/webgpu-node.ts) and exits 2
 * with the reason when there is no adapter. `--no-wasm` is `--backends cpu`. Prints a JSON
 * summary: every finding with its graph, back-end, kind, detail and the open issue item that
 * explains it (if any); for each distinct unexplained finding (and the first of each known item)
 * a minimal failing project is written to DIR (default fuzz-findings/) and named in `minimal`.
 * Exit 0 when every finding is explained by a known-open item, 1 otherwise, 2 on bad arguments.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serializeProject } from '../../shared/graph/project.ts';
import * as tf from '@tensorflow/tfjs';
import { startWebGpu, stopWebGpu } from '../support/webgpu-node.ts';
import {
  TF_BACKENDS,
  compareProjects,
  fuzzProjects,
  minimise,
  type Finding,
  type TfBackend,
} from './compare.ts';

let args;
try {
  args = parseArgs({
    options: {
      graphs: { type: 'string', default: '50' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: 'fuzz-findings' },
      'no-torch': { type: 'boolean', default: false },
      'no-wasm': { type: 'boolean', default: false },
      backends: { type: 'string' },
      'known-share': { type: 'string', default: '0.2' },
    },
  }).values;
} catch (e) {
  console.error(
    `${(e as Error).message}\nusage: npm run fuzz -- --graphs N --seed S [--out DIR] [--backends cpu,wasm,webgpu]`,
  );
  process.exit(2);
}
const graphs = Number(args.graphs);
const seed = Number(args.seed);
const share = Number(args['known-share']);
if (!Number.isInteger(graphs) || graphs < 1 || !Number.isInteger(seed) || !(share >= 0)) {
  console.error('--graphs needs a whole number ≥ 1, --seed a whole number, --known-share ≥ 0');
  process.exit(2);
}
const backends = (args.backends ?? (args['no-wasm'] ? 'cpu' : 'cpu,wasm'))
  .split(',')
  .map((b) => b.trim())
  .filter((b) => b !== '');
const unknown = backends.filter((b) => !(TF_BACKENDS as readonly string[]).includes(b));
if (unknown.length > 0 || backends.length === 0) {
  console.error(
    `--backends: ${unknown.length > 0 ? `unknown ${unknown.join(', ')}` : 'empty'} (a comma-separated list of ${TF_BACKENDS.join(', ')})`,
  );
  process.exit(2);
}
if (backends.includes('webgpu')) {
  const gpu = await startWebGpu(tf).catch((e: unknown) => ({
    ok: false as const,
    reason: e instanceof Error ? e.message : String(e),
  }));
  if (!gpu.ok) {
    console.error(`--backends webgpu: WebGPU did not start: ${gpu.reason}`);
    process.exit(2);
  }
  console.error(`webgpu: ${gpu.adapter}`);
}
const options = { torch: !args['no-torch'], tfjs: backends as TfBackend[] };
const projects = fuzzProjects(graphs, seed, share);
const results = await compareProjects(projects, options);

const out = resolve(args.out);
const groups = new Map<string, { project: (typeof projects)[number]; finding: Finding }>();
for (const [i, r] of results.entries()) {
  for (const f of r.findings) {
    const key = `${f.backend}/${f.kind}/${f.known.join('+') || 'new'}`;
    if (!groups.has(key)) groups.set(key, { project: projects[i]!, finding: f });
  }
}
const minimal = new Map<string, string>();
for (const [key, { project, finding }] of groups) {
  const small = await minimise(project, finding, options);
  mkdirSync(out, { recursive: true });
  const file = join(out, `${key.replace(/[^\w.+-]+/g, '_')}.json`);
  writeFileSync(
    file,
    serializeProject({ ...small.project, name: `fuzz: ${finding.detail}`.slice(0, 120) }),
  );
  minimal.set(key, file);
}
const findings = results.flatMap((r) =>
  r.findings.map((f) => ({
    graph: r.name,
    ops: r.ops,
    ...f,
    minimal: minimal.get(`${f.backend}/${f.kind}/${f.known.join('+') || 'new'}`),
  })),
);
const unexplained = findings.filter((f) => f.known.length === 0);
console.log(
  JSON.stringify(
    {
      graphs,
      seed,
      backends,
      ranOn: Object.fromEntries(
        [...new Set(results.flatMap((r) => r.ran))].map((b) => [
          b,
          results.filter((r) => r.ran.includes(b)).length,
        ]),
      ),
      graphsWithFindings: results.filter((r) => r.findings.length > 0).length,
      unexplained: unexplained.length,
      knownOpen: Object.fromEntries(
        [...new Set(findings.flatMap((f) => f.known))].map((k) => [
          k,
          findings.filter((f) => f.known.includes(k)).length,
        ]),
      ),
      findings,
    },
    null,
    2,
  ),
);
stopWebGpu(tf);
process.exit(unexplained.length > 0 ? 1 : 0);
