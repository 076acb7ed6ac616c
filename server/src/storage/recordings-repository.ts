import { isValidObjectId, Types, type Model } from 'mongoose';
import { byIds, deleteMatching } from './by-ids.js';
import { chunkKey, type ChunkDoc } from './chunk-model.js';
import type { MessagePagesDoc } from './message-pages.js';
import { encodeHead, headsKey, headsPage, type ChunkHeadsDoc } from './chunk-heads.js';
import { chunkReads } from './chunk-listing.js';
import type { MessageDoc } from './message-model.js';
import type { ChunkHeader, RecordingsRepository } from './repositories.js';
import type { SessionDoc } from './session-model.js';
import { serializeSessionWrite } from './session-writes.js';
import { countingKey, recountSession } from './session-recount.js';
import { toSession } from './sessions-repository.js';
import type { ActiveSessionDoc } from './visitor-model.js';
import type { ActivityIndex, DeletedSession } from './activity-index.js';
import { indexKeys } from './activity-index-model.js';

const DUPLICATE_KEY = 11000;
/**
 * Chunks of recordings, the session counters they feed, and deleting sessions with all they own.
 * The per-batch path reads and writes by `_id` only: FerretDB 1.x on SQLite scans the whole collection
 * for any other filter, which made every batch slower as recordings accumulated.
 */
