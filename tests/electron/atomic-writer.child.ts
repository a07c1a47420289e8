// Child process for the "killed mid-write" test: saves a large project through the real
// atomic-save code path, with a disk that stalls after a few chunks, and reports when stalled.
import { open } from 'node:fs/promises';
import { atomicWriteFile, nodeFsOps, type AtomicFsOps } from '../../electron/fs/atomic.ts';

const [target, megabytes] = process.argv.slice(2) as [string, string];
let chunks = 0;
const stallingOps: AtomicFsOps = {
  ...nodeFsOps,
  open: (async (...args: Parameters<typeof open>) => {
    const handle = await open(...args);
    const write = handle.write.bind(handle) as (...a: unknown[]) => Promise<unknown>;
    (handle as unknown as { write: unknown }).write = async (...a: unknown[]) => {
      const result = await write(...a);
      if (++chunks === 4) {
        process.stdout.write('stalled\n');
        // The disk hangs; the parent kills us here. The timer keeps the process alive: a
        // never-settling promise alone lets Node exit (code 13) before a slow parent kills it.
        setInterval(() => undefined, 60_000);
        await new Promise(() => undefined);
      }
      return result;
    };
    return handle;
  }) as typeof open,
};
const data = 'x'.repeat(Number(megabytes) * 1024 * 1024);
await atomicWriteFile(target, data, stallingOps);
process.stdout.write('finished\n');
