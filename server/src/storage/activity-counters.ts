import type { Collection } from 'mongodb';
import type { ActivityCounters } from '../protocol/activity.js';
import { dayKey, hourKey } from '../protocol/utc-buckets.js';

/**
 * The console's counters and chart buckets, kept by atomic `$inc` on small documents addressed by
 * `_id`, on every implementation (a count of 100k sessions per request is a scan on the embedded
 * engine and needless work on MongoDB):
 *
 *   `<appId>:counters`            total, active, completed, events, bytes (stored recording bytes, for the quota)
 *   `<appId>:hours:<YYYY-MM-DD>`  per-hour counts of one UTC day: s<hh> sessions started, p<hh> prompts
 *   `<appId>:days:<YYYY-MM>`      per-day counts of one UTC month: s<dd>, p<dd>
 *
 * Each change is counted by the one caller whose own write made it: the creator of a session or a
 * prompt, the winner of a completion, the deleter whose delete removed the document. Nothing is held
 * in memory, so any number of server processes count into the same documents.
 */
export const counterKeys = {
  counters: (appId: string) => `${appId}:counters`,
  hours: (appId: string, day: string) => `${appId}:hours:${day}`,
  days: (appId: string, month: string) => `${appId}:days:${month}`,
};

/** The bucket fields a session start (`s`) or a prompt (`p`) at `at` counts in: its hour of the day, its day of the month. */
export function bucketFields(appId: string, kind: 's' | 'p', at: Date): Array<[doc: string, field: string]> {
  const day = dayKey(at);
  return [
    [counterKeys.hours(appId, day), `${kind}${hourKey(at).slice(11, 13)}`],
    [counterKeys.days(appId, day.slice(0, 7)), `${kind}${day.slice(8, 10)}`],
  ];
}

/**
 * The counter and bucket documents of one application counted from scratch (a migration, a bulk
 * load): its sessions (status, events, stored bytes, start) and its prompts' times.
 */
export function counterDocuments(
  appId: string,
  sessions: Iterable<{ status: string; eventCount: number; bytes: number; t: number }>,
  prompts: Iterable<{ t: number }>,
): Array<Record<string, unknown> & { _id: string }> {
  const docs = new Map<string, Record<string, unknown> & { _id: string }>();
  const count = (id: string, field: string, n = 1) => {
    let doc = docs.get(id);
    if (!doc) docs.set(id, (doc = { _id: id, appId }));
    doc[field] = (Number(doc[field]) || 0) + n;
  };
  const id = counterKeys.counters(appId);
  for (const field of ['total', 'active', 'completed', 'events', 'bytes']) count(id, field, 0);
  for (const session of sessions) {
    count(id, 'total');
    count(id, session.status === 'active' ? 'active' : 'completed');
    count(id, 'events', session.eventCount);
    count(id, 'bytes', session.bytes);
    for (const [doc, field] of bucketFields(appId, 's', new Date(session.t))) count(doc, field);
  }
  for (const prompt of prompts) for (const [doc, field] of bucketFields(appId, 'p', new Date(prompt.t))) count(doc, field);
  return [...docs.values()];
}

export interface DeletedSessionCount {
  appId: string;
  status: string;
  eventCount: number;
  bytes: number;
  startedAt: Date;
}

export function activityCounters(collection: Collection) {
  const inc = async (id: string, appId: string, fields: Record<string, number>) => {
    await collection.updateOne({ _id: id } as never, { $inc: fields, $set: { appId } }, { upsert: true });
  };
  const buckets = (appId: string, kind: 's' | 'p', at: Date, n: number) =>
    Promise.all(bucketFields(appId, kind, at).map(([doc, field]) => inc(doc, appId, { [field]: n })));

  const read = (id: string) => collection.findOne({ _id: id } as never);

  return {
    sessionStarted: (appId: string, startedAt: Date) =>
      Promise.all([inc(counterKeys.counters(appId), appId, { total: 1, active: 1 }), buckets(appId, 's', startedAt, 1)]),
    sessionCompleted: (appId: string) => inc(counterKeys.counters(appId), appId, { active: -1, completed: 1 }),
    /** Recorded events and their stored bytes (the application's storage usage, for its quota). */
    eventsAdded: (appId: string, events: number, bytes: number) => (events || bytes ? inc(counterKeys.counters(appId), appId, { events, bytes }) : Promise.resolve()),
    promptAdded: (appId: string, createdAt: Date) => buckets(appId, 'p', createdAt, 1),
    sessionDeleted: ({ appId, status, eventCount, bytes, startedAt }: DeletedSessionCount) =>
      Promise.all([
        inc(counterKeys.counters(appId), appId, { total: -1, [status === 'active' ? 'active' : 'completed']: -1, events: -eventCount, bytes: -bytes }),
        buckets(appId, 's', startedAt, -1),
      ]),
    /** `n` prompts of one hour deleted (counted by the deleter whose delete removed them). */
    promptsDeleted: (appId: string, createdAt: Date, n: number) => (n ? buckets(appId, 'p', createdAt, -n) : Promise.resolve([])),

    async counters(appId: string): Promise<ActivityCounters> {
      const doc = await read(counterKeys.counters(appId));
      const value = (field: string) => Math.max(0, Number(doc?.[field]) || 0);
      return { total: value('total'), active: value('active'), completed: value('completed'), events: value('events') };
    },

    async storedBytes(appId: string): Promise<number> {
      return Math.max(0, Number((await read(counterKeys.counters(appId)))?.bytes) || 0);
    },

    /** Hours live in one document per day, days in one per month: a chart reads one or two documents. */
    async bucketCounts(appId: string, unit: 'hour' | 'day', keys: string[]) {
      const sessions = new Map<string, number>();
      const prompts = new Map<string, number>();
      const docKey = (key: string) => (unit === 'hour' ? counterKeys.hours(appId, key.slice(0, 10)) : counterKeys.days(appId, key.slice(0, 7)));
      const field = (key: string) => (unit === 'hour' ? key.slice(11, 13) : key.slice(8, 10));
      const ids = [...new Set(keys.map(docKey))];
      const found = ids.length ? await collection.find({ _id: { $in: ids } } as never).toArray() : [];
      const docs = new Map(found.map((doc) => [String(doc._id), doc]));
      for (const key of keys) {
        const doc = docs.get(docKey(key));
        sessions.set(key, Math.max(0, Number(doc?.[`s${field(key)}`]) || 0));
        prompts.set(key, Math.max(0, Number(doc?.[`p${field(key)}`]) || 0));
      }
      return { sessions, prompts };
    },
  };
}

export type ActivityCountersStore = ReturnType<typeof activityCounters>;
