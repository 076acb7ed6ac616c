import type { Model, Types } from 'mongoose';
import { SEQ_AHEAD_WINDOW } from '../protocol/limits.js';
import type { ActivityIndex } from './activity-index.js';
import { decodeHeads, headsKey, headsPage, type ChunkHeadsDoc } from './chunk-heads.js';
import type { SessionCounters } from './repositories.js';
import type { SessionDoc } from './session-model.js';
import { serializeSessionWrite } from './session-writes.js';

/** Header pages read per query (`_id: { $in }`), so one query stays small on FerretDB. */
const PAGES_PER_READ = 32;

/**
 * The one key under which a chunk is stored and counted into its session, and under which the
 * session is recounted: a recount never sees a chunk stored but not yet counted by this process.
 */
export const countingKey = (sessionId: string): string => `count:${sessionId}`;

/**
 * Recomputes a session's recording counters from its stored chunk headers (chunk_heads) and adds
 * what is missing — a chunk stored whose counting never happened (the process died between the
 * two). Headers of chunks above the counted `maxSeq` are looked for up to SEQ_AHEAD_WINDOW further,
 * the farthest a stored chunk can lie. Counters only grow here: a session recorded before header
 * pages existed has fewer headers than chunks, and is left as it is. The console's counters (events,
 * stored bytes) get the same difference.
 */
export async function recountSession(
  Session: Model<SessionDoc>,
  ChunkHeads: Model<ChunkHeadsDoc>,
  index: ActivityIndex | undefined,
  sessionId: string,
): Promise<SessionCounters | null> {
  return serializeSessionWrite(countingKey(sessionId), async () => {
    const doc = await Session.findById(sessionId, { appId: 1, eventCount: 1, bytes: 1, chunkCount: 1, maxSeq: 1 }).lean<
      Pick<SessionDoc, 'eventCount' | 'bytes' | 'chunkCount' | 'maxSeq'> & { appId: Types.ObjectId }
    >();
    if (!doc) return null;
    const counted: SessionCounters = { eventCount: doc.eventCount ?? 0, bytes: doc.bytes ?? 0, chunkCount: doc.chunkCount ?? 0, maxSeq: doc.maxSeq ?? 0 };
    const keys = Array.from({ length: headsPage(counted.maxSeq + SEQ_AHEAD_WINDOW) + 1 }, (_, page) => headsKey(sessionId, page));
    const bySeq = new Map<number, { eventCount: number; bytes: number }>();
    for (let i = 0; i < keys.length; i += PAGES_PER_READ) {
      const pages = await ChunkHeads.find({ _id: { $in: keys.slice(i, i + PAGES_PER_READ) } }).lean<ChunkHeadsDoc[]>();
      for (const page of pages) for (const head of decodeHeads(page.h)) if (!bySeq.has(head.seq)) bySeq.set(head.seq, head);
    }
    const truth: SessionCounters = { eventCount: 0, bytes: 0, chunkCount: bySeq.size, maxSeq: 0 };
    for (const [seq, head] of bySeq) {
      truth.eventCount += head.eventCount;
      truth.bytes += head.bytes;
      truth.maxSeq = Math.max(truth.maxSeq, seq);
    }
    if (truth.chunkCount <= counted.chunkCount) return counted;
    const missing = { eventCount: Math.max(0, truth.eventCount - counted.eventCount), bytes: Math.max(0, truth.bytes - counted.bytes), chunkCount: truth.chunkCount - counted.chunkCount };
    await serializeSessionWrite(sessionId, () =>
      Session.updateOne({ _id: sessionId }, { $inc: missing, $max: { maxSeq: truth.maxSeq } }),
    );
    index?.eventsAdded(String(doc.appId), missing.eventCount, missing.bytes);
    return { eventCount: counted.eventCount + missing.eventCount, bytes: counted.bytes + missing.bytes, chunkCount: truth.chunkCount, maxSeq: Math.max(counted.maxSeq, truth.maxSeq) };
  });
}
