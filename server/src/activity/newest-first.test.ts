import { describe, expect, it } from 'vitest';
import type { ListKey, NewestFirst } from '../storage/ports.js';
import { collectPage, MAX_SCANNED_ENTRIES } from './newest-first.js';

/**
 * The paging every implementation's sources go through, on sources made here: merged newest first,
 * rows read for the keys taken only, a filter's scan budget, and where the next page resumes.
 */
const key = (t: number, id: number): ListKey => ({ t, id: id.toString(16).padStart(24, '0') });

/** A source over `keys` (newest first), its rows the keys' ids where `keep` says so; it records what was read. */
function source(keys: ListKey[], keep: (key: ListKey) => boolean = () => true) {
  let at = 0;
  const read: string[] = [];
  const walk: NewestFirst<string> = {
    async next(max) {
      const taken = keys.slice(at, at + max).map((k, i) => ({ ...k, resume: `page-${Math.floor((at + i) / 10)}` }));
      at += taken.length;
      return taken;
    },
    async rows(asked) {
      read.push(...asked.map((k) => k.id));
      return asked.map((k) => (keep(k) ? k.id : null));
    },
  };
  return { walk, read };
}

describe('collectPage', () => {
  it('merges two sources newest first, reads only the rows it shows, and resumes each source where its next key is', async () => {
    const sessions = source([key(90, 1), key(70, 2), key(50, 3), key(30, 4)]);
    const prompts = source([key(80, 5), key(60, 6), key(40, 7)]);
    const { rows, next } = await collectPage(
      [
        { name: 'sessions', source: sessions.walk },
        { name: 'prompts', source: prompts.walk },
      ],
      { limit: 4, filtered: false },
    );
    expect(rows).toEqual([key(90, 1), key(80, 5), key(70, 2), key(60, 6)].map((k) => k.id));
    expect([...sessions.read, ...prompts.read].sort()).toEqual(rows.slice().sort());
    // The page ended at prompt 6: sessions resume at their next key (50), prompts at 6's own place.
    expect(next).toEqual({ ...key(60, 6), resume: { sessions: 'page-0', prompts: 'page-0' } });
  });

  it('ends with no cursor when every source is exhausted', async () => {
    const only = source([key(3, 1), key(2, 2)]);
    expect(await collectPage([{ name: 'sessions', source: only.walk }], { limit: 5, filtered: false })).toEqual({ rows: [key(3, 1), key(2, 2)].map((k) => k.id), next: null });
  });

  it(`stops a filter after ${MAX_SCANNED_ENTRIES} keys with a short page and a cursor at the last key looked at`, async () => {
    const keys = Array.from({ length: 1_000 }, (_, i) => key(10_000 - i, i + 1));
    // One key in a hundred passes the filter.
    const sparse = source(keys, (k) => parseInt(k.id, 16) % 100 === 0);
    const { rows, next } = await collectPage([{ name: 'sessions', source: sparse.walk }], { limit: 25, filtered: true });
    expect(rows).toEqual([100, 200].map((n) => key(10_000 - n + 1, n).id));
    expect(sparse.read).toHaveLength(MAX_SCANNED_ENTRIES);
    expect(next).toMatchObject(keys[MAX_SCANNED_ENTRIES - 1]);
  });
});
