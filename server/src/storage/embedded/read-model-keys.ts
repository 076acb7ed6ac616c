import { Schema, type Connection, type Model } from 'mongoose';

/**
 * The embedded read model: the documents the console's Sessions page and Activity tab read on the
 * embedded FerretDB, all addressed by `_id` in the `activity_index` collection.
 *
 * Why: FerretDB 1.x on SQLite answers only `{_id}` (and, patched, `{_id: {$in}}`) from an index; any
 * other filter, sort or count reads the whole collection in Go (~0.05 ms per stored document per
 * query: seconds per list at 100k sessions). So the console never queries `sessions`/`messages` by
 * appId here: it reads these small documents by `_id`, then each row it shows by `_id`.
 *
 *   `<appId>:counters`, `:hours:…`, `:days:…`  counters and chart buckets (../activity-counters.ts)
 *   `<appId>:<list>:head`         `pages`: how many pages the list has (only grows, by `$max`)
 *   `<appId>:<list>:<n>`          one page of the list, oldest first: `items` (see encodeEntries),
 *                                 `v` its version, `sealed` the entry every later page starts at
 *   `<appId>:active`              every active session: a field `m<sessionId>` = its start (ms)
 *   `<appId>:chats`               active sessions with messages: `t<sessionId>` = last message (ms),
 *                                 `c<sessionId>` = its chat state (ai, waiting, human)
 *   `<appId>:conversations`       unresolved conversations (issue 18), whatever their session's status:
 *                                 `u<sessionId>` = its session's start (ms) (conversation-lists.ts)
 *   `built`                       marker: the read model's layout version (migration.ts)
 *
 * Lists: all sessions and all prompts (written with the row), and — written a moment later, see
 * paged-list.ts — the sessions holding each search trigram (../search-terms.ts), and the sessions and
 * prompts of sessions showing each signal. A filtered list reads the smallest list that holds every
 * match, then checks each row: lists only ever gain entries, so a row that no longer matches (signals
 * recomputed, session deleted) is skipped.
 *
 * Every write is one atomic operator update (sets, counters) or a compare-and-set on a page's version
 * (lists): any number of writers, never read-merge-write. The engine itself is one process (a child of
 * the server that started it).
 */

export interface ReadModelDoc {
  _id: string;
  appId?: string;
  pages?: number;
  items?: string;
  v?: number;
  sealed?: string;
  [field: string]: unknown;
}

const readModelSchema = new Schema<ReadModelDoc>({ _id: { type: String, required: true }, appId: { type: String } }, { versionKey: false, strict: false });

export const bindReadModel = (connection: Connection): Model<ReadModelDoc> => connection.model<ReadModelDoc>('ReadModel', readModelSchema, 'activity_index');

export type ListName = string;

export const listNames = {
  sessions: 'sessions',
  prompts: 'prompts',
  signalSessions: (signal: string) => `signal:${signal}:sessions`,
  signalPrompts: (signal: string) => `signal:${signal}:prompts`,
  /** Resolved conversations by resolution time (conversation-lists.ts). */
  resolvedConversations: 'conversations:resolved',
  /** Hex: a trigram can hold any character, `:` included. */
  trigram: (trigram: string) => `tri:${Buffer.from(trigram).toString('hex')}`,
} as const;

export const readModelKeys = {
  head: (appId: string, list: ListName) => `${appId}:${list}:head`,
  page: (appId: string, list: ListName, n: number) => `${appId}:${list}:${n}`,
  active: (appId: string) => `${appId}:active`,
  chats: (appId: string) => `${appId}:chats`,
  conversations: (appId: string) => `${appId}:conversations`,
  built: 'built',
};

/**
 * A list entry: the row's time (ms) and id. Lists are ordered by (t, id), the console's order. A
 * prompt's entry also names its session (`ref`), so a page of the feed reads prompts and their
 * sessions at once instead of one after the other.
 */
export interface Entry {
  t: number;
  id: string;
  ref?: string;
}

export const compareEntries = (a: Entry, b: Entry): number => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * A page is one string `t36-id[-ref],…`, not an array of subdocuments: FerretDB decodes a stored
 * document value by value, and one string of 100 entries reads ~3.5× faster than 100 small objects.
 */
export function encodeEntries(entries: Entry[]): string {
  return entries.map((e) => `${e.t.toString(36)}-${e.id}${e.ref ? `-${e.ref}` : ''}`).join(',');
}

export function decodeEntries(items: string | undefined): Entry[] {
  if (!items) return [];
  return items.split(',').map((part) => {
    const [t, id, ref] = part.split('-');
    return ref ? { t: parseInt(t, 36), id, ref } : { t: parseInt(t, 36), id };
  });
}

/** Sorted insert (ascending); an entry already present is not added twice. */
export function insertSorted(entries: Entry[], entry: Entry): Entry[] {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareEntries(entries[mid], entry) < 0) lo = mid + 1;
    else hi = mid;
  }
  if (lo < entries.length && compareEntries(entries[lo], entry) === 0) return entries;
  return [...entries.slice(0, lo), entry, ...entries.slice(lo)];
}

/** The members of a set document (`<prefix><sessionId>` fields), oldest first. */
export function setMembers(doc: ReadModelDoc | null, prefix: string): Entry[] {
  const entries: Entry[] = [];
  for (const [field, value] of Object.entries(doc ?? {})) {
    if (field.startsWith(prefix) && field.length === prefix.length + 24 && typeof value === 'number') entries.push({ t: value, id: field.slice(prefix.length) });
  }
  return entries.sort(compareEntries);
}
