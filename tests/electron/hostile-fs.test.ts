/**
 * The desktop side of hostile files (issue 14): Save As never replaces what is not a regular
 * file, Open never hangs on a FIFO nor reads a device without bound, file system errors read in
 * plain words.
 */
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomicWriteFile, nodeFsOps, SaveError } from '../../electron/fs/atomic.ts';
import { describeFsError } from '../../electron/fs/errors.ts';
import { readProjectFile } from '../../electron/fs/project-file.ts';
import { readRegularFile, realPathInside } from '../../electron/fs/read.ts';
import { createFileHandlers } from '../../electron/ipc/handlers/files.ts';
import { APP_SENDER, filesDeps, listDir, projectText, tempDir, TRUSTED } from './helpers.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

const mkfifo = (path: string) => execFileSync('mkfifo', [path]);

async function saveError(target: string): Promise<string> {
  const error = await atomicWriteFile(target, 'new').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SaveError);
  return (error as Error).message;
}

describe('the atomic writer replaces regular files only', () => {
  it('refuses a FIFO and leaves it a FIFO, with no temp file behind', async () => {
    const fifo = join(dir, 'p.netwright');
    mkfifo(fifo);
    expect(await saveError(fifo)).toMatch(
      /^Could not save "p\.netwright" in .*: it is a FIFO \(named pipe\), not a regular file; refused/,
    );
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    expect(await listDir(dir)).toEqual(['p.netwright']);
  });

  it('refuses /dev/full (a device) and leaves it a device', async () => {
    expect(await saveError('/dev/full')).toMatch(/it is a device, not a regular file; refused/);
    expect((await stat('/dev/full')).isCharacterDevice()).toBe(true);
  });

  it('refuses a socket', async () => {
    const path = join(dir, 's.netwright');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      expect(await saveError(path)).toMatch(/it is a socket, not a regular file/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses a folder', async () => {
    await mkdir(join(dir, 'f.netwright'));
    expect(await saveError(join(dir, 'f.netwright'))).toMatch(/it is a folder/);
  });

  it('a link to a regular file: writes through, the link stays a link', async () => {
    await writeFile(join(dir, 'real.netwright'), 'old');
    await symlink('real.netwright', join(dir, 'link.netwright'));
    await atomicWriteFile(join(dir, 'link.netwright'), 'new');
    expect((await lstat(join(dir, 'link.netwright'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(dir, 'real.netwright'), 'utf8')).toBe('new');
  });

  it('a link to a FIFO or to nothing is refused', async () => {
    mkfifo(join(dir, 'fifo'));
    await symlink('fifo', join(dir, 'to-fifo.netwright'));
    await symlink('missing', join(dir, 'dangling.netwright'));
    expect(await saveError(join(dir, 'to-fifo.netwright'))).toMatch(
      /FIFO \(named pipe\) \(a link to .*fifo\), not a regular file/,
    );
    expect(await saveError(join(dir, 'dangling.netwright'))).toMatch(
      /a link to a file that does not exist/,
    );
    expect((await lstat(join(dir, 'dangling.netwright'))).isSymbolicLink()).toBe(true);
  });

  it('a read-only disk and a full disk are said in plain words', async () => {
    for (const [code, words] of [
      ['EROFS', 'the disk is read-only'],
      ['ENOSPC', 'the disk is full'],
      ['EACCES', 'permission denied'],
      ['EEXIST', 'a file or folder of that name already exists'],
    ]) {
      const ops = {
        ...nodeFsOps,
        rename: async () => Promise.reject(Object.assign(new Error('raw'), { code })),
      };
      const error = await atomicWriteFile(join(dir, 'x.netwright'), 'x', ops).catch(
        (e: Error) => e,
      );
      expect((error as Error).message).toContain(`: ${words}. The previous version`);
      expect(describeFsError(Object.assign(new Error('raw'), { code }))).toBe(words);
    }
    expect(await listDir(dir)).toEqual([]);
  });

  it('Save As onto a FIFO is refused by the handler, which says why', async () => {
    const { deps, dialogs } = filesDeps(dir);
    const handlers = createFileHandlers(deps, TRUSTED);
    mkfifo(join(dir, 'pipe.netwright'));
    dialogs.saveAnswers.push(join(dir, 'pipe.netwright'));
    const saved = await handlers['project:save'](APP_SENDER, {
      text: projectText('x'),
      suggestedName: 'x',
    });
    expect(saved.ok).toBe(false);
    expect(!saved.ok && saved.error).toMatch(/FIFO/);
  });
});

describe('reading never hangs, never reads without bound', () => {
  it('Open of a FIFO is refused at once (no reader blocks on it)', async () => {
    mkfifo(join(dir, 'p.netwright'));
    await expect(readProjectFile(join(dir, 'p.netwright'))).rejects.toThrow(
      'Cannot open "p.netwright": it is a FIFO (named pipe), not a regular file',
    );
  });

  it('Open of a link to /dev/zero is refused as a device', async () => {
    await symlink('/dev/zero', join(dir, 'z.netwright'));
    await expect(readProjectFile(join(dir, 'z.netwright'))).rejects.toThrow(
      'Cannot open "z.netwright": it is a device, not a regular file',
    );
  });

  it('bounds by the bytes read: a file over the limit is refused', async () => {
    await writeFile(join(dir, 'big'), Buffer.alloc(1000, 0x41));
    await expect(readRegularFile(join(dir, 'big'), 999)).rejects.toThrow(/limited to/);
    expect((await readRegularFile(join(dir, 'big'), 1000)).length).toBe(1000);
  });

  it('UTF-8 with BOM and UTF-16 LE/BE with BOM open as the same project', async () => {
    const text = projectText('Bom');
    const be = Buffer.from(`\ufeff${text}`, 'utf16le').swap16();
    await writeFile(join(dir, 'a.netwright'), `\ufeff${text}`);
    await writeFile(join(dir, 'b.netwright'), Buffer.from(`\ufeff${text}`, 'utf16le'));
    await writeFile(join(dir, 'c.netwright'), be);
    for (const f of ['a', 'b', 'c']) {
      const read = await readProjectFile(join(dir, `${f}.netwright`));
      expect(read.project.name).toBe('Bom');
    }
  });

  it('realPathInside resolves links before the containment check', async () => {
    await mkdir(join(dir, 'm'));
    await writeFile(join(dir, 'm', 'w.bin'), 'x');
    await symlink('/etc/passwd', join(dir, 'm', 'out.bin'));
    await symlink('w.bin', join(dir, 'm', 'in.bin'));
    expect(await realPathInside(join(dir, 'm'), join(dir, 'm', 'out.bin'))).toBeUndefined();
    expect(await realPathInside(join(dir, 'm'), join(dir, 'm', 'in.bin'))).toMatch(/w\.bin$/);
    expect(await realPathInside(join(dir, 'm'), join(dir, 'm', 'none.bin'))).toBeUndefined();
  });
});
