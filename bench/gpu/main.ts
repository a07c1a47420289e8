/**
 * `npm run bench -- gpu [flags]` (and `run.sh` in the packed folder, where this file is bundled
 * to bench.cjs): the MLP and CNN templates at batch 64/512/4096 on TF.js WebGPU (Dawn) and WASM
 * with the app's own loop, next to PyTorch (CUDA when there is one, CPU) in the same run.
 * Writes gpu-<time>.json and prints the markdown table of issue 10. Flags: options.ts.
 *
 * Modes (the parent starts itself as a child per configuration, so a crash loses one cell):
 *   main.ts [flags]                the benchmark
 *   main.ts probe                  one `ADAPTER {json}` or `NOADAPTER {json}` line
 *   main.ts config '{json}'        one TF.js configuration (tfjs.ts), one `RESULT {json}` line
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { AdapterSummary } from './dawn.ts';
import {
  GPU_USAGE,
  GpuOptionError,
  parseGpuOptions,
  samplesFor,
  type GpuBenchOptions,
} from './options.ts';
import {
  buildReport,
  formatRate,
  parseTaggedLines,
  reportFileName,
  type GpuContext,
  type GpuResult,
} from './report.ts';
import type { ConfigRequest } from './tfjs.ts';

/** This script (main.ts in the repo, bench.cjs in the pack): children run it again. */
const SCRIPT = resolve(process.argv[1] ?? 'main.ts');
const HERE = dirname(SCRIPT);
const T0 = performance.now();
const elapsed = () => (performance.now() - T0) / 1000;
const log = (s: string) => process.stderr.write(`gpu bench [${elapsed().toFixed(0)}s]: ${s}\n`);
/** Seconds kept for PyTorch out of the budget (its import alone takes a few seconds). */
const TORCH_RESERVE_S = 75;
/** Seconds a child gets beyond its time cap: start-up, shader compilation, the first batches. */
const CHILD_GRACE_S = 45;
/** The least hard limit a TF.js child is started with. */
const MIN_CHILD_S = 8;

interface ChildOutcome {
  stdout: string;
  code: number | null;
  killed: boolean;
}

/** Runs `cmd args` with a hard time limit (SIGKILL), passing its stderr through. */
function runChild(cmd: string, args: string[], limitSeconds: number): Promise<ChildOutcome> {
  return new Promise((done) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: Math.max(1, Math.round(limitSeconds * 1000)),
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      // Dawn's limit warnings on every start are noise; everything else goes through.
      const kept = s
        .split('\n')
        .filter((l) => l && !/artificially reduced from/.test(l))
        .join('\n');
      if (kept) process.stderr.write(`${kept}\n`);
    });
    child.on('error', () => done({ stdout, code: null, killed: false }));
    child.on('close', (code, signal) => done({ stdout, code, killed: signal === 'SIGKILL' }));
  });
}

async function probeAdapter(): Promise<{ adapter: AdapterSummary | null; error: string | null }> {
  const out = await runChild(process.execPath, [SCRIPT, 'probe'], 60);
  const line = parseTaggedLines(out.stdout, ['ADAPTER', 'NOADAPTER'])[0];
  if (line?.kind === 'ADAPTER') return { adapter: line.value as AdapterSummary, error: null };
  const why = (line?.value as { error?: string } | undefined)?.error;
  return {
    adapter: null,
    error: why ?? (out.killed ? 'the adapter probe hung (60 s)' : `probe exit ${out.code}`),
  };
}

async function tfjsConfig(req: ConfigRequest, limitSeconds: number): Promise<GpuResult> {
  const base: GpuResult = {
    impl: 'tfjs',
    backend: req.backend,
    model: req.model,
    batch: req.batch,
  };
  const out = await runChild(
    process.execPath,
    [SCRIPT, 'config', JSON.stringify(req)],
    limitSeconds,
  );
  const line = parseTaggedLines(out.stdout, ['RESULT'])[0];
  if (line) return line.value as GpuResult;
  if (out.killed) return { ...base, error: `killed after ${Math.round(limitSeconds)} s` };
  return { ...base, error: `the child process crashed (exit ${out.code}, no result)` };
}

