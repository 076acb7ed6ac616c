import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { AppError } from '../http/app-error.js';
import {
  MAX_BATCH_BYTES,
  MAX_BATCH_DECOMPRESSED_BYTES,
  MAX_BATCH_EVENTS,
  MAX_CONCURRENT_DECODES,
  MAX_DECODES_PER_SESSION,
  MAX_EVENT_TIMESTAMP_MS,
} from '../protocol/limits.js';
import { isRecordedEvent } from '../protocol/recording-events.js';
import type { ChunkHeader } from '../storage/repositories.js';

const gunzipAsync = promisify(gunzip);
/** rrweb's EventType.FullSnapshot. */
const FULL_SNAPSHOT = 2;

/**
 * What decoding holds in memory is bounded by bytes, not by how many batches arrive: at most
 * MAX_CONCURRENT_DECODES batches are inflated at once in this process (the rest wait, holding only
 * their compressed bytes), and one session may have at most MAX_DECODES_PER_SESSION waiting or in
 * decoding (a socket can send a hundred at once; each inflating to 8 MB, they took the process down).
 */
const perSession = new Map<string, number>();
let decoding = 0;
const waiting: Array<() => void> = [];

async function withDecodeSlot<T>(sessionKey: string | undefined, work: () => Promise<T>): Promise<T> {
  const key = sessionKey ?? '';
  const mine = perSession.get(key) ?? 0;
  if (sessionKey !== undefined && mine >= MAX_DECODES_PER_SESSION) {
    throw new AppError('E_RATE_LIMITED', `At most ${MAX_DECODES_PER_SESSION} batches of a session are taken at once; send again after an answer.`);
  }
  perSession.set(key, mine + 1);
  try {
    if (decoding >= MAX_CONCURRENT_DECODES) await new Promise<void>((resolve) => waiting.push(resolve));
    else decoding += 1;
    try {
      return await work();
    } finally {
      // The slot passes to the next waiting batch (or is given back).
      const next = waiting.shift();
      if (next) next();
      else decoding -= 1;
    }
  } finally {
    const left = (perSession.get(key) ?? 1) - 1;
    if (left > 0) perSession.set(key, left);
    else perSession.delete(key);
  }
}

/**
 * Checks that a batch is what the widget promises — gzip of a JSON array of rrweb events, within the
 * size limits — and reads its header. The blob is stored as received; the server never trusts a
 * header the client could have written. `sessionKey`: whose batch it is (for the per-session bound).
 */
export async function decodeBatch(data: Buffer, sessionKey?: string): Promise<Omit<ChunkHeader, 'seq'>> {
  if (data.length === 0) throw new AppError('E_INVALID_PAYLOAD', 'The batch is empty.');
  if (data.length > MAX_BATCH_BYTES) throw new AppError('E_TOO_LARGE', `A batch may hold at most ${MAX_BATCH_BYTES} bytes.`);
  return withDecodeSlot(sessionKey, () => readBatch(data));
}

async function readBatch(data: Buffer): Promise<Omit<ChunkHeader, 'seq'>> {
  let json: Buffer;
  try {
    json = await gunzipAsync(data, { maxOutputLength: MAX_BATCH_DECOMPRESSED_BYTES });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new AppError('E_TOO_LARGE', `A batch may decompress to at most ${MAX_BATCH_DECOMPRESSED_BYTES} bytes.`);
    }
    throw new AppError('E_INVALID_PAYLOAD', 'The batch is not gzip data.');
  }
  let events: unknown;
  try {
    events = JSON.parse(json.toString('utf8'));
  } catch {
    throw new AppError('E_INVALID_PAYLOAD', 'The batch is not JSON.');
  }
  if (!Array.isArray(events) || events.length === 0) throw new AppError('E_INVALID_PAYLOAD', 'The batch must be a non-empty array of events.');
  if (events.length > MAX_BATCH_EVENTS) throw new AppError('E_TOO_LARGE', `A batch may hold at most ${MAX_BATCH_EVENTS} events.`);
  let firstTs = Infinity;
  let lastTs = -Infinity;
  let hasFullSnapshot = false;
  for (const event of events) {
    // Readers rely on these two (a Date must hold the timestamp); the rest of an event is read defensively.
    if (!isRecordedEvent(event)) {
      throw new AppError('E_INVALID_PAYLOAD', `Every event needs an rrweb type and a timestamp from 0 to ${MAX_EVENT_TIMESTAMP_MS} ms.`);
    }
    firstTs = Math.min(firstTs, event.timestamp);
    lastTs = Math.max(lastTs, event.timestamp);
    if (event.type === FULL_SNAPSHOT) hasFullSnapshot = true;
  }
  // Whole milliseconds: the header is stored as dot-separated numbers (chunk-heads.ts).
  return { firstTs: Math.floor(firstTs), lastTs: Math.floor(lastTs), eventCount: events.length, bytes: data.length, hasFullSnapshot };
}
