import type { Model } from 'mongoose';
import { compareEntries, decodeEntries, indexKeys, type ActivityIndexDoc, type Entry, type ListName } from './activity-index-model.js';

/**
 * Reading the lists of activity-index-model.ts newest first, from any cursor position, and turning
 * entries into rows under a bound on the work one request may do.
 */

/** Most entries one request checks when a filter skips rows (each costs an `_id` read). */
export const MAX_SCANNED_ENTRIES = 200;
/** A filter whose first rows mostly failed still reads at most 4× what it misses per batch. */
const MIN_EXPECTED_HIT_RATE = 0.25;

export function listReader(Index: Model<ActivityIndexDoc>) {
  const read = (id: string) => Index.collection.findOne({ _id: id } as never) as Promise<ActivityIndexDoc | null>;

  /** Entries strictly older than `before` (all when absent), newest first, one page read at a time. */
  async function* entries(appId: string, list: ListName, before?: Entry): AsyncGenerator<Entry> {
    const head = await read(indexKeys.head(appId, list));
    const pages = head?.pages ?? 0;
    if (pages === 0) return;
    const cache = new Map<number, Entry[]>();
    const page = async (n: number) => {
      let found = cache.get(n);
      if (!found) cache.set(n, (found = decodeEntries((await read(indexKeys.page(appId, list, n)))?.items)));
      return found;
    };
    let n = pages - 1;
    const firsts = typeof head?.firsts === 'string' ? decodeEntries(head.firsts) : [];
    if (before && firsts.length === pages) {
      // The last page whose first entry is not after the cursor, from the head alone.
      while (n > 0 && compareEntries(firsts[n], before) > 0) n -= 1;
    } else if (before) {
      // No `firsts` (a list from before them): binary search for the last page starting at or before
      // the cursor (about log2(pages) reads: 10 at 100k sessions), instead of walking from the newest.
      let lo = 0;
      let hi = pages - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        const first = (await page(mid))[0];
        if (first && compareEntries(first, before) <= 0) lo = mid;
        else hi = mid - 1;
      }
      n = lo;
    }
    for (; n >= 0; n--) {
      const items = await page(n);
      cache.delete(n);
      for (let i = items.length - 1; i >= 0; i--) if (!before || compareEntries(items[i], before) < 0) yield items[i];
    }
  }

  /** Pages of a list (0: the list is empty or was never written). */
  const pageCount = async (appId: string, list: ListName) => Number((await read(indexKeys.head(appId, list)))?.pages) || 0;

  /** Every active session of the application (one document), oldest first. */
  const activeEntries = async (appId: string) => decodeEntries((await read(indexKeys.active(appId)))?.items);

  /** The active set newest first, strictly older than `before`; `items` when already read. */
  async function* active(appId: string, before?: Entry, items?: Entry[]): AsyncGenerator<Entry> {
    const entries = items ?? (await activeEntries(appId));
    for (let i = entries.length - 1; i >= 0; i--) if (!before || compareEntries(entries[i], before) < 0) yield entries[i];
  }

  const activeIds = async (appId: string) => (await activeEntries(appId)).map((entry) => entry.id);

  return { entries, pageCount, activeEntries, active, activeIds };
}

/** Two newest-first streams merged into one, each entry tagged with its stream. */
export async function* mergeNewestFirst<A extends string, B extends string>(
  a: { kind: A; stream: AsyncGenerator<Entry> } | null,
  b: { kind: B; stream: AsyncGenerator<Entry> } | null,
): AsyncGenerator<Entry & { kind: A | B }> {
  // Both streams start at once: with a cursor each first runs its binary search.
  let [nextA, nextB] = await Promise.all([a ? a.stream.next() : null, b ? b.stream.next() : null]);
  for (;;) {
    const headA = nextA && !nextA.done ? nextA.value : null;
    const headB = nextB && !nextB.done ? nextB.value : null;
    if (!headA && !headB) return;
    if (headA && (!headB || compareEntries(headA, headB) >= 0)) {
      yield { ...headA, kind: a!.kind };
      nextA = await a!.stream.next();
    } else {
      yield { ...headB!, kind: b!.kind };
      nextB = await b!.stream.next();
    }
  }
}

/**
 * Rows for the first `limit` entries that `fetch` accepts (null = deleted or filtered out), fetched a
 * batch at a time in parallel. `next` is where the following page starts: the last row given, or the
 * last entry looked at when the scan budget ran out first, or null at the end of the list.
 */
export async function collectRows<E extends Entry, R>(
  stream: AsyncGenerator<E>,
  options: { limit: number; filtered: boolean; fetch: (entries: E[]) => Promise<Array<R | null>> },
): Promise<{ rows: R[]; next: Entry | null }> {
  const rows: R[] = [];
  let scanned = 0;
  let last: E | null = null;
  for (;;) {
    const need = options.limit - rows.length;
    // Filters read lists holding mostly matches: ask for what is missing, more as rows turn out not to match.
    const hitRate = scanned ? Math.max(rows.length / scanned, MIN_EXPECTED_HIT_RATE) : 1;
    const size = options.filtered ? Math.min(100, Math.ceil(need / hitRate), MAX_SCANNED_ENTRIES - scanned) : need;
    const batch: E[] = [];
    while (batch.length < size) {
      const item = await stream.next();
      if (item.done) break;
      batch.push(item.value);
    }
    const found = batch.length ? await options.fetch(batch) : [];
    for (let i = 0; i < batch.length; i++) {
      scanned += 1;
      last = batch[i];
      const row = found[i];
      if (row !== null && row !== undefined) rows.push(row);
      if (rows.length === options.limit) return { rows, next: { t: last.t, id: last.id } };
    }
    if (batch.length < size) return { rows, next: null };
    if (scanned >= MAX_SCANNED_ENTRIES && last) return { rows, next: { t: last.t, id: last.id } };
  }
}
