import { Types, type Model } from 'mongoose';
import { dayKey, hourKey } from '../sessions/time-buckets.js';
import { activityIndexFor, LIST_PAGE_SIZE } from './activity-index.js';
import { compareEntries, encodeEntries, indexKeys, listNames, type ActivityIndexDoc, type Entry, type ListName } from './activity-index-model.js';
import { deleteMatching } from './by-ids.js';
import type { Models } from './models.js';
import type { SearchFields } from '../activity/session-search.js';
import { sessionTrigrams } from './search-terms.js';

const INSERT_BATCH = 1000;
/** Bumped when the shape of the index documents changes: a server finding an older marker rebuilds. */
const INDEX_VERSION = 3; // 2: search trigram and signal lists; 3: prompt entries name their session, chat entries their state, heads hold only `pages`

export interface IndexSource {
  sessions: Array<Entry & { status: string; eventCount: number; search?: SearchFields; signals?: string[]; lastMessageAt?: number | null; chatState?: string }>;
  /** Visitor messages only. */
  prompts: Array<Entry & { sessionId: string }>;
}

/**
 * Replaces one application's index documents with ones computed from `source`. Brute force by design:
 * the one-time build of an existing database, and tests and the benchmark after a bulk insert.
 */
export async function writeActivityIndex(Index: Model<ActivityIndexDoc>, appId: string, source: IndexSource): Promise<void> {
  // Increments still in memory would land on top of the rebuilt counts: write them first, then drop any newer ones.
  await activityIndexFor(Index).flush();
  activityIndexFor(Index).forgetPending(appId);
  const docs = new Map<string, ActivityIndexDoc>();
  const doc = (id: string) => {
    let found = docs.get(id);
    if (!found) docs.set(id, (found = { _id: id, appId }));
    return found;
  };
  const count = (id: string, field: string, n = 1) => {
    const target = doc(id);
    target[field] = (Number(target[field]) || 0) + n;
  };
  const counters = doc(indexKeys.counters(appId));
  Object.assign(counters, { total: 0, active: 0, completed: 0, events: 0 });
  const bucket = (kind: 's' | 'p', t: number) => {
    const at = new Date(t);
    const day = dayKey(at);
    count(indexKeys.hours(appId, day), `${kind}${hourKey(at).slice(11, 13)}`);
    count(indexKeys.days(appId, day.slice(0, 7)), `${kind}${day.slice(8, 10)}`);
  };
  const active: Entry[] = [];
  const chats: Entry[] = [];
  for (const session of source.sessions) {
    count(counters._id, 'total');
    count(counters._id, session.status === 'active' ? 'active' : 'completed');
    count(counters._id, 'events', session.eventCount);
    bucket('s', session.t);
    if (session.status === 'active') active.push({ t: session.t, id: session.id });
    if (session.status === 'active' && session.lastMessageAt) chats.push({ t: session.lastMessageAt, id: session.id, ref: session.chatState ?? 'ai' });
  }
  for (const prompt of source.prompts) bucket('p', prompt.t);
  doc(indexKeys.active(appId)).items = encodeEntries(active.sort(compareEntries));
  doc(indexKeys.chats(appId)).items = encodeEntries(chats.sort(compareEntries));
  const paginate = (list: ListName, entries: Entry[]) => {
    const sorted = [...entries].sort(compareEntries);
    const pages = Math.ceil(sorted.length / LIST_PAGE_SIZE);
    for (let n = 0; n < pages; n++) {
      doc(indexKeys.page(appId, list, n)).items = encodeEntries(sorted.slice(n * LIST_PAGE_SIZE, (n + 1) * LIST_PAGE_SIZE));
    }
    doc(indexKeys.head(appId, list)).pages = pages;
  };
  paginate(listNames.sessions, source.sessions.map(({ t, id }) => ({ t, id })));
  const promptEntry = ({ t, id, sessionId }: IndexSource['prompts'][number]): Entry => ({ t, id, ref: sessionId });
  paginate(listNames.prompts, source.prompts.map(promptEntry));
  // Search and signal lists: entries gathered per list, then paged like the others.
  const extra = new Map<ListName, Entry[]>();
  const add = (list: ListName, entry: Entry) => {
    const entries = extra.get(list);
    if (entries) entries.push(entry);
    else extra.set(list, [entry]);
  };
  const signalsOf = new Map<string, string[]>();
  for (const session of source.sessions) {
    const entry = { t: session.t, id: session.id };
    for (const trigram of sessionTrigrams(session.search ?? {})) add(listNames.trigram(trigram), entry);
    for (const signal of session.signals ?? []) add(listNames.signalSessions(signal), entry);
    if (session.signals?.length) signalsOf.set(session.id, session.signals);
  }
  for (const prompt of source.prompts) {
    for (const signal of signalsOf.get(prompt.sessionId) ?? []) add(listNames.signalPrompts(signal), promptEntry(prompt));
  }
  for (const [list, entries] of extra) paginate(list, entries);

  await deleteMatching(Index.collection, { appId });
  const all = [...docs.values()];
  for (let i = 0; i < all.length; i += INSERT_BATCH) await Index.collection.insertMany(all.slice(i, i + INSERT_BATCH) as never[]);
}

