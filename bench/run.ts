/**
 * `npm run bench`: runs every bench/*.bench.ts in its own Node process (each prints one JSON
 * object on its last stdout line) and writes them together to bench/results/latest.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const benches: unknown[] = [];
for (const file of files) {
  process.stderr.write(`bench: ${file}\n`);
  try {
    const out = execFileSync(process.execPath, [join(dir, file)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const last = out.trim().split('\n').at(-1) ?? '{}';
    benches.push(JSON.parse(last));
  } catch (e) {
    benches.push({ bench: file, error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
  }
}

const result = {
  date: new Date().toISOString(),
  node: process.versions.node,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  benches,
};
mkdirSync(join(dir, 'results'), { recursive: true });
writeFileSync(join(dir, 'results', 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
