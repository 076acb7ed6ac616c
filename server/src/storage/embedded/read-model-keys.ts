import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Materialized read models of the console's Sessions page and Activity tab, all addressed by `_id`.
 *
 * Why: FerretDB 1.x on SQLite pushes down only `{ _id: value }` filters; any other filter, sort or count
 * reads the whole collection in Go (~0.1 ms per stored document, 6–9 s per list at 10k sessions). So the
 * console never queries `sessions`/`messages` by appId: it reads these small documents by `_id`, and
 * fetches each row it shows by `_id`. The same documents work unchanged on MongoDB.
 *
 *   `<appId>:counters`            total, active, completed, events
 *   `<appId>:hours:<YYYY-MM-DD>`  per-hour counts of one UTC day: s<hh> sessions started, p<hh> prompts
 *   `<appId>:days:<YYYY-MM>`      per-day counts of one UTC month: s<dd>, p<dd>
 *   `<appId>:<list>:head`         `pages`: how many pages the list has (list names: `listNames`)
 *   `<appId>:<list>:<n>`          `items`: one page of the list, oldest first (see encodeEntries)
 *   `<appId>:active`              `items`: every active session of the application
 *   `<appId>:chats`               `items`: active sessions with messages, by time of their last message,
 *                                 each naming its chat state (`ref`: ai, waiting, human)
 *   `built`                       marker: every application's documents were built from raw data
 *
 * Lists: all sessions and all prompts (written with the row), and — written a moment later, see
 * activity-list-writer.ts — the sessions holding each search trigram (search-terms.ts), and the
 * sessions and prompts of sessions showing each signal (written by the insights job). A filtered
 * list reads the smallest list that holds every match, then checks each row: lists only ever gain
 * entries, so a row that no longer matches (signals recomputed, session deleted) is skipped.
 *
 * Counts change by `$inc` (coalesced in memory, see activity-index.ts); lists are append-mostly pages.
 */

export interface ActivityIndexDoc {
  _id: string;
  appId?: string;
  pages?: number;
  items?: string;
  [count: string]: unknown;
}

const activityIndexSchema = new Schema<ActivityIndexDoc>(
  { _id: { type: String, required: true }, appId: { type: String } },
  { versionKey: false, strict: false },
);

export const bindActivityIndexModel = (connection: Connection): Model<ActivityIndexDoc> =>
  connection.model<ActivityIndexDoc>('ActivityIndex', activityIndexSchema, 'activity_index');

export type ListName = string;

export const listNames = {
  sessions: 'sessions',
  prompts: 'prompts',
  signalSessions: (signal: string) => `signal:${signal}:sessions`,
  signalPrompts: (signal: string) => `signal:${signal}:prompts`,
  /** Hex: a trigram can hold any character, `:` included. */
  trigram: (trigram: string) => `tri:${Buffer.from(trigram).toString('hex')}`,
} as const;

export const indexKeys = {
  counters: (appId: string) => `${appId}:counters`,
  hours: (appId: string, dayKey: string) => `${appId}:hours:${dayKey}`,
  days: (appId: string, monthKey: string) => `${appId}:days:${monthKey}`,
  head: (appId: string, list: ListName) => `${appId}:${list}:head`,
  page: (appId: string, list: ListName, n: number) => `${appId}:${list}:${n}`,
  active: (appId: string) => `${appId}:active`,
  chats: (appId: string) => `${appId}:chats`,
  built: 'built',
};

/**
 * A list entry: the row's time (ms) and id. Lists are ordered by (t, id), the console's order. A
 * prompt's entry also names its session (`ref`), so a page of the feed reads prompts and their
 * sessions at once instead of one after the other; a chat's entry names its handoff state.
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
