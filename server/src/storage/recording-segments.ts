import { promisify } from 'node:util';
import { brotliDecompress, gzip } from 'node:zlib';
import { Types } from 'mongoose';
import { IDS_PER_QUERY } from './by-ids.js';
import { chunkKey } from './chunk-model.js';
import type { Models } from './models.js';
import { blobOf } from './records.js';
import { checkSegmentIndex, DamagedSegmentError } from './segment-codec.js';
import { segmentKey, type LayoutDoc, type SegmentDoc, type SegmentModels, type SegmentRange } from './segment-models.js';
import type { RecordingSegmentsRepository, SegmentLayout } from './repositories.js';
import { MAX_CONCURRENT_SEGMENT_DECODES, SEGMENT_CACHE_BYTES } from '../protocol/limits.js';

const brotliDecompressAsync = promisify(brotliDecompress);
const gzipAsync = promisify(gzip);
const DUPLICATE_KEY = 11000;
/** Layouts a process remembers (a few hundred bytes each; immutable once stored). */
const MAX_CACHED_LAYOUTS = 2_000;

/** Reads chunks whose blob was dropped from their segment: decoded once per process, sliced, gzipped again. */
export interface CompactedChunkReader {
  /**
   * Gzip blobs of `seqs` (chunks stored without a blob) from the session's segments; seqs no segment
   * holds are left out. With `strict`, a damaged segment throws DamagedSegmentError; without, its
   * chunks are left out.
   */
  blobs(sessionId: string, seqs: number[], options?: { strict?: boolean }): Promise<Map<number, Buffer>>;
}

interface DecodedSegment {
  raw: Buffer;
  /** seq → [start, end) in raw. */
  index: Map<number, [number, number]>;
}

