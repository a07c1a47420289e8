/**
 * Runs Debian's /usr/bin/python3 (which has torch) for the generated-code tests, or the
 * interpreter in NETWRIGHT_PYTHON (as scripts/prereqs.mjs checks it).
 */
import { execFileSync, execFile } from 'node:child_process';
import { promisify } from 'node:util';

export const PYTHON = process.env.NETWRIGHT_PYTHON || '/usr/bin/python3';
export const HARNESS = new URL('./harness.py', import.meta.url).pathname;

function probe(): string | null {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'pipe', timeout: 60_000 });
    return null;
  } catch (e) {
    return `skipped: ${PYTHON} cannot import torch and numpy (${String(e).split('\n')[0]}); install them with scripts/install-prereqs.sh`;
  }
}

/** Null when /usr/bin/python3 has torch; else why the Python tests are skipped. */
export const PYTHON_MISSING = probe();
if (PYTHON_MISSING) console.warn(PYTHON_MISSING);

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
