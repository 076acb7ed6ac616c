import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { AppError } from '../http/app-error.js';
import { LATE_BATCH_GRACE_MS, MAX_BATCH_SEQ, SEQ_AHEAD_WINDOW } from '../protocol/limits.js';
import { customEvent, STOPPED_TAG } from '../protocol/recording-events.js';
import type { VisitorLimits } from '../realtime/visitor-limits.js';
import type { ChunkHeader, Repositories, SessionRecord } from '../storage/ports.js';
import { decodeBatch } from './batch-decoder.js';
import type { WorkerPool } from '../workers/worker-pool.js';
import { ingestToken } from './ingest-token.js';
import { createStorageQuota, type QuotaScope } from './storage-quota.js';

const gzipAsync = promisify(gzip);

export interface StoredBatch {
  seq: number;
  /** False when this seq was stored before (a retry): harmless, nothing changed. */
  stored: boolean;
  /** Every seq from 1 to this one is stored. */
  ackedThrough: number;
}

export interface IngestService {
  /** Where the widget's numbering continues on this page, and its token for the pagehide flush. */
  open(session: SessionRecord): Promise<{ nextSeq: number; token: string }>;
  /** Stores one batch first, then answers; `session` is the writer's own session, checked by the caller. */
  store(session: SessionRecord, seq: unknown, data: unknown, from: BatchSource): Promise<StoredBatch>;
}

/** Where a batch came from: the socket or the pagehide POST, and the client's address (rate limits). */
export interface BatchSource {
  via: 'socket' | 'http';
  address: string;
}

export interface IngestOptions {
  secret: string;
  limits: VisitorLimits;
  /** Where batches too large to read on the event loop are decoded. */
  workers?: WorkerPool;
  now?: () => Date;
  /**
   * A batch passed every check and is about to be written: live watchers get it now, not after the
   * database write (the largest part of a loaded server's delay). A retry of a stored batch comes
   * again under its seq; watchers drop what they have (dedup by seq).
   */
  onAccepted?: (session: SessionRecord, seq: number, data: Buffer) => void;
}

const quotaRefusal = (scope: QuotaScope) =>
  new AppError(
    'E_QUOTA_EXCEEDED',
    scope === 'session' ? 'This recording reached its storage limit; recording stopped.' : "The application's recording storage quota is used up; recording stopped.",
    { scope },
  );

const stoppedRefusal = (reason: string) => quotaRefusal(reason === 'app-quota' ? 'app' : 'session');

export function createIngestService(repos: Repositories, options: IngestOptions): IngestService {
  const now = options.now ?? (() => new Date());
  const quota = createStorageQuota(repos, now);

  async function keep(session: SessionRecord, seq: number, blob: Buffer, header: Omit<ChunkHeader, 'seq'>, via: BatchSource['via']): Promise<boolean> {
    const at = now();
    options.onAccepted?.(session, seq, blob);
    const stored = await repos.recordings.storeChunk({ ...header, seq, sessionId: session.id, appId: session.appId, data: blob, storedAt: at, via });
    if (stored) quota.stored(session.appId, header.bytes);
    return stored;
  }

  /**
   * The first batch past a quota: the recording ends there with a `chatreel/stopped` marker under
   * that batch's seq (what the widget would have written, had it been allowed to), once per session.
   * Every later batch is refused, so any seq above the stored ones is free for it.
   */
  async function stopRecording(session: SessionRecord, refusedSeq: number, blob: Buffer, scope: QuotaScope, via: BatchSource['via']): Promise<never> {
    if (await repos.recordings.markRecordingStopped(session.id, `${scope}-quota`)) {
      const seq = refusedSeq > session.maxSeq ? refusedSeq : session.maxSeq + 1;
      const at = await decodeBatch(blob, { workers: options.workers }).then((header) => header.firstTs, () => now().getTime());
      const marker = await gzipAsync(JSON.stringify([customEvent(STOPPED_TAG, { reason: `${scope}-quota` }, at)]));
      await keep(session, seq, marker, { firstTs: at, lastTs: at, eventCount: 1, bytes: marker.length, hasFullSnapshot: false }, via);
    }
    throw quotaRefusal(scope);
  }

  return {
    async open(session) {
      if (session.recordingStopped) throw stoppedRefusal(session.recordingStopped);
      const over = await quota.exceeded(session, 0);
      if (over) throw quotaRefusal(over);
      // The database is the truth: continue after the highest stored seq (not the contiguous one, so a
      // seq stored out of order is never reused for different events).
      const nextSeq = (await repos.recordings.maxSeq(session.id)) + 1;
      return { nextSeq, token: ingestToken(options.secret, session.id, session.visitorId) };
    },
    async store(session, seq, data, { via, address }) {
      if (!Number.isInteger(seq) || (seq as number) < 1 || (seq as number) >= MAX_BATCH_SEQ) {
        throw new AppError('E_INVALID_PAYLOAD', 'seq must be a positive integer.');
      }
      // Far-ahead seqs would make every later reader of the recording walk the empty range below them.
      if ((seq as number) > session.maxSeq + SEQ_AHEAD_WINDOW) {
        throw new AppError('E_SEQ_OUT_OF_RANGE', `seq may be at most ${SEQ_AHEAD_WINDOW} above the highest stored one (${session.maxSeq}).`, {
          maxSeq: session.maxSeq,
        });
      }
      if (!(data instanceof Uint8Array)) throw new AppError('E_INVALID_PAYLOAD', 'data must be binary (gzip of a JSON array of events).');
      if (session.status === 'completed' && session.endedAt && now().getTime() - session.endedAt.getTime() > LATE_BATCH_GRACE_MS) {
        throw new AppError('E_SESSION_ENDED');
      }
      if (session.recordingStopped) throw stoppedRefusal(session.recordingStopped);
      // Counted before the batch is decoded: decoding is the expensive part.
      await options.limits.batch(session.id, address, data.byteLength);
      const blob = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      const over = await quota.exceeded(session, blob.length);
      if (over) await stopRecording(session, seq as number, blob, over, via);
      const stored = await keep(session, seq as number, blob, await decodeBatch(blob, { sessionKey: session.id, workers: options.workers }), via);
      return { seq: seq as number, stored, ackedThrough: await repos.recordings.contiguousSeq(session.id) };
    },
  };
}
