import { isValidObjectId, type Model } from 'mongoose';
import { dayKey, hourKey } from '../sessions/time-buckets.js';
import type {
  AiUsageRepository,
  ConversationRecord,
  ConversationsRepository,
  MessageRecord,
  MessagesRepository,
} from './chat-records.js';
import type { AiUsageDoc, MessageDoc } from './message-model.js';
import { serializeSessionWrite } from './session-writes.js';
import type { SessionDoc } from './session-model.js';
import type { ActivityIndex } from './activity-index.js';
import { decodeEntries, indexKeys } from './activity-index-model.js';
import { byIds } from './by-ids.js';
import type { MessagePages } from './message-pages.js';
import { visitorKey, type VisitorDoc } from './visitor-model.js';
import { toLiveStruggle } from './struggles-repository.js';

const PREVIEW_CHARS = 200;
const DUPLICATE_KEY = 11000;
const MAX_SEQ_ATTEMPTS = 20;
/** Latest messages searched for a retried send's clientId. */
const CLIENT_ID_WINDOW = 50;
/** Latest messages whose waiting prompts an answer marks answered. */
const ANSWER_WINDOW = 100;

function toMessage(doc: MessageDoc): MessageRecord {
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

function toConversation(doc: SessionDoc): ConversationRecord {
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
  };
}

/**
 * Messages of one session are found through message_pages (message-pages.ts) and read by `_id`; a
 * session from before the pages keeps the query on `messages` (a scan of all of them on FerretDB).
 */
