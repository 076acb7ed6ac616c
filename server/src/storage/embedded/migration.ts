import { Types } from 'mongoose';
import { backfillConversations } from '../conversation-backfill.js';
import { migrateOnce } from '../migration-lease.js';
import type { Models } from '../models.js';
import { decodeHeads, encodeHead, headsKey, headsPage, type ChunkHeadsDoc } from './chunk-heads.js';
import type { EmbeddedModels } from './embedded-models.js';
import { MESSAGES_PER_PAGE } from './message-pages.js';
import { readModelKeys } from './read-model-keys.js';
import { rebuildReadModel } from './rebuild.js';

/**
 * The layout of the embedded read model, bumped when it changes: a server finding an older marker
 * migrates the database once, before it serves, so no read or write path knows an older layout.
 *   2: search trigram and signal lists; 3: prompt entries name their session, chat entries their state;
 *   4: stored bytes counted per application;
 *   5: written by compare-and-set (page versions and seals, sets as one field per member); every
 *      session has its chunk header pages and message pages, and says which chunk seqs it counted;
 *      visitors' session lists are arrays;
 *   6: the conversations' unresolved set and resolved list (issue 18), after the conversations of
 *      older sessions are given their lifecycle status (../conversation-backfill.ts).
 */
export const READ_MODEL_VERSION = 6;
const INSERT_BATCH = 1000;
const UPDATE_BATCH = 50;

type AllModels = Models & EmbeddedModels;

/**
 * Once per database: migrates when the marker is older than READ_MODEL_VERSION (or missing: a
 * database from before the read model), before the server serves. Processes starting on one database
 * at once agree through a lease (../migration-lease.ts): one migrates, the others wait.
 */
export async function ensureReadModel(models: AllModels, log: (line: string) => void = () => {}): Promise<void> {
  const marker = models.ReadModel.collection;
  await migrateOnce(marker, readModelKeys.built, READ_MODEL_VERSION, async () => {
    const started = Date.now();
    await backfillConversations(models);
    const apps = (await models.App.collection.find({}, { projection: { _id: 1 } }).toArray()).map((app) => String(app._id));
    for (const appId of apps) await rebuildReadModel(models, marker, appId);
    await rebuildActiveSessions(models);
    await completeChunkHeads(models);
    await markCountedChunks(models);
    await completeMessagePages(models);
    await completeVisitorLists(models);
    if (apps.length) log(`embedded read model migrated to layout ${READ_MODEL_VERSION} for ${apps.length} application(s) in ${Date.now() - started} ms`);
  });
}

async function insertAll(collection: { insertMany(docs: never[]): Promise<unknown> }, docs: unknown[]) {
  for (let i = 0; i < docs.length; i += INSERT_BATCH) await collection.insertMany(docs.slice(i, i + INSERT_BATCH) as never[]);
}

/** The sweeps' set of active sessions, from the sessions themselves. */
async function rebuildActiveSessions({ Session, ActiveSession }: AllModels) {
  const active = await Session.collection.find({ status: 'active' }, { projection: { appId: 1, startedAt: 1 } }).toArray();
  await ActiveSession.collection.deleteMany({});
  await insertAll(ActiveSession.collection, active.map((s) => ({ _id: String(s._id), appId: String(s.appId), startedAt: s.startedAt })));
}

