import { Types } from 'mongoose';
import type { LoadedSession, MessageRecord } from './ports.js';

/** The documents a bulk-loaded session and message are stored as: what the write paths store for them. */

const oid = (id: string) => new Types.ObjectId(id);

export function loadedSessionDoc({ id, appId, messageCount, ...fields }: LoadedSession) {
  return {
    ...fields,
    _id: oid(id),
    appId: oid(appId),
    messageSeq: messageCount,
    // Loaded with its chunks counted: seqs 1..maxSeq.
    countedThrough: fields.maxSeq,
    countedAbove: [],
    chatPriority: fields.chatState === 'ai' ? 0 : 1,
    visitorName: fields.visitorName ?? '',
    visitorEmail: fields.visitorEmail ?? '',
  };
}

export function loadedMessageDoc({ id, appId, sessionId, agentId, ...fields }: MessageRecord) {
  return {
    ...fields,
    _id: oid(id),
    appId: oid(appId),
    sessionId: oid(sessionId),
    agentId: agentId ? oid(agentId) : null,
  };
}