export function recordingsRepository(
  Chunk: Model<ChunkDoc>,
  Session: Model<SessionDoc>,
  Message: Model<MessageDoc>,
  ActiveSession: Model<ActiveSessionDoc>,
  ChunkHeads: Model<ChunkHeadsDoc>,
  /** Console counters (events) and chart buckets, kept in step with each batch and each deletion. */
  index?: ActivityIndex,
  MessagePages?: Model<MessagePagesDoc>,
): RecordingsRepository {
  const valid = (id: string) => isValidObjectId(id);
  const addHead = (chunk: ChunkHeader & { sessionId: string }) =>
    serializeSessionWrite(chunk.sessionId, () =>
      ChunkHeads.updateOne(
        { _id: headsKey(chunk.sessionId, headsPage(chunk.seq)) },
        { $setOnInsert: { sessionId: chunk.sessionId }, $addToSet: { h: encodeHead(chunk) } },
        { upsert: true },
      ),
    );

  const reads = chunkReads(Chunk, Session, ChunkHeads);

  const repository: RecordingsRepository = {
    async insertChunk(chunk) {
      if (!valid(chunk.sessionId)) return false;
      try {
        await Chunk.create({ _id: chunkKey(chunk.sessionId, chunk.seq), ...chunk });
      } catch (error) {
        if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
        // The first attempt may have stored the chunk and died before its header. The header is the
        // stored chunk's: a copy sent again (socket, then the pagehide POST) may differ in bytes.
        const stored = await Chunk.findById(chunkKey(chunk.sessionId, chunk.seq), { data: 0 }).lean<ChunkDoc>();
        if (stored) await addHead({ ...stored, seq: chunk.seq, sessionId: chunk.sessionId });
        return false;
      }
      await addHead(chunk);
      return true;
    },
    async addToSession(sessionId, { seq, events, bytes, at }) {
      if (!valid(sessionId)) return;
      // findOneAndUpdate (not updateOne) for the appId of the events counter; FerretDB reads the
      // document for either, and refuses a projection here.
      const doc = await serializeSessionWrite(sessionId, () =>
        Session.findOneAndUpdate(
          { _id: sessionId },
          { $inc: { eventCount: events, bytes, chunkCount: 1 }, $max: { maxSeq: seq, lastActivityAt: at }, $set: { disconnectedAt: null } },
        ).lean<{ appId: Types.ObjectId }>(),
      );
      if (doc) index?.eventsAdded(String(doc.appId), events, bytes);
    },
    async storeChunk(chunk) {
      return serializeSessionWrite(countingKey(chunk.sessionId), async () => {
        const stored = await repository.insertChunk(chunk);
        if (stored) await repository.addToSession(chunk.sessionId, { seq: chunk.seq, events: chunk.eventCount, bytes: chunk.bytes, at: chunk.storedAt });
        return stored;
      });
    },
    recount: (sessionId) => (valid(sessionId) ? recountSession(Session, ChunkHeads, index, sessionId) : Promise.resolve(null)),
    async markRecordingStopped(sessionId, reason) {
      if (!valid(sessionId)) return false;
      // Read, then write by `_id` alone, as one serialized step (like completing a session).
      return serializeSessionWrite(sessionId, async () => {
        const current = await Session.findById(sessionId, { recordingStopped: 1 }).lean<{ recordingStopped?: string | null }>();
        if (!current || current.recordingStopped) return false;
        await Session.updateOne({ _id: sessionId }, { $set: { recordingStopped: reason } });
        return true;
      });
    },
    async storedBytes(appId) {
      const counters = await index?.read(indexKeys.counters(appId));
      return Math.max(0, Number(counters?.bytes) || 0);
    },
    async contiguousSeq(sessionId) {
      if (!valid(sessionId)) return 0;
      const session = await Session.findById(sessionId, { contiguousSeq: 1 }).lean<{ contiguousSeq?: number }>();
      const start = session?.contiguousSeq ?? 0;
      let mark = start;
      while (await Chunk.exists({ _id: chunkKey(sessionId, mark + 1) })) mark += 1;
      if (mark > start) await serializeSessionWrite(sessionId, () => Session.updateOne({ _id: sessionId }, { $max: { contiguousSeq: mark } }));
      return mark;
    },
    async maxSeq(sessionId) {
      if (!valid(sessionId)) return 0;
      const session = await Session.findById(sessionId, { maxSeq: 1 }).lean<{ maxSeq?: number }>();
      return session?.maxSeq ?? 0;
    },
    async listChunks(sessionId, afterSeq, limit) {
      return valid(sessionId) ? reads.listChunks(sessionId, afterSeq, limit) : [];
    },
    async chunkData(sessionId, seq) {
      return valid(sessionId) ? reads.chunkData(sessionId, seq) : null;
    },
    async chunksData(sessionId, seqs) {
      return valid(sessionId) ? reads.chunksData(sessionId, seqs) : new Map();
    },
    async markDisconnected(sessionId, at) {
      if (!valid(sessionId)) return;
      await serializeSessionWrite(sessionId, () => Session.updateOne({ _id: sessionId }, { $set: { disconnectedAt: at } }));
    },
    async appIdsWithSessions(status) {
      if (status === 'active') {
        const active = await ActiveSession.find({}, { appId: 1 }).lean<Array<{ appId: string }>>();
        return [...new Set(active.map((row) => row.appId))];
      }
      const rows = await Session.aggregate<{ _id: Types.ObjectId }>([
        { $match: status ? { status } : {} },
        { $group: { _id: '$appId', count: { $sum: 1 } } },
      ]);
      return rows.map((row) => String(row._id));
    },
    async listActiveDue(appId, { lastActivityBefore, startedBefore, disconnectedBefore }, limit) {
      if (!valid(appId)) return [];
      const due = [];
      // Through the small active set, then by `_id`: never a scan of all sessions.
      for (const { _id } of await ActiveSession.find({}, { _id: 1, appId: 1 }).lean<Array<{ _id: string; appId: string }>>()) {
        const doc = await Session.findById(_id).lean<SessionDoc & { disconnectedAt?: Date | null }>();
        if (!doc || doc.status !== 'active' || String(doc.appId) !== appId) continue;
        const disconnectedAt = doc.disconnectedAt ?? null;
        if (doc.lastActivityAt < lastActivityBefore || doc.startedAt < startedBefore || (disconnectedAt && disconnectedAt < disconnectedBefore)) {
          due.push({ ...toSession(doc), disconnectedAt });
          if (due.length >= limit) break;
        }
      }
      return due;
    },
    async listSessionIds(filter, limit) {
      if (!valid(filter.appId)) return [];
      const query: Record<string, unknown> = { appId: filter.appId };
      if (filter.visitorId !== undefined) query.visitorId = filter.visitorId;
      if (filter.startedBefore) query.startedAt = { $lt: filter.startedBefore };
      const docs = await Session.find(query, { _id: 1 }).limit(limit).lean<Array<{ _id: Types.ObjectId }>>();
      return docs.map((doc) => String(doc._id));
    },
    async deleteSessions(ids) {
      const objectIds = ids.filter(valid).map((id) => new Types.ObjectId(id));
      if (objectIds.length === 0) return { sessions: 0, chunks: 0, messages: 0 };
      // What the console's counters and chart counted for these sessions, read before they go.
      const gone = index ? await countedFor(Session, Message, objectIds) : null;
      // Children first: an interrupted run leaves a session that the next run deletes, never orphans.
      // A batch of long sessions can own more chunks than one FerretDB delete can take (deleteMatching).
      const children = { sessionId: { $in: objectIds } };
      const chunks = await deleteMatching(Chunk.collection, children);
      await deleteMatching(ChunkHeads.collection, children);
      if (MessagePages) await deleteMatching(MessagePages.collection, children);
      const messages = await deleteMatching(Message.collection, children);
      const sessions = (await Session.deleteMany({ _id: { $in: objectIds } })).deletedCount;
      if (gone) await index?.sessionsDeleted(gone.sessions, gone.prompts);
      return { sessions, chunks, messages };
    },
  };
  return repository;
}

/** The sessions (read by `_id`) and visitor messages about to be deleted, as the activity index counted them. */
async function countedFor(Session: Model<SessionDoc>, Message: Model<MessageDoc>, ids: Types.ObjectId[]) {
  const docs = await byIds<SessionDoc>(Session, ids.map(String));
  const sessions: DeletedSession[] = [...docs.values()].map((doc) => ({
    appId: String(doc.appId),
    id: doc._id.toString(),
    status: doc.status,
    eventCount: doc.eventCount ?? 0,
    bytes: doc.bytes ?? 0,
    startedAt: doc.startedAt,
  }));
  const prompts = await Message.find({ sessionId: { $in: ids }, role: 'visitor' }, { appId: 1, createdAt: 1 }).lean<MessageDoc[]>();
  return { sessions, prompts: prompts.map((m) => ({ appId: String(m.appId), createdAt: m.createdAt })) };
}