/** Rebuilds one application's index from its raw sessions and messages (reads both collections whole). */
export async function rebuildActivityIndex(models: Pick<Models, 'Session' | 'Message' | 'ActivityIndex'>, appId: string): Promise<void> {
  const app = new Types.ObjectId(appId);
  const [sessions, prompts] = await Promise.all([
    models.Session.collection
      .find({ appId: app }, { projection: { startedAt: 1, status: 1, eventCount: 1, landingUrl: 1, visitorId: 1, visitorName: 1, visitorEmail: 1, signalTypes: 1, lastMessageAt: 1, messageSeq: 1, chatState: 1 } })
      .toArray(),
    models.Message.collection.find({ appId: app, role: 'visitor' }, { projection: { createdAt: 1, sessionId: 1 } }).toArray(),
  ]);
  await writeActivityIndex(models.ActivityIndex, appId, {
    sessions: sessions.map((s) => ({
      t: new Date(s.startedAt).getTime(),
      id: String(s._id),
      status: String(s.status),
      eventCount: Number(s.eventCount) || 0,
      search: { landingUrl: s.landingUrl, visitorId: s.visitorId, visitorName: s.visitorName, visitorEmail: s.visitorEmail },
      signals: Array.isArray(s.signalTypes) ? s.signalTypes.map(String) : [],
      lastMessageAt: s.lastMessageAt && Number(s.messageSeq) > 0 ? new Date(s.lastMessageAt).getTime() : null,
      chatState: typeof s.chatState === 'string' ? s.chatState : 'ai',
    })),
    prompts: prompts.map((m) => ({ t: new Date(m.createdAt).getTime(), id: String(m._id), sessionId: String(m.sessionId) })),
  });
}

/**
 * Once per database: builds every application's index when the marker is missing (a database from
 * before the index existed). New applications need nothing: a missing document counts as empty.
 */
export async function ensureActivityIndex(models: Pick<Models, 'App' | 'Session' | 'Message' | 'ActivityIndex'>, log: (line: string) => void = () => {}): Promise<void> {
  const marker = await models.ActivityIndex.collection.findOne({ _id: indexKeys.built } as never);
  if (marker && marker.version === INDEX_VERSION) return;
  const apps = await models.App.collection.find({}, { projection: { _id: 1 } }).toArray();
  const started = Date.now();
  for (const app of apps) await rebuildActivityIndex(models, String(app._id));
  await models.ActivityIndex.collection.updateOne({ _id: indexKeys.built } as never, { $set: { version: INDEX_VERSION } }, { upsert: true });
  if (apps.length) log(`activity index built for ${apps.length} application(s) in ${Date.now() - started} ms`);
}
