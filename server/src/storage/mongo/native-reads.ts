import { isValidObjectId } from 'mongoose';
import type { MessageDoc } from '../message-model.js';
import type { Models } from '../models.js';
import type { ChunkHeader, ConversationsRepository, ConversationView, MessagesRepository, RecordingsRepository, SessionRecord, SessionsRepository } from '../ports.js';
import { MAX_BATCH_SEQ, MAX_CHUNK_HEADS_PER_READ, MAX_SEQ_SPAN_PER_READ } from '../../protocol/limits.js';
import { isSaneHeader, toChunkHeader, toConversation, toMessage, toSession } from '../records.js';
import type { SessionDoc } from '../session-model.js';

/** What a chunk list reads of a chunk: its header, never its blob. */
const HEADER = { _id: 0, seq: 1, firstTs: 1, lastTs: 1, eventCount: 1, bytes: 1, hasFullSnapshot: 1 } as const;


/** The MongoDB-native reads: plain queries on the shared collections, each served by one of native-indexes.ts. */
export function nativeReads({ Session, Message, Chunk }: Pick<Models, 'Session' | 'Message' | 'Chunk'>) {
  const messages: Omit<MessagesRepository, 'append'> = {
    async findByClientId(sessionId, clientId) {
      if (!isValidObjectId(sessionId)) return null;
      const doc = await Message.findOne({ sessionId, clientId }).lean<MessageDoc>();
      return doc ? toMessage(doc) : null;
    },
    async listAfter(sessionId, afterSeq, limit) {
      if (!isValidObjectId(sessionId)) return [];
      return (await Message.find({ sessionId, seq: { $gt: afterSeq } }).sort({ seq: 1 }).limit(limit).lean<MessageDoc[]>()).map(toMessage);
    },
    async listRecent(sessionId, limit) {
      if (!isValidObjectId(sessionId)) return [];
      return (await Message.find({ sessionId }).sort({ seq: -1 }).limit(limit).lean<MessageDoc[]>()).reverse().map(toMessage);
    },
    async listEarlier(appId, visitorId, exceptSessionId, limit) {
      if (!isValidObjectId(appId)) return [];
      const filter: Record<string, unknown> = { appId, visitorId };
      if (exceptSessionId && isValidObjectId(exceptSessionId)) filter.sessionId = { $ne: exceptSessionId };
      return (await Message.find(filter).sort({ createdAt: -1, seq: -1 }).limit(limit).lean<MessageDoc[]>()).reverse().map(toMessage);
    },
    async markAnswered(sessionId, by) {
      if (!isValidObjectId(sessionId)) return;
      await Message.updateMany({ sessionId, role: 'visitor', answeredBy: null }, { $set: { answeredBy: by } });
    },
  };

  const sessions: Pick<SessionsRepository, 'listActive'> = {
    async listActive() {
      return (await Session.find({ status: 'active' }, { pages: 0, searchGrams: 0, searchText: 0 }).lean<SessionDoc[]>()).map(toSession);
    },
  };

  /** Headers of the session's stored chunks with seqs from..to (a span the caller bounds), only sane ones believed. */
  async function storedHeaders(sessionId: string, from: number, to: number, limit = 0): Promise<ChunkHeader[]> {
    const docs = await Chunk.find({ sessionId, seq: { $gte: from, $lte: to } }, HEADER).sort({ seq: 1 }).limit(limit).lean<ChunkHeader[]>();
    return docs.map(toChunkHeader).filter(isSaneHeader);
  }

  const recordings: Pick<RecordingsRepository, 'listChunks' | 'appIdsWithSessions' | 'listActiveDue'> = {
    async listChunks(sessionId, afterSeq, limit) {
      const want = Math.min(Math.floor(limit), MAX_CHUNK_HEADS_PER_READ);
      const after = Number.isSafeInteger(afterSeq) && afterSeq > 0 ? afterSeq : 0;
      if (!isValidObjectId(sessionId) || !(want > 0)) return [];
      // The same span as every implementation reads: a gap wider than MAX_SEQ_SPAN_PER_READ ends the list.
      return storedHeaders(sessionId, after + 1, Math.min(after + MAX_SEQ_SPAN_PER_READ, MAX_BATCH_SEQ - 1), want);
    },
    async appIdsWithSessions(status) {
      return (await Session.distinct('appId', status ? { status } : {})).map(String);
    },
    async listActiveDue(appId, { lastActivityBefore, startedBefore, disconnectedBefore }, limit) {
      if (!isValidObjectId(appId)) return [];
      const docs = await Session.find(
        { appId, status: 'active', $or: [{ lastActivityAt: { $lt: lastActivityBefore } }, { startedAt: { $lt: startedBefore } }, { disconnectedAt: { $lt: disconnectedBefore } }] },
        { pages: 0, searchGrams: 0, searchText: 0 },
      )
        .limit(limit)
        .lean<Array<SessionDoc & { disconnectedAt?: Date | null }>>();
      return docs.map((doc): SessionRecord & { disconnectedAt: Date | null } => ({ ...toSession(doc), disconnectedAt: doc.disconnectedAt ?? null }));
    },
  };

  const conversations: Pick<ConversationsRepository, 'listActive' | 'list' | 'listQuiet'> = {
    async list(appId, view, userId, limit) {
      if (!isValidObjectId(appId)) return [];
      const { filter, sort } = NATIVE_VIEWS[view](userId);
      const docs = await Session.find({ appId, ...filter }, { pages: 0, searchGrams: 0, searchText: 0 }).sort(sort).limit(limit).lean<SessionDoc[]>();
      return docs.map(toConversation);
    },
    async listQuiet(appId, before, limit) {
      if (!isValidObjectId(appId)) return [];
      const docs = await Session.find({ appId, conversationStatus: { $in: ['open', 'assigned'] }, lastMessageAt: { $lt: before } }, { pages: 0, searchGrams: 0, searchText: 0 })
        .sort({ lastMessageAt: 1 })
        .limit(limit)
        .lean<SessionDoc[]>();
      return docs.map(toConversation);
    },
    async listActive(appId, limit) {
      if (!isValidObjectId(appId)) return [];
      // Chats waiting for a person, or with one, first, then the latest: however many chats are under
      // way, a visitor who asked for help is never past the limit. Shown by their last message.
      const docs = await Session.find({ appId, status: 'active', lastMessageAt: { $gt: new Date(0) } }, { pages: 0, searchGrams: 0, searchText: 0 })
        .sort({ chatPriority: -1, lastMessageAt: -1 })
        .limit(limit)
        .lean<SessionDoc[]>();
      return docs
        .filter((doc) => (doc.messageSeq ?? 0) > 0)
        .sort((a, b) => (b.lastMessageAt?.getTime() ?? 0) - (a.lastMessageAt?.getTime() ?? 0))
        .map(toConversation);
    },
  };

  return { messages, sessions, recordings, conversations, storedHeaders };
}

/** Each Conversations view as one query on its index (native-indexes.ts). */
const NATIVE_VIEWS: Record<ConversationView, (userId: string) => { filter: Record<string, unknown>; sort: Record<string, 1 | -1> }> = {
  waiting: () => ({ filter: { conversationStatus: 'waiting' }, sort: { waitingSince: 1 } }),
  mine: (userId) => ({ filter: { conversationStatus: { $in: ['waiting', 'assigned'] }, assigneeId: userId }, sort: { lastMessageAt: -1 } }),
  open: () => ({ filter: { conversationStatus: { $in: ['open', 'waiting', 'assigned'] } }, sort: { lastMessageAt: -1 } }),
  resolved: () => ({ filter: { conversationStatus: 'resolved' }, sort: { resolvedAt: -1 } }),
};
