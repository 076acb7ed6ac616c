import { isValidObjectId } from 'mongoose';
import type { ActivityCountersStore } from './activity-counters.js';
import type { MessageDoc } from './message-model.js';
import type { Models } from './models.js';
import type { ConversationsRepository, MessagesRepository } from './ports.js';
import { toConversation, toMessage } from './records.js';
import type { SessionDoc } from './session-model.js';
import type { WriteHooks } from './write-hooks.js';

const PREVIEW_CHARS = 200;
const DUPLICATE_KEY = 11000;
/** Seq draws are atomic `$inc`s: a duplicate seq would take a second writer outside this code; a few tries bound it. */
const MAX_SEQ_ATTEMPTS = 5;

const isDuplicate = (error: unknown) => (error as { code?: number }).code === DUPLICATE_KEY;
/** A duplicate of the message's client id (MongoDB-native's unique `clientKey`), not of its seq. */
const isDuplicateClientId = (error: unknown) =>
  isDuplicate(error) && (Boolean((error as { keyPattern?: Record<string, unknown> }).keyPattern?.clientKey) || /clientKey/.test((error as Error).message));

/**
 * Appending messages, the same on every implementation: the session hands out the next seq with an
 * atomic `$inc` (and records the last message), the message is inserted with it; a visitor's message
 * counts as a prompt in the chart. How a session's messages are read is each implementation's own.
 */
export function appendMessages(
  { Session, Message }: Pick<Models, 'Session' | 'Message'>,
  counters: ActivityCountersStore,
  hooks: WriteHooks,
): Pick<MessagesRepository, 'append'> {
  return {
    async append(input) {
      for (let attempt = 1; ; attempt++) {
        const session = await Session.findOneAndUpdate(
          { _id: input.sessionId },
          {
            $inc: { messageSeq: 1 },
            $set: { lastMessageAt: input.createdAt, lastMessageText: input.text.slice(0, PREVIEW_CHARS) },
            // Only the visitor's own messages are their activity: an agent's or the AI's reply after they left
            // never keeps their session alive nor lengthens it (issue 18, defect 5).
            ...(input.role === 'visitor' ? { $max: { lastActivityAt: input.createdAt } } : {}),
          },
          { returnDocument: 'after' },
        ).lean<SessionDoc>();
        if (!session) throw new Error(`session ${input.sessionId} not found`);
        let doc: MessageDoc;
        try {
          const created = await Message.create({
            ...input,
            clientId: input.clientId ?? null,
            agentId: input.agentId ?? null,
            seq: session.messageSeq,
            ...hooks.messageFields(session, input),
          });
          doc = created.toObject() as MessageDoc;
        } catch (error) {
          if (isDuplicateClientId(error) && input.clientId) {
            const stored = await Message.findOne({ sessionId: input.sessionId, clientId: input.clientId }).lean<MessageDoc>();
            if (stored) return toMessage(stored);
          }
          if (!isDuplicate(error) || attempt >= MAX_SEQ_ATTEMPTS) throw error;
          continue;
        }
        await Promise.all([
          input.role === 'visitor' ? counters.promptAdded(String(input.appId), input.createdAt) : null,
          hooks.messageStored(doc, session),
        ]);
        return toMessage(doc);
      }
    },
  };
}

/** The chat state and identity of a session's conversation: conditional single-document updates. */
export function conversationWrites(
  { Session }: Pick<Models, 'Session'>,
  hooks: WriteHooks,
): Omit<ConversationsRepository, 'listActive' | 'list' | 'listQuiet'> {
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
      const doc = await Session.findOneAndUpdate(
        { _id: sessionId, chatState: { $in: states } },
        { $set: { chatState: to, chatPriority: to === 'ai' ? 0 : 1 } },
        { returnDocument: 'after' },
      ).lean<SessionDoc>();
      return doc ? toConversation(doc) : null;
    },
    async claimAnswer(sessionId, lease, now) {
      if (!isValidObjectId(sessionId)) return false;
      const claimed = await Session.updateOne(
        {
          _id: sessionId,
          chatState: { $in: ['ai', null] },
          $or: [{ answerLease: null }, { 'answerLease.until': { $lte: now } }, { 'answerLease.seq': { $lt: lease.seq } }],
        },
        { $set: { answerLease: lease } },
      );
      return claimed.modifiedCount === 1;
    },
    async renewAnswer(sessionId, holder, until) {
      if (!isValidObjectId(sessionId)) return false;
      return (await Session.updateOne({ _id: sessionId, 'answerLease.holder': holder }, { $set: { 'answerLease.until': until } })).matchedCount === 1;
    },
    async releaseAnswer(sessionId, holder) {
      if (!isValidObjectId(sessionId)) return false;
      return (await Session.updateOne({ _id: sessionId, 'answerLease.holder': holder }, { $set: { answerLease: null } })).matchedCount === 1;
    },
    async move(sessionId, move) {
      if (!isValidObjectId(sessionId)) return null;
      const filter: Record<string, unknown> = { _id: sessionId, conversationStatus: { $in: move.from } };
      if (move.assigned !== undefined) filter.assigneeId = move.assigned ? { $type: 'string' } : null;
      if (move.lastMessageBefore) filter.lastMessageAt = { $lt: move.lastMessageBefore };
      const set: Record<string, unknown> = { conversationStatus: move.to, resolvedAt: move.to === 'resolved' ? move.at : null };
      // The wait starts once, when a person is first wanted; any other status ends it.
      if (move.to !== 'waiting') set.waitingSince = null;
      else if (!move.from.includes('waiting')) set.waitingSince = move.at;
      if (move.assigneeId !== undefined) set.assigneeId = move.assigneeId;
      const doc = await Session.findOneAndUpdate(filter, { $set: set }, { returnDocument: 'after' }).lean<SessionDoc>();
      if (doc) await hooks.conversationMoved(doc);
      return doc ? toConversation(doc) : null;
    },
    async setIdentity(sessionId, identity) {
      if (!isValidObjectId(sessionId)) return;
      const before = await Session.findOneAndUpdate(
        { _id: sessionId },
        { $set: { visitorName: identity.name, visitorEmail: identity.email, identityVerified: identity.verified } },
        { returnDocument: 'before' },
      ).lean<SessionDoc>();
      // Set again with every message: only a change is searchable anew.
      if (before && (before.visitorName !== identity.name || before.visitorEmail !== identity.email)) await hooks.identityChanged(before, identity);
    },
  };
}
