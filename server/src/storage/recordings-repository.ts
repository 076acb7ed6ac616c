import { isValidObjectId, Types } from 'mongoose';
import { hourKey } from '../protocol/utc-buckets.js';
import type { ActivityCountersStore } from './activity-counters.js';
import { deleteMatching, IDS_PER_QUERY } from './by-ids.js';
import { MAX_BATCH_SEQ } from '../protocol/limits.js';
import type { ChunkCounting } from './chunk-counting.js';
import { chunkKey } from './chunk-model.js';
import type { MessageDoc } from './message-model.js';
import type { Models } from './models.js';
import type { IngestPipeline } from './ingest-pipeline.js';
import type { RecordingsRepository } from './ports.js';
import { blobOf } from './records.js';
import type { CompactedChunkReader } from './recording-segments.js';
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
  pipeline: IngestPipeline,
  /** Compacted recordings: chunk blobs read from their segments, and deleted with their sessions. */
  compacted: CompactedChunkReader & { deleteForSessions(sessionIds: Types.ObjectId[]): Promise<number> },
): Omit<RecordingsRepository, 'listChunks' | 'appIdsWithSessions' | 'listActiveDue'> {
  const valid = (id: string) => isValidObjectId(id);
  /** The header of the chunk stored under this seq (a copy sent again may differ in bytes: the stored one counts). */
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
    // Durable before it resolves; what the chunk implies is written behind (ingest-pipeline.ts). A
    // copy sent again counts what its first writer stored, if that writer died before counting it.
    storeChunk: (chunk) => (valid(chunk.sessionId) && valid(chunk.appId) ? pipeline.store(chunk) : Promise.resolve(false)),
    recount: (sessionId) => (valid(sessionId) ? counting.recount(sessionId) : Promise.resolve(null)),
    async markRecordingStopped(sessionId, reason) {
      if (!valid(sessionId)) return false;
      const marked = await Session.updateOne({ _id: sessionId, recordingStopped: null }, { $set: { recordingStopped: reason } });
      pipeline.recent.forget([sessionId]);
      return marked.modifiedCount === 1;
    },
    async storedBytes(appId) {
      if (!valid(appId)) return 0;
      await pipeline.flushApp(appId);
      return counters.storedBytes(appId);
    },
    contiguousSeq: (sessionId) => (valid(sessionId) ? pipeline.contiguousSeq(sessionId) : Promise.resolve(0)),
    async maxSeq(sessionId) {
      if (!valid(sessionId)) return 0;
      // A reloaded page continues after every stored chunk: this node's pending counts written, and
      // chunks another node (or a crashed one) stored but has not counted yet counted now.
      await pipeline.flush([sessionId]);
      return (await counting.recount(sessionId))?.maxSeq ?? 0;
    },
    async chunkData(sessionId, seq) {
      if (!valid(sessionId) || !Number.isSafeInteger(seq) || seq < 1 || seq >= MAX_BATCH_SEQ) return null;
      const doc = await Chunk.findById(chunkKey(sessionId, seq), { data: 1 }).lean<{ data?: StoredBlob }>();
      if (!doc) return null;
      if (doc.data) return blobOf(doc.data);
      // No blob: a compacted recording's chunk, served from its segment (the layout was stored before the blob went).
      return (await compacted.blobs(sessionId, [seq], { strict: true })).get(seq) ?? null;
    },
    async chunksData(sessionId, seqs) {
      const found = new Map<number, Buffer>();
      if (!valid(sessionId)) return found;
      const wanted = seqs.filter((seq) => Number.isSafeInteger(seq) && seq >= 1 && seq < MAX_BATCH_SEQ);
      const inSegments: number[] = [];
      // One `_id: {$in}` query per IDS_PER_QUERY (the embedded engine reads them through its `_id` index).
      for (let i = 0; i < wanted.length; i += IDS_PER_QUERY) {
        const ids = wanted.slice(i, i + IDS_PER_QUERY).map((seq) => chunkKey(sessionId, seq));
        const docs = await Chunk.find({ _id: { $in: ids } }, { seq: 1, data: 1 }).lean<Array<{ seq: number; data?: StoredBlob }>>();
        for (const doc of docs) {
          if (doc.data) found.set(doc.seq, blobOf(doc.data));
          else inSegments.push(doc.seq);
        }
      }
      // A damaged segment's chunks are left out, like chunks that are not there: the rest is read.
      for (const [seq, blob] of await compacted.blobs(sessionId, inSegments)) found.set(seq, blob);
      return found;
    },
    async markDisconnected(sessionId, at) {
      if (!valid(sessionId)) return;
      // A pending count would clear the mark again (a counted chunk means the visitor is there).
      await pipeline.flush([sessionId]);
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
      await pipeline.forget(objectIds.map(String));
      // Children first: an interrupted run leaves a session that the next run deletes, never orphans.
      // A batch of long sessions can own more chunks than one FerretDB delete can take (deleteMatching).
      const children = { sessionId: { $in: objectIds } };
      const chunks = await deleteMatching(Chunk.collection, children);
      await compacted.deleteForSessions(objectIds);
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
