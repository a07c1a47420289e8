/**
 * Runs Debian's /usr/bin/python3 (which has torch) for the generated-code tests, or the
 * interpreter in NETWRIGHT_PYTHON (as scripts/prereqs.mjs checks it).
 */
import { execFileSync, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';

export const PYTHON = process.env.NETWRIGHT_PYTHON || '/usr/bin/python3';
export const HARNESS = new URL('./harness.py', import.meta.url).pathname;

function probe(): string | null {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'pipe', timeout: 60_000 });
    return null;
  } catch (e) {
    return `${PYTHON} cannot import torch and numpy (${String(e).split('\n')[0]}); install them with scripts/install-prereqs.sh`;
  }
}

/** Null when /usr/bin/python3 has torch; else why the Python tests cannot run. */
export const PYTHON_MISSING = probe();

/** Null when /usr/bin/python3 exists (standard library only); else why. */
export const PYTHON3_MISSING = existsSync(PYTHON) ? null : `${PYTHON} not found; install python3`;

/** True when running under CI (`CI` set to anything but "", "0" or "false"), as CI services do. */
export const IN_CI = !['', '0', 'false'].includes((process.env.CI ?? '').toLowerCase());

type Body = () => void | Promise<void>;

/**
 * `describe` and `it` for tests with a prerequisite, never a silent skip. `missing` is null when
 * the prerequisite is there, else a one-line reason. Without it: under CI the suite (or test)
 * fails with the reason; locally its tests are skipped through vitest, so the run's summary counts
 * them, the skipped suite's name carries the reason, and one warning line says it.
 */
export function needs(missing: string | null) {
  const warned = { done: false };
  const warn = () => {
    if (warned.done || !missing) return;
    warned.done = true;
    console.warn(`SKIPPED (prerequisite missing, counted as skipped): ${missing}`);
  };
  const fail = () => {
    throw new Error(`Prerequisite missing under CI: ${missing}`);
  };
  return {
    describe(name: string, fn: () => void, timeout?: number): void {
      if (!missing) describe(name, fn, timeout);
      else if (IN_CI) describe(name, () => it('has its prerequisites', fail));
      else {
        warn();
        describe.skip(`${name} (skipped: ${missing})`, fn);
      }
    },
    it(name: string, fn: Body, timeout?: number): void {
      if (!missing) it(name, fn, timeout);
      else if (IN_CI) it(`${name} (prerequisite)`, fail);
      else {
        warn();
        it.skip(`${name} (skipped: ${missing})`, fn);
      }
    },
  };
}

/** Suites and tests that need /usr/bin/python3 with torch and numpy. */
export const withPython = needs(PYTHON_MISSING);

const run = promisify(execFile);

export async function python(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<{ stdout: string; stderr: string }> {
  return run(PYTHON, args, {
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeout ?? 240_000,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: '1', ...options.env },
  });
}
