/**
 * Options of `npm run bench -- gpu` (and of the packed `run.sh`): command-line flags first, then
 * `BENCH_GPU_*` environment variables, then defaults. Pure: no I/O, so it is unit-tested.
 *
 *   --quick            BENCH_GPU_QUICK=1      a few steps per configuration (proves the path works)
 *   --backends LIST    BENCH_GPU_BACKENDS     webgpu,wasm (TF.js backends, in this order)
 *   --models LIST      BENCH_GPU_MODELS       mlp,cnn (the mnist-mlp / mnist-cnn templates)
 *   --batches LIST     BENCH_GPU_BATCHES      64,512,4096
 *   --torch LIST       BENCH_GPU_TORCH        cuda,cpu,cpu1 (PyTorch devices; `none` for none;
 *                                             cpu = every core, cpuN = N threads)
 *   --steps N          BENCH_GPU_STEPS        cap on training steps per configuration
 *                                             (default: one epoch of 60,000 MLP / 30,000 CNN
 *                                             samples; 3 with --quick)
 *   --max-seconds S    BENCH_GPU_MAX_S        time cap per configuration (default 12 s; 60 quick)
 *   --budget S         BENCH_GPU_BUDGET_S     the whole run, TF.js and PyTorch (default 285 s)
 *   --out DIR          BENCH_GPU_OUT          where gpu-<time>.json goes (default bench/results)
 *   --python PATH      BENCH_GPU_PYTHON       interpreter with torch (default: /usr/bin/python3,
 *                                             then python3 on PATH)
 */
import { parseArgs } from 'node:util';

export type GpuBackend = 'webgpu' | 'wasm';
export type GpuModel = 'mlp' | 'cnn';

export interface GpuBenchOptions {
  quick: boolean;
  backends: GpuBackend[];
  models: GpuModel[];
  batches: number[];
  /** PyTorch devices: `cuda`, `cpu` (every core) or `cpuN` (N threads). Empty: no PyTorch. */
  torch: string[];
  /** Cap on training steps per configuration; null: one epoch of `samplesPerModel`. */
  steps: number | null;
  maxSeconds: number;
  budgetSeconds: number;
  outDir: string | null;
  python: string | null;
}

/** Samples in one timed epoch per model when no step cap is given. */
export const EPOCH_SAMPLES: Record<GpuModel, number> = { mlp: 60000, cnn: 30000 };
/** The template each model key trains. */
export const TEMPLATE_OF: Record<GpuModel, string> = { mlp: 'mnist-mlp', cnn: 'mnist-cnn' };
export const QUICK_STEPS = 3;

export const GPU_USAGE = `Usage: npm run bench -- gpu [--quick] [--backends webgpu,wasm] [--models mlp,cnn]
  [--batches 64,512,4096] [--torch cuda,cpu,cpu1|none] [--steps N] [--max-seconds S]
  [--budget S] [--out DIR] [--python PATH]
Each flag has a BENCH_GPU_* environment variable (see bench/README.md).`;

/** A bad flag or environment value: the message names it; the caller prints it with the usage. */
export class GpuOptionError extends Error {}

function list<T extends string>(name: string, raw: string, allowed: readonly T[]): T[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new GpuOptionError(`${name}: empty list`);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item))
      throw new GpuOptionError(`${name}: unknown value "${item}" (one of ${allowed.join(', ')})`);
  }
  return [...new Set(items)] as T[];
}

function positive(name: string, raw: string, integer: boolean): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new GpuOptionError(
      `${name}: "${raw}" is not a positive ${integer ? 'whole number' : 'number'}`,
    );
  return n;
}

function batchList(name: string, raw: string): number[] {
  const items = raw.split(',').filter((s) => s.trim() !== '');
  if (items.length === 0) throw new GpuOptionError(`${name}: empty list`);
  return [...new Set(items.map((s) => positive(name, s, true)))];
}

function torchDevices(name: string, raw: string): string[] {
  if (raw.trim() === 'none') return [];
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new GpuOptionError(`${name}: empty list`);
  for (const item of items) {
    if (!/^(cuda|cpu|cpu[1-9][0-9]*)$/.test(item))
      throw new GpuOptionError(
        `${name}: unknown PyTorch device "${item}" (cuda, cpu, cpuN with N threads, or none)`,
      );
  }
  return [...new Set(items)];
}

/**
 * Parses `args` (what follows `gpu` on the command line) and `env`.
 * Throws GpuOptionError naming the flag or variable for unknown flags, missing values, unknown
 * backends/models/devices, and non-positive numbers.
 */
export function parseGpuOptions(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): GpuBenchOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      allowPositionals: false,
      strict: true,
      options: {
        quick: { type: 'boolean' },
        backends: { type: 'string' },
        models: { type: 'string' },
        batches: { type: 'string' },
        torch: { type: 'string' },
        steps: { type: 'string' },
        'max-seconds': { type: 'string' },
        budget: { type: 'string' },
        out: { type: 'string' },
        python: { type: 'string' },
      },
    }));
  } catch (e) {
    throw new GpuOptionError(e instanceof Error ? e.message : String(e));
  }
  /** The flag's value, else the environment variable's, with the name to blame. */
  const pick = (flag: string, variable: string): [string, string] | null => {
    const v = values[flag];
    if (typeof v === 'string') return [`--${flag}`, v];
    const e = env[variable];
    if (e !== undefined && e !== '') return [variable, e];
    return null;
  };
  const envQuick = env.BENCH_GPU_QUICK;
  if (envQuick !== undefined && !['', '0', '1'].includes(envQuick))
    throw new GpuOptionError(`BENCH_GPU_QUICK: "${envQuick}" is not 0 or 1`);
  const quick = values.quick === true || envQuick === '1';

  const backends = pick('backends', 'BENCH_GPU_BACKENDS');
  const models = pick('models', 'BENCH_GPU_MODELS');
  const batches = pick('batches', 'BENCH_GPU_BATCHES');
  const torch = pick('torch', 'BENCH_GPU_TORCH');
  const steps = pick('steps', 'BENCH_GPU_STEPS');
  const maxSeconds = pick('max-seconds', 'BENCH_GPU_MAX_S');
  const budget = pick('budget', 'BENCH_GPU_BUDGET_S');
  const out = pick('out', 'BENCH_GPU_OUT');
  const python = pick('python', 'BENCH_GPU_PYTHON');

  return {
    quick,
    backends: backends ? list(...backends, ['webgpu', 'wasm'] as const) : ['webgpu', 'wasm'],
    models: models ? list(...models, ['mlp', 'cnn'] as const) : ['mlp', 'cnn'],
    batches: batches ? batchList(...batches) : [64, 512, 4096],
    torch: torch ? torchDevices(...torch) : ['cuda', 'cpu', 'cpu1'],
    steps: steps ? positive(...steps, true) : quick ? QUICK_STEPS : null,
    maxSeconds: maxSeconds ? positive(...maxSeconds, false) : quick ? 60 : 12,
    budgetSeconds: budget ? positive(...budget, false) : 285,
    outDir: out ? out[1] : null,
    python: python ? python[1] : null,
  };
}

/** Training samples one configuration asks for: `steps` batches, or one epoch of the model. */
export function samplesFor(options: GpuBenchOptions, model: GpuModel, batch: number): number {
  return options.steps === null ? EPOCH_SAMPLES[model] : options.steps * batch;
}
