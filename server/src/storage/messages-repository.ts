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

const PREVIEW_CHARS = 200;
const DUPLICATE_KEY = 11000;
const MAX_SEQ_ATTEMPTS = 20;

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
  };
}

export function messagesRepository(Message: Model<MessageDoc>, Session: Model<SessionDoc>, index?: ActivityIndex): MessagesRepository {
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
        // A visitor message is a prompt of the Activity feed and its chart.
        if (input.role === 'visitor') await index?.promptAdded({ appId: String(input.appId), id: doc._id.toString(), createdAt: input.createdAt });
        return toMessage(doc.toObject());
      }
    },
    async findByClientId(sessionId, clientId) {
      if (!isValidObjectId(sessionId)) return null;
      const doc = await Message.findOne({ sessionId, clientId }).lean<MessageDoc>();
      return doc ? toMessage(doc) : null;
    },
    async listAfter(sessionId, afterSeq, limit) {
      if (!isValidObjectId(sessionId)) return [];
      const docs = await Message.find({ sessionId, seq: { $gt: afterSeq } }).sort({ seq: 1 }).limit(limit).lean<MessageDoc[]>();
      return docs.map(toMessage);
    },
    async listRecent(sessionId, limit) {
      if (!isValidObjectId(sessionId)) return [];
      const docs = await Message.find({ sessionId }).sort({ seq: -1 }).limit(limit).lean<MessageDoc[]>();
      return docs.reverse().map(toMessage);
    },
    async listEarlier(appId, visitorId, exceptSessionId, limit) {
      if (!isValidObjectId(appId)) return [];
      const filter: Record<string, unknown> = { appId, visitorId };
      if (exceptSessionId && isValidObjectId(exceptSessionId)) filter.sessionId = { $ne: exceptSessionId };
      const docs = await Message.find(filter).sort({ createdAt: -1 }).limit(limit).lean<MessageDoc[]>();
      return docs.reverse().map(toMessage);
    },
    async markAnswered(sessionId, by) {
      if (!isValidObjectId(sessionId)) return;
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
      const docs = await Session.find({ appId, status: 'active', messageSeq: { $gt: 0 } })
        .sort({ lastMessageAt: -1 })
        .limit(limit)
        .lean<SessionDoc[]>();
      return docs.map(toConversation);
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
