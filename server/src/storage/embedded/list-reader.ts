import type { Collection } from 'mongodb';
import { batchedReads } from './batched-reads.js';
import { compareEntries, decodeEntries, readModelKeys, setMembers, type Entry, type ListName, type ReadModelDoc } from './read-model-keys.js';

/**
 * Reading the lists and sets of read-model-keys.ts newest first, from any cursor position.
 *
 * A round trip to the embedded database costs a few milliseconds whatever it reads, so a request
 * reads everything it can name at once: the documents asked for in one turn of the event loop go out
 * as one `{_id: {$in}}` (batched-reads.ts). A first page reads the list's head together with the
 * pages this process last saw at its end; a cursor names the page it continues from (its resume
 * token), checked against that page and the next before it is trusted, so it reads no head at all.
 */

/** Lists whose page count this process remembers (a guess of where the newest pages are, never trusted). */
const REMEMBERED_LISTS = 5_000;

/** An entry as a walk yields it, with the page a cursor at this entry continues from. */
export interface Positioned extends Entry {
  page: number | null;
}

export function listReader(collection: Collection) {
  const read = batchedReads<ReadModelDoc>(collection);
  const remembered = new Map<string, number>();

  /** Pages of a list (0: the list is empty or was never written), remembered as the next guess. */
  async function pageCount(appId: string, list: ListName): Promise<number> {
    const pages = Number((await read(readModelKeys.head(appId, list)))?.pages) || 0;
    const key = `${appId}:${list}`;
    remembered.delete(key);
    remembered.set(key, pages);
    if (remembered.size > REMEMBERED_LISTS) remembered.delete(remembered.keys().next().value!);
    return pages;
  }

  /**
   * Entries strictly older than `before` (all when absent), newest first, one page read at a time.
   * `hint`: the page a cursor says it continues from; `pages`: the head, when the caller has read it.
   */
  async function* entries(appId: string, list: ListName, before?: Entry, known: { hint?: number; pages?: number } = {}): AsyncGenerator<Positioned> {
    const cache = new Map<number, Promise<Entry[]>>();
    const page = (n: number) => {
      let found = cache.get(n);
      if (!found) cache.set(n, (found = read(readModelKeys.page(appId, list, n)).then((doc) => decodeEntries(doc?.items))));
      return found;
    };
    let n: number;
    // The page below a cursor's goes out with it: a page of rows often continues there.
    if (before && known.hint) page(known.hint - 1).catch(() => {});
    if (before && known.hint !== undefined && (await hintHolds(page, known.hint, before))) {
      n = known.hint;
    } else {
      // The newest pages are read with the head when this process knows where they are.
      const guess = known.pages ?? remembered.get(`${appId}:${list}`);
      if (!before && guess) for (const newest of [guess - 1, guess - 2]) if (newest >= 0) page(newest).catch(() => {}); // awaited below if right
      const pages = known.pages ?? (await pageCount(appId, list));
      if (pages === 0) return;
      n = before ? await lastPageStartingBy(page, pages, before) : pages - 1;
    }
    for (; n >= 0; n--) {
      const items = await page(n);
      cache.delete(n);
      for (let i = items.length - 1; i >= 0; i--) if (!before || compareEntries(items[i], before) < 0) yield { ...items[i], page: n };
    }
  }

  /** Every active session of the application (one document), oldest first. */
  const activeEntries = async (appId: string) => setMembers(await read(readModelKeys.active(appId)), 'm');

  /** The active set newest first, strictly older than `before`; `items` when already read. */
  async function* active(appId: string, before?: Entry, items?: Entry[]): AsyncGenerator<Positioned> {
    const entries = items ?? (await activeEntries(appId));
    for (let i = entries.length - 1; i >= 0; i--) if (!before || compareEntries(entries[i], before) < 0) yield { ...entries[i], page: null };
  }

  const activeIds = async (appId: string) => (await activeEntries(appId)).map((entry) => entry.id);

  return { entries, pageCount, activeEntries, active, activeIds };
}

/**
 * Whether page `hint` is the last one starting at or before the cursor: its own first entry is not
 * after it (page 0 has no lower bound) and the next page, if any, starts after it. Both pages are
 * read at once; a wrong or forged hint costs those two reads, never a wrong row.
 */
async function hintHolds(page: (n: number) => Promise<Entry[]>, hint: number, before: Entry): Promise<boolean> {
  const [items, next] = await Promise.all([page(hint), page(hint + 1)]);
  if (items.length === 0) return false;
  return (hint === 0 || compareEntries(items[0], before) <= 0) && (next.length === 0 || compareEntries(next[0], before) > 0);
}

/** Binary search for the last page starting at or before the cursor: about log2(pages) reads. */
async function lastPageStartingBy(page: (n: number) => Promise<Entry[]>, pages: number, before: Entry): Promise<number> {
  let lo = 0;
  let hi = pages - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const first = (await page(mid))[0];
    if (first && compareEntries(first, before) <= 0) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
