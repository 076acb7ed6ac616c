import type { Collection } from 'mongodb';
import { batchedReads } from './batched-reads.js';
import { compareEntries, decodeEntries, encodeEntries, insertSorted, readModelKeys, type Entry, type ListName, type ReadModelDoc } from './read-model-keys.js';

/** Entries per list page: one page read gives this many candidate rows. */
export const LIST_PAGE_SIZE = 100;
/** Search and signal entries wait this long in memory, so a burst of sessions writes each list once. */
const DEFERRED_FLUSH_DELAY_MS = 250;
/** Lists written at once by the deferred flush: a new session joins ~50 trigram lists, ingest comes first. */
const DEFERRED_CONCURRENCY = 4;
const RETRY_DELAY_MS = 1000;
/** Compare-and-set attempts of one append before it gives up (each lost race means another writer progressed). */
const MAX_CAS_ATTEMPTS = 25;
const BACKOFF_BASE_MS = 2;
const DUPLICATE_KEY = 11000;

export interface PagedLists {
  /** Adds entries to a list now (the lists a row appears in at once: all sessions, all prompts). */
  append(appId: string, list: ListName, entries: Entry[]): Promise<void>;
  /** Adds entries a moment later, batched per list (search and signal lists). */
  defer(appId: string, list: ListName, entries: Entry[]): void;
  /** Writes every deferred entry now. */
  flush(): Promise<void>;
  forgetPending(appId: string): void;
}

const encodeKey = (entry: Entry) => `${entry.t.toString(36)}-${entry.id}`;
const decodeKey = (key: string): Entry => decodeEntries(key)[0];

/**
 * The paged lists of read-model-keys.ts, written by any number of writers at once without a lock.
 *
 * Pages hold consecutive ranges of the list: every entry of page n sorts before every entry of page
 * n+1. A page grows by compare-and-set on its version `v` (the update matches `{_id, v}` and bumps
 * `v`; a writer that lost the race reads again and retries). When the newest page is full and an
 * entry sorts after all of it, that page is first sealed at the entry (`sealed`, by the same
 * compare-and-set: no writer can add a later entry to it any more), then the next page is inserted
 * holding the entry (an insert that fails with E11000 when another writer made it first), then the
 * head's page count is raised with `$max`. A reader walking down from the head never meets a missing
 * page; a writer that finds a page sealed goes on to the next one, creating it or raising the head if
 * the writer before it stopped half-way. An entry older than the newest page goes to the page whose
 * range holds it, which may grow past LIST_PAGE_SIZE (late entries: an identified visitor, signals
 * found at a session's end).
 */
