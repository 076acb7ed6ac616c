import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { AppError } from '../http/app-error.js';
import type { ErrorCode } from '../protocol/error-codes.js';
import {
  INLINE_DECODE_MAX_BYTES,
  MAX_BATCH_BYTES,
  MAX_CONCURRENT_DECODES,
  MAX_CONCURRENT_INLINE_DECODES,
  MAX_DECODES_PER_SESSION,
} from '../protocol/limits.js';
import type { ChunkHeader } from '../storage/ports.js';
import type { WorkerPool } from '../workers/worker-pool.js';
import { readBatch, readBatchSync, type BatchReading } from './batch-reading.js';

const gunzipAsync = promisify(gunzip);
type Header = Omit<ChunkHeader, 'seq'>;

/**
 * What decoding holds in memory is bounded by bytes, not by how many batches arrive, and the work a
 * hostile batch causes never lands on the event loop:
 * - a batch is first inflated up to INLINE_DECODE_MAX_BYTES; an honest batch (a few seconds of
 *   events) ends there and is read at once, MAX_CONCURRENT_INLINE_DECODES at a time;
 * - a larger one (a full snapshot, or a compression bomb) is decoded in a worker thread, at most
 *   MAX_CONCURRENT_DECODES at once; the rest wait holding only their compressed bytes. Small batches
 *   never wait behind them;
 * - one session may have at most MAX_DECODES_PER_SESSION waiting or in decoding (a socket can send a
 *   hundred at once; each inflating to 8 MB, they took the process down).
 */
const perSession = new Map<string, number>();
const inlineGate = gate(MAX_CONCURRENT_INLINE_DECODES);
const largeGate = gate(MAX_CONCURRENT_DECODES);

/**
 * Checks that a batch is what the widget promises — gzip of a JSON array of rrweb events, within the
 * size limits — and reads its header. The blob is stored as received; the server never trusts a
 * header the client could have written. `sessionKey`: whose batch it is (for the per-session bound);
 * `workers`: where large batches are decoded (without, they are decoded here: tests and tools).
 */
export async function decodeBatch(data: Buffer, options: { sessionKey?: string; workers?: WorkerPool } = {}): Promise<Header> {
  if (data.length === 0) throw new AppError('E_INVALID_PAYLOAD', 'The batch is empty.');
  if (data.length > MAX_BATCH_BYTES) throw new AppError('E_TOO_LARGE', `A batch may hold at most ${MAX_BATCH_BYTES} bytes.`);
  const key = options.sessionKey ?? '';
  const mine = perSession.get(key) ?? 0;
  if (options.sessionKey !== undefined && mine >= MAX_DECODES_PER_SESSION) {
    throw new AppError('E_RATE_LIMITED', `At most ${MAX_DECODES_PER_SESSION} batches of a session are taken at once; send again after an answer.`);
  }
  perSession.set(key, mine + 1);
  try {
    const small = await inlineGate(() => inflateSmall(data));
    if (small) return unwrap(readBatch(small, data.length));
    return unwrap(await largeGate(() => decodeLarge(data, options.workers)));
  } finally {
    const left = (perSession.get(key) ?? 1) - 1;
    if (left > 0) perSession.set(key, left);
    else perSession.delete(key);
  }
}

/** The inflated JSON when it fits INLINE_DECODE_MAX_BYTES; null when it is larger. */
async function inflateSmall(data: Buffer): Promise<Buffer | null> {
  try {
    return await gunzipAsync(data, { maxOutputLength: INLINE_DECODE_MAX_BYTES });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return null;
    throw new AppError('E_INVALID_PAYLOAD', 'The batch is not gzip data.');
  }
}

async function decodeLarge(data: Buffer, workers: WorkerPool | undefined): Promise<BatchReading> {
  if (!workers) return readBatchSync(data);
  try {
    // A copy crosses to the worker: the blob itself is stored afterwards.
    return await workers.run('ingest:decode', { data: new Uint8Array(data) });
  } catch {
    // The workers are saturated or the batch took too long: the sender keeps it and tries later.
    throw new AppError('E_RATE_LIMITED', 'The server is busy reading recordings; send this batch again shortly.', { retryAfterMs: 2_000 });
  }
}

function unwrap(reading: BatchReading): Header {
  if (reading.ok) return reading.header;
  throw new AppError(reading.code as ErrorCode, reading.message);
}

/** At most `slots` calls of `work` at once; the others wait in arrival order. */
function gate(slots: number) {
  let busy = 0;
  const waiting: Array<() => void> = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (busy >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
    else busy += 1;
    try {
      return await work();
    } finally {
      // The slot passes to the next waiting call (or is given back).
      const next = waiting.shift();
      if (next) next();
      else busy -= 1;
    }
  };
}
