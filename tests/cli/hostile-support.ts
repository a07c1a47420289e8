/**
 * Runs the real CLI (`cli/bin.mjs`) on hostile inputs: exit code, output, the child's own peak
 * RSS, with a wall-clock limit so that a hang (a FIFO opened for reading) fails the test instead
 * of stalling it. Also the checks every hostile case shares.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

const BIN = join(import.meta.dirname, '../../cli/bin.mjs');
const PEAK_RSS = `data:text/javascript,process.on("exit",()=>process.stderr.write("maxRSS_KB="+process.resourceUsage().maxRSS+"\\n"))`;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size of the child, MiB. */
  peakMiB: number;
  timedOut: boolean;
}

export function runCli(args: string[], options: { cwd?: string; timeoutMs?: number } = {}) {
  return new Promise<CliRun>((resolve) => {
    execFile(
      process.execPath,
      ['--import', PEAK_RSS, BIN, ...args],
      { cwd: options.cwd, timeout: options.timeoutMs ?? 30_000, maxBuffer: 4 << 20 },
      (error, stdout, stderr) => {
        const e = error as (Error & { code?: number; killed?: boolean }) | null;
        const peak = /maxRSS_KB=(\d+)\n?/.exec(stderr);
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          stdout,
          stderr: stderr.replace(/maxRSS_KB=\d+\n?/, ''),
          peakMiB: peak ? Number(peak[1]) / 1024 : Infinity,
          timedOut: Boolean(e?.killed),
        });
      },
    );
  });
}

/** Node with the CLI loaded takes ~110 MiB; reading a 3 GB device would take far more. */
export const PEAK_LIMIT_MIB = 400;

/**
 * The properties every refused hostile input has: exit 1 or 2 (as given), no hang, no stack
 * trace, a first line naming the file, a line giving `cause`, and bounded memory.
 */
export function expectRefused(r: CliRun, code: 1 | 2, place: string, cause: RegExp): void {
  expect(r.timedOut, 'the CLI hung').toBe(false);
  const all = r.stdout + r.stderr;
  expect(all, 'a stack trace').not.toMatch(/^\s+at /m);
  expect(all).not.toMatch(/internal error/);
  expect(r.code, all).toBe(code);
  // The file is named on the first line; a list of problems may follow, one per line.
  expect(all.split('\n')[0], 'the first line names the place').toContain(place.split('/')[0]!);
  const line = all.split('\n').find((l) => cause.test(l));
  expect(line, `a line with ${String(cause)} in:\n${all}`).toBeDefined();
  expect(all).toContain(place);
  expect(r.peakMiB).toBeLessThan(PEAK_LIMIT_MIB);
}

/** The names in a folder, sorted (to assert nothing else was written there). */
export function listing(dir: string): string[] {
  return readdirSync(dir).sort();
}