export function pagedLists(collection: Collection, onError: (error: unknown) => void = () => {}): PagedLists {
  const read = batchedReads<ReadModelDoc>(collection);
  /** Where each list's newest page was last seen: read with the head, so an append is usually one round trip of reads. */
  const newestSeen = new Map<string, number>();

  const casPage = async (id: string, v: number, fields: Record<string, unknown>) =>
    (await collection.updateOne({ _id: id, v } as never, { $set: fields, $inc: { v: 1 } })).matchedCount === 1;
  async function insertPage(appId: string, list: ListName, n: number, entries: Entry[]): Promise<boolean> {
    try {
      await collection.insertOne({ _id: readModelKeys.page(appId, list, n), appId, items: encodeEntries(entries), v: 0 } as never);
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  }
  const raiseHead = (appId: string, list: ListName, pages: number) =>
    collection.updateOne({ _id: readModelKeys.head(appId, list) } as never, { $max: { pages }, $set: { appId } }, { upsert: true });

  /**
   * The page whose range holds `entry`: from the newest page the head names (read together with the
   * page this process saw last), up past sealed pages, down past pages that start after it.
   */
  async function locate(appId: string, list: ListName, entry: Entry): Promise<{ n: number; page: ReadModelDoc | null; pages: number }> {
    const key = `${appId}:${list}`;
    const guess = newestSeen.get(key);
    const [head, guessed] = await Promise.all([read(readModelKeys.head(appId, list)), guess === undefined ? null : read(readModelKeys.page(appId, list, guess))]);
    const pages = Number(head?.pages) || 0;
    if (pages === 0) return { n: 0, page: null, pages };
    let n = pages - 1;
    let page = n === guess ? guessed : await read(readModelKeys.page(appId, list, n));
    while (page?.sealed && compareEntries(entry, decodeKey(page.sealed)) >= 0) {
      page = await read(readModelKeys.page(appId, list, ++n));
      if (page) await raiseHead(appId, list, n + 1); // the writer that made it stopped before the head
    }
    newestSeen.set(key, n);
    if (!page) return { n, page, pages };
    // Not before the page's first entry: not before its range either (the seal below it is that entry or older).
    const first = page.items ? decodeKey(page.items.split(',', 1)[0]) : null;
    if (first && compareEntries(entry, first) >= 0) return { n, page, pages };
    while (n > 0) {
      const below = await read(readModelKeys.page(appId, list, n - 1));
      if (!below?.sealed || compareEntries(entry, decodeKey(below.sealed)) >= 0) break;
      n -= 1;
      page = below;
    }
    return { n, page, pages };
  }

  /** Adds what belongs to one page (the first entry's), by one write; the entries left for the next round. */
  async function appendRound(appId: string, list: ListName, sorted: Entry[]): Promise<{ done: boolean; left: Entry[] }> {
    const { n, page } = await locate(appId, list, sorted[0]);
    if (!page) {
      // The list's first page, or the next one after a seal whose writer stopped: made here. When
      // another writer made it first (or made it and stopped before the head), the head is raised.
      const made = await insertPage(appId, list, n, sorted);
      await raiseHead(appId, list, n + 1);
      return made ? { done: true, left: [] } : { done: false, left: sorted };
    }
    const bound = page.sealed ? decodeKey(page.sealed) : null;
    let items = decodeEntries(page.items);
    const full = () => !bound && items.length >= LIST_PAGE_SIZE;
    const taken: Entry[] = [];
    const left: Entry[] = [];
    for (const entry of sorted) {
      const fits = (!bound || compareEntries(entry, bound) < 0) && !(full() && compareEntries(entry, items[items.length - 1]) > 0);
      if (fits && left.length === 0) {
        items = insertSorted(items, entry);
        taken.push(entry);
      } else left.push(entry);
    }
    if (taken.length === 0) {
      // The newest page is full and the entry sorts after it: seal it there, then start the next page.
      if (!(await casPage(page._id, Number(page.v) || 0, { sealed: encodeKey(sorted[0]) }))) return { done: false, left: sorted };
      // Another writer past the seal may have made the next page first: the entry then goes there.
      if (!(await insertPage(appId, list, n + 1, [sorted[0]]))) return { done: false, left: sorted };
      await raiseHead(appId, list, n + 2);
      return { done: true, left: sorted.slice(1) };
    }
    const changed = encodeEntries(items) !== page.items;
    if (changed && !(await casPage(page._id, Number(page.v) || 0, { items: encodeEntries(items) }))) return { done: false, left: sorted };
    return { done: true, left };
  }

  async function append(appId: string, list: ListName, entries: Entry[]): Promise<void> {
    // Sorted, each entry once (a batch may name one twice; a page never holds it twice).
    let left = [...entries].sort(compareEntries).filter((entry, i, all) => i === 0 || compareEntries(all[i - 1], entry) !== 0);
    for (let attempt = 1; left.length; ) {
      const round = await appendRound(appId, list, left);
      left = round.left;
      if (round.done) continue;
      if (++attempt > MAX_CAS_ATTEMPTS) throw new Error(`list ${appId}:${list}: ${MAX_CAS_ATTEMPTS} writes lost their race in a row`);
      // Another writer changed the page first: back off a little (jittered), read again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * BACKOFF_BASE_MS * attempt));
    }
  }

  /**
   * This node's appends to one list, one at a time: entries arriving while one runs join the next, so
   * a burst of appends (a hundred sessions started at once) is a few compare-and-sets instead of a
   * hundred racing each other on the same page. Other nodes still race through compare-and-set.
   */
  const tails = new Map<string, Promise<void>>();
  const joining = new Map<string, Entry[]>();
  function combinedAppend(appId: string, list: ListName, entries: Entry[]): Promise<void> {
    const key = `${appId}\n${list}`;
    const waiting = joining.get(key);
    if (waiting) {
      waiting.push(...entries);
      return tails.get(key)!;
    }
    const batch = [...entries];
    joining.set(key, batch);
    const done = (tails.get(key) ?? Promise.resolve())
      .catch(() => {})
      .then(() => {
        if (joining.get(key) === batch) joining.delete(key);
        return append(appId, list, batch);
      });
    tails.set(key, done);
    void done.catch(() => {}).finally(() => tails.get(key) === done && tails.delete(key));
    return done;
  }

  const pending = new Map<string, { appId: string; list: ListName; entries: Entry[] }>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  function schedule(delayMs: number) {
    if (!timer) timer = setTimeout(() => void drain(), delayMs).unref();
  }

  function put(appId: string, list: ListName, entries: Entry[]) {
    const key = `${appId}:${list}`;
    const waiting = pending.get(key) ?? { appId, list, entries: [] };
    waiting.entries.push(...entries);
    pending.set(key, waiting);
  }

  function drain(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = [...pending.values()];
    pending.clear();
    running = running.then(async () => {
      let next = 0;
      const worker = async () => {
        while (next < batch.length) {
          const { appId, list, entries } = batch[next++];
          try {
            await append(appId, list, entries);
          } catch (error) {
            onError(error);
            put(appId, list, entries);
            schedule(RETRY_DELAY_MS);
          }
        }
      };
      await Promise.all(Array.from({ length: DEFERRED_CONCURRENCY }, worker));
    });
    return running;
  }

  return {
    append: combinedAppend,
    defer(appId, list, entries) {
      if (entries.length === 0) return;
      put(appId, list, entries);
      schedule(DEFERRED_FLUSH_DELAY_MS);
    },
    async flush() {
      await drain();
      // A failed list went back to `pending`: one more attempt now, not after the retry delay.
      if (pending.size) await drain();
    },
    forgetPending(appId) {
      for (const [key, waiting] of pending) if (waiting.appId === appId) pending.delete(key);
    },
  };
}