export function recordingSegments({ Chunk, Layout, Segment }: Pick<Models, 'Chunk'> & SegmentModels): RecordingSegmentsRepository & CompactedChunkReader & { deleteForSessions(sessionIds: Types.ObjectId[]): Promise<number> } {
  const layouts = new Map<string, SegmentLayout>();
  const decoded = new Map<string, DecodedSegment>();
  const decoding = new Map<string, Promise<DecodedSegment>>();
  let cachedBytes = 0;

  async function layout(sessionId: string): Promise<SegmentLayout | null> {
    const known = layouts.get(sessionId);
    if (known) return known;
    const doc = await Layout.findById(sessionId).lean<LayoutDoc>();
    if (!doc) return null;
    const found = { generation: doc.generation, segments: doc.segments.map(({ id, firstSeq, lastSeq }) => ({ id, firstSeq, lastSeq })) };
    if (layouts.size >= MAX_CACHED_LAYOUTS) layouts.delete(layouts.keys().next().value!);
    layouts.set(sessionId, found);
    return found;
  }

  // Decodes under way and waiting: memory stays within MAX_CONCURRENT_SEGMENT_DECODES segments, whatever is asked.
  let decodesRunning = 0;
  const waitingDecodes: Array<() => void> = [];
  async function decode(id: string): Promise<DecodedSegment> {
    // A finished decode hands its place to the next waiting one.
    if (decodesRunning >= MAX_CONCURRENT_SEGMENT_DECODES) await new Promise<void>((resolve) => waitingDecodes.push(resolve));
    else decodesRunning += 1;
    try {
      return await decodeNow(id);
    } finally {
      const next = waitingDecodes.shift();
      if (next) next();
      else decodesRunning -= 1;
    }
  }

  async function decodeNow(id: string): Promise<DecodedSegment> {
    const doc = await Segment.findById(id).lean<SegmentDoc>();
    if (!doc) throw new DamagedSegmentError('it is missing');
    const segment = { seqs: doc.seqs, lengths: doc.lengths, rawBytes: doc.rawBytes, data: blobOf(doc.data as never) };
    checkSegmentIndex(segment);
    let raw: Buffer;
    try {
      // Held to exactly what its index claims: a bomb stops at rawBytes + 1.
      raw = segment.rawBytes === 0 ? Buffer.alloc(0) : await brotliDecompressAsync(segment.data, { maxOutputLength: segment.rawBytes });
    } catch {
      throw new DamagedSegmentError('it does not decode within its stated size');
    }
    if (raw.length !== segment.rawBytes) throw new DamagedSegmentError('it decodes to another size than stated');
    const index = new Map<number, [number, number]>();
    for (let i = 0, at = 0; i < segment.seqs.length; at += segment.lengths[i], i++) index.set(segment.seqs[i], [at, at + segment.lengths[i]]);
    return { raw, index };
  }

  /** One decode per segment at a time in this process; the decoded bytes kept (LRU) up to SEGMENT_CACHE_BYTES. */
  async function decodedSegment(id: string): Promise<DecodedSegment> {
    const cached = decoded.get(id);
    if (cached) {
      decoded.delete(id);
      decoded.set(id, cached);
      return cached;
    }
    let pending = decoding.get(id);
    if (!pending) {
      pending = decode(id).finally(() => decoding.delete(id));
      decoding.set(id, pending);
      const segment = await pending;
      if (!decoded.has(id) && segment.raw.length <= SEGMENT_CACHE_BYTES) {
        decoded.set(id, segment);
        cachedBytes += segment.raw.length;
        for (const [oldId, old] of decoded) {
          if (cachedBytes <= SEGMENT_CACHE_BYTES) break;
          decoded.delete(oldId);
          cachedBytes -= old.raw.length;
        }
      }
      return segment;
    }
    return pending;
  }

  async function dropCoveredBlobs(sessionId: string): Promise<number> {
    const stored = await layout(sessionId);
    if (!stored) return 0;
    let dropped = 0;
    for (const { id } of stored.segments) {
      const doc = await Segment.findById(id, { seqs: 1 }).lean<Pick<SegmentDoc, 'seqs'>>();
      const seqs = doc?.seqs ?? [];
      // Only after the layout is stored: a reader that finds no blob always finds the layout. The header
      // stays (the chunk list, recounts, a copy sent again refused); its ingest-time facts go with the blob.
      for (let i = 0; i < seqs.length; i += IDS_PER_QUERY) {
        const ids = seqs.slice(i, i + IDS_PER_QUERY).map((seq) => chunkKey(sessionId, seq));
        dropped += (await Chunk.collection.updateMany({ _id: { $in: ids }, data: { $exists: true } } as never, { $unset: { data: '', storedAt: '', via: '' } })).modifiedCount;
      }
    }
    return dropped;
  }

  async function deleteForSessions(sessionIds: Types.ObjectId[]): Promise<number> {
    if (sessionIds.length === 0) return 0;
    for (const id of sessionIds) layouts.delete(String(id));
    const filter = { sessionId: { $in: sessionIds } };
    const segments = await Segment.collection.deleteMany(filter);
    await Layout.collection.deleteMany(filter);
    return segments.deletedCount;
  }

  return {
    layout,
    async commit({ sessionId, appId, generation, segments }) {
      const ranges: SegmentRange[] = [];
      const ids: string[] = [];
      try {
        // One at a time: each may be megabytes, and a small write is what the embedded engine likes.
        for (const [n, built] of segments.entries()) {
          const id = segmentKey(sessionId, generation, n);
          await Segment.collection.insertOne({ _id: id, sessionId: new Types.ObjectId(sessionId), appId: new Types.ObjectId(appId), generation, seqs: built.seqs, lengths: built.lengths, rawBytes: built.rawBytes, data: Buffer.from(built.data) } as never);
          ids.push(id);
          ranges.push({ id, firstSeq: built.seqs[0], lastSeq: built.seqs[built.seqs.length - 1] });
        }
        await Layout.collection.insertOne({ _id: sessionId, sessionId: new Types.ObjectId(sessionId), appId: new Types.ObjectId(appId), generation, segments: ranges, createdAt: new Date() } as never);
      } catch (error) {
        await Segment.collection.deleteMany({ _id: { $in: ids } } as never);
        if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
        throw error;
      }
      await dropCoveredBlobs(sessionId);
      return true;
    },
    dropCoveredBlobs,
    deleteForSessions,
    async discard(sessionId) {
      if (Types.ObjectId.isValid(sessionId)) await deleteForSessions([new Types.ObjectId(sessionId)]);
    },
    async blobs(sessionId, seqs, options = {}) {
      const found = new Map<number, Buffer>();
      const stored = seqs.length > 0 ? await layout(sessionId) : null;
      if (!stored) return found;
      for (const range of stored.segments) {
        const wanted = seqs.filter((seq) => seq >= range.firstSeq && seq <= range.lastSeq);
        if (wanted.length === 0) continue;
        let segment: DecodedSegment;
        try {
          segment = await decodedSegment(range.id);
        } catch (error) {
          if (options.strict || !(error instanceof DamagedSegmentError)) throw error;
          continue;
        }
        for (const seq of wanted) {
          const at = segment.index.get(seq);
          if (at) found.set(seq, await gzipAsync(segment.raw.subarray(at[0], at[1])));
        }
      }
      return found;
    },
  };
}
