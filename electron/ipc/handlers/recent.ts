import { access, mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { z } from 'zod';
import type { RecentProject } from '../../../shared/ipc/contract.ts';
import { atomicWriteFile, type AtomicFsOps, nodeFsOps } from '../../fs/atomic.ts';

export const MAX_RECENT = 10;

const storedSchema = z.object({
  version: z.literal(1),
  files: z.array(z.object({ path: z.string().min(1), openedAt: z.string() })),
});
type Stored = z.infer<typeof storedSchema>;

export interface RecentStore {
  list(): Promise<RecentProject[]>;
  has(path: string): Promise<boolean>;
  add(path: string): Promise<void>;
  clear(): Promise<void>;
}

/**
 * The recent projects list, kept as JSON in the app's data folder (written atomically).
 * A missing or corrupt list is an empty one. Calls are serialised.
 */
export function createRecentStore(
  file: string,
  options: { fsOps?: AtomicFsOps; now?: () => Date } = {},
): RecentStore {
  const fsOps = options.fsOps ?? nodeFsOps;
  const now = options.now ?? (() => new Date());
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };

  async function load(): Promise<Stored> {
    try {
      const parsed = storedSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (parsed.success) return parsed.data;
    } catch {
      // missing or unreadable: start afresh
    }
    return { version: 1, files: [] };
  }

  async function store(data: Stored): Promise<void> {
    await mkdir(dirname(file), { recursive: true });
    await atomicWriteFile(file, `${JSON.stringify(data, null, 2)}\n`, fsOps);
  }

  return {
    list: () =>
      serial(async () => {
        const { files } = await load();
        return Promise.all(
          files.map(async (entry) => ({
            path: entry.path,
            name: basename(entry.path),
            openedAt: entry.openedAt,
            exists: await access(entry.path).then(
              () => true,
              () => false,
            ),
          })),
        );
      }),
    has: (path) =>
      serial(async () => (await load()).files.some((entry) => entry.path === resolve(path))),
    add: (path) =>
      serial(async () => {
        const full = resolve(path);
        const { files } = await load();
        const rest = files.filter((entry) => entry.path !== full);
        await store({
          version: 1,
          files: [{ path: full, openedAt: now().toISOString() }, ...rest].slice(0, MAX_RECENT),
        });
      }),
    clear: () => serial(() => store({ version: 1, files: [] })),
  };
}

/** Paths the user chose in a dialog during this session: only these (or recent ones) are written. */
export class PathGrants {
  readonly #paths = new Set<string>();
  add(path: string): void {
    this.#paths.add(resolve(path));
  }
  has(path: string): boolean {
    return this.#paths.has(resolve(path));
  }
}
