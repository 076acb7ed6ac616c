import type { Collection } from 'mongodb';
import { Types, isValidObjectId } from 'mongoose';
import type { PromptRow, SessionRow } from '../../protocol/activity.js';
import type { SignalType } from '../../protocol/insights.js';
import { matchesSearch } from '../../activity/session-search.js';
import type { ActivityCountersStore } from '../activity-counters.js';
import { byIds } from '../by-ids.js';
import { matchesConversation } from '../conversation-filter.js';
import type { MessageDoc } from '../message-model.js';
import type { Models } from '../models.js';
import type { ActivityStore, ListKey, ListPosition, NewestFirst, SessionFilter } from '../ports.js';
import { toPromptRow, toSessionRow } from '../records.js';
import { queryTrigrams } from '../search-terms.js';
import type { SessionDoc } from '../session-model.js';
import { batchedReads } from './batched-reads.js';
import { listCursors } from './list-cursors.js';
import { listReader, type Positioned } from './list-reader.js';
import { LIST_PAGE_SIZE } from './paged-list.js';
import { listNames, readModelKeys } from './read-model-keys.js';

/**
 * The activity sources of the embedded read model, at 100k sessions and 1M messages on the embedded
 * FerretDB (which pushes down `{_id}` and, patched, `{_id: {$in}}` filters only — see read-model-keys.ts):
 * - counters: one document; chart: at most two documents (hours of a day, days of a month);
 * - keys: newest-first pages of (time, id) entries; rows: read in one `{_id: {$in}}` query per page.
 *   A filter reads the smallest list that holds every match — the active set, a signal's list, the
 *   list of the query's rarest trigram — and each row is checked. A filter whose list is empty
 *   answers at once, with no rows. Only a search shorter than three characters has no list of its
 *   own: it walks all sessions.
 * A resume token names the list walked and the page of the key (list-reader.ts): a page of the
 * feed is then two round trips, one for list documents (heads, pages) and one for rows.
 */

type SessionMatch = (doc: SessionDoc) => boolean;

function sessionMatcher({ status, q, signal, conversation }: SessionFilter): SessionMatch | null {
  const tests: SessionMatch[] = [];
  if (conversation) tests.push((doc) => matchesConversation(doc.conversationStatus, conversation));
  if (status !== 'all') tests.push((doc) => doc.status === status);
  if (signal) tests.push((doc) => (doc.signalTypes ?? []).includes(signal));
  if (q) tests.push((doc) => matchesSearch(doc, q));
  return tests.length ? (doc) => tests.every((test) => test(doc)) : null;
}

/** The stream without the entries of `ids`, whose read goes out with the stream's first. */
async function* without(stream: AsyncGenerator<Positioned>, ids: Promise<string[]>): AsyncGenerator<Positioned> {
  const [skip, first] = await Promise.all([ids.then((list) => new Set(list)), stream.next()]);
  if (first.done) return;
  if (!skip.has(first.value.id)) yield first.value;
  for await (const entry of stream) if (!skip.has(entry.id)) yield entry;
}

/** Keys of a walk over one list, each with the token that resumes the walk at its page. */
function keysOf(stream: AsyncGenerator<Positioned>, list: string, onEntry: (entry: Positioned) => void = () => {}) {
  return async (max: number) => {
    const keys: Array<ListKey & { resume?: string }> = [];
    while (keys.length < max) {
      const item = await stream.next();
      if (item.done) break;
      onEntry(item.value);
      keys.push({ t: item.value.t, id: item.value.id, ...(item.value.page === null ? {} : { resume: listCursors.token(list, item.value.page) }) });
    }
    return keys;
  };
}

