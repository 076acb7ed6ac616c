import type { Collection } from 'mongodb';
import { Types } from 'mongoose';
import type { SearchFields } from '../../activity/session-search.js';
import { counterDocuments } from '../activity-counters.js';
import { deleteMatching } from '../by-ids.js';
import type { Models } from '../models.js';
import { sessionTrigrams } from '../search-terms.js';
import { LIST_PAGE_SIZE } from './paged-list.js';
import { compareEntries, encodeEntries, listNames, readModelKeys, type Entry, type ListName, type ReadModelDoc } from './read-model-keys.js';

const INSERT_BATCH = 1000;

export interface ReadModelSource {
  sessions: Array<Entry & { status: string; eventCount: number; bytes?: number; search?: SearchFields; signals?: string[]; lastMessageAt?: number | null; chatState?: string; conversationStatus?: string | null; resolvedAt?: number | null }>;
  /** Visitor messages only. */
  prompts: Array<Entry & { sessionId: string }>;
}

/**
 * Replaces one application's read model documents (counters and buckets included) with ones computed
 * from `source`. Brute force by design: the migration of an existing database, and tests and the
 * benchmark after a bulk load. Pages are written in the layout the live writers keep (paged-list.ts):
 * version 0, each page but the newest sealed at the first entry of the next.
 */
export async function writeReadModel(collection: Collection, appId: string, source: ReadModelSource): Promise<void> {
  const docs = new Map<string, ReadModelDoc>();
  const doc = (id: string) => {
    let found = docs.get(id);
    if (!found) docs.set(id, (found = { _id: id, appId }));
    return found;
  };
  for (const counted of counterDocuments(appId, source.sessions.map((s) => ({ ...s, bytes: s.bytes ?? 0 })), source.prompts)) docs.set(counted._id, counted);
  const active = doc(readModelKeys.active(appId));
  const chats = doc(readModelKeys.chats(appId));
  const resolved: Entry[] = [];
  for (const session of source.sessions) {
    // Conversations outlive their sessions (issue 18): the unresolved set and the resolved list (conversation-lists.ts).
    if (session.conversationStatus === 'resolved' && session.resolvedAt) resolved.push({ t: session.resolvedAt, id: session.id });
    else if (session.conversationStatus) doc(readModelKeys.conversations(appId))[`u${session.id}`] = session.t;
    if (session.status !== 'active') continue;
    active[`m${session.id}`] = session.t;
    if (session.lastMessageAt) Object.assign(chats, { [`t${session.id}`]: session.lastMessageAt, [`c${session.id}`]: session.chatState ?? 'ai' });
  }
  const paginate = (list: ListName, entries: Entry[]) => {
    const sorted = [...entries].sort(compareEntries);
    const pages = Math.ceil(sorted.length / LIST_PAGE_SIZE);
    for (let n = 0; n < pages; n++) {
      const page = doc(readModelKeys.page(appId, list, n));
      page.items = encodeEntries(sorted.slice(n * LIST_PAGE_SIZE, (n + 1) * LIST_PAGE_SIZE));
      page.v = 0;
      if (n < pages - 1) page.sealed = encodeEntries([{ t: sorted[(n + 1) * LIST_PAGE_SIZE].t, id: sorted[(n + 1) * LIST_PAGE_SIZE].id }]);
    }
    doc(readModelKeys.head(appId, list)).pages = pages;
  };
  paginate(listNames.sessions, source.sessions.map(({ t, id }) => ({ t, id })));
  if (resolved.length) paginate(listNames.resolvedConversations, resolved);
  const promptEntry = ({ t, id, sessionId }: ReadModelSource['prompts'][number]): Entry => ({ t, id, ref: sessionId });
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

  await deleteMatching(collection, { appId });
  const all = [...docs.values()];
  for (let i = 0; i < all.length; i += INSERT_BATCH) await collection.insertMany(all.slice(i, i + INSERT_BATCH) as never[]);
}

/** Rebuilds one application's read model from its raw sessions and messages (reads both collections whole). */
export async function rebuildReadModel(models: Pick<Models, 'Session' | 'Message'>, collection: Collection, appId: string): Promise<void> {
  const app = new Types.ObjectId(appId);
  const [sessions, prompts] = await Promise.all([
    models.Session.collection
      .find({ appId: app }, { projection: { startedAt: 1, status: 1, eventCount: 1, bytes: 1, landingUrl: 1, visitorId: 1, visitorName: 1, visitorEmail: 1, signalTypes: 1, lastMessageAt: 1, messageSeq: 1, chatState: 1, conversationStatus: 1, resolvedAt: 1 } })
      .toArray(),
    models.Message.collection.find({ appId: app, role: 'visitor' }, { projection: { createdAt: 1, sessionId: 1 } }).toArray(),
  ]);
  await writeReadModel(collection, appId, {
    sessions: sessions.map((s) => ({
      t: new Date(s.startedAt).getTime(),
      id: String(s._id),
      status: String(s.status),
      eventCount: Number(s.eventCount) || 0,
      bytes: Number(s.bytes) || 0,
      search: { landingUrl: s.landingUrl, visitorId: s.visitorId, visitorName: s.visitorName, visitorEmail: s.visitorEmail },
      signals: Array.isArray(s.signalTypes) ? s.signalTypes.map(String) : [],
      lastMessageAt: s.lastMessageAt && Number(s.messageSeq) > 0 ? new Date(s.lastMessageAt).getTime() : null,
      chatState: typeof s.chatState === 'string' ? s.chatState : 'ai',
      conversationStatus: typeof s.conversationStatus === 'string' ? s.conversationStatus : null,
      resolvedAt: s.resolvedAt ? new Date(s.resolvedAt).getTime() : null,
    })),
    prompts: prompts.map((m) => ({ t: new Date(m.createdAt).getTime(), id: String(m._id), sessionId: String(m.sessionId) })),
  });
}
