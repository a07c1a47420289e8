/**
 * The GPU benchmark's results and the markdown table issue 10 reports them in:
 *
 *   | samples/s, steady | batch 64 | batch 512 | batch 4096 |
 *   |---|---:|---:|---:|
 *   | MNIST MLP, TF.js WebGPU (NVIDIA H200) | 2,988 | 25,755 | 139,318 |
 *
 * One row per (model, implementation), one column per batch size; a cell is the steady
 * samples/s (samples after the first batch's loss was read, over the time since then). Pure: no
 * I/O, so it is unit-tested.
 */
import type { GpuBenchOptions, GpuModel } from './options.ts';

/** One configuration's outcome, from the TF.js child (impl `tfjs`) or bench_torch.py. */
export interface GpuResult {
  impl: 'tfjs' | 'pytorch';
  /** tfjs: `webgpu` | `wasm`; pytorch: `cuda` | `cpu` (with `threads`). */
  backend: string;
  model: GpuModel;
  batch: number;
  /** Threads of the wasm backend or of PyTorch's CPU run. */
  threads?: number | null;
  samples?: number;
  seconds?: number;
  samples_per_s?: number;
  /** Samples/s after the first batch (compile and warm-up excluded); null under two batches. */
  steady_samples_per_s?: number | null;
  first_batch_s?: number;
  loss?: number;
  /** Why it ended early (`time cap 12s`), or null. */
  stopped?: string | null;
  /** Set when it failed or was skipped; the other measurements are then absent. */
  error?: string;
  skipped?: boolean;
  [key: string]: unknown;
}

/** What the row labels need to know about the machine. */
export interface GpuContext {
  /** The WebGPU adapter's name (`NVIDIA H200`, `llvmpipe ...`), or null without one. */
  adapter: string | null;
  /** torch.cuda.get_device_name(0), or null. */
  cudaDevice: string | null;
}

export const MODEL_LABEL: Record<GpuModel, string> = {
  mlp: 'MNIST MLP',
  cnn: 'MNIST CNN template',
};

/** The row label's implementation half: `TF.js WebGPU (H200)`, `PyTorch CPU 16 threads`. */
export function implLabel(r: Pick<GpuResult, 'impl' | 'backend' | 'threads'>, ctx: GpuContext) {
  const threads = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;
  if (r.impl === 'tfjs') {
    if (r.backend === 'webgpu') return `TF.js WebGPU${ctx.adapter ? ` (${ctx.adapter})` : ''}`;
    if (r.backend === 'wasm') return `TF.js WASM${r.threads ? ` (${threads(r.threads)})` : ''}`;
    return `TF.js ${r.backend}`;
  }
  if (r.backend === 'cuda') return `PyTorch CUDA${ctx.cudaDevice ? ` (${ctx.cudaDevice})` : ''}`;
  return `PyTorch CPU${r.threads ? ` ${threads(r.threads)}` : ''}`;
}

