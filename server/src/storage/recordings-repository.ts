import { isValidObjectId, Types } from 'mongoose';
import { hourKey } from '../protocol/utc-buckets.js';
import type { ActivityCountersStore } from './activity-counters.js';
import { deleteMatching, IDS_PER_QUERY } from './by-ids.js';
import { MAX_BATCH_SEQ } from '../protocol/limits.js';
import type { ChunkCounting } from './chunk-counting.js';
import { chunkKey } from './chunk-model.js';
import type { MessageDoc } from './message-model.js';
import type { Models } from './models.js';
import type { ChunkHeader, RecordingsRepository } from './ports.js';
import { blobOf } from './records.js';
import type { SessionDoc } from './session-model.js';
import type { WriteHooks } from './write-hooks.js';

const DUPLICATE_KEY = 11000;

/** A stored blob as the driver gives it back (a Buffer, or BSON Binary). */
type StoredBlob = Parameters<typeof blobOf>[0];

/**
 * Chunks of recordings, the session counters they feed, and deleting sessions with all they own:
 * the same documents and atomic writes on every implementation. Listing chunks, and finding the
 * sessions a job works on, is each implementation's own.
 */
export function recordingWrites(
  { Chunk, Session, Message }: Pick<Models, 'Chunk' | 'Session' | 'Message'>,
  counters: ActivityCountersStore,
  hooks: WriteHooks,
  counting: ChunkCounting,
): Omit<RecordingsRepository, 'listChunks' | 'appIdsWithSessions' | 'listActiveDue'> {
  const valid = (id: string) => isValidObjectId(id);
  /** The header of the chunk stored under this seq (a copy sent again may differ in bytes: the stored one counts). */
  const storedHeader = async (sessionId: string, seq: number) =>
    Chunk.findById(chunkKey(sessionId, seq), { data: 0 }).lean<ChunkHeader & { seq: number }>();
  const repository: Omit<RecordingsRepository, 'listChunks' | 'appIdsWithSessions' | 'listActiveDue'> = {
    async insertChunk(chunk) {
      if (!valid(chunk.sessionId)) return false;
      try {
        await Chunk.create({ _id: chunkKey(chunk.sessionId, chunk.seq), ...chunk });
      } catch (error) {
        if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
        await hooks.chunkSentAgain(chunk.sessionId, chunk.seq);
        return false;
      }
      await hooks.chunkStored(chunk.sessionId, chunk);
      return true;
    },
    async addToSession(sessionId, { seq, events, bytes, at }) {
      if (valid(sessionId)) await counting.count(sessionId, { seq, eventCount: events, bytes }, at);
    },
    async storeChunk(chunk) {
      const stored = await repository.insertChunk(chunk);
      // A copy sent again counts what its first writer stored, if that writer died before counting it.
      const header = stored ? chunk : await storedHeader(chunk.sessionId, chunk.seq);
      // The pagehide POST is the visitor leaving, often after their socket closed: it is not them coming back,
      // so it moves no activity time (which would keep a departed visitor's session active, issue 18).
      const activityAt = chunk.via === 'http' ? null : chunk.storedAt;
      if (header) await counting.count(chunk.sessionId, { seq: chunk.seq, eventCount: header.eventCount, bytes: header.bytes }, activityAt);
      return stored;
    },
    recount: (sessionId) => (valid(sessionId) ? counting.recount(sessionId) : Promise.resolve(null)),
    async markRecordingStopped(sessionId, reason) {
      if (!valid(sessionId)) return false;
      const marked = await Session.updateOne({ _id: sessionId, recordingStopped: null }, { $set: { recordingStopped: reason } });
      return marked.modifiedCount === 1;
    },
    storedBytes: (appId) => (valid(appId) ? counters.storedBytes(appId) : Promise.resolve(0)),
    async contiguousSeq(sessionId) {
      if (!valid(sessionId)) return 0;
      const session = await Session.findById(sessionId, { contiguousSeq: 1 }).lean<{ contiguousSeq?: number }>();
      const start = session?.contiguousSeq ?? 0;
      let mark = start;
      while (await Chunk.exists({ _id: chunkKey(sessionId, mark + 1) })) mark += 1;
      if (mark > start) await Session.updateOne({ _id: sessionId }, { $max: { contiguousSeq: mark } });
      return mark;
    },
    async maxSeq(sessionId) {
      if (!valid(sessionId)) return 0;
      const session = await Session.findById(sessionId, { maxSeq: 1 }).lean<{ maxSeq?: number }>();
      return session?.maxSeq ?? 0;
    },
    async chunkData(sessionId, seq) {
      if (!valid(sessionId) || !Number.isSafeInteger(seq) || seq < 1 || seq >= MAX_BATCH_SEQ) return null;
      const doc = await Chunk.findById(chunkKey(sessionId, seq), { data: 1 }).lean<{ data: StoredBlob }>();
      return doc ? blobOf(doc.data) : null;
    },
    async chunksData(sessionId, seqs) {
      const found = new Map<number, Buffer>();
      if (!valid(sessionId)) return found;
      const wanted = seqs.filter((seq) => Number.isSafeInteger(seq) && seq >= 1 && seq < MAX_BATCH_SEQ);
      // One `_id: {$in}` query per IDS_PER_QUERY (the embedded engine reads them through its `_id` index).
      for (let i = 0; i < wanted.length; i += IDS_PER_QUERY) {
        const ids = wanted.slice(i, i + IDS_PER_QUERY).map((seq) => chunkKey(sessionId, seq));
        const docs = await Chunk.find({ _id: { $in: ids } }, { seq: 1, data: 1 }).lean<Array<{ seq: number; data: StoredBlob }>>();
        for (const doc of docs) found.set(doc.seq, blobOf(doc.data));
      }
      return found;
    },
    async markDisconnected(sessionId, at) {
      if (!valid(sessionId)) return;
      await Session.updateOne({ _id: sessionId, status: 'active' }, { $set: { disconnectedAt: at } });
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
      // Children first: an interrupted run leaves a session that the next run deletes, never orphans.
      // A batch of long sessions can own more chunks than one FerretDB delete can take (deleteMatching).
      const children = { sessionId: { $in: objectIds } };
      const chunks = await deleteMatching(Chunk.collection, children);
      await hooks.deleteChildren(objectIds.map(String));
      // Prompts go by the hour they count in: each deleter takes out of the chart what its own delete removed.
      const prompts = await Message.find({ ...children, role: 'visitor' }, { appId: 1, createdAt: 1 }).lean<MessageDoc[]>();
      const byHour = new Map<string, MessageDoc[]>();
      for (const prompt of prompts) {
        const key = `${prompt.appId}:${hourKey(prompt.createdAt)}`;
        byHour.set(key, [...(byHour.get(key) ?? []), prompt]);
      }
      let messages = 0;
      for (const group of byHour.values()) {
        const { deletedCount } = await Message.deleteMany({ _id: { $in: group.map((prompt) => prompt._id) } });
        messages += deletedCount;
        await counters.promptsDeleted(String(group[0].appId), group[0].createdAt, deletedCount);
      }
      messages += await deleteMatching(Message.collection, children);
      // One at a time, so each session is counted out by the one caller that deleted it.
      const deleted: SessionDoc[] = [];
      for (const _id of objectIds) {
        const doc = await Session.findOneAndDelete({ _id }).lean<SessionDoc>();
        if (!doc) continue;
        deleted.push(doc);
        await counters.sessionDeleted({ appId: String(doc.appId), status: doc.status, eventCount: doc.eventCount ?? 0, bytes: doc.bytes ?? 0, startedAt: doc.startedAt });
      }
      await hooks.sessionsDeleted(deleted);
      return { sessions: deleted.length, chunks, messages };
    },
  };
  return repository;
}
