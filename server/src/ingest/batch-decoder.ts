import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { AppError } from '../http/app-error.js';
import { MAX_BATCH_BYTES, MAX_BATCH_DECOMPRESSED_BYTES, MAX_BATCH_EVENTS } from '../protocol/limits.js';
import type { ChunkHeader } from '../storage/ports.js';

const gunzipAsync = promisify(gunzip);

/** rrweb's EventType values (DomContentLoaded … Plugin); FullSnapshot is 2. */
const MAX_EVENT_TYPE = 6;
const FULL_SNAPSHOT = 2;

/**
 * Checks that a batch is what the widget promises — gzip of a JSON array of rrweb events, within the
 * size limits — and reads its header. The blob is stored as received; the server never trusts a
 * header the client could have written.
 */
export async function decodeBatch(data: Buffer): Promise<Omit<ChunkHeader, 'seq'>> {
  if (data.length === 0) throw new AppError('E_INVALID_PAYLOAD', 'The batch is empty.');
  if (data.length > MAX_BATCH_BYTES) throw new AppError('E_TOO_LARGE', `A batch may hold at most ${MAX_BATCH_BYTES} bytes.`);
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
    const { type, timestamp } = (event ?? {}) as { type?: unknown; timestamp?: unknown };
    if (!Number.isInteger(type) || (type as number) < 0 || (type as number) > MAX_EVENT_TYPE || typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
      throw new AppError('E_INVALID_PAYLOAD', 'Every event needs an rrweb type and a numeric timestamp.');
    }
    firstTs = Math.min(firstTs, timestamp);
    lastTs = Math.max(lastTs, timestamp);
    if (type === FULL_SNAPSHOT) hasFullSnapshot = true;
  }
  return { firstTs, lastTs, eventCount: events.length, bytes: data.length, hasFullSnapshot };
}
