/**
 * `npm run bench`: runs every bench/*.bench.ts in its own Node process (each prints one JSON
 * object on its last stdout line) and writes them together to bench/results/latest.json.
 * `npm run bench -- NAME...` runs those whose file name contains a NAME.
 * `npm run bench -- gpu [flags]`: the GPU benchmark (bench/gpu/main.ts, flags in
 * bench/gpu/options.ts); `npm run bench -- gpu-pack`: packs it into out/gpu-bench/
 * (bench/gpu/pack.ts). Neither is part of the plain `npm run bench`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const SUBCOMMANDS: Record<string, string> = { gpu: 'gpu/main.ts', 'gpu-pack': 'gpu/pack.ts' };
const sub = only[0] === undefined ? undefined : SUBCOMMANDS[only[0]];
if (sub !== undefined) {
  const r = spawnSync(process.execPath, [join(dir, sub), ...only.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
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