/** The first interpreter that imports torch: BENCH_GPU_PYTHON, /usr/bin/python3, python3. */
function findPython(options: GpuBenchOptions): string | null {
  const candidates = options.python ? [options.python] : ['/usr/bin/python3', 'python3'];
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    if (r.status === 0) return py;
  }
  return null;
}

async function torchRun(
  options: GpuBenchOptions,
  limitSeconds: number,
  notes: string[],
): Promise<{ results: GpuResult[]; info: Record<string, unknown> | null }> {
  const python = findPython(options);
  if (!python) {
    notes.push(
      `PyTorch not run: no python with torch (tried ${options.python ?? '/usr/bin/python3, python3'})`,
    );
    return { results: [], info: null };
  }
  log(`PyTorch (${python}, ${Math.round(limitSeconds)} s at most)`);
  const cfg = {
    models: options.models,
    batches: options.batches,
    devices: options.torch,
    steps: options.steps,
    max_s_cuda: Math.min(options.maxSeconds, 6),
    max_s_cpu: Math.min(options.maxSeconds, 4),
    deadline_s: Math.max(5, limitSeconds - 15),
  };
  const out = await runChild(
    python,
    [join(HERE, 'bench_torch.py'), JSON.stringify(cfg)],
    limitSeconds,
  );
  const lines = parseTaggedLines(out.stdout, ['TORCHINFO', 'RESULT', 'NOTE']);
  const info = (lines.find((l) => l.kind === 'TORCHINFO')?.value ?? null) as Record<
    string,
    unknown
  > | null;
  for (const l of lines)
    if (l.kind === 'NOTE') notes.push(`PyTorch: ${(l.value as { note: string }).note}`);
  const results = lines.filter((l) => l.kind === 'RESULT').map((l) => l.value as GpuResult);
  for (const r of results) logResult(r);
  if (out.killed) notes.push(`PyTorch killed after ${Math.round(limitSeconds)} s`);
  else if (out.code !== 0) notes.push(`PyTorch exited with ${out.code}`);
  return { results, info };
}

function logResult(r: GpuResult) {
  const what = `${r.impl} ${r.backend}${r.threads ? ` ${r.threads}t` : ''} ${r.model} b${r.batch}`;
  if (r.error !== undefined) log(`${what}: ${r.error}`);
  else
    log(
      `${what}: ${typeof r.steady_samples_per_s === 'number' ? formatRate(r.steady_samples_per_s) : 'n/a'} samples/s steady, ${r.samples} samples in ${r.seconds} s${r.stopped ? ` (${r.stopped})` : ''}`,
    );
}

