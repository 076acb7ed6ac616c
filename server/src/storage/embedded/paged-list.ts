import type { Collection } from 'mongodb';
import { compareEntries, decodeEntries, encodeEntries, indexKeys, insertSorted, type ActivityIndexDoc, type Entry, type ListName } from './activity-index-model.js';
import { serializeSessionWrite } from './session-writes.js';

/** Entries per list page: one page read gives this many candidate rows. */
export const LIST_PAGE_SIZE = 100;
/** Search and signal entries wait this long in memory, so a burst of sessions writes each list once. */
const DEFERRED_FLUSH_DELAY_MS = 250;
/** Lists written at once by the deferred flush: a new session joins ~50 trigram lists, ingest comes first. */
const DEFERRED_CONCURRENCY = 4;
const RETRY_DELAY_MS = 1000;

export interface ListWriter {
  /** Adds entries to a list now (the lists a row appears in at once: all sessions, all prompts). */
  append(appId: string, list: ListName, entries: Entry[]): Promise<void>;
  /** Adds entries a moment later, batched per list (search and signal lists). */
  defer(appId: string, list: ListName, entries: Entry[]): void;
  /** Writes every deferred entry now. */
  flush(): Promise<void>;
  forgetPending(appId: string): void;
}

/**
 * Writes the paged lists of activity-index-model.ts. Each list has one writer at a time in this
 * process (serializeSessionWrite keyed by the list): FerretDB 1.x updates without transactions.
 */
export function listWriter(collection: Collection, onError: (error: unknown) => void = () => {}): ListWriter {
  const findDoc = (id: string) => collection.findOne({ _id: id } as never) as Promise<ActivityIndexDoc | null>;
  const setDoc = (id: string, appId: string, fields: Record<string, unknown>) =>
    collection.updateOne({ _id: id } as never, { $set: { appId, ...fields } }, { upsert: true });
  const readPage = async (appId: string, list: ListName, n: number) => decodeEntries((await findDoc(indexKeys.page(appId, list, n)))?.items);

  /**
   * Newer entries merge into the newest page, spilling into new pages of LIST_PAGE_SIZE; an entry
   * older than the newest page goes where it sorts (a late one: an identified visitor, a session's
   * signals found at its end). New pages exist before the head counts them: a reader never meets a
   * missing page. An entry already listed is not added twice.
   */
  function append(appId: string, list: ListName, entries: Entry[]): Promise<void> {
    const sorted = [...entries].sort(compareEntries);
    return serializeSessionWrite(`${appId}:${list}`, async () => {
      const pages = (await findDoc(indexKeys.head(appId, list)))?.pages ?? 0;
      const newestPage = Math.max(pages - 1, 0);
      const last = pages > 0 ? await readPage(appId, list, newestPage) : [];
      let merged = last;
      for (const entry of sorted) {
        if (newestPage === 0 || !last.length || compareEntries(entry, last[0]) >= 0) merged = insertSorted(merged, entry);
        else await insertOlder(appId, list, newestPage, entry);
      }
      if (merged === last) return;
      const keep = Math.max(LIST_PAGE_SIZE, pages > 0 ? last.length : 0);
      const spilled: Entry[][] = [];
      for (let i = keep; i < merged.length; i += LIST_PAGE_SIZE) spilled.push(merged.slice(i, i + LIST_PAGE_SIZE));
      // Newest page first, then its spill: a reader may briefly miss a spilled entry, never see it twice.
      await setDoc(indexKeys.page(appId, list, newestPage), appId, { items: encodeEntries(merged.slice(0, keep)) });
      for (let i = 0; i < spilled.length; i++) await setDoc(indexKeys.page(appId, list, newestPage + 1 + i), appId, { items: encodeEntries(spilled[i]) });
      const total = newestPage + 1 + spilled.length;
      if (total !== pages) await setDoc(indexKeys.head(appId, list), appId, { pages: total });
    });
  }

  /** Into the page below `newest` (≥ 1) whose first entry is not after it, page 0 at worst. */
  async function insertOlder(appId: string, list: ListName, newest: number, entry: Entry): Promise<void> {
    let n = newest - 1;
    let items = await readPage(appId, list, n);
    while (n > 0 && items.length > 0 && compareEntries(entry, items[0]) < 0) items = await readPage(appId, list, --n);
    const updated = insertSorted(items, entry);
    if (updated !== items) await setDoc(indexKeys.page(appId, list, n), appId, { items: encodeEntries(updated) });
  }

  const pending = new Map<string, { appId: string; list: ListName; entries: Entry[] }>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  function schedule(delayMs: number) {
    if (!timer) timer = setTimeout(() => void drain(), delayMs).unref();
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

  function put(appId: string, list: ListName, entries: Entry[]) {
    const key = `${appId}:${list}`;
    const waiting = pending.get(key) ?? { appId, list, entries: [] };
    waiting.entries.push(...entries);
    pending.set(key, waiting);
  }

  return {
    append,
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
