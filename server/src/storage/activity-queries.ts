import { Types, isValidObjectId } from 'mongoose';
import type { ActivityCounters, Cursor, FeedFilter, FeedItem, PromptRow, SessionRow, SessionStatusFilter } from '../protocol/activity.js';
import { SIGNAL_TYPES, type SignalType } from '../protocol/insights.js';
import type { MessageDoc } from './message-model.js';
import type { Models } from './models.js';
import type { SessionDoc } from './session-model.js';
import { activityIndexFor, LIST_PAGE_SIZE } from './activity-index.js';
import { indexKeys, listNames, type Entry } from './activity-index-model.js';
import { collectRows, listReader, mergeNewestFirst, type Positioned } from './activity-lists.js';
import { byIds } from './by-ids.js';
import { matchesSearch, queryTrigrams } from './search-terms.js';
import { toLiveStruggle } from './struggles-repository.js';

/**
 * Read queries of the console's Sessions page and Activity tab, at 100k sessions and 1M messages on the
 * embedded FerretDB (which pushes down `{_id}` and, patched, `{_id: {$in}}` filters only — see activity-index-model.ts):
 * - counters: one document; chart: at most two documents (hours of a day, days of a month);
 * - lists: newest-first pages of (time, id) entries, then the rows shown read in one `{_id: {$in}}` query.
 *   Unfiltered lists read exactly the rows they show. A filter reads the smallest list that holds
 *   every match — the active set, a signal's list, the list of the query's rarest trigram — and
 *   checks each row, at most MAX_SCANNED_ENTRIES per request: a page may then come back short, with
 *   a cursor to continue from. A filter whose list is empty answers at once, with no rows.
 *   Only a search shorter than three characters has no list of its own: it walks all sessions.
 * Cursors are `{t, id}` of the last row (or entry) looked at, with the page of each list walked
 * (activity-lists.ts): a page of the feed is two round trips, one for list documents (heads, pages)
 * and one for rows (sessions and prompts, in parallel; a prompt's entry names its session).
 */

export function toSessionRow(doc: Partial<SessionDoc> & { _id: Types.ObjectId }): SessionRow {
  return {
    id: doc._id.toString(),
    visitorId: doc.visitorId ?? '',
    visitorName: doc.visitorName ?? '',
    status: doc.status ?? 'active',
    startedAt: (doc.startedAt ?? new Date(0)).toISOString(),
    endedAt: doc.endedAt ? doc.endedAt.toISOString() : null,
    lastActivityAt: (doc.lastActivityAt ?? doc.startedAt ?? new Date(0)).toISOString(),
    landingUrl: doc.landingUrl ?? '',
    pageCount: doc.pageCount ?? 0,
    eventCount: doc.eventCount ?? 0,
    messageCount: doc.messageSeq ?? 0,
    hasReplay: (doc.chunkCount ?? 0) > 0,
    signals: (doc.signalTypes ?? []).filter(isSignalType),
    summary: doc.insights?.summary?.text
      ? { text: doc.insights.summary.text, source: doc.insights.summary.source === 'ai' ? 'ai' : 'deterministic' }
      : null,
    struggle: toLiveStruggle(doc),
  };
}

const isSignalType = (value: string): value is SignalType => (SIGNAL_TYPES as readonly string[]).includes(value);

export interface SessionListQuery {
  status: SessionStatusFilter;
  q: string;
  signal?: SignalType;
  cursor?: Cursor;
  limit: number;
}

export interface ListResult<R> {
  rows: R[];
  /** Where the next page starts, or null at the end. */
  next: Cursor | null;
}

export interface ActivityQueries {
  listSessions(appId: string, query: SessionListQuery): Promise<ListResult<SessionRow>>;
  listFeed(appId: string, query: { filter: FeedFilter; signal?: SignalType; cursor?: Cursor; limit: number }): Promise<ListResult<FeedItem>>;
  counters(appId: string): Promise<ActivityCounters>;
  /** Sessions started and prompts sent per bucket key (`YYYY-MM-DDTHH` for hours, `YYYY-MM-DD` for days). */
  bucketCounts(appId: string, unit: 'hour' | 'day', keys: string[]): Promise<{ sessions: Map<string, number>; prompts: Map<string, number> }>;
}

type SessionMatch = (doc: SessionDoc) => boolean;

