import type { Types } from 'mongoose';
import type { PromptRow, SessionRow } from '../protocol/activity.js';
import { SIGNAL_TYPES, type SignalType } from '../protocol/insights.js';
import type { MessageDoc } from './message-model.js';
import { MAX_BATCH_SEQ } from '../protocol/limits.js';
import type { ChunkHeader, ConversationRecord, MessageRecord, SessionRecord } from './ports.js';
import type { SessionDoc } from './session-model.js';
import { toRating } from './feedback-repository.js';
import { toLiveStruggle } from './struggles-repository.js';

/** Stored documents as the records and rows of the port: one mapping each, for every implementation. */

export function toSession(doc: SessionDoc): SessionRecord {
  return {
    id: doc._id.toString(),
    appId: String(doc.appId),
    visitorId: doc.visitorId,
    status: doc.status,
    startedAt: doc.startedAt,
    lastActivityAt: doc.lastActivityAt,
    endedAt: doc.endedAt ?? null,
    endReason: doc.endReason ?? null,
    landingUrl: doc.landingUrl ?? '',
    pages: (doc.pages ?? []).map((page) => ({ url: page.url ?? '', at: page.at ?? doc.startedAt })),
    pageCount: doc.pageCount ?? 0,
    eventCount: doc.eventCount ?? 0,
    bytes: doc.bytes ?? 0,
    chunkCount: doc.chunkCount ?? 0,
    maxSeq: doc.maxSeq ?? 0,
    recordingStopped: doc.recordingStopped ?? null,
    userAgent: doc.userAgent ?? '',
    viewport: { width: doc.viewport?.width ?? 0, height: doc.viewport?.height ?? 0 },
  };
}

export function toMessage(doc: MessageDoc): MessageRecord {
  return {
    id: doc._id.toString(),
    appId: String(doc.appId),
    sessionId: String(doc.sessionId),
    visitorId: doc.visitorId,
    role: doc.role,
    text: doc.text,
    createdAt: doc.createdAt,
    seq: doc.seq,
    clientId: doc.clientId ?? null,
    answeredBy: (doc.answeredBy as MessageRecord['answeredBy']) ?? null,
    agentId: doc.agentId ? String(doc.agentId) : null,
  };
}

export function toConversation(doc: SessionDoc): ConversationRecord {
  return {
    sessionId: doc._id.toString(),
    appId: String(doc.appId),
    visitorId: doc.visitorId,
    status: doc.status,
    chatState: doc.chatState ?? 'ai',
    lastMessageAt: doc.lastMessageAt ?? null,
    lastMessageText: doc.lastMessageText ?? '',
    messageCount: doc.messageSeq ?? 0,
    visitorName: doc.visitorName ?? '',
    visitorEmail: doc.visitorEmail ?? '',
    identityVerified: Boolean(doc.identityVerified),
    struggle: toLiveStruggle(doc),
    rating: toRating(doc),
    contactEmail: doc.contactEmail ?? '',
    answeringUntil: doc.answerLease?.until ?? null,
    conversationStatus: (doc.conversationStatus as ConversationRecord['conversationStatus']) ?? null,
    assigneeId: doc.assigneeId ?? null,
    waitingSince: doc.waitingSince ?? null,
    resolvedAt: doc.resolvedAt ?? null,
  };
}

const isSignalType = (value: string): value is SignalType => (SIGNAL_TYPES as readonly string[]).includes(value);

export function toSessionRow(doc: Partial<SessionDoc> & { _id: Types.ObjectId }): SessionRow {
  return {
    id: doc._id.toString(),
    visitorId: doc.visitorId ?? '',
    visitorName: doc.visitorName ?? '',
    status: doc.status ?? 'active',
    startedAt: (doc.startedAt ?? new Date(0)).toISOString(),
    endedAt: doc.endedAt ? doc.endedAt.toISOString() : null,
    lastActivityAt: (doc.lastActivityAt ?? doc.startedAt ?? new Date(0)).toISOString(),
    landingUrl: doc.landingUrl ?? '',
    pageCount: doc.pageCount ?? 0,
    eventCount: doc.eventCount ?? 0,
    messageCount: doc.messageSeq ?? 0,
    hasReplay: (doc.chunkCount ?? 0) > 0,
    // One entry per signal (the chips count them, as the replay's list shows them); kinds only before insights.
    signals: (doc.insights?.signals?.length ? doc.insights.signals.map((signal) => signal.type ?? '') : (doc.signalTypes ?? [])).filter(isSignalType),
    summary: doc.insights?.summary?.text
      ? { text: doc.insights.summary.text, source: doc.insights.summary.source === 'ai' ? 'ai' : 'deterministic' }
      : null,
    struggle: toLiveStruggle(doc),
    rating: toRating(doc),
  };
}

/** A stored blob as the driver gives it back (a Buffer, or BSON Binary). */
export function blobOf(data: Buffer | { buffer: Uint8Array }): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer);
}

/** A stored chunk header as a chunk list gives it. */
export function toChunkHeader(doc: ChunkHeader): ChunkHeader {
  return { seq: doc.seq, firstTs: doc.firstTs, lastTs: doc.lastTs, eventCount: doc.eventCount, bytes: doc.bytes, hasFullSnapshot: Boolean(doc.hasFullSnapshot) };
}

/** A header whose numbers are what the ingest writes (older or forged ones may hold NaN or fractions). */
export function isSaneHeader(head: ChunkHeader): boolean {
  return (
    Number.isSafeInteger(head.seq) && head.seq >= 1 && head.seq < MAX_BATCH_SEQ &&
    Number.isFinite(head.firstTs) && Number.isFinite(head.lastTs) &&
    Number.isSafeInteger(head.eventCount) && head.eventCount >= 0 &&
    Number.isSafeInteger(head.bytes) && head.bytes >= 0
  );
}

/** A visitor message as the feed lists it, with what the row shows of its session (when it still exists). */
export function toPromptRow(doc: MessageDoc, session: SessionDoc | undefined): PromptRow {
  return {
    id: doc._id.toString(),
    sessionId: String(doc.sessionId),
    visitorId: doc.visitorId,
    text: doc.text,
    createdAt: doc.createdAt.toISOString(),
    answeredBy: doc.answeredBy === 'ai' || doc.answeredBy === 'agent' ? doc.answeredBy : 'waiting',
    session: session ? { landingUrl: session.landingUrl ?? '', status: session.status, hasReplay: (session.chunkCount ?? 0) > 0 } : null,
  };
}
