import { AppError } from '../http/app-error.js';
import { LATE_BATCH_GRACE_MS, MAX_BATCH_SEQ } from '../protocol/limits.js';
import type { Repositories, SessionRecord } from '../storage/ports.js';
import { decodeBatch } from './batch-decoder.js';
import { ingestToken } from './ingest-token.js';

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
  store(session: SessionRecord, seq: unknown, data: unknown, via?: 'socket' | 'http'): Promise<StoredBatch>;
}

export function createIngestService(repos: Repositories, options: { secret: string; now?: () => Date; onStored?: (session: SessionRecord, seq: number, data: Buffer) => void }): IngestService {
  const now = options.now ?? (() => new Date());
  return {
    async open(session) {
      // The database is the truth: continue after the highest stored seq (not the contiguous one, so a
      // seq stored out of order is never reused for different events).
      const nextSeq = (await repos.recordings.maxSeq(session.id)) + 1;
      return { nextSeq, token: ingestToken(options.secret, session.id, session.visitorId) };
    },
    async store(session, seq, data, via = 'socket') {
      if (!Number.isInteger(seq) || (seq as number) < 1 || (seq as number) >= MAX_BATCH_SEQ) {
        throw new AppError('E_INVALID_PAYLOAD', 'seq must be a positive integer.');
      }
      if (!(data instanceof Uint8Array)) throw new AppError('E_INVALID_PAYLOAD', 'data must be binary (gzip of a JSON array of events).');
      if (session.status === 'completed' && session.endedAt && now().getTime() - session.endedAt.getTime() > LATE_BATCH_GRACE_MS) {
        throw new AppError('E_SESSION_ENDED');
      }
      const blob = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      const header = await decodeBatch(blob);
      const at = now();
      const stored = await repos.recordings.insertChunk({
        ...header,
        seq: seq as number,
        sessionId: session.id,
        appId: session.appId,
        data: blob,
        storedAt: at,
        via,
      });
      if (stored) {
        await repos.recordings.addToSession(session.id, { seq: seq as number, events: header.eventCount, bytes: header.bytes, at });
        options.onStored?.(session, seq as number, blob);
      }
      return { seq: seq as number, stored, ackedThrough: await repos.recordings.contiguousSeq(session.id) };
    },
  };
}
