import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../cli/bin.mjs');
// Prints the child's own peak resident set size (KiB) on exit: the memory it really used.
const PEAK_RSS = `data:text/javascript,process.on("exit",()=>process.stderr.write("maxRSS_KB="+process.resourceUsage().maxRSS+"\\n"))`;

/** Runs the real CLI in a child process and reports its exit code, output and peak RSS. */
async function cliMeasured(...args: string[]) {
  let result: { code: number; stdout: string; stderr: string };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', PEAK_RSS, BIN, ...args], {
      maxBuffer: 1 << 20,
    });
    result = { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    result = { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
  const peak = /maxRSS_KB=(\d+)/.exec(result.stderr);
  return { ...result, peakMiB: peak ? Number(peak[1]) / 1024 : Infinity };
}

const dir = mkdtempSync(join(tmpdir(), 'netwright-budget-'));
// Dense 1e6 units after a 1e5 input: 1e5·1e6 + 1e6 = 100,001,000,000 parameters (373 GiB).
const huge = join(dir, 'huge.json');
writeFileSync(
  huge,
  JSON.stringify({
    format: 'netwright.project',
    version: 1,
    name: 'huge',
    graph: {
      nodes: [
        { id: 'in', type: 'Input', params: { shape: [100_000] }, position: { x: 0, y: 0 } },
        { id: 'big', type: 'Dense', params: { units: 1_000_000 }, position: { x: 0, y: 100 } },
      ],
      edges: [{ id: 'e1', source: 'in', target: 'big' }],
    },
  }),
);

const MESSAGE = 'E017 [node big] Dense has 100,001,000,000 parameters';
// Node with the CLI's modules loaded takes ~110 MiB; allocating the weights would take 373 GiB.
const PEAK_LIMIT_MIB = 400;

describe('model-size budget in the CLI (E017)', () => {
  it('check and summary refuse the model naming the block', async () => {
    for (const command of ['check', 'summary']) {
      const r = await cliMeasured(command, huge);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toContain(MESSAGE);
    }
  });

  it('train exits 1 with the message, no stack trace, bounded memory', async () => {
    const r = await cliMeasured('train', huge, '--epochs', '1', '--limit', '10');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(MESSAGE);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    expect(r.peakMiB).toBeLessThan(PEAK_LIMIT_MIB);
  });

  it('train checks the activations of the batch it trains, before loading data', async () => {
    // Conv2D 64 filters, same padding, on 1000×1000×3: 64,000,000 values = 256 MB per example,
    // fine alone (3,000,000 + 64,000,000 + 64 values · 4 B = 268,000,256 B < 2 GiB) but
    // · 64 (the default batch) = 17,152,016,384 B = 16.0 GiB.
    const wide = join(dir, 'wide.json');
    writeFileSync(
      wide,
      JSON.stringify({
        format: 'netwright.project',
        version: 1,
        name: 'wide',
        graph: {
          nodes: [
            {
              id: 'in',
              type: 'Input',
              params: { shape: [1000, 1000, 3] },
              position: { x: 0, y: 0 },
            },
            {
              id: 'conv',
              type: 'Conv2D',
              params: { filters: 64, padding: 'same' },
              position: { x: 0, y: 1 },
            },
            { id: 'gap', type: 'GlobalAveragePooling2D', params: {}, position: { x: 0, y: 2 } },
          ],
          edges: [
            { id: 'e1', source: 'in', target: 'conv' },
            { id: 'e2', source: 'conv', target: 'gap' },
          ],
        },
      }),
    );
    expect((await cliMeasured('check', wide)).code).toBe(0);
    const r = await cliMeasured('train', wide);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'E017 [node conv] Conv2D outputs 64,000,000 values per example; the activations of a batch of 64 need 16.0 GiB',
    );
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    expect(r.peakMiB).toBeLessThan(PEAK_LIMIT_MIB);
    // A batch of 8 fits: 268,000,256 · 8 = 2,144,002,048 B ≤ 2^31 = 2,147,483,648 B; the data
    // set (MNIST) then does not fit the 1000×1000×3 input, which is the next refusal.
    const small = await cliMeasured('train', wide, '--batch-size', '8');
    expect(small.code).toBe(1);
    expect(small.stderr).toContain('Input');
    expect(small.stderr).not.toContain('E017');
  });

  it('export --to onnx exits 1 with the message, writes nothing, bounded memory', async () => {
    const out = join(dir, 'onnx-out');
    const r = await cliMeasured('export', huge, '--to', 'onnx', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(MESSAGE);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    expect(r.peakMiB).toBeLessThan(PEAK_LIMIT_MIB);
    expect(existsSync(out)).toBe(false);
  });

  it('every other export format refuses too', async () => {
    for (const to of ['keras', 'pytorch', 'tfjs', 'npz']) {
      const r = await cliMeasured('export', huge, '--to', to, '--out', join(dir, `out-${to}`));
      expect(r.stdout + r.stderr).toContain(MESSAGE);
      expect(r.code).toBe(1);
    }
  });
});
