import type { Model } from 'mongoose';
import { dayKey, hourKey } from '../sessions/time-buckets.js';
import { decodeEntries, encodeEntries, indexKeys, insertSorted, listNames, type ActivityIndexDoc, type Entry } from './activity-index-model.js';
import { listWriter } from './activity-list-writer.js';
import type { SearchFields } from '../activity/session-search.js';
import { sessionTrigrams } from './search-terms.js';
import { serializeSessionWrite } from './session-writes.js';

export { LIST_PAGE_SIZE } from './activity-list-writer.js';
/** Counts are written at most this often per document: ingest adds events to one counter on every batch. */
const FLUSH_DELAY_MS = 100;
const RETRY_DELAY_MS = 1000;

export interface DeletedSession {
  appId: string;
  id: string;
  status: string;
  eventCount: number;
  startedAt: Date;
}

/**
 * Keeps the documents of activity-index-model.ts in step with every write of a session or prompt.
 *
 * FerretDB 1.x applies an update as read → change → write without a transaction, so every document
 * here has one writer at a time in this process (serializeSessionWrite, keyed by the document id).
 * Counts are coalesced: increments wait up to FLUSH_DELAY_MS in memory and go out as one `$inc`;
 * `read` adds what is still waiting, so this process always answers exact counts. (One server process
 * writes per database — the embedded FerretDB is a child of it; on MongoDB `$inc` is atomic anyway.)
 */
export interface IndexedSession {
  appId: string;
  id: string;
  startedAt: Date;
}

export interface ActivityIndex {
  sessionStarted(session: IndexedSession): Promise<void>;
  /** The session's searched fields (search-terms.ts), at its start and when the visitor identifies; listed a moment later. */
  sessionSearchable(session: IndexedSession, fields: SearchFields): void;
  /** Signals found on the session, with its prompts: listed a moment later, for the signal filter. */
  signalsFound(session: IndexedSession, signals: string[], prompts: Entry[]): void;
  sessionCompleted(session: { appId: string; id: string; startedAt: Date }): Promise<void>;
  /**
   * A message in an active session: the session leads the agents' Conversations list. Its entry names
   * the chat's handoff state (every handoff adds a note, so a new state always comes with a message).
   */
  chatActivity(session: Pick<IndexedSession, 'appId' | 'id'>, at: Date, chatState: string): Promise<void>;
  eventsAdded(appId: string, events: number): void;
  promptAdded(prompt: { appId: string; id: string; sessionId: string; createdAt: Date }): Promise<void>;
  sessionsDeleted(sessions: DeletedSession[], prompts: Array<{ appId: string; createdAt: Date }>): Promise<void>;
  /** One document by `_id`, with the increments not yet written added in. */
  read(id: string): Promise<ActivityIndexDoc | null>;
  /** Writes every waiting increment and deferred list entry now (on close; tests, before they search). */
  flush(): Promise<void>;
  /** Drops waiting increments of an application whose documents are being rebuilt from raw data. */
  forgetPending(appId: string): void;
}

const indexes = new WeakMap<Model<ActivityIndexDoc>, ActivityIndex>();

/** One instance per connection, shared by the writers (repositories) and the readers (activity queries). */
export function activityIndexFor(Index: Model<ActivityIndexDoc>): ActivityIndex {
  let index = indexes.get(Index);
  if (!index) {
    index = createActivityIndex(Index);
    indexes.set(Index, index);
  }
  return index;
}

const pad2 = (text: string) => text.padStart(2, '0');

/** The count fields one session start or prompt touches: per hour of its day, per day of its month. */
function bucketFields(kind: 's' | 'p', at: Date): Array<[string, string]> {
  const day = dayKey(at);
  return [
    [`hours:${day}`, `${kind}${pad2(hourKey(at).slice(11, 13))}`],
    [`days:${day.slice(0, 7)}`, `${kind}${day.slice(8, 10)}`],
  ];
}

