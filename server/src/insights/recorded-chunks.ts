import { MAX_CHUNK_HEADS_PER_READ, MAX_INSIGHT_CHUNKS, MAX_INSIGHT_STORED_BYTES } from '../protocol/limits.js';
import type { ChunkHeader, Repositories } from '../storage/ports.js';

/** Blobs fetched per storage read (a read of up to a few MB, never the whole session at once). */
const MAX_BLOB_BYTES_PER_READ = 8_000_000;

export interface RecordedChunks {
  /** Copies in buffers of their own, so they can be transferred to a worker thread. */
  chunks: Uint8Array[];
  /** The seq of each chunk, in the same order. */
  seqs: number[];
  /** Why the chunks end before the recording does, or null. */
  cutReason: string | null;
}

/**
 * A session's stored chunks for its insights, oldest first, within MAX_INSIGHT_CHUNKS and
 * MAX_INSIGHT_STORED_BYTES. Which chunks exist comes from the chunk list (itself bounded per read),
 * never from counting 1..maxSeq: a forged seq near 1e9 costs nothing here.
 */
export async function readRecordedChunks(repos: Repositories, sessionId: string): Promise<RecordedChunks> {
  const heads: ChunkHeader[] = [];
  let bytes = 0;
  let cutReason: string | null = null;
  for (let after = 0; heads.length < MAX_INSIGHT_CHUNKS && !cutReason; ) {
    const page = await repos.recordings.listChunks(sessionId, after, MAX_CHUNK_HEADS_PER_READ);
    for (const head of page) {
      if (heads.length >= MAX_INSIGHT_CHUNKS) cutReason = `it has more than ${MAX_INSIGHT_CHUNKS.toLocaleString('en')} chunks`;
      else if (bytes + head.bytes > MAX_INSIGHT_STORED_BYTES) cutReason = `it exceeded ${MAX_INSIGHT_STORED_BYTES / 1_000_000} MB stored`;
      if (cutReason) break;
      heads.push(head);
      bytes += head.bytes;
    }
    if (page.length < MAX_CHUNK_HEADS_PER_READ) break;
    after = page[page.length - 1].seq;
  }
  const chunks: Uint8Array[] = [];
  const seqs: number[] = [];
  let read = 0;
  for (let i = 0; i < heads.length; ) {
    const group: number[] = [];
    for (let groupBytes = 0; i < heads.length && (group.length === 0 || groupBytes + heads[i].bytes <= MAX_BLOB_BYTES_PER_READ); i++) {
      group.push(heads[i].seq);
      groupBytes += heads[i].bytes;
    }
    const blobs = await repos.recordings.chunksData(sessionId, group);
    for (const seq of group) {
      const blob = blobs.get(seq);
      // A header's byte count is the server's own, but the blob is what is held: it is bounded too.
      if (!blob || read + blob.length > MAX_INSIGHT_STORED_BYTES) continue;
      read += blob.length;
      chunks.push(new Uint8Array(blob));
      seqs.push(seq);
    }
  }
  return { chunks, seqs, cutReason };
}
