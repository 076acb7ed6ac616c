import type { Model } from 'mongoose';
import { MAX_BATCH_SEQ, MAX_CHUNK_HEADS_PER_READ, MAX_HEAD_PAGES_PER_READ } from '../protocol/limits.js';
import { IDS_PER_QUERY } from './by-ids.js';
import { decodeHeads, headsKey, headsPage, HEADS_PER_PAGE, type ChunkHeadsDoc } from './chunk-heads.js';
import { chunkKey, type ChunkDoc } from './chunk-model.js';
import type { ChunkHeader } from './repositories.js';
import type { SessionDoc } from './session-model.js';

/**
 * Reading recorded chunks back, with hard caps that do not depend on what the session says it holds:
 * a recording stored before seqs were bounded may claim a seq near 1e9, and a list built from 1 to
 * there started millions of reads. One call reads at most MAX_HEAD_PAGES_PER_READ header pages (one
 * `$in` query) and returns at most MAX_CHUNK_HEADS_PER_READ headers; a gap wider than the pages read
 * ends the list (an honest widget numbers its batches without gaps).
 */
export function chunkReads(Chunk: Model<ChunkDoc>, Session: Model<SessionDoc>, ChunkHeads: Model<ChunkHeadsDoc>) {
  /** Headers of the given seqs read from the chunk documents themselves (sessions stored before chunk_heads). */
  async function probeHeads(sessionId: string, seqs: number[]): Promise<ChunkHeader[]> {
    const headers: ChunkHeader[] = [];
    for (let i = 0; i < seqs.length; i += IDS_PER_QUERY) {
      const ids = seqs.slice(i, i + IDS_PER_QUERY).map((seq) => chunkKey(sessionId, seq));
      const docs = await Chunk.find({ _id: { $in: ids } }, { data: 0 }).lean<ChunkDoc[]>();
      for (const doc of docs) {
        headers.push({ seq: doc.seq, firstTs: doc.firstTs, lastTs: doc.lastTs, eventCount: doc.eventCount, bytes: doc.bytes, hasFullSnapshot: doc.hasFullSnapshot });
      }
    }
    return headers;
  }

  return {
    async listChunks(sessionId: string, afterSeq: number, limit: number): Promise<ChunkHeader[]> {
      const want = Math.min(Math.floor(limit), MAX_CHUNK_HEADS_PER_READ);
      const after = Number.isSafeInteger(afterSeq) && afterSeq > 0 ? afterSeq : 0;
      if (!(want > 0)) return [];
      const session = await Session.findById(sessionId, { maxSeq: 1, chunkCount: 1 }).lean<{ maxSeq?: number; chunkCount?: number }>();
      const maxSeq = Math.min(Number(session?.maxSeq) || 0, MAX_BATCH_SEQ - 1);
      if (maxSeq <= after) return [];
      const firstPage = headsPage(after + 1);
      const lastPage = Math.min(headsPage(maxSeq), firstPage + MAX_HEAD_PAGES_PER_READ - 1);
      const keys = Array.from({ length: lastPage - firstPage + 1 }, (_, i) => headsKey(sessionId, firstPage + i));
      const docs = await ChunkHeads.find({ _id: { $in: keys } }).lean<ChunkHeadsDoc[]>();
      const bySeq = new Map<number, ChunkHeader>();
      const lastSeq = Math.min(maxSeq, (lastPage + 1) * HEADS_PER_PAGE);
      for (const doc of docs) {
        // A page holds HEADS_PER_PAGE headers (a retried batch is added once); more is not a real page.
        for (const head of decodeHeads(Array.isArray(doc.h) ? doc.h.slice(0, 2 * HEADS_PER_PAGE).filter((part) => typeof part === 'string') : [])) {
          if (isSane(head) && head.seq > after && head.seq <= lastSeq && !bySeq.has(head.seq)) bySeq.set(head.seq, head);
        }
      }
      // Seqs of these pages no header lists are gaps, or chunks stored before header pages existed: read
      // from the chunks themselves when the session counts more chunks than are listed (at most 2,048 ids).
      if ((Number(session?.chunkCount) || 0) > after + bySeq.size) {
        const unlisted: number[] = [];
        for (let seq = after + 1; seq <= lastSeq; seq++) if (!bySeq.has(seq)) unlisted.push(seq);
        for (const head of await probeHeads(sessionId, unlisted)) if (isSane(head) && head.seq > after && head.seq <= lastSeq) bySeq.set(head.seq, head);
      }
      return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(0, want);
    },

    async chunkData(sessionId: string, seq: number): Promise<Buffer | null> {
      if (!Number.isSafeInteger(seq) || seq < 1 || seq >= MAX_BATCH_SEQ) return null;
      const doc = await Chunk.findById(chunkKey(sessionId, seq), { data: 1 }).lean<{ data: Buffer | { buffer: Buffer } }>();
      return doc ? blobOf(doc.data) : null;
    },

    /** Blobs of the given seqs (one `$in` query per IDS_PER_QUERY), keyed by seq; missing ones absent. */
    async chunksData(sessionId: string, seqs: number[]): Promise<Map<number, Buffer>> {
      const found = new Map<number, Buffer>();
      const wanted = seqs.filter((seq) => Number.isSafeInteger(seq) && seq >= 1 && seq < MAX_BATCH_SEQ);
      for (let i = 0; i < wanted.length; i += IDS_PER_QUERY) {
        const ids = wanted.slice(i, i + IDS_PER_QUERY).map((seq) => chunkKey(sessionId, seq));
        const docs = await Chunk.find({ _id: { $in: ids } }, { seq: 1, data: 1 }).lean<Array<{ seq: number; data: Buffer | { buffer: Buffer } }>>();
        for (const doc of docs) found.set(doc.seq, blobOf(doc.data));
      }
      return found;
    },
  };
}

export function blobOf(data: Buffer | { buffer: Uint8Array }): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from((data as { buffer: Uint8Array }).buffer);
}

/** A header whose numbers are what the ingest writes (older or forged ones may hold NaN or fractions). */
function isSane(head: ChunkHeader): boolean {
  return (
    Number.isSafeInteger(head.seq) && head.seq >= 1 && head.seq < MAX_BATCH_SEQ &&
    Number.isFinite(head.firstTs) && Number.isFinite(head.lastTs) &&
    Number.isSafeInteger(head.eventCount) && head.eventCount >= 0 &&
    Number.isSafeInteger(head.bytes) && head.bytes >= 0
  );
}
