import { gunzipSync } from 'node:zlib';
import { MAX_BATCH_DECOMPRESSED_BYTES, MAX_BATCH_EVENTS, MAX_EVENT_TIMESTAMP_MS } from '../protocol/limits.js';
import { isRecordedEvent } from '../protocol/recording-events.js';
import type { ChunkHeader } from '../storage/ports.js';

/** rrweb's EventType.FullSnapshot. */
const FULL_SNAPSHOT = 2;

/**
 * What a batch says of itself, or why it is refused: plain data, because a large batch is read in a
 * worker thread (task `ingest:decode`) and errors lose their class crossing threads.
 */
export type BatchReading =
  | { ok: true; header: Omit<ChunkHeader, 'seq'> }
  | { ok: false; code: 'E_INVALID_PAYLOAD' | 'E_TOO_LARGE'; message: string };

const refuse = (code: 'E_INVALID_PAYLOAD' | 'E_TOO_LARGE', message: string): BatchReading => ({ ok: false, code, message });

/** Inflates (up to MAX_BATCH_DECOMPRESSED_BYTES) and reads a batch; CPU-bound, for a worker thread. */
export function readBatchSync(data: Uint8Array): BatchReading {
  let json: Buffer;
  try {
    json = gunzipSync(data, { maxOutputLength: MAX_BATCH_DECOMPRESSED_BYTES });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      return refuse('E_TOO_LARGE', `A batch may decompress to at most ${MAX_BATCH_DECOMPRESSED_BYTES} bytes.`);
    }
    return refuse('E_INVALID_PAYLOAD', 'The batch is not gzip data.');
  }
  return readBatch(json, data.byteLength);
}

/** Reads the inflated JSON of a batch of `bytes` compressed bytes: a non-empty array of rrweb events. */
export function readBatch(json: Buffer, bytes: number): BatchReading {
  let events: unknown;
  try {
    events = JSON.parse(json.toString('utf8'));
  } catch {
    return refuse('E_INVALID_PAYLOAD', 'The batch is not JSON.');
  }
  if (!Array.isArray(events) || events.length === 0) return refuse('E_INVALID_PAYLOAD', 'The batch must be a non-empty array of events.');
  if (events.length > MAX_BATCH_EVENTS) return refuse('E_TOO_LARGE', `A batch may hold at most ${MAX_BATCH_EVENTS} events.`);
  let firstTs = Infinity;
  let lastTs = -Infinity;
  let hasFullSnapshot = false;
  for (const event of events) {
    // Readers rely on these two (a Date must hold the timestamp); the rest of an event is read defensively.
    if (!isRecordedEvent(event)) {
      return refuse('E_INVALID_PAYLOAD', `Every event needs an rrweb type and a timestamp from 0 to ${MAX_EVENT_TIMESTAMP_MS} ms.`);
    }
    firstTs = Math.min(firstTs, event.timestamp);
    lastTs = Math.max(lastTs, event.timestamp);
    if (event.type === FULL_SNAPSHOT) hasFullSnapshot = true;
  }
  // Whole milliseconds: the header is stored as dot-separated numbers (chunk-heads.ts).
  return { ok: true, header: { firstTs: Math.floor(firstTs), lastTs: Math.floor(lastTs), eventCount: events.length, bytes, hasFullSnapshot } };
}