function createActivityIndex(Index: Model<ActivityIndexDoc>): ActivityIndex {
  const collection = Index.collection;
  const pending = new Map<string, { appId: string; inc: Record<string, number> }>();
  const timers = new Map<string, NodeJS.Timeout>();
  const flushing = new Set<Promise<void>>();

  const lists = listWriter(collection);
  const findDoc = (id: string) => collection.findOne({ _id: id } as never) as Promise<ActivityIndexDoc | null>;
  const setDoc = (id: string, appId: string, fields: Record<string, unknown>) =>
    collection.updateOne({ _id: id } as never, { $set: { appId, ...fields } }, { upsert: true });

  function flushDoc(id: string): Promise<void> {
    timers.delete(id);
    const run = serializeSessionWrite(id, async () => {
      const waiting = pending.get(id);
      pending.delete(id);
      if (!waiting || Object.keys(waiting.inc).length === 0) return;
      try {
        await collection.updateOne({ _id: id } as never, { $inc: waiting.inc, $set: { appId: waiting.appId } }, { upsert: true });
      } catch {
        // Put the increments back; they go out with the next attempt.
        for (const [field, n] of Object.entries(waiting.inc)) bump(id, waiting.appId, field, n, RETRY_DELAY_MS);
      }
    });
    flushing.add(run);
    void run.finally(() => flushing.delete(run));
    return run;
  }

  function bump(id: string, appId: string, field: string, n: number, delayMs = FLUSH_DELAY_MS): void {
    if (n === 0) return;
    const waiting = pending.get(id) ?? { appId, inc: {} };
    waiting.inc[field] = (waiting.inc[field] ?? 0) + n;
    pending.set(id, waiting);
    if (!timers.has(id)) timers.set(id, setTimeout(() => void flushDoc(id), delayMs).unref());
  }

  const bumpCounters = (appId: string, changes: Record<string, number>) => {
    for (const [field, n] of Object.entries(changes)) bump(indexKeys.counters(appId), appId, field, n);
  };
  const bumpBuckets = (appId: string, kind: 's' | 'p', at: Date, n: number) => {
    for (const [doc, field] of bucketFields(kind, at)) bump(`${appId}:${doc}`, appId, field, n);
  };

  /** A set document (active sessions, chats): `remove` and the ids of `add` leave, then `add` goes in sorted. */
  function changeSet(id: string, appId: string, add: Entry[], remove: Set<string>): Promise<void> {
    const leaving = new Set([...remove, ...add.map((entry) => entry.id)]);
    return serializeSessionWrite(id, async () => {
      let entries = decodeEntries((await findDoc(id))?.items).filter((entry) => !leaving.has(entry.id));
      for (const entry of add) entries = insertSorted(entries, entry);
      await setDoc(id, appId, { items: encodeEntries(entries) });
    });
  }

  return {
    async sessionStarted({ appId, id, startedAt }) {
      bumpCounters(appId, { total: 1, active: 1 });
      bumpBuckets(appId, 's', startedAt, 1);
      const entry = { t: startedAt.getTime(), id };
      await Promise.all([lists.append(appId, listNames.sessions, [entry]), changeSet(indexKeys.active(appId), appId, [entry], new Set())]);
    },
    sessionSearchable({ appId, id, startedAt }, fields) {
      const entry = { t: startedAt.getTime(), id };
      for (const trigram of sessionTrigrams(fields)) lists.defer(appId, listNames.trigram(trigram), [entry]);
    },
    signalsFound({ appId, id, startedAt }, signals, prompts) {
      for (const signal of signals) {
        lists.defer(appId, listNames.signalSessions(signal), [{ t: startedAt.getTime(), id }]);
        lists.defer(appId, listNames.signalPrompts(signal), prompts.map((prompt) => ({ t: prompt.t, id: prompt.id, ref: id })));
      }
    },
    async sessionCompleted({ appId, id }) {
      bumpCounters(appId, { active: -1, completed: 1 });
      await Promise.all([changeSet(indexKeys.active(appId), appId, [], new Set([id])), changeSet(indexKeys.chats(appId), appId, [], new Set([id]))]);
    },
    async chatActivity({ appId, id }, at, chatState) {
      await changeSet(indexKeys.chats(appId), appId, [{ t: at.getTime(), id, ref: chatState }], new Set());
    },
    eventsAdded(appId, events) {
      bumpCounters(appId, { events });
    },
    async promptAdded({ appId, id, sessionId, createdAt }) {
      bumpBuckets(appId, 'p', createdAt, 1);
      await lists.append(appId, listNames.prompts, [{ t: createdAt.getTime(), id, ref: sessionId }]);
    },
    async sessionsDeleted(sessions, prompts) {
      // List pages keep the ids of deleted rows; readers skip rows that no longer exist.
      const activeGone = new Map<string, Set<string>>();
      for (const session of sessions) {
        const active = session.status === 'active';
        bumpCounters(session.appId, { total: -1, [active ? 'active' : 'completed']: -1, events: -session.eventCount });
        bumpBuckets(session.appId, 's', session.startedAt, -1);
        if (active) activeGone.set(session.appId, (activeGone.get(session.appId) ?? new Set()).add(session.id));
      }
      for (const prompt of prompts) bumpBuckets(prompt.appId, 'p', prompt.createdAt, -1);
      await Promise.all(
        [...activeGone].flatMap(([appId, ids]) => [changeSet(indexKeys.active(appId), appId, [], ids), changeSet(indexKeys.chats(appId), appId, [], ids)]),
      );
    },
    read(id) {
      return serializeSessionWrite(id, async () => {
        const doc = await findDoc(id);
        const waiting = pending.get(id);
        if (!waiting) return doc;
        const merged: ActivityIndexDoc = { ...(doc ?? { _id: id, appId: waiting.appId }) };
        for (const [field, n] of Object.entries(waiting.inc)) merged[field] = (Number(merged[field]) || 0) + n;
        return merged;
      });
    },
    async flush() {
      await Promise.all([...timers.keys()].map((id) => (clearTimeout(timers.get(id)), flushDoc(id))));
      await Promise.all([...flushing]);
      await lists.flush();
    },
    forgetPending(appId) {
      lists.forgetPending(appId);
      for (const [id, waiting] of pending) {
        if (waiting.appId !== appId) continue;
        pending.delete(id);
        clearTimeout(timers.get(id));
        timers.delete(id);
      }
    },
  };
}
