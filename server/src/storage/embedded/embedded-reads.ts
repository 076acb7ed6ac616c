import { isValidObjectId, Types } from 'mongoose';
import { byIds, IDS_PER_QUERY } from '../by-ids.js';
import type { MessageDoc } from '../message-model.js';
import type { Models } from '../models.js';
import type { ChunkHeader, ConversationsRepository, MessageRecord, MessagesRepository, RecordingsRepository, SessionRecord, SessionsRepository } from '../ports.js';
import { isSaneHeader, toChunkHeader, toConversation, toMessage, toSession } from '../records.js';
import { chunkKey } from '../chunk-model.js';
import { MAX_BATCH_SEQ, MAX_CHUNK_HEADS_PER_READ, MAX_SEQ_SPAN_PER_READ } from '../../protocol/limits.js';
import type { SessionDoc } from '../session-model.js';
import { visitorKey, type VisitorDoc } from '../visitor-model.js';
import { addHeads, decodeHeads, headsKey, headsPage, HEADS_PER_PAGE, type ChunkHeadsDoc } from './chunk-heads.js';
import type { EmbeddedModels } from './embedded-models.js';
import type { MessagePages } from './message-pages.js';
import { readModelKeys, setMembers } from './read-model-keys.js';

/** Latest messages searched for a retried send's clientId. */
const CLIENT_ID_WINDOW = 50;
/** Latest messages whose waiting prompts an answer marks answered. */
const ANSWER_WINDOW = 100;

/**
 * The reads of the embedded read model: every one by `_id` — a session's messages through its
 * message pages, its chunk list through its header pages, the active sessions through their small
 * set, a visitor's earlier sessions through the visitor's list, the Conversations list through the
 * application's chats set. (FerretDB 1.x answers nothing else from an index; see read-model-keys.ts.)
 */