async function bench(options: GpuBenchOptions): Promise<number> {
  const date = new Date();
  const notes: string[] = [];
  const results: GpuResult[] = [];
  const torchReserve = options.torch.length ? TORCH_RESERVE_S : 0;
  const tfjsDeadline = options.budgetSeconds - torchReserve;
  log(
    `${options.quick ? 'quick run: ' : ''}${options.backends.join('+')} × ${options.models.join('+')} × batch ${options.batches.join('/')}, ${options.maxSeconds} s cap per configuration, ${options.budgetSeconds} s budget`,
  );

  let adapter: AdapterSummary | null = null;
  let adapterError: string | null = null;
  if (options.backends.includes('webgpu')) {
    ({ adapter, error: adapterError } = await probeAdapter());
    if (adapter) {
      log(`WebGPU adapter: ${adapter.name}${adapter.software ? ' (software)' : ''}`);
      if (adapter.software)
        notes.push(
          `WebGPU ran on a software adapter (${adapter.name}): its numbers only prove the path works`,
        );
    } else log(`no WebGPU adapter: ${adapterError}`);
  }

  // Backends alternate per (model, batch), and each child's hard limit leaves MIN_CHILD_S for
  // every configuration still to come, so one slow backend cannot starve the other.
  const configs = options.models.flatMap((model) =>
    options.batches.flatMap((batch) =>
      options.backends.map((backend) => ({ model, batch, backend })),
    ),
  );
  for (const [i, { model, batch, backend }] of configs.entries()) {
    const base: GpuResult = { impl: 'tfjs', backend, model, batch };
    let r: GpuResult;
    const left = tfjsDeadline - elapsed();
    const later = configs.slice(i + 1).filter((c) => c.backend !== 'webgpu' || adapter).length;
    const limit = Math.min(options.maxSeconds + CHILD_GRACE_S, left - later * MIN_CHILD_S);
    if (backend === 'webgpu' && !adapter)
      r = { ...base, error: `no WebGPU adapter: ${adapterError}` };
    else if (limit < MIN_CHILD_S)
      r = { ...base, skipped: true, error: `not run: the ${options.budgetSeconds} s budget` };
    else {
      const req: ConfigRequest = {
        backend,
        model,
        batch,
        samples: samplesFor(options, model, batch),
        maxSeconds: options.maxSeconds,
      };
      r = await tfjsConfig(req, limit);
    }
    logResult(r);
    results.push(r);
  }

  let torchInfo: Record<string, unknown> | null = null;
  if (options.torch.length) {
    const torch = await torchRun(options, Math.max(20, options.budgetSeconds - elapsed()), notes);
    results.push(...torch.results);
    torchInfo = torch.info;
  }

  const ctx: GpuContext = {
    adapter: adapter ? `${adapter.name}${adapter.software ? ', software' : ''}` : null,
    cudaDevice: typeof torchInfo?.cuda_device === 'string' ? torchInfo.cuda_device : null,
  };
  const report = buildReport({
    date,
    seconds: Number(elapsed().toFixed(1)),
    options,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
    },
    adapter,
    adapterError,
    torch: torchInfo,
    notes,
    results,
    ctx,
  });
  const outDir = options.outDir ?? join(HERE, '..', 'results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, reportFileName(date));
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(
    `\n${report.table}\n${notes.map((n) => `\n- ${n}`).join('')}\n\nJSON: ${file}\n`,
  );
  return results.some((r) => r.error === undefined) ? 0 : 1;
}

async function main(): Promise<number> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === 'probe') {
    const { installDawn } = await import('./dawn.ts');
    const { emit, errText } = await import('./tfjs.ts');
    try {
      emit('ADAPTER', await installDawn());
      return 0;
    } catch (e) {
      emit('NOADAPTER', { error: errText(e) });
      return 3;
    }
  }
  if (mode === 'config') {
    const req = JSON.parse(rest[0] ?? '{}') as ConfigRequest;
    // Dawn first: tfjs-backend-webgpu registers itself only if navigator.gpu exists on import.
    let adapter: AdapterSummary | null = null;
    let dawnError: unknown = null;
    if (req.backend === 'webgpu') {
      try {
        adapter = await (await import('./dawn.ts')).installDawn();
      } catch (e) {
        dawnError = e;
      }
    }
    const { runConfig, emit, errText } = await import('./tfjs.ts');
    if (dawnError) {
      emit('RESULT', { impl: 'tfjs', ...req, error: errText(dawnError) });
      return 1;
    }
    return runConfig(req, adapter);
  }
  try {
    return await bench(parseGpuOptions(process.argv.slice(2), process.env));
  } catch (e) {
    if (!(e instanceof GpuOptionError)) throw e;
    process.stderr.write(`npm run bench -- gpu: ${e.message}\n${GPU_USAGE}\n`);
    return 2;
  }
}

main().then(
  // dawn.node keeps the process alive while a GPU object lives: exit explicitly.
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`gpu bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