/** The stream without the entries of `ids`, whose read goes out with the stream's first. */
async function* without(stream: AsyncGenerator<Positioned>, ids: Promise<string[]>): AsyncGenerator<Positioned> {
  const [skip, first] = await Promise.all([ids.then((list) => new Set(list)), stream.next()]);
  if (first.done) return;
  if (!skip.has(first.value.id)) yield first.value;
  for await (const entry of stream) if (!skip.has(entry.id)) yield entry;
}

function sessionMatcher(status: SessionStatusFilter, q: string, signal: SignalType | undefined): SessionMatch | null {
  const tests: SessionMatch[] = [];
  if (status !== 'all') tests.push((doc) => doc.status === status);
  if (signal) tests.push((doc) => (doc.signalTypes ?? []).includes(signal));
  if (q) tests.push((doc) => matchesSearch(doc, q));
  return tests.length ? (doc) => tests.every((test) => test(doc)) : null;
}

export function activityQueries({ Session, Message, ActivityIndex }: Pick<Models, 'Session' | 'Message' | 'ActivityIndex'>): ActivityQueries {
  const index = activityIndexFor(ActivityIndex);
  const lists = listReader(ActivityIndex);
  const valid = (appId: string) => isValidObjectId(appId) && String(new Types.ObjectId(appId)) === appId;

  /** Sessions by `_id`, one query; another application's (never expected in its lists) counts as absent. */
  const sessionsById = async (appId: string, ids: string[]) => {
    const found = await byIds<SessionDoc>(Session, ids);
    for (const [id, doc] of found) if (String(doc.appId) !== appId) found.delete(id);
    return found;
  };

  /** Prompt rows; `sessions` holds the sessions their entries name (`ref`), read with the messages. */
  function promptRows(appId: string, entries: Entry[], messages: Map<string, MessageDoc>, sessions: Map<string, SessionDoc>, signal: SignalType | undefined) {
    return entries.map((entry): PromptRow | null => {
      const doc = messages.get(entry.id);
      if (!doc || String(doc.appId) !== appId) return null;
      const session = sessions.get(String(doc.sessionId));
      if (signal && !(session?.signalTypes ?? []).includes(signal)) return null;
      return {
        id: doc._id.toString(),
        sessionId: String(doc.sessionId),
        visitorId: doc.visitorId,
        text: doc.text,
        createdAt: doc.createdAt.toISOString(),
        answeredBy: doc.answeredBy === 'ai' || doc.answeredBy === 'agent' ? doc.answeredBy : 'waiting',
        session: session ? { landingUrl: session.landingUrl ?? '', status: session.status, hasReplay: (session.chunkCount ?? 0) > 0 } : null,
      };
    });
  }

  /**
   * The entries to check for a Sessions query: the smallest list holding every match (fewest pages),
   * or null when one such list is empty and nothing can match.
   */
  async function sessionCandidates(
    appId: string,
    { status, q, signal }: Pick<SessionListQuery, 'status' | 'q' | 'signal'>,
    cursor: Cursor | undefined,
  ): Promise<AsyncGenerator<Positioned> | null> {
    const required = [...(signal ? [listNames.signalSessions(signal)] : []), ...queryTrigrams(q).map(listNames.trigram)];
    const [sizes, active] = await Promise.all([
      Promise.all(required.map((list) => lists.pageCount(appId, list))),
      status === 'active' ? lists.activeEntries(appId) : null,
    ]);
    if (sizes.some((pages) => pages === 0)) return null;
    const smallest = sizes.reduce((best, pages, i) => (pages < sizes[best] ? i : best), 0);
    // The active set is one document: it wins unless a filter's list is smaller than its page count.
    if (active && (!required.length || Math.ceil(active.length / LIST_PAGE_SIZE) <= sizes[smallest])) return lists.active(appId, cursor, active);
    const walk = (list: string, pages?: number) => lists.entries(appId, list, cursor, { hint: cursor?.pages?.[list], pages });
    if (required.length) return walk(required[smallest], sizes[smallest]);
    const all = walk(listNames.sessions);
    // Completed skips the active ids before any row is read (active sessions are the newest, so they
    // would otherwise come first in every walk). The row's own status is still checked.
    return status === 'completed' ? without(all, lists.activeIds(appId)) : all;
  }

  /** The rows of the entries' sessions that pass `match` (null: absent or filtered out). */
  const sessionRows = (entries: Entry[], sessions: Map<string, SessionDoc>, match: SessionMatch | null) =>
    entries.map((entry) => {
      const doc = sessions.get(entry.id);
      return doc && (!match || match(doc)) ? toSessionRow(doc) : null;
    });

  return {
    async listSessions(appId, { status, q, signal, cursor, limit }) {
      if (!valid(appId)) return { rows: [], next: null };
      const stream = await sessionCandidates(appId, { status, q, signal }, cursor);
      if (!stream) return { rows: [], next: null };
      const match = sessionMatcher(status, q, signal);
      return collectRows(stream, {
        limit,
        filtered: Boolean(q || signal),
        fetch: async (entries) => sessionRows(entries, await sessionsById(appId, entries.map((e) => e.id)), match),
      });
    },

    async listFeed(appId, { filter, signal, cursor, limit }) {
      if (!valid(appId)) return { rows: [], next: null };
      const match = sessionMatcher('all', '', signal);
      // A signal reads its own lists of sessions and of their prompts (empty when never seen).
      const [sessionList, promptList] = signal ? [listNames.signalSessions(signal), listNames.signalPrompts(signal)] : [listNames.sessions, listNames.prompts];
      const walk = (list: string) => lists.entries(appId, list, cursor, { hint: cursor?.pages?.[list] });
      // Merged on the entries' (time, id) before any row is read: only the rows shown are fetched.
      const stream = mergeNewestFirst(
        filter === 'prompts' ? null : { kind: 'session' as const, list: sessionList, stream: walk(sessionList) },
        filter === 'sessions' ? null : { kind: 'prompt' as const, list: promptList, stream: walk(promptList) },
      );
      return collectRows(stream, {
        limit,
        filtered: signal !== undefined,
        async fetch(entries) {
          const sessionEntries = entries.filter((e) => e.kind === 'session');
          const promptEntries = entries.filter((e) => e.kind === 'prompt');
          // The sessions shown and the sessions of the prompts shown, in one query beside the prompts'.
          const sessionIds = [...sessionEntries.map((e) => e.id), ...promptEntries.flatMap((e) => (e.ref ? [e.ref] : []))];
          const [sessions, messages] = await Promise.all([sessionsById(appId, sessionIds), byIds<MessageDoc>(Message, promptEntries.map((e) => e.id))]);
          const prompts = promptRows(appId, promptEntries, messages, sessions, signal);
          const rows = sessionRows(sessionEntries, sessions, match);
          const byId = new Map<string, FeedItem | null>();
          sessionEntries.forEach((e, i) => byId.set(`s${e.id}`, rows[i] ? { kind: 'session', ...rows[i]! } : null));
          promptEntries.forEach((e, i) => byId.set(`p${e.id}`, prompts[i] ? { kind: 'prompt', ...prompts[i]! } : null));
          return entries.map((e) => byId.get(`${e.kind === 'session' ? 's' : 'p'}${e.id}`) ?? null);
        },
      });
    },

    async counters(appId) {
      if (!valid(appId)) return { total: 0, active: 0, completed: 0, events: 0 };
      const doc = await index.read(indexKeys.counters(appId));
      const value = (field: string) => Math.max(0, Number(doc?.[field]) || 0);
      return { total: value('total'), active: value('active'), completed: value('completed'), events: value('events') };
    },

    async bucketCounts(appId, unit, keys) {
      const sessions = new Map<string, number>();
      const prompts = new Map<string, number>();
      if (!valid(appId)) return { sessions, prompts };
      // Hours live in one document per day, days in one per month: a chart reads one or two documents.
      const docKey = (key: string) => (unit === 'hour' ? indexKeys.hours(appId, key.slice(0, 10)) : indexKeys.days(appId, key.slice(0, 7)));
      const field = (key: string) => (unit === 'hour' ? key.slice(11, 13) : key.slice(8, 10));
      const ids = [...new Set(keys.map(docKey))];
      const docs = new Map(await Promise.all(ids.map(async (id) => [id, await index.read(id)] as const)));
      for (const key of keys) {
        const doc = docs.get(docKey(key));
        sessions.set(key, Math.max(0, Number(doc?.[`s${field(key)}`]) || 0));
        prompts.set(key, Math.max(0, Number(doc?.[`p${field(key)}`]) || 0));
      }
      return { sessions, prompts };
    },
  };
}