export function embeddedActivityStore({ Session, Message }: Pick<Models, 'Session' | 'Message'>, readModel: Collection, counters: ActivityCountersStore): ActivityStore {
  const lists = listReader(readModel);
  const valid = (appId: string) => isValidObjectId(appId) && String(new Types.ObjectId(appId)) === appId;

  /**
   * Sessions by `_id`: the reads asked for at once (a page's sessions and its prompts' sessions) go
   * out as one query. Another application's (never expected in its lists) counts as absent.
   */
  const readSession = batchedReads<SessionDoc>(Session.collection, (id) => new Types.ObjectId(id));
  const sessionsById = async (appId: string, ids: string[]) => {
    const unique = [...new Set(ids.filter((id) => /^[0-9a-f]{24}$/.test(id)))];
    const docs = await Promise.all(unique.map(readSession));
    const found = new Map<string, SessionDoc>();
    docs.forEach((doc, i) => doc && String(doc.appId) === appId && found.set(unique[i], doc));
    return found;
  };

  const walk = (appId: string, list: string, from: ListPosition | undefined, name: 'sessions' | 'prompts', pages?: number) =>
    lists.entries(appId, list, from, { hint: listCursors.page(from?.resume[name], list), pages });

  /**
   * The entries to check for a Sessions query, from the smallest list holding every match (fewest
   * pages), with that list's name; null when one such list is empty and nothing can match.
   */
  async function sessionCandidates(appId: string, { status, q, signal }: SessionFilter, from: ListPosition | undefined) {
    const required = [...(signal ? [listNames.signalSessions(signal)] : []), ...queryTrigrams(q).map(listNames.trigram)];
    const [sizes, active] = await Promise.all([
      Promise.all(required.map((list) => lists.pageCount(appId, list))),
      status === 'active' ? lists.activeEntries(appId) : null,
    ]);
    if (sizes.some((pages) => pages === 0)) return null;
    const smallest = sizes.reduce((best, pages, i) => (pages < sizes[best] ? i : best), 0);
    // The active set is one document: it wins unless a filter's list is smaller than its page count.
    if (active && (!required.length || Math.ceil(active.length / LIST_PAGE_SIZE) <= sizes[smallest])) {
      return { list: readModelKeys.active(appId), stream: lists.active(appId, from, active) };
    }
    if (required.length) return { list: required[smallest], stream: walk(appId, required[smallest], from, 'sessions', sizes[smallest]) };
    const all = walk(appId, listNames.sessions, from, 'sessions');
    // Completed skips the active ids before any row is read (active sessions are the newest, so they
    // would otherwise come first in every walk). The row's own status is still checked.
    return { list: listNames.sessions, stream: status === 'completed' ? without(all, lists.activeIds(appId)) : all };
  }

  return {
    async sessions(appId, filter, from): Promise<NewestFirst<SessionRow> | null> {
      if (!valid(appId)) return null;
      const candidates = await sessionCandidates(appId, filter, from);
      if (!candidates) return null;
      const match = sessionMatcher(filter);
      return {
        next: keysOf(candidates.stream, candidates.list),
        async rows(keys) {
          const found = await sessionsById(appId, keys.map((key) => key.id));
          return keys.map((key) => {
            const doc = found.get(key.id);
            return doc && (!match || match(doc)) ? toSessionRow(doc) : null;
          });
        },
      };
    },

    async prompts(appId, { signal }, from): Promise<NewestFirst<PromptRow> | null> {
      if (!valid(appId)) return null;
      // A signal reads its own list of the prompts of sessions showing it (empty when never seen).
      const list = signal ? listNames.signalPrompts(signal) : listNames.prompts;
      // A prompt's entry names its session (`ref`): prompts and their sessions are read at once.
      const sessionOf = new Map<string, string>();
      return {
        next: keysOf(walk(appId, list, from, 'prompts'), list, (entry) => entry.ref && sessionOf.set(entry.id, entry.ref)),
        async rows(keys) {
          const sessionIds = keys.flatMap((key) => (sessionOf.has(key.id) ? [sessionOf.get(key.id)!] : []));
          const [sessions, messages] = await Promise.all([sessionsById(appId, sessionIds), byIds<MessageDoc>(Message, keys.map((key) => key.id))]);
          return keys.map((key) => promptRow(appId, messages.get(key.id), sessions, signal));
        },
      };
    },

    counters: (appId) => (valid(appId) ? counters.counters(appId) : Promise.resolve({ total: 0, active: 0, completed: 0, events: 0 })),
    bucketCounts: (appId, unit, keys) => (valid(appId) ? counters.bucketCounts(appId, unit, keys) : Promise.resolve({ sessions: new Map(), prompts: new Map() })),

    encodeCursor: listCursors.encode,
    decodeCursor: listCursors.decode,
  };
}

function promptRow(appId: string, doc: MessageDoc | undefined, sessions: Map<string, SessionDoc>, signal: SignalType | undefined): PromptRow | null {
  if (!doc || String(doc.appId) !== appId) return null;
  const session = sessions.get(String(doc.sessionId));
  if (signal && !(session?.signalTypes ?? []).includes(signal)) return null;
  return toPromptRow(doc, session);
}