export function messagesRepository(
  Message: Model<MessageDoc>,
  Session: Model<SessionDoc>,
  index?: ActivityIndex,
  paged?: { pages: MessagePages; Visitor: Model<VisitorDoc> },
): MessagesRepository {
  /** The session's last seq when its messages are paged; null for a session from before the pages. */
  async function pagedSeq(sessionId: string): Promise<number | null> {
    if (!paged) return null;
    const session = await Session.findById(sessionId, { messageSeq: 1, messagePages: 1 }).lean<Pick<SessionDoc, 'messageSeq' | 'messagePages'>>();
    return session?.messagePages ? (session.messageSeq ?? 0) : null;
  }
  async function between(sessionId: string, from: number, to: number): Promise<MessageRecord[]> {
    const ids = await paged!.pages.idsBetween(sessionId, Math.max(from, 1), to);
    const found = await byIds<MessageDoc>(Message, ids.map(({ id }) => id));
    return ids.flatMap(({ id }) => {
      const doc = found.get(id);
      return doc ? [toMessage(doc)] : [];
    });
  }
  /** The last `limit` messages of a session, oldest first; null for a session from before the pages. */
  async function recent(sessionId: string, limit: number): Promise<MessageRecord[] | null> {
    const last = await pagedSeq(sessionId);
    return last === null ? null : between(sessionId, last - limit + 1, last);
  }

  return {
    async append(input) {
      // The session document hands out seq numbers with $inc. FerretDB 1.x does not make
      // findAndModify atomic under concurrency, so two writers can draw the same number: the unique
      // (sessionId, seq) index refuses the second, which draws again.
      for (let attempt = 1; ; attempt++) {
        const session = await serializeSessionWrite(input.sessionId, () =>
          Session.findOneAndUpdate(
            { _id: input.sessionId },
            {
              $inc: { messageSeq: 1 },
              $set: { lastMessageAt: input.createdAt, lastMessageText: input.text.slice(0, PREVIEW_CHARS), lastActivityAt: input.createdAt },
            },
            { returnDocument: 'after' },
          ).lean<SessionDoc>(),
        );
        if (!session) throw new Error(`session ${input.sessionId} not found`);
        let doc;
        try {
          doc = await Message.create({
            ...input,
            clientId: input.clientId ?? null,
            agentId: input.agentId ?? null,
            seq: session.messageSeq,
            hourKey: hourKey(input.createdAt),
            dayKey: dayKey(input.createdAt),
          });
        } catch (error) {
          if ((error as { code?: number }).code !== DUPLICATE_KEY || attempt >= MAX_SEQ_ATTEMPTS) throw error;
          continue;
        }
        // Independent documents, written together: the session's message pages; the Conversations list,
        // which the session now leads; the Activity feed and its chart, for a visitor's message (a prompt).
        const appId = String(input.appId);
        await Promise.all([
          paged?.pages.record(input.sessionId, session.messageSeq, doc._id.toString()),
          session.status === 'active' ? index?.chatActivity({ appId, id: input.sessionId }, input.createdAt, session.chatState ?? 'ai') : null,
          input.role === 'visitor' ? index?.promptAdded({ appId, id: doc._id.toString(), sessionId: input.sessionId, createdAt: input.createdAt }) : null,
        ]);
        return toMessage(doc.toObject());
      }
    },
    async findByClientId(sessionId, clientId) {
      if (!isValidObjectId(sessionId)) return null;
      // A retried send comes back within moments: it is among the session's last messages.
      const latest = await recent(sessionId, CLIENT_ID_WINDOW);
      if (latest) return latest.find((message) => message.clientId === clientId) ?? null;
      const doc = await Message.findOne({ sessionId, clientId }).lean<MessageDoc>();
      return doc ? toMessage(doc) : null;
    },
    async listAfter(sessionId, afterSeq, limit) {
      if (!isValidObjectId(sessionId)) return [];
      const last = await pagedSeq(sessionId);
      if (last !== null) return between(sessionId, afterSeq + 1, Math.min(last, afterSeq + limit));
      const docs = await Message.find({ sessionId, seq: { $gt: afterSeq } }).sort({ seq: 1 }).limit(limit).lean<MessageDoc[]>();
      return docs.map(toMessage);
    },
    async listRecent(sessionId, limit) {
      if (!isValidObjectId(sessionId)) return [];
      const latest = await recent(sessionId, limit);
      if (latest) return latest;
      const docs = await Message.find({ sessionId }).sort({ seq: -1 }).limit(limit).lean<MessageDoc[]>();
      return docs.reverse().map(toMessage);
    },
    async listEarlier(appId, visitorId, exceptSessionId, limit) {
      if (!isValidObjectId(appId)) return [];
      const visitor = paged ? await paged.Visitor.findById(visitorKey(appId, visitorId), { sessionIds: 1 }).lean<Pick<VisitorDoc, 'sessionIds'>>() : null;
      if (visitor?.sessionIds !== undefined && visitor?.sessionIds !== null) {
        // The visitor's own list of sessions, newest first, each read from its last message back.
        const earlier: MessageRecord[] = [];
        const sessions = visitor.sessionIds.split(',').filter((id) => id && id !== exceptSessionId && isValidObjectId(id)).reverse();
        for (const sessionId of sessions) {
          if (earlier.length >= limit) break;
          earlier.unshift(...((await recent(sessionId, limit - earlier.length)) ?? []));
        }
        return earlier.slice(-limit);
      }
      const filter: Record<string, unknown> = { appId, visitorId };
      if (exceptSessionId && isValidObjectId(exceptSessionId)) filter.sessionId = { $ne: exceptSessionId };
      const docs = await Message.find(filter).sort({ createdAt: -1 }).limit(limit).lean<MessageDoc[]>();
      return docs.reverse().map(toMessage);
    },
    async markAnswered(sessionId, by) {
      if (!isValidObjectId(sessionId)) return;
      // The prompts still waiting are the latest ones: an answer follows them.
      const latest = await recent(sessionId, ANSWER_WINDOW);
      if (latest) {
        const waiting = latest.filter((message) => message.role === 'visitor' && !message.answeredBy);
        await Promise.all(waiting.map((message) => Message.updateOne({ _id: message.id }, { $set: { answeredBy: by } })));
        return;
      }
      await Message.updateMany({ sessionId, role: 'visitor', answeredBy: null }, { $set: { answeredBy: by } });
    },
  };
}

