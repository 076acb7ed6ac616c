import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
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
 *      visitors' session lists are arrays.
 */
export const READ_MODEL_VERSION = 5;
/** How long a migrating process holds the lease without renewing it before another may take over. */
const LEASE_MS = 60_000;
const WAIT_POLL_MS = 500;
const INSERT_BATCH = 1000;
const UPDATE_BATCH = 50;
const LEASE_ID = 'migration-lease';

type AllModels = Models & EmbeddedModels;

/**
 * Once per database: migrates when the marker is older than READ_MODEL_VERSION (or missing: a
 * database from before the read model). Two processes starting on one database at once — the embedded
 * engine is one process, but a test or a tool may open it beside the server — agree through a lease
 * document: one migrates, the other waits for the marker.
 */
export async function ensureReadModel(models: AllModels, log: (line: string) => void = () => {}): Promise<void> {
  const marker = models.ReadModel.collection;
  const current = async () => Number((await marker.findOne({ _id: readModelKeys.built } as never))?.version) || 0;
  const owner = randomUUID();
  for (;;) {
    if ((await current()) === READ_MODEL_VERSION) return;
    if (await takeLease(models, owner)) break;
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
  const renew = setInterval(() => void takeLease(models, owner).catch(() => {}), LEASE_MS / 3).unref();
  try {
    if ((await current()) === READ_MODEL_VERSION) return;
    const started = Date.now();
    const apps = (await models.App.collection.find({}, { projection: { _id: 1 } }).toArray()).map((app) => String(app._id));
    for (const appId of apps) await rebuildReadModel(models, marker, appId);
    await rebuildActiveSessions(models);
    await completeChunkHeads(models);
    await markCountedChunks(models);
    await completeMessagePages(models);
    await completeVisitorLists(models);
    await marker.updateOne({ _id: readModelKeys.built } as never, { $set: { version: READ_MODEL_VERSION } }, { upsert: true });
    if (apps.length) log(`embedded read model migrated to layout ${READ_MODEL_VERSION} for ${apps.length} application(s) in ${Date.now() - started} ms`);
  } finally {
    clearInterval(renew);
    await marker.deleteOne({ _id: LEASE_ID, owner } as never);
  }
}

/** Takes (or renews) the lease: only when nobody holds it or its holder stopped renewing it. */
async function takeLease(models: AllModels, owner: string): Promise<boolean> {
  const now = Date.now();
  try {
    const result = await models.ReadModel.collection.updateOne(
      { _id: LEASE_ID, $or: [{ owner }, { expiresAt: { $lt: now } }] } as never,
      { $set: { owner, expiresAt: now + LEASE_MS } },
      { upsert: true },
    );
    return result.matchedCount + result.upsertedCount === 1;
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return false; // held by another: the upsert met its document
    throw error;
  }
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
