import { brotliCompressSync, constants, gunzipSync } from 'node:zlib';
import { MAX_BATCH_DECOMPRESSED_BYTES, MAX_SEGMENT_CHUNKS, MAX_SEGMENT_DECODED_BYTES, MAX_SEGMENT_STORED_BYTES, SEGMENT_TARGET_DECODED_BYTES } from '../protocol/limits.js';

/**
 * The compacted form of a completed recording (issue 20): runs of consecutive chunks ("segments"),
 * each the concatenation of its chunks' decoded JSON texts — byte for byte what the widget sent —
 * compressed as one brotli stream with a window as large as the segment, so repeated page content
 * (a reload's full snapshot, the CSS two pages share, the same mutations over and over) is stored
 * once per segment instead of once per 2-second batch. A segment records each chunk's seq and length,
 * so any one chunk is found again by slicing. A new segment starts at a full snapshot once the
 * current one holds SEGMENT_TARGET_DECODED_BYTES: decoding one (to serve a chunk) stays bounded.
 *
 * Pure functions of bytes: the building runs in a worker thread (recording:compact), the reading in
 * storage on zlib's thread pool.
 */

/** One stored chunk handed to the builder: its gzip blob as stored. */
export interface SegmentInputChunk {
  seq: number;
  hasFullSnapshot: boolean;
  data: Uint8Array;
}

export interface BuiltSegment {
  seqs: number[];
  /** Decoded bytes of each chunk, in seq order: a chunk is the slice after its predecessors. */
  lengths: number[];
  rawBytes: number;
  /** Brotli of the concatenated texts. */
  data: Uint8Array;
}

export interface BuiltSegments {
  segments: BuiltSegment[];
  /** Chunks that were not compacted (not gzip, a bomb past MAX_BATCH_DECOMPRESSED_BYTES): kept as they are. */
  leftAsStored: number[];
}

/**
 * Brotli quality. Measured on the storage benchmark's 5-minute session (280 KB raw, one segment):
 * quality 6 stores 14.0 KB in 4 ms, 9 stores 13.8 KB in 42 ms, 11 stores 11.9 KB in 660 ms. The large
 * window does the work (whole-session gzip, 32 KB window: 45.6 KB); 11 would cost seconds of CPU per
 * long session on a node that completes sessions every second.
 */
const BROTLI_QUALITY = 6;
/** Window bits: 2^24 = 16 MiB, the largest standard brotli window, as large as a segment. */
const BROTLI_WINDOW_BITS = 24;

function compressSegment(texts: Buffer[], seqs: number[]): BuiltSegment {
  const raw = Buffer.concat(texts);
  const data = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_LGWIN]: BROTLI_WINDOW_BITS,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  return { seqs, lengths: texts.map((text) => text.length), rawBytes: raw.length, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/**
 * Segments of consecutive chunks (in the order given, which is seq order). A chunk that cannot be
 * decoded within MAX_BATCH_DECOMPRESSED_BYTES ends the segment before it and stays as stored; a
 * segment whose brotli would not fit MAX_SEGMENT_STORED_BYTES is not built (its chunks stay).
 */
export function buildSegments(chunks: SegmentInputChunk[]): BuiltSegments {
  const segments: BuiltSegment[] = [];
  const leftAsStored: number[] = [];
  let texts: Buffer[] = [];
  let seqs: number[] = [];
  let bytes = 0;
  const close = () => {
    if (seqs.length > 0) {
      const built = compressSegment(texts, seqs);
      if (built.data.length <= MAX_SEGMENT_STORED_BYTES) segments.push(built);
      else leftAsStored.push(...seqs);
    }
    texts = [];
    seqs = [];
    bytes = 0;
  };
  for (const chunk of chunks) {
    let text: Buffer;
    try {
      text = gunzipSync(chunk.data, { maxOutputLength: MAX_BATCH_DECOMPRESSED_BYTES });
    } catch {
      close();
      leftAsStored.push(chunk.seq);
      continue;
    }
    const full = seqs.length >= MAX_SEGMENT_CHUNKS || bytes + text.length > MAX_SEGMENT_DECODED_BYTES;
    if (full || (chunk.hasFullSnapshot && bytes >= SEGMENT_TARGET_DECODED_BYTES)) close();
    texts.push(text);
    seqs.push(chunk.seq);
    bytes += text.length;
  }
  close();
  return { segments, leftAsStored };
}

/** A stored segment as read back: untrusted like any stored byte. */
export interface StoredSegment {
  seqs: number[];
  lengths: number[];
  rawBytes: number;
  data: Buffer;
}

/** Why a stored segment was refused: its index does not describe its bytes, or they decode past its limits. */
export class DamagedSegmentError extends Error {
  constructor(reason: string) {
    super(`a stored recording segment was refused: ${reason}`);
    this.name = 'DamagedSegmentError';
  }
}

/**
 * Checks a stored segment's index before anything is allocated by it: at most MAX_SEGMENT_CHUNKS
 * chunks, lengths that are whole numbers adding up to its rawBytes, which is at most
 * MAX_SEGMENT_DECODED_BYTES. The decoder is then held to exactly rawBytes (maxOutputLength).
 */
export function checkSegmentIndex(segment: StoredSegment): void {
  const { seqs, lengths, rawBytes } = segment;
  if (!Array.isArray(seqs) || !Array.isArray(lengths) || seqs.length !== lengths.length || seqs.length > MAX_SEGMENT_CHUNKS) throw new DamagedSegmentError('its chunk index is malformed');
  if (!Number.isSafeInteger(rawBytes) || rawBytes < 0 || rawBytes > MAX_SEGMENT_DECODED_BYTES) throw new DamagedSegmentError('its decoded size is out of bounds');
  let total = 0;
  for (let i = 0; i < lengths.length; i++) {
    if (!Number.isSafeInteger(lengths[i]) || lengths[i] < 0 || !Number.isSafeInteger(seqs[i])) throw new DamagedSegmentError('its chunk index is malformed');
    total += lengths[i];
  }
  if (total !== rawBytes) throw new DamagedSegmentError('its chunk lengths do not add up');
}