/** Header pages for every stored chunk (sessions recorded before the pages existed have none, or some). */
async function completeChunkHeads({ Session, Chunk, ChunkHeads }: AllModels) {
  const listed = new Map<string, number>();
  for (const doc of await ChunkHeads.collection.find({}).toArray()) {
    listed.set(String(doc.sessionId), (listed.get(String(doc.sessionId)) ?? 0) + decodeHeads((doc as unknown as ChunkHeadsDoc).h ?? []).length);
  }
  const sessions = await Session.collection.find({ chunkCount: { $gt: 0 } }, { projection: { chunkCount: 1 } }).toArray();
  for (const session of sessions) {
    if ((listed.get(String(session._id)) ?? 0) >= Number(session.chunkCount)) continue;
    const chunks = await Chunk.collection.find({ sessionId: session._id }, { projection: { data: 0 } }).toArray();
    const pages = new Map<number, string[]>();
    for (const chunk of chunks) {
      const head = { seq: Number(chunk.seq), firstTs: chunk.firstTs, lastTs: chunk.lastTs, eventCount: chunk.eventCount, bytes: chunk.bytes, hasFullSnapshot: Boolean(chunk.hasFullSnapshot) };
      pages.set(headsPage(head.seq), [...(pages.get(headsPage(head.seq)) ?? []), encodeHead(head)]);
    }
    for (const [page, heads] of pages) {
      await ChunkHeads.collection.updateOne({ _id: headsKey(String(session._id), page) } as never, { $setOnInsert: { sessionId: session._id }, $addToSet: { h: { $each: heads } } }, { upsert: true });
    }
  }
}

/** Sessions from before the counted seqs: every chunk they store was counted (their header pages list them). */
async function markCountedChunks({ Session, ChunkHeads }: AllModels) {
  const legacy = await Session.collection.find({ countedThrough: { $exists: false } }, { projection: { _id: 1 } }).toArray();
  if (!legacy.length) return;
  const stored = new Map<string, number[]>();
  for (const doc of await ChunkHeads.collection.find({}).toArray()) {
    const seqs = stored.get(String(doc.sessionId)) ?? [];
    stored.set(String(doc.sessionId), [...seqs, ...decodeHeads((doc as unknown as ChunkHeadsDoc).h ?? []).map((head) => head.seq)]);
  }
  const updates = legacy.map((session) => {
    const seqs = [...new Set(stored.get(String(session._id)) ?? [])].sort((a, b) => a - b);
    let through = 0;
    while (seqs.length && seqs[0] === through + 1) through = seqs.shift()!;
    return { updateOne: { filter: { _id: session._id }, update: { $set: { countedThrough: through, countedAbove: seqs } } } };
  });
  // Small commands: FerretDB handles each statement under its collection's lock.
  for (let i = 0; i < updates.length; i += UPDATE_BATCH) await Session.collection.bulkWrite(updates.slice(i, i + UPDATE_BATCH));
}

/** Message pages for sessions from before them (their `messagePages` flag unset). */
async function completeMessagePages({ Session, Message, MessagePages }: AllModels) {
  const sessions = await Session.collection.find({ messageSeq: { $gt: 0 }, messagePages: { $ne: true } }, { projection: { _id: 1 } }).toArray();
  for (const session of sessions) {
    const messages = await Message.collection.find({ sessionId: session._id }, { projection: { seq: 1 } }).toArray();
    const pages = new Map<number, Record<string, string>>();
    for (const message of messages) {
      const page = Math.floor(Number(message.seq) / MESSAGES_PER_PAGE);
      pages.set(page, { ...pages.get(page), [`s${message.seq}`]: String(message._id) });
    }
    for (const [page, fields] of pages) {
      await MessagePages.collection.updateOne({ _id: `${session._id}:m${page}` } as never, { $set: fields, $setOnInsert: { sessionId: session._id } }, { upsert: true });
    }
    await Session.collection.updateOne({ _id: session._id }, { $set: { messagePages: true } });
  }
}

/** Visitors' session lists as arrays; a visitor from before the list gets it from its sessions. */
async function completeVisitorLists({ Session, Visitor }: AllModels) {
  for (const visitor of await Visitor.collection.find({}).toArray()) {
    if (Array.isArray(visitor.sessionIds)) continue;
    let ids: string[];
    if (typeof visitor.sessionIds === 'string') ids = visitor.sessionIds.split(',').filter(Boolean);
    else {
      const sessions = await Session.collection.find({ appId: new Types.ObjectId(String(visitor.appId)), visitorId: visitor.visitorId }, { projection: { startedAt: 1 } }).toArray();
      ids = sessions.sort((a, b) => new Date(a.startedAt).getTime() - new Date(b.startedAt).getTime()).map((s) => String(s._id));
    }
    await Visitor.collection.updateOne({ _id: visitor._id }, { $set: { sessionIds: ids } });
  }
}