export function embeddedReads(models: Models & EmbeddedModels, pages: MessagePages) {
  const { Session, Message, Visitor, ActiveSession, ChunkHeads, ReadModel, Chunk } = models;

  /**
   * Headers of the session's stored chunks with seqs from..to (a span the caller bounds), read from
   * their header pages in one `$in`. Gaps are absent; a header added twice is listed once; a page holds
   * HEADS_PER_PAGE headers (more is not a real page), and only sane ones are believed.
   */
  async function storedHeaders(sessionId: string, from: number, to: number): Promise<ChunkHeader[]> {
    const ids = [];
    for (let page = headsPage(Math.max(from, 1)); page <= headsPage(to); page++) ids.push(headsKey(sessionId, page));
    const docs = await ChunkHeads.find({ _id: { $in: ids } }).lean<ChunkHeadsDoc[]>();
    const bySeq = new Map<number, ChunkHeader>();
    for (const doc of docs) {
      const parts = Array.isArray(doc.h) ? doc.h.slice(0, 2 * HEADS_PER_PAGE).filter((part): part is string => typeof part === 'string') : [];
      for (const head of decodeHeads(parts)) if (isSaneHeader(head) && head.seq >= from && head.seq <= to && !bySeq.has(head.seq)) bySeq.set(head.seq, head);
    }
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  /**
   * For recounts: the headers of from..to as storedHeaders gives them, and the chunks stored there
   * whose header was never written (the ingest writes headers behind, and a crash can lose them),
   * read from the chunks by `_id` — their headers written now, so later reads find them.
   */
  async function recountHeaders(sessionId: string, from: number, to: number): Promise<ChunkHeader[]> {
    const headed = await storedHeaders(sessionId, from, to);
    const known = new Set(headed.map((head) => head.seq));
    const missing: string[] = [];
    for (let seq = Math.max(from, 1); seq <= to; seq++) if (!known.has(seq)) missing.push(chunkKey(sessionId, seq));
    const found: ChunkHeader[] = [];
    for (let i = 0; i < missing.length; i += IDS_PER_QUERY) {
      const docs = await Chunk.find({ _id: { $in: missing.slice(i, i + IDS_PER_QUERY) } }, { data: 0 }).lean<ChunkHeader[]>();
      found.push(...docs.map(toChunkHeader).filter(isSaneHeader));
    }
    if (found.length) await addHeads(ChunkHeads, found.map((header) => ({ sessionId, header })));
    return [...headed, ...found].sort((a, b) => a.seq - b.seq);
  }

  /** Messages of seqs from..to, oldest first, in one `{_id: {$in}}` read after the page read. */
  async function between(sessionId: string, from: number, to: number): Promise<MessageRecord[]> {
    const ids = await pages.idsBetween(sessionId, Math.max(from, 1), to);
    const found = await byIds<MessageDoc>(Message, ids.map(({ id }) => id));
    return ids.flatMap(({ id }) => {
      const doc = found.get(id);
      return doc ? [toMessage(doc)] : [];
    });
  }
  const lastSeq = async (sessionId: string) => (await Session.findById(sessionId, { messageSeq: 1 }).lean<Pick<SessionDoc, 'messageSeq'>>())?.messageSeq ?? 0;
  /** The last `limit` messages of a session, oldest first. */
  async function recent(sessionId: string, limit: number): Promise<MessageRecord[]> {
    const last = await lastSeq(sessionId);
    return between(sessionId, last - limit + 1, last);
  }

  /** Active sessions through the small active set, each read by `_id`; one that is not active (any more) leaves the set. */
  async function activeSessions(): Promise<Array<SessionDoc & { disconnectedAt?: Date | null }>> {
    const ids = (await ActiveSession.find({}, { _id: 1 }).lean<Array<{ _id: string }>>()).map((row) => row._id);
    const found = await byIds<SessionDoc & { disconnectedAt?: Date | null }>(Session, ids);
    const gone = ids.filter((id) => found.get(id)?.status !== 'active');
    if (gone.length) await ActiveSession.deleteMany({ _id: { $in: gone } });
    return ids.flatMap((id) => (found.get(id)?.status === 'active' ? [found.get(id)!] : []));
  }

  const messages: Omit<MessagesRepository, 'append'> = {
    async findByClientId(sessionId, clientId) {
      if (!isValidObjectId(sessionId)) return null;
      // A retried send comes back within moments: it is among the session's last messages.
      return (await recent(sessionId, CLIENT_ID_WINDOW)).find((message) => message.clientId === clientId) ?? null;
    },
    async listAfter(sessionId, afterSeq, limit) {
      if (!isValidObjectId(sessionId)) return [];
      return between(sessionId, afterSeq + 1, Math.min(await lastSeq(sessionId), afterSeq + limit));
    },
    async listRecent(sessionId, limit) {
      return isValidObjectId(sessionId) ? recent(sessionId, limit) : [];
    },
    async listEarlier(appId, visitorId, exceptSessionId, limit) {
      if (!isValidObjectId(appId)) return [];
      const visitor = await Visitor.findById(visitorKey(appId, visitorId), { sessionIds: 1 }).lean<Pick<VisitorDoc, 'sessionIds'>>();
      // The visitor's own list of sessions, newest first, each read from its last message back.
      const earlier: MessageRecord[] = [];
      const sessions = [...new Set(visitor?.sessionIds ?? [])].filter((id) => id !== exceptSessionId && isValidObjectId(id)).reverse();
      for (const sessionId of sessions) {
        if (earlier.length >= limit) break;
        earlier.unshift(...(await recent(sessionId, limit - earlier.length)));
      }
      return earlier.slice(-limit);
    },
    async markAnswered(sessionId, by) {
      if (!isValidObjectId(sessionId)) return;
      // The prompts still waiting are the latest ones: an answer follows them.
      const waiting = (await recent(sessionId, ANSWER_WINDOW)).filter((message) => message.role === 'visitor' && !message.answeredBy);
      await Promise.all(waiting.map((message) => Message.updateOne({ _id: message.id, answeredBy: null }, { $set: { answeredBy: by } })));
    },
  };

  const sessions: Pick<SessionsRepository, 'listActive'> = {
    async listActive() {
      return (await activeSessions()).map(toSession);
    },
  };

  const recordings: Pick<RecordingsRepository, 'listChunks' | 'appIdsWithSessions' | 'listActiveDue'> = {
    async listChunks(sessionId, afterSeq, limit) {
      const want = Math.min(Math.floor(limit), MAX_CHUNK_HEADS_PER_READ);
      const after = Number.isSafeInteger(afterSeq) && afterSeq > 0 ? afterSeq : 0;
      if (!isValidObjectId(sessionId) || !(want > 0)) return [];
      const session = await Session.findById(sessionId, { maxSeq: 1 }).lean<{ maxSeq?: number }>();
      // Whatever the session claims (a seq near 1e9 from before seqs were bounded), one read covers at most MAX_SEQ_SPAN_PER_READ seqs.
      const last = Math.min(Number(session?.maxSeq) || 0, MAX_BATCH_SEQ - 1, after + MAX_SEQ_SPAN_PER_READ);
      return last > after ? (await storedHeaders(sessionId, after + 1, last)).slice(0, want) : [];
    },
    async appIdsWithSessions(status) {
      if (status === 'active') return [...new Set((await ActiveSession.find({}, { appId: 1 }).lean<Array<{ appId: string }>>()).map((row) => row.appId))];
      const rows = await Session.aggregate<{ _id: Types.ObjectId }>([{ $match: status ? { status } : {} }, { $group: { _id: '$appId', count: { $sum: 1 } } }]);
      return rows.map((row) => String(row._id));
    },
    async listActiveDue(appId, { lastActivityBefore, startedBefore, disconnectedBefore }, limit) {
      if (!isValidObjectId(appId)) return [];
      const due: Array<SessionRecord & { disconnectedAt: Date | null }> = [];
      for (const doc of await activeSessions()) {
        if (String(doc.appId) !== appId) continue;
        const disconnectedAt = doc.disconnectedAt ?? null;
        if (doc.lastActivityAt < lastActivityBefore || doc.startedAt < startedBefore || (disconnectedAt && disconnectedAt < disconnectedBefore)) {
          due.push({ ...toSession(doc), disconnectedAt });
          if (due.length >= limit) break;
        }
      }
      return due;
    },
  };

  const conversations: Pick<ConversationsRepository, 'listActive'> = {
    async listActive(appId, limit) {
      if (!isValidObjectId(appId)) return [];
      // The application's chats (active sessions with messages, by last message) name the sessions to
      // read by `_id`. Chats waiting for a person, or with one, come first, then the latest: however many
      // chats are under way, a visitor who asked for help is never past the limit.
      const chats = await ReadModel.findById(readModelKeys.chats(appId)).lean();
      const entries = setMembers(chats, 't').reverse();
      const withPerson = (id: string) => chats?.[`c${id}`] === 'waiting' || chats?.[`c${id}`] === 'human';
      const ids = [...entries.filter((e) => withPerson(e.id)), ...entries.filter((e) => !withPerson(e.id))].slice(0, limit).map((entry) => entry.id);
      const found = await byIds<SessionDoc>(Session, ids);
      return [...found.values()]
        .filter((doc) => String(doc.appId) === appId && doc.status === 'active' && (doc.messageSeq ?? 0) > 0)
        .sort((a, b) => (b.lastMessageAt?.getTime() ?? 0) - (a.lastMessageAt?.getTime() ?? 0))
        .map(toConversation);
    },
  };

  return { messages, sessions, recordings, conversations, storedHeaders: recountHeaders };
}