/** 139318 → `139,318` (the issue's format: comma thousands separators, no decimals). */
export function formatRate(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Row order within a model: TF.js WebGPU, TF.js WASM, PyTorch CUDA, PyTorch CPU (most threads first). */
function rowRank(r: GpuResult): number {
  if (r.impl === 'tfjs') return r.backend === 'webgpu' ? 0 : r.backend === 'wasm' ? 1 : 2;
  return r.backend === 'cuda' ? 3 : 4 + 1 / (1 + (r.threads ?? 0));
}

/** One row of the table: a model on one implementation, its results by batch size. */
export interface TableRow {
  label: string;
  byBatch: Map<number, GpuResult>;
}

/**
 * The table's rows: per model (in `models` order) TF.js WebGPU, TF.js WASM, PyTorch CUDA, PyTorch
 * CPU (most threads first), each only when some result has it. A row is a model and an
 * implementation (PyTorch CPU also by threads); its label takes the thread count from whichever
 * of its results has one (a failed run may not know it).
 */
export function tableRows(
  results: readonly GpuResult[],
  models: readonly GpuModel[],
  ctx: GpuContext,
): TableRow[] {
  const sorted = [...results].sort(
    (a, b) => models.indexOf(a.model) - models.indexOf(b.model) || rowRank(a) - rowRank(b),
  );
  const rows = new Map<string, TableRow>();
  for (const r of sorted) {
    const key = `${r.model}|${r.impl}|${r.backend}|${r.impl === 'pytorch' ? (r.threads ?? '') : ''}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { label: '', byBatch: new Map() }));
    if (!row.label || (r.threads && !row.label.includes('thread')))
      row.label = `${MODEL_LABEL[r.model]}, ${implLabel(r, ctx)}`;
    row.byBatch.set(r.batch, r);
  }
  return [...rows.values()];
}

/**
 * The markdown table of `tableRows`, columns `batches`. Cells: the steady samples/s;
 * `fails [n]` / `skipped [n]` with the reason as footnote n below the table (one footnote per
 * distinct reason); `n/a` when only one batch ran (no steady rate); `–` when not run.
 */
export function formatTable(
  results: readonly GpuResult[],
  batches: readonly number[],
  models: readonly GpuModel[],
  ctx: GpuContext,
): string {
  const notes: string[] = [];
  const cell = (r: GpuResult | undefined): string => {
    if (!r) return '–';
    if (r.error !== undefined) {
      const note = r.error.replace(/\s+/g, ' ').trim();
      if (!notes.includes(note)) notes.push(note);
      return `${r.skipped ? 'skipped' : 'fails'} [${notes.indexOf(note) + 1}]`;
    }
    return typeof r.steady_samples_per_s === 'number' ? formatRate(r.steady_samples_per_s) : 'n/a';
  };
  const lines = [
    `| samples/s, steady | ${batches.map((b) => `batch ${b}`).join(' | ')} |`,
    `|---|${batches.map(() => '---:').join('|')}|`,
  ];
  for (const { label, byBatch } of tableRows(results, models, ctx))
    lines.push(`| ${label} | ${batches.map((b) => cell(byBatch.get(b))).join(' | ')} |`);
  if (notes.length) lines.push('', ...notes.map((n, i) => `[${i + 1}] ${n}`));
  return lines.join('\n');
}

/** Everything the JSON report holds besides what this module derives. */
export interface ReportInput {
  date: Date;
  seconds: number;
  options: GpuBenchOptions;
  machine: Record<string, unknown>;
  adapter: unknown;
  adapterError: string | null;
  torch: Record<string, unknown> | null;
  notes: string[];
  results: GpuResult[];
  ctx: GpuContext;
}

/**
 * The JSON report (bench/results/gpu-<time>.json): the run's inputs, every result, the markdown
 * `table`, and `rows`: the table as data, one entry per row with the steady samples/s by batch
 * size (null: failed, skipped, not run, or a single batch) so runs on different machines compare
 * without parsing markdown.
 */
export function buildReport(input: ReportInput) {
  const { options, ctx } = input;
  return {
    bench: 'gpu',
    date: input.date.toISOString(),
    seconds: input.seconds,
    options,
    machine: input.machine,
    adapter: input.adapter,
    adapter_error: input.adapterError,
    torch: input.torch,
    notes: input.notes,
    rows: tableRows(input.results, options.models, ctx).map(({ label, byBatch }) => ({
      label,
      steady_samples_per_s: Object.fromEntries(
        options.batches.map((b) => {
          const r = byBatch.get(b);
          const v = r && r.error === undefined ? r.steady_samples_per_s : null;
          return [String(b), typeof v === 'number' ? v : null];
        }),
      ),
    })),
    table: formatTable(input.results, options.batches, options.models, ctx),
    results: input.results,
  };
}

/** `gpu-20261201T010203Z.json`: the report's file name for a run started at `date`. */
export function reportFileName(date: Date): string {
  const stamp = date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `gpu-${stamp}.json`;
}

/**
 * Parses a child's stdout: every line `KIND {json}` whose KIND is in `kinds`, in order. Other
 * lines (warnings from Dawn or TF.js) and lines whose JSON does not parse are skipped.
 */
export function parseTaggedLines(
  text: string,
  kinds: readonly string[],
): { kind: string; value: unknown }[] {
  const out: { kind: string; value: unknown }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([A-Z]+) (\{.*\})\s*$/.exec(line);
    if (!m || !kinds.includes(m[1]!)) continue;
    try {
      out.push({ kind: m[1]!, value: JSON.parse(m[2]!) as unknown });
    } catch {
      /* a truncated line from a killed child */
    }
  }
  return out;
}
