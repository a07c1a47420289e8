import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  atomicWriteFile,
  isTempFileFor,
  nodeFsOps,
  SaveError,
  type AtomicFsOps,
} from '../../electron/fs/atomic.ts';
import { createFileHandlers } from '../../electron/ipc/handlers/files.ts';
import { APP_SENDER, filesDeps, listDir, projectText, tempDir, TRUSTED } from './helpers.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

/** fs ops whose file handles fail at `stage` with `code`. */
function failingOps(stage: 'write' | 'sync' | 'rename' | 'open', code: string): AtomicFsOps {
  return {
    ...nodeFsOps,
    rename: stage === 'rename' ? async () => Promise.reject(errno(code)) : nodeFsOps.rename,
    open: (async (...args: Parameters<typeof fsp.open>) => {
      if (stage === 'open') throw errno(code);
      const handle = await fsp.open(...args);
      if (stage === 'write') handle.write = (async () => Promise.reject(errno(code))) as never;
      if (stage === 'sync') handle.sync = async () => Promise.reject(errno(code));
      return handle;
    }) as typeof fsp.open,
  };
}

describe('atomic save', () => {
  it('replaces the file and leaves no temp file', async () => {
    const target = join(dir, 'p.netwright');
    await writeFile(target, 'old');
    await atomicWriteFile(target, 'new content');
    expect(await readFile(target, 'utf8')).toBe('new content');
    expect(await listDir(dir)).toEqual(['p.netwright']);
  });

  it('keeps the permissions of the file it replaces', async () => {
    if (process.platform === 'win32') return;
    const target = join(dir, 'p.netwright');
    await writeFile(target, 'old', { mode: 0o600 });
    await atomicWriteFile(target, 'new');
    expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  const failures: ['write' | 'sync' | 'rename' | 'open', string, RegExp][] = [
    ['write', 'ENOSPC', /the disk is full/],
    ['sync', 'EIO', /input\/output error/],
    ['rename', 'EACCES', /permission denied/],
    ['open', 'EROFS', /the disk is read-only/],
  ];
  for (const [stage, code, why] of failures) {
    it(`a failing ${stage} (${code}) leaves the old file intact, cleans the temp file, says why`, async () => {
      const target = join(dir, 'p.netwright');
      await writeFile(target, 'the old project');
      const error = await atomicWriteFile(
        target,
        'x'.repeat(3_000_000),
        failingOps(stage, code),
      ).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SaveError);
      expect((error as Error).message).toMatch(/^Could not save "p\.netwright" in /);
      expect((error as Error).message).toMatch(why);
      expect((error as Error).message).toMatch(
        /previous version of the file, if any, is unchanged/,
      );
      expect(await readFile(target, 'utf8')).toBe('the old project');
      expect(await listDir(dir)).toEqual(['p.netwright']);
    });
  }

  it('a failed save through the IPC handler returns the message and keeps the old file', async () => {
    const target = join(dir, 'p.netwright');
    const { deps } = filesDeps(dir, { fsOps: failingOps('write', 'ENOSPC') });
    deps.grants.add(target);
    await writeFile(target, projectText('old'));
    const handlers = createFileHandlers(deps, TRUSTED);
    const result = await handlers['project:save'](APP_SENDER, {
      path: target,
      text: projectText('new'),
      suggestedName: 'p',
    });
    expect(result).toEqual({
      ok: false,
      error: expect.stringMatching(
        /Could not save "p\.netwright" .*: the disk is full\. The previous version/,
      ),
    });
    expect(JSON.parse(await readFile(target, 'utf8')).name).toBe('old');
  });

  it('a save killed mid-write (SIGKILL) leaves the old file intact', async () => {
    const target = join(dir, 'big.netwright');
    await writeFile(target, 'the old project');
    const child = spawn(
      process.execPath,
      [
        '--experimental-strip-types',
        '--no-warnings',
        fileURLToPath(new URL('./atomic-writer.child.ts', import.meta.url)),
        target,
        '64',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('stalled')) resolve();
      });
      child.on('exit', () => reject(new Error(`child exited early: ${output}`)));
    });
    // Mid-write: a partial temp file exists next to the untouched target.
    const temps = (await listDir(dir)).filter((f) => isTempFileFor(f, 'big.netwright'));
    expect(temps).toHaveLength(1);
    expect((await stat(join(dir, temps[0]!))).size).toBeGreaterThan(0);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(await readFile(target, 'utf8')).toBe('the old project');
    expect(output).not.toContain('finished');

    // The next save still works, replaces the file whole and removes the dead process's temp.
    await atomicWriteFile(target, 'the new project');
    expect(await readFile(target, 'utf8')).toBe('the new project');
    expect(await listDir(dir)).toEqual(['big.netwright']);
  });
});
