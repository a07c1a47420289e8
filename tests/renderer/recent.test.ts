import { describe, expect, it } from 'vitest';
import {
  RECENT_LIMIT,
  withoutRecent,
  withRecent,
  type RecentEntry,
} from '../../renderer/platform/recent.ts';

/** A stand-in for a file handle: two handles are the same file when their paths match. */
interface Fake {
  path: string;
}
const same = async (a: Fake, b: Fake) => a.path === b.path;
let n = 0;
const entry = (path: string): RecentEntry<Fake> => ({
  id: `id${++n}`,
  name: path.split('/').pop()!,
  handle: { path },
});
const paths = (list: RecentEntry<Fake>[]) => list.map((e) => e.handle.path);

describe('recent files list', () => {
  it('puts the newest first', async () => {
    let list: RecentEntry<Fake>[] = [];
    for (const p of ['/a.netwright', '/b.netwright', '/c.netwright'])
      list = await withRecent(list, entry(p), same);
    expect(paths(list)).toEqual(['/c.netwright', '/b.netwright', '/a.netwright']);
  });

  it('keeps one entry per file, moved to the top, by isSameEntry not by name', async () => {
    let list: RecentEntry<Fake>[] = [];
    for (const p of ['/x/a.netwright', '/y/a.netwright', '/b.netwright', '/x/a.netwright'])
      list = await withRecent(list, entry(p), same);
    expect(paths(list)).toEqual(['/x/a.netwright', '/b.netwright', '/y/a.netwright']);
    expect(list.map((e) => e.name)).toEqual(['a.netwright', 'b.netwright', 'a.netwright']);
  });

  it('keeps the last 8', async () => {
    let list: RecentEntry<Fake>[] = [];
    for (let i = 0; i < 12; i++) list = await withRecent(list, entry(`/f${i}`), same);
    expect(RECENT_LIMIT).toBe(8);
    expect(paths(list)).toEqual(['/f11', '/f10', '/f9', '/f8', '/f7', '/f6', '/f5', '/f4']);
    expect(paths(await withRecent(list, entry('/f6'), same, 3))).toEqual(['/f6', '/f11', '/f10']);
  });

  it('counts a failed comparison as another file and never changes its argument', async () => {
    const list = [entry('/a'), entry('/b')];
    const copy = [...list];
    const failing = async (a: Fake) => {
      if (a.path === '/a') throw new DOMException('gone', 'NotFoundError');
      return false;
    };
    expect(paths(await withRecent(list, entry('/a'), failing))).toEqual(['/a', '/a', '/b']);
    expect(list).toEqual(copy);
  });

  it('removes an entry by id', () => {
    const list = [entry('/a'), entry('/b'), entry('/c')];
    expect(paths(withoutRecent(list, list[1]!.id))).toEqual(['/a', '/c']);
    expect(paths(withoutRecent(list, 'nope'))).toEqual(['/a', '/b', '/c']);
  });
});
