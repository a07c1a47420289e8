// The GPU benchmark's pure parts: option parsing (flags, BENCH_GPU_* variables, errors), the
// markdown table of issue 10, the report's file name and the child-output parser. Nothing here
// is timed; the expected strings are written out by hand.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  GpuOptionError,
  parseGpuOptions,
  samplesFor,
  type GpuBenchOptions,
} from '../../bench/gpu/options.ts';
import {
  buildReport,
  formatRate,
  formatTable,
  parseTaggedLines,
  reportFileName,
  type GpuResult,
} from '../../bench/gpu/report.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function optionError(args: string[], env: Record<string, string> = {}): string {
  try {
    parseGpuOptions(args, env);
  } catch (e) {
    expect(e).toBeInstanceOf(GpuOptionError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${JSON.stringify(args)} ${JSON.stringify(env)}`);
}

describe('parseGpuOptions', () => {
  it('defaults to both backends, both templates, batch 64/512/4096 and every PyTorch device', () => {
    expect(parseGpuOptions([], {})).toEqual<GpuBenchOptions>({
      quick: false,
      backends: ['webgpu', 'wasm'],
      models: ['mlp', 'cnn'],
      batches: [64, 512, 4096],
      torch: ['cuda', 'cpu', 'cpu1'],
      steps: null,
      maxSeconds: 12,
      budgetSeconds: 285,
      outDir: null,
      python: null,
    });
  });

  it('reads every knob from flags', () => {
    const o = parseGpuOptions(
      [
        '--quick',
        '--backends',
        'wasm',
        '--models=cnn,mlp',
        '--batches',
        '32, 8',
        '--torch',
        'cpu4,cuda',
        '--steps',
        '5',
        '--max-seconds',
        '2.5',
        '--budget',
        '100',
        '--out',
        '/tmp/x',
        '--python',
        '/opt/py',
      ],
      {},
    );
    expect(o).toEqual<GpuBenchOptions>({
      quick: true,
      backends: ['wasm'],
      models: ['cnn', 'mlp'],
      batches: [32, 8],
      torch: ['cpu4', 'cuda'],
      steps: 5,
      maxSeconds: 2.5,
      budgetSeconds: 100,
      outDir: '/tmp/x',
      python: '/opt/py',
    });
  });

  it('reads BENCH_GPU_* variables, and a flag wins over its variable', () => {
    const env = {
      BENCH_GPU_QUICK: '1',
      BENCH_GPU_BACKENDS: 'webgpu',
      BENCH_GPU_BATCHES: '64',
      BENCH_GPU_TORCH: 'none',
      BENCH_GPU_OUT: '/env/out',
      BENCH_GPU_MAX_S: '9',
    };
    const o = parseGpuOptions(['--batches', '512'], env);
    expect(o.quick).toBe(true);
    expect(o.backends).toEqual(['webgpu']);
    expect(o.batches).toEqual([512]);
    expect(o.torch).toEqual([]);
    expect(o.outDir).toBe('/env/out');
    expect(o.maxSeconds).toBe(9);
    // --quick without a step count: 3 steps and a 60 s cap.
    expect(o.steps).toBe(3);
    expect(parseGpuOptions(['--quick'], {}).maxSeconds).toBe(60);
    // An empty variable counts as unset.
    expect(parseGpuOptions([], { BENCH_GPU_BACKENDS: '', BENCH_GPU_QUICK: '' }).backends).toEqual([
      'webgpu',
      'wasm',
    ]);
  });

  it('drops repeated list items', () => {
    const o = parseGpuOptions(['--backends', 'wasm,wasm', '--batches', '64,64,512'], {});
    expect(o.backends).toEqual(['wasm']);
    expect(o.batches).toEqual([64, 512]);
  });

  it('names the flag or variable at fault', () => {
    expect(optionError(['--fast'])).toMatch(/Unknown option '--fast'/);
    expect(optionError(['--batches'])).toMatch(/--batches/);
    expect(optionError(['extra'])).toMatch(/extra/);
    expect(optionError(['--backends', 'webgl'])).toBe(
      '--backends: unknown value "webgl" (one of webgpu, wasm)',
    );
    expect(optionError([], { BENCH_GPU_MODELS: 'resnet' })).toBe(
      'BENCH_GPU_MODELS: unknown value "resnet" (one of mlp, cnn)',
    );
    expect(optionError(['--batches', '64,0'])).toBe(
      '--batches: "0" is not a positive whole number',
    );
    expect(optionError(['--batches', '6.5'])).toBe(
      '--batches: "6.5" is not a positive whole number',
    );
    expect(optionError(['--batches', ','])).toBe('--batches: empty list');
    expect(optionError([], { BENCH_GPU_STEPS: 'many' })).toBe(
      'BENCH_GPU_STEPS: "many" is not a positive whole number',
    );
    expect(optionError(['--max-seconds=-1'])).toBe('--max-seconds: "-1" is not a positive number');
    expect(optionError(['--torch', 'gpu'])).toMatch(/^--torch: unknown PyTorch device "gpu"/);
    expect(optionError(['--torch', 'cpu0'])).toMatch(/unknown PyTorch device "cpu0"/);
    expect(optionError([], { BENCH_GPU_QUICK: 'yes' })).toBe(
      'BENCH_GPU_QUICK: "yes" is not 0 or 1',
    );
  });
});

describe('samplesFor', () => {
  it('is steps × batch with a step cap, else one epoch: 60,000 MLP and 30,000 CNN samples', () => {
    const full = parseGpuOptions([], {});
    expect(samplesFor(full, 'mlp', 4096)).toBe(60000);
    expect(samplesFor(full, 'cnn', 64)).toBe(30000);
    const quick = parseGpuOptions(['--quick'], {});
    expect(samplesFor(quick, 'cnn', 512)).toBe(1536);
  });
});

describe('formatRate', () => {
  it('writes whole numbers with comma thousands separators, as the issue does', () => {
    expect(formatRate(999)).toBe('999');
    expect(formatRate(2988)).toBe('2,988');
    expect(formatRate(139318)).toBe('139,318');
    expect(formatRate(2794897)).toBe('2,794,897');
    expect(formatRate(1000000)).toBe('1,000,000');
    expect(formatRate(11615.6)).toBe('11,616');
  });
});

describe('formatTable', () => {
  const tfjs = (backend: string, model: 'mlp' | 'cnn', batch: number, extra: object) =>
    ({ impl: 'tfjs', backend, model, batch, ...extra }) as GpuResult;
  const torch = (backend: string, threads: number | null, model: 'mlp' | 'cnn', batch: number) =>
    ({ impl: 'pytorch', backend, threads, model, batch }) as GpuResult;

  it('lays the results out as the issue 10 table, rows in a fixed order', () => {
    // Deliberately out of order: PyTorch first, CNN before MLP, batches shuffled.
    const results: GpuResult[] = [
      { ...torch('cpu', 1, 'mlp', 64), steady_samples_per_s: 60399 },
      { ...torch('cpu', 16, 'mlp', 64), steady_samples_per_s: 47276 },
      { ...torch('cuda', null, 'mlp', 512), steady_samples_per_s: 373244 },
      { ...torch('cuda', null, 'mlp', 64), steady_samples_per_s: 53153 },
      tfjs('wasm', 'cnn', 64, { error: "Error: Kernel 'Conv2DBackpropFilter' not registered" }),
      tfjs('wasm', 'cnn', 512, { error: "Error: Kernel 'Conv2DBackpropFilter'\n not registered" }),
      tfjs('wasm', 'cnn', 4096, { error: 'killed after 57 s' }),
      tfjs('webgpu', 'cnn', 64, { steady_samples_per_s: 2970 }),
      tfjs('webgpu', 'mlp', 512, { steady_samples_per_s: 25755 }),
      tfjs('webgpu', 'mlp', 64, { steady_samples_per_s: 2988 }),
      tfjs('webgpu', 'mlp', 4096, { steady_samples_per_s: null }),
      tfjs('wasm', 'mlp', 64, { threads: 1, steady_samples_per_s: 11615 }),
      tfjs('wasm', 'mlp', 512, { skipped: true, error: 'not run: the 285 s budget' }),
    ];
    const table = formatTable(results, [64, 512, 4096], ['mlp', 'cnn'], {
      adapter: 'NVIDIA H200',
      cudaDevice: 'NVIDIA H200',
    });
    expect(table).toBe(
      [
        '| samples/s, steady | batch 64 | batch 512 | batch 4096 |',
        '|---|---:|---:|---:|',
        '| MNIST MLP, TF.js WebGPU (NVIDIA H200) | 2,988 | 25,755 | n/a |',
        '| MNIST MLP, TF.js WASM (1 thread) | 11,615 | skipped [1] | – |',
        '| MNIST MLP, PyTorch CUDA (NVIDIA H200) | 53,153 | 373,244 | – |',
        '| MNIST MLP, PyTorch CPU 16 threads | 47,276 | – | – |',
        '| MNIST MLP, PyTorch CPU 1 thread | 60,399 | – | – |',
        '| MNIST CNN template, TF.js WebGPU (NVIDIA H200) | 2,970 | – | – |',
        '| MNIST CNN template, TF.js WASM | fails [2] | fails [2] | fails [3] |',
        '',
        '[1] not run: the 285 s budget',
        "[2] Error: Kernel 'Conv2DBackpropFilter' not registered",
        '[3] killed after 57 s',
      ].join('\n'),
    );
  });

  it('keeps one WASM row when only some of its runs know the thread count', () => {
    const table = formatTable(
      [
        tfjs('wasm', 'mlp', 64, { error: 'boom' }),
        tfjs('wasm', 'mlp', 512, { threads: 2, steady_samples_per_s: 5 }),
      ],
      [64, 512],
      ['mlp'],
      { adapter: null, cudaDevice: null },
    );
    expect(table.split('\n').slice(2, 3)).toEqual([
      '| MNIST MLP, TF.js WASM (2 threads) | fails [1] | 5 |',
    ]);
  });

  it('labels WebGPU and CUDA plainly when the adapter and device are unknown', () => {
    const table = formatTable(
      [
        tfjs('webgpu', 'cnn', 8, { steady_samples_per_s: 1 }),
        { ...torch('cuda', null, 'cnn', 8), steady_samples_per_s: 2 },
      ],
      [8],
      ['cnn'],
      { adapter: null, cudaDevice: null },
    );
    expect(table.split('\n').slice(2)).toEqual([
      '| MNIST CNN template, TF.js WebGPU | 1 |',
      '| MNIST CNN template, PyTorch CUDA | 2 |',
    ]);
  });
});

describe('buildReport', () => {
  it('holds the inputs, every result, the table, and the table as data by batch size', () => {
    const options = parseGpuOptions(['--batches', '64,512', '--models', 'mlp'], {});
    const results: GpuResult[] = [
      {
        impl: 'tfjs',
        backend: 'wasm',
        model: 'mlp',
        batch: 64,
        threads: 1,
        steady_samples_per_s: 11615,
      },
      { impl: 'tfjs', backend: 'wasm', model: 'mlp', batch: 512, error: 'killed after 57 s' },
      {
        impl: 'pytorch',
        backend: 'cpu',
        threads: 4,
        model: 'mlp',
        batch: 512,
        steady_samples_per_s: 9,
      },
    ];
    const report = buildReport({
      date: new Date('2026-12-01T01:02:03.000Z'),
      seconds: 12.5,
      options,
      machine: { cores: 2 },
      adapter: null,
      adapterError: 'no adapter',
      torch: { torch: '1.13.1' },
      notes: ['a note'],
      results,
      ctx: { adapter: null, cudaDevice: null },
    });
    // What a reader of the file gets back after JSON.stringify / JSON.parse.
    expect(JSON.parse(JSON.stringify(report))).toEqual({
      bench: 'gpu',
      date: '2026-12-01T01:02:03.000Z',
      seconds: 12.5,
      options: { ...options },
      machine: { cores: 2 },
      adapter: null,
      adapter_error: 'no adapter',
      torch: { torch: '1.13.1' },
      notes: ['a note'],
      rows: [
        {
          label: 'MNIST MLP, TF.js WASM (1 thread)',
          steady_samples_per_s: { '64': 11615, '512': null },
        },
        {
          label: 'MNIST MLP, PyTorch CPU 4 threads',
          steady_samples_per_s: { '64': null, '512': 9 },
        },
      ],
      table: [
        '| samples/s, steady | batch 64 | batch 512 |',
        '|---|---:|---:|',
        '| MNIST MLP, TF.js WASM (1 thread) | 11,615 | fails [1] |',
        '| MNIST MLP, PyTorch CPU 4 threads | – | 9 |',
        '',
        '[1] killed after 57 s',
      ].join('\n'),
      results,
    });
  });
});

describe('bench_torch.py', () => {
  it('trains both templates in PyTorch with their parameter counts and reports each configuration', () => {
    const cfg = {
      models: ['mlp', 'cnn'],
      batches: [8],
      devices: ['cpu1'],
      steps: 2,
      max_s_cuda: 5,
      max_s_cpu: 5,
      deadline_s: 60,
    };
    const r = spawnSync(
      '/usr/bin/python3',
      [join(ROOT, 'bench/gpu/bench_torch.py'), JSON.stringify(cfg)],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(r.status).toBe(0);
    const lines = parseTaggedLines(r.stdout, ['RESULT']).map((l) => l.value as GpuResult);
    expect(lines.map((l) => [l.model, l.backend, l.threads, l.batch, l.samples])).toEqual([
      ['mlp', 'cpu', 1, 8, 16],
      ['cnn', 'cpu', 1, 8, 16],
    ]);
    // 784·128+128 + 128·64+64 + 64·10+10 = 109,386; 1·9·32+32 + 32·9·64+64 + 1600·10+10 = 34,826.
    expect(lines.map((l) => l.params)).toEqual([109386, 34826]);
    for (const l of lines) expect(Number.isFinite(l.loss)).toBe(true);
  });
});

describe('reportFileName', () => {
  it('stamps the start time in UTC, without separators or milliseconds', () => {
    expect(reportFileName(new Date('2026-12-01T01:02:03.456Z'))).toBe('gpu-20261201T010203Z.json');
  });
});

describe('parseTaggedLines', () => {
  it('keeps the asked-for KIND {json} lines in order and skips noise and truncated JSON', () => {
    const text = [
      'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced',
      'RESULT {"batch":64}',
      'NOTE {"note":"x"}',
      'ADAPTER {"name":"a"}',
      'RESULT {"batch":512',
      'RESULT {"batch":4096}  ',
      'xRESULT {"batch":1}',
    ].join('\n');
    expect(parseTaggedLines(text, ['RESULT', 'ADAPTER'])).toEqual([
      { kind: 'RESULT', value: { batch: 64 } },
      { kind: 'ADAPTER', value: { name: 'a' } },
      { kind: 'RESULT', value: { batch: 4096 } },
    ]);
  });
});

describe('npm run bench -- gpu', () => {
  it('dispatches to the GPU bench, which rejects a bad flag with exit 2 and the usage', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bench/run.ts'), 'gpu', '--batches', 'x'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'npm run bench -- gpu: --batches: "x" is not a positive whole number',
    );
    expect(r.stderr).toContain('Usage: npm run bench -- gpu [--quick]');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