export function conversationsRepository(Session: Model<SessionDoc>, index?: ActivityIndex): ConversationsRepository {
  return {
    async find(sessionId) {
      if (!isValidObjectId(sessionId)) return null;
      const doc = await Session.findById(sessionId).lean<SessionDoc>();
      return doc ? toConversation(doc) : null;
    },
    async transition(sessionId, from, to) {
      if (!isValidObjectId(sessionId)) return null;
      // Documents written before chat existed have no chatState: they are in the initial state.
      const states = from.includes('ai') ? [...from, null] : from;
      const doc = await serializeSessionWrite(sessionId, () =>
        Session.findOneAndUpdate({ _id: sessionId, chatState: { $in: states } }, { $set: { chatState: to } }, { returnDocument: 'after' }).lean<SessionDoc>(),
      );
      return doc ? toConversation(doc) : null;
    },
    async listActive(appId, limit) {
      if (!isValidObjectId(appId)) return [];
      if (!index) {
        const docs = await Session.find({ appId, status: 'active', messageSeq: { $gt: 0 } }).sort({ lastMessageAt: -1 }).limit(limit).lean<SessionDoc[]>();
        return docs.map(toConversation);
      }
      // The application's chats (active sessions with messages, by last message) name the sessions to
      // read by `_id`: a filter on `sessions` reads every session on FerretDB (seconds at 100k).
      // Chats waiting for a person, or with one, come first, then the latest: however many chats are
      // under way, a visitor who asked for help is never past the limit.
      const entries = decodeEntries((await index.read(indexKeys.chats(appId)))?.items).reverse();
      const withPerson = (entry: { ref?: string }) => entry.ref === 'waiting' || entry.ref === 'human';
      const ids = [...entries.filter(withPerson), ...entries.filter((entry) => !withPerson(entry))].slice(0, limit).map((entry) => entry.id);
      const found = await byIds<SessionDoc>(Session, ids);
      return [...found.values()]
        .filter((doc): doc is SessionDoc => Boolean(doc && String(doc.appId) === appId && doc.status === 'active' && (doc.messageSeq ?? 0) > 0))
        .sort((a, b) => (b.lastMessageAt?.getTime() ?? 0) - (a.lastMessageAt?.getTime() ?? 0))
        .map(toConversation);
    },
    async setIdentity(sessionId, identity) {
      if (!isValidObjectId(sessionId)) return;
      const doc = await serializeSessionWrite(sessionId, () =>
        Session.findOneAndUpdate(
          { _id: sessionId },
          { $set: { visitorName: identity.name, visitorEmail: identity.email, identityVerified: identity.verified } },
          { returnDocument: 'before' },
        ).lean<SessionDoc>(),
      );
      // A new name or email becomes searchable (set again with every message: only a change is listed).
      if (doc && (doc.visitorName !== identity.name || doc.visitorEmail !== identity.email)) {
        index?.sessionSearchable({ appId: String(doc.appId), id: sessionId, startedAt: doc.startedAt }, { visitorName: identity.name, visitorEmail: identity.email });
      }
    },
  };
}

export function aiUsageRepository(AiUsage: Model<AiUsageDoc>): AiUsageRepository {
  return {
    async tokensOn(appId, day) {
      if (!isValidObjectId(appId)) return 0;
      const doc = await AiUsage.findOne({ appId, dayKey: day }).lean<AiUsageDoc>();
      return doc?.tokens ?? 0;
    },
    async add(appId, day, tokens) {
      if (!isValidObjectId(appId) || tokens <= 0) return;
      await AiUsage.updateOne({ appId, dayKey: day }, { $inc: { tokens } }, { upsert: true });
    },
  };
}
