import { Types } from 'mongoose';
import { counterKeys } from './activity-counters.js';
import { internalsOf, type SharedInternals } from './internals.js';
import type { Storage } from './ports.js';

/**
 * Tests only, on every implementation: states that take minutes to reach through the port (a session
 * that stored nearly 200 MB, an application near its quota), put straight into the database.
 */
export async function pretendStored(storage: Storage, target: { sessionId: string } | { appId: string }, bytes: number): Promise<void> {
  const { models, counters } = internalsOf<SharedInternals>(storage);
  if ('sessionId' in target) {
    await models.Session.updateOne({ _id: target.sessionId }, { $inc: { bytes } });
    // As if stored through this node's port: its recent reads of the session see it at once.
    internalsOf<SharedInternals>(storage).ingestSeams.forgetSessions([target.sessionId]);
  }
  else await counters.updateOne({ _id: counterKeys.counters(target.appId) } as never, { $set: { appId: target.appId, bytes } }, { upsert: true });
}

/** Tests only: every group commit of chunks waits `ms` more before it is written (a slowed database). */
export function slowChunkWrites(storage: Storage, ms: number): void {
  internalsOf<SharedInternals>(storage).ingestSeams.delayMs = ms;
}

/** Tests only: rewrites fields of a compacted session's stored segments (a damaged or hostile database). */
export async function rewriteSegments(storage: Storage, sessionId: string, patch: Record<string, unknown>): Promise<number> {
  const { models } = internalsOf<SharedInternals>(storage);
  return (await models.Segment.collection.updateMany({ sessionId: new Types.ObjectId(sessionId) } as never, { $set: patch })).modifiedCount;
}
