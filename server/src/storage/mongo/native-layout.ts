import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { Types } from 'mongoose';
import { counterDocuments } from '../activity-counters.js';
import { deleteMatching } from '../by-ids.js';
import { backfillConversations } from '../conversation-backfill.js';
import { loadedMessageDoc, loadedSessionDoc } from '../loaded-documents.js';
import { migrateOnce } from '../migration-lease.js';
import type { Models } from '../models.js';
import type { BulkLoader } from '../ports.js';
import { searchFields } from './search-fields.js';

/**
 * The MongoDB-native layout: the fields and counters it derives from the shared documents. A database
 * it did not write — copied from the embedded engine (README: moving to MongoDB), or from before this
 * implementation — is brought to it once at start: search fields, chat priority, counted chunk seqs,
 * prompts' session signals, the conversations' lifecycle status (version 2, issue 18), and every
 * application's counters recounted from raw data.
 */
export const NATIVE_LAYOUT_VERSION = 2;
const LAYOUT_MARKER = 'native-layout';
const WRITE_BATCH = 500;

async function writeAll(collection: Collection, operations: AnyBulkWriteOperation[]) {
  for (let i = 0; i < operations.length; i += WRITE_BATCH) await collection.bulkWrite(operations.slice(i, i + WRITE_BATCH), { ordered: false });
}

/** Replaces one application's counters and chart buckets with a recount of its sessions and prompts. */
export async function recountApplication({ Session, Message }: Pick<Models, 'Session' | 'Message'>, counters: Collection, appId: string): Promise<void> {
  const app = new Types.ObjectId(appId);
  const [sessions, prompts] = await Promise.all([
    Session.collection.find({ appId: app }, { projection: { status: 1, eventCount: 1, bytes: 1, startedAt: 1 } }).toArray(),
    Message.collection.find({ appId: app, role: 'visitor' }, { projection: { createdAt: 1 } }).toArray(),
  ]);
  const docs = counterDocuments(
    appId,
    sessions.map((s) => ({ status: String(s.status), eventCount: Number(s.eventCount) || 0, bytes: Number(s.bytes) || 0, t: new Date(s.startedAt).getTime() })),
    prompts.map((m) => ({ t: new Date(m.createdAt).getTime() })),
  );
  await deleteMatching(counters, { appId });
  await counters.insertMany(docs as never[]);
}

export async function ensureNativeLayout(models: Models, counters: Collection, log: (line: string) => void): Promise<void> {
  await migrateOnce(counters, LAYOUT_MARKER, NATIVE_LAYOUT_VERSION, async () => {
    const started = Date.now();
    const { Session, Message, Chunk, App } = models;
    const sessions = await Session.collection
      .find({ searchGrams: { $exists: false } }, { projection: { landingUrl: 1, visitorId: 1, visitorName: 1, visitorEmail: 1, chatState: 1, signalTypes: 1, countedThrough: 1 } })
      .toArray();
    const updates: AnyBulkWriteOperation[] = [];
    for (const session of sessions) {
      const set: Record<string, unknown> = {
        ...searchFields({ landingUrl: session.landingUrl, visitorId: session.visitorId, visitorName: session.visitorName, visitorEmail: session.visitorEmail }),
        chatPriority: session.chatState === 'waiting' || session.chatState === 'human' ? 1 : 0,
      };
      if (session.countedThrough === undefined) {
        // Every chunk stored so far was counted: the stored seqs are the counted ones.
        const seqs = (await Chunk.collection.find({ sessionId: session._id }, { projection: { seq: 1 } }).toArray()).map((c) => Number(c.seq)).sort((a, b) => a - b);
        let through = 0;
        while (seqs.length && seqs[0] === through + 1) through = seqs.shift()!;
        Object.assign(set, { countedThrough: through, countedAbove: seqs });
      }
      updates.push({ updateOne: { filter: { _id: session._id }, update: { $set: set } } });
      if (Array.isArray(session.signalTypes) && session.signalTypes.length) {
        await Message.collection.updateMany({ sessionId: session._id, role: 'visitor' }, { $set: { sessionSignals: session.signalTypes } });
      }
    }
    await writeAll(Session.collection, updates);
    await backfillConversations(models);
    const apps = (await App.collection.find({}, { projection: { _id: 1 } }).toArray()).map((app) => String(app._id));
    for (const appId of apps) await recountApplication(models, counters, appId);
    if (sessions.length) log(`MongoDB-native layout ${NATIVE_LAYOUT_VERSION}: ${sessions.length} session(s) and ${apps.length} application(s) in ${Date.now() - started} ms`);
  });
}

/** Bulk loading: the shared documents with the native fields, then counters recounted or tallied. */
export function nativeBulkLoader(models: Pick<Models, 'Session' | 'Message'>, counters: Collection): BulkLoader {
  const tallies = new Map<string, { sessions: Array<{ status: string; eventCount: number; bytes: number; t: number }>; prompts: Array<{ t: number }> }>();
  const tally = (appId: string) => {
    let found = tallies.get(appId);
    if (!found) tallies.set(appId, (found = { sessions: [], prompts: [] }));
    return found;
  };
  return {
    async load(sessions, messages) {
      const signalsOf = new Map(sessions.map((s) => [s.id, s.signalTypes]));
      const sessionDocs = sessions.map((s) => {
        tally(s.appId).sessions.push({ status: s.status, eventCount: s.eventCount, bytes: s.bytes, t: s.startedAt.getTime() });
        return { ...loadedSessionDoc(s), ...searchFields(s) };
      });
      const messageDocs = messages.map((m) => {
        if (m.role !== 'visitor') return loadedMessageDoc(m);
        tally(m.appId).prompts.push({ t: m.createdAt.getTime() });
        const signals = signalsOf.get(m.sessionId);
        return { ...loadedMessageDoc(m), ...(signals?.length ? { sessionSignals: signals } : {}) };
      });
      if (sessionDocs.length) await models.Session.collection.insertMany(sessionDocs);
      if (messageDocs.length) await models.Message.collection.insertMany(messageDocs);
    },
    async finish(appId, { exact }) {
      const loaded = tallies.get(appId) ?? { sessions: [], prompts: [] };
      tallies.delete(appId);
      if (exact) return recountApplication(models, counters, appId);
      await deleteMatching(counters, { appId });
      await counters.insertMany(counterDocuments(appId, loaded.sessions, loaded.prompts) as never[]);
    },
  };
}
