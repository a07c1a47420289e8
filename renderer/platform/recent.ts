/**
 * Recent files in the browser (File System Access API): the list logic, pure, and where the
 * list lives. IndexedDB keeps `FileSystemFileHandle`s (they survive reloads); entries carry an
 * id so the toolbar can name one to open.
 */

/** How many files the list keeps. */
export const RECENT_LIMIT = 8;

export interface RecentEntry<H> {
  /** Stable while the entry is in the list: what the toolbar passes to `openRecent`. */
  id: string;
  name: string;
  handle: H;
}

/**
 * The list with `entry` first, any entry for the same file (by `same`, e.g. `isSameEntry`)
 * dropped, cut to `limit`. A comparison that fails counts as a different file.
 */
export async function withRecent<H>(
  list: readonly RecentEntry<H>[],
  entry: RecentEntry<H>,
  same: (a: H, b: H) => Promise<boolean>,
  limit = RECENT_LIMIT,
): Promise<RecentEntry<H>[]> {
  const rest: RecentEntry<H>[] = [];
  for (const old of list) {
    const dup = old.id === entry.id || (await same(old.handle, entry.handle).catch(() => false));
    if (!dup) rest.push(old);
  }
  return [entry, ...rest].slice(0, Math.max(0, limit));
}

/** The list without the entry `id`. */
export function withoutRecent<H>(list: readonly RecentEntry<H>[], id: string): RecentEntry<H>[] {
  return list.filter((e) => e.id !== id);
}

/** Where the list is kept between sessions. */
export interface RecentStore<H> {
  load(): Promise<RecentEntry<H>[]>;
  save(list: RecentEntry<H>[]): Promise<void>;
}

const DB = 'netwright';
const STORE = 'recent-files';
const KEY = 'list';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(factory: IDBFactory): Promise<IDBDatabase> {
  const req = factory.open(DB, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE);
  return request(req);
}

/** The list in IndexedDB (handles are structured-cloned there as they are). */
export function indexedDbRecentStore<H>(factory: IDBFactory = indexedDB): RecentStore<H> {
  const run = async <T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>) => {
    const db = await openDb(factory);
    try {
      const tx = db.transaction(STORE, mode);
      const result = await request(fn(tx.objectStore(STORE)));
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('IndexedDB write failed'));
      });
      return result;
    } finally {
      db.close();
    }
  };
  return {
    async load() {
      const value: unknown = await run('readonly', (s) => s.get(KEY));
      return Array.isArray(value)
        ? (value as RecentEntry<H>[]).filter(
            (e) => typeof e?.id === 'string' && typeof e.name === 'string' && e.handle != null,
          )
        : [];
    },
    async save(list) {
      await run('readwrite', (s) => s.put(list, KEY));
    },
  };
}
