/**
 * `npm run fuzz -- --graphs N --seed S [--out DIR] [--no-torch] [--no-wasm] [--known-share F]`:
 * differential testing of the back-ends on N random projects (tests/fuzz/). Prints a JSON
 * summary: every finding with its graph, back-end, kind, detail and the open issue item that
 * explains it (if any); for each distinct unexplained finding (and the first of each known item)
 * a minimal failing project is written to DIR (default fuzz-findings/) and named in `minimal`.
 * Exit 0 when every finding is explained by a known-open item, 1 otherwise, 2 on bad arguments.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serializeProject } from '../../shared/graph/project.ts';
import { compareProjects, fuzzProjects, minimise, type Finding } from './compare.ts';

let args;
try {
  args = parseArgs({
    options: {
      graphs: { type: 'string', default: '50' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: 'fuzz-findings' },
      'no-torch': { type: 'boolean', default: false },
      'no-wasm': { type: 'boolean', default: false },
      'known-share': { type: 'string', default: '0.2' },
    },
  }).values;
} catch (e) {
  console.error(`${(e as Error).message}\nusage: npm run fuzz -- --graphs N --seed S [--out DIR]`);
  process.exit(2);
}
const graphs = Number(args.graphs);
const seed = Number(args.seed);
const share = Number(args['known-share']);
if (!Number.isInteger(graphs) || graphs < 1 || !Number.isInteger(seed) || !(share >= 0)) {
  console.error('--graphs needs a whole number ≥ 1, --seed a whole number, --known-share ≥ 0');
  process.exit(2);
}
const options = { torch: !args['no-torch'], wasm: !args['no-wasm'] };
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
process.exit(unexplained.length > 0 ? 1 : 0);
