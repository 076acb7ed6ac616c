import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { AiModelUnavailableError } from '../ai/ai-model.js';
import type { AiResponder } from '../ai/ai-responder.js';
import { buildHistory } from '../ai/prompt.js';
import { AppError } from '../http/app-error.js';
import type { ChatStatus, ChatSyncResult, ConsoleChatMessage, ConversationView } from '../protocol/chat-events.js';
import type { ChatSendInput } from '../protocol/chat-schemas.js';
import {
  AI_HISTORY_TOKEN_BUDGET,
  CHAT_EARLIER_MESSAGES,
  CHAT_MESSAGES_PER_WINDOW,
  CHAT_RATE_WINDOW_MS,
  CHAT_SYNC_PAGE_SIZE,
  MAX_CHAT_MESSAGE_CHARS,
} from '../protocol/limits.js';
import { dayKey } from '../protocol/utc-buckets.js';
import type { AppRecord, ConversationRecord, MessageRecord, Repositories, TeamQueries, UserRecord } from '../storage/ports.js';
import { singleNodeSignals, type AnswerSignals } from '../realtime/answer-signals.js';
import { createRateLimit, type RateLimitStore } from '../rate-limits/rate-limiter.js';
import { ANSWER_LEASE_MS, claimAnswer } from './answer-lease.js';
import type { ChatPublisher } from './chat-publisher.js';
import { consoleMessage, isForVisitor, wireMessage } from './chat-wire.js';
import { conversationLifecycle } from './conversation-lifecycle.js';
import { aiMayAnswer, transitionFor, type HandoffEvent } from './handoff.js';

/** Conversations one view of the Conversations page shows. */
const CONVERSATIONS_PER_VIEW = 100;
/** Messages the history may draw from before the token budget trims it. */
const HISTORY_MESSAGES = 100;
/** A visitor who navigates to another page reconnects within this; only then has the visitor left. */
export const VISITOR_LEFT_GRACE_MS = 3_000;

export const NOTES = {
  noAi: 'Thanks! A member of our team will reply here soon.',
  askedForHuman: 'We have asked a member of our team to join. They will reply here.',
  aiFailed: 'Our assistant cannot answer right now. A member of our team will reply here.',
  agentJoined: 'A member of our team joined the conversation.',
};

export interface ChatServiceDeps {
  repos: Repositories;
  /** The accounts, for the teammates a conversation can be assigned to. */
  team: Pick<TeamQueries, 'list'>;
  ai: AiResponder | null;
  publish: ChatPublisher;
  logger: Logger;
  now?: () => Date;
  /** Stops answers streamed by other nodes (a takeover, the visitor gone); none on one node. */
  signals?: AnswerSignals;
  /** Where the per-visitor message limit counts (Redis with several nodes). */
  rateLimits?: RateLimitStore;
}

/** A page load that found another node answering looks again this often, at most this many times. */
const ANSWER_RECHECK_MS = ANSWER_LEASE_MS + 1_000;
const ANSWER_RECHECKS = 3;

export type ChatService = ReturnType<typeof createChatService>;

export function createChatService({ repos, team, ai, publish, logger, now = () => new Date(), signals = singleNodeSignals, rateLimits }: ChatServiceDeps) {
  // Counted by visitor, whichever node each of their pages reached.
  const limiter = createRateLimit(
    { name: 'chat-messages', points: CHAT_MESSAGES_PER_WINDOW, windowMs: CHAT_RATE_WINDOW_MS, message: 'You are sending messages quickly.' },
    rateLimits,
  );
  // Streams run in the process that holds the conversation's answering lease (answer-lease.ts);
  // other nodes stop them by a signal (answer-signals.ts). The chat state and the lease are checked
  // again before an answer is stored, so a takeover or a newer message on another node still wins.
  const streams = new Map<string, { controller: AbortController; replyId: string }>();
  const rechecks = new Set<NodeJS.Timeout>();
  signals.onAbort((sessionId, keep) => {
    if (streams.get(sessionId)?.replyId !== keep) abortStream(sessionId);
  });
  const lifecycle = conversationLifecycle(repos.conversations, now);
  /** Tells the consoles when a lifecycle move happened (null: it did not apply). */
  const announceMove = (conversation: ConversationRecord | null) => {
    if (conversation) publish.conversation(conversation);
    return conversation;
  };

  async function aiAvailable(app: AppRecord): Promise<boolean> {
    if (!ai || !app.settings.ai.enabled) return false;
    return (await repos.aiUsage.tokensOn(app.id, dayKey(now()))) < app.settings.ai.dailyTokenCap;
  }

  async function statusOf(app: AppRecord, conversation: ConversationRecord | null): Promise<ChatStatus> {
    return { sessionId: conversation?.sessionId ?? '', state: conversation?.chatState ?? 'ai', aiAvailable: await aiAvailable(app) };
  }

  async function conversationOf(app: AppRecord, sessionId: string): Promise<ConversationRecord> {
    const conversation = await repos.conversations.find(sessionId);
    if (!conversation || conversation.appId !== app.id) throw new AppError('E_NOT_FOUND', 'This conversation does not exist.');
    return conversation;
  }

  async function append(conversation: ConversationRecord, message: Omit<Parameters<Repositories['messages']['append']>[0], 'appId' | 'sessionId' | 'visitorId' | 'createdAt'>, replyId?: string) {
    const stored = await repos.messages.append({
      ...message,
      appId: conversation.appId,
      sessionId: conversation.sessionId,
      visitorId: conversation.visitorId,
      createdAt: now(),
    });
    const fresh = (await repos.conversations.find(conversation.sessionId)) ?? conversation;
    // An internal note goes to the consoles only; everything else to the visitor too.
    if (isForVisitor(stored)) publish.message(fresh, wireMessage(stored), replyId);
    else publish.note(fresh, consoleMessage(stored));
    return { stored, conversation: fresh };
  }

  /** Who had the visitor's previous conversation (their latest message in another session), if anyone. */
  async function previousAssignee(conversation: ConversationRecord): Promise<string | null> {
    const [last] = await repos.messages.listEarlier(conversation.appId, conversation.visitorId, conversation.sessionId, 1);
    return last ? ((await repos.conversations.find(last.sessionId))?.assigneeId ?? null) : null;
  }

  function abortStream(sessionId: string): void {
    streams.get(sessionId)?.controller.abort();
    streams.delete(sessionId);
  }

  /** Stops the session's answer here and on every other node. */
  function stopAnswer(sessionId: string): void {
    abortStream(sessionId);
    signals.abortElsewhere(sessionId);
  }

  /** Applies a handoff event; when it changes the state, adds a note for people and tells everyone. */
  async function handoff(app: AppRecord, conversation: ConversationRecord, event: HandoffEvent, note: string): Promise<ConversationRecord> {
    const { from, to } = transitionFor(event);
    const moved = await repos.conversations.transition(conversation.sessionId, from, to);
    if (!moved) return (await repos.conversations.find(conversation.sessionId)) ?? conversation;
    if (!aiMayAnswer(to)) stopAnswer(conversation.sessionId);
    const { conversation: latest } = await append(moved, { role: 'system', text: note });
    publish.state(latest, await statusOf(app, latest));
    // A person is wanted: the conversation waits for one until someone answers or resolves it — or, a
    // returning visitor's conversation that had not begun, goes back to their previous agent.
    if (to === 'waiting') {
      const previous = latest.conversationStatus === null ? await previousAssignee(latest) : null;
      return (await lifecycle.personWanted(latest, previous).then(announceMove)) ?? latest;
    }
    return latest;
  }

  /**
   * Answers the visitor message `seq` (and the history before it) when this node gets the answering
   * lease; `recheck`: when another node holds it, look again once it would have expired (that node
   * may have died mid-answer: the visitor then gets the answer from here).
   */
  async function answerWithAi(app: AppRecord, conversation: ConversationRecord, seq: number, recheck: number): Promise<void> {
    const { sessionId } = conversation;
    if (!ai || !(await aiAvailable(app))) {
      await handoff(app, conversation, 'ai-unavailable', NOTES.noAi);
      return;
    }
    const controller = new AbortController();
    const replyId = `r_${randomBytes(9).toString('base64url')}`;
    const lease = await claimAnswer({ repos, logger, now }, sessionId, { holder: replyId, seq }, () => controller.abort());
    if (!lease) {
      if (recheck > 0) scheduleRecheck(app, sessionId, recheck - 1);
      return;
    }
    // Read after the claim: an answer stored meanwhile (its lease already given up) is not given twice.
    if ((await unanswered(sessionId))?.seq !== seq) {
      await lease.release();
      return;
    }
    abortStream(sessionId); // a newer message is answered with the whole history instead
    signals.abortElsewhere(sessionId, replyId);
    streams.set(sessionId, { controller, replyId });
    publish.streamStart(conversation, replyId);
    try {
      const history = buildHistory(await repos.messages.listRecent(sessionId, HISTORY_MESSAGES), AI_HISTORY_TOKEN_BUDGET);
      const reply = await ai.reply({
        ai: app.settings.ai,
        history,
        signal: controller.signal,
        onDelta: (text) => {
          if (!controller.signal.aborted) publish.delta(conversation, replyId, text);
        },
      });
      await repos.aiUsage.add(app.id, dayKey(now()), reply.tokens);
      const latest = await repos.conversations.find(sessionId);
      // Still ours: not taken over by a newer message (the lease is given up only once the answer is stored).
      const stillOurs = !controller.signal.aborted && latest && aiMayAnswer(latest.chatState) && reply.text.trim() && (await lease.renew());
      if (!stillOurs || !latest) {
        publish.streamEnd(conversation, replyId);
        return;
      }
      await repos.messages.markAnswered(sessionId, 'ai');
      await append(latest, { role: 'ai', text: reply.text }, replyId);
    } catch (error) {
      publish.streamEnd(conversation, replyId);
      if (controller.signal.aborted) return;
      // A model that no longer answers was reported at start (and shows in the console): not once per chat.
      logger[error instanceof AiModelUnavailableError ? 'debug' : 'warn']({ err: error, sessionId }, 'AI answer failed; routing the conversation to people');
      const latest = await repos.conversations.find(sessionId);
      if (latest) await handoff(app, latest, 'ai-unavailable', NOTES.aiFailed);
    } finally {
      if (streams.get(sessionId)?.replyId === replyId) streams.delete(sessionId);
      await lease.release().catch((error: Error) => logger.warn({ err: error, sessionId }, 'could not release the answering lease'));
    }
  }

  const startAnswer = (app: AppRecord, conversation: ConversationRecord, seq: number, recheck = 0) =>
    void answerWithAi(app, conversation, seq, recheck).catch((error: Error) => logger.error({ err: error }, 'AI answer crashed'));

  /** The session's last message, when it is the visitor's and nobody answered it. */
  async function unanswered(sessionId: string) {
    const [last] = await repos.messages.listRecent(sessionId, 1);
    return last?.role === 'visitor' && !last.answeredBy ? last : null;
  }

  /** After the grace period, stops the answer when none of the visitor's pages is back (on any node). */
  function checkPresenceLater(sessionId: string): void {
    setTimeout(() => {
      publish
        .visitorsPresent(sessionId)
        .then((count) => {
          if (count === 0) stopAnswer(sessionId);
        })
        .catch((error: Error) => logger.warn({ err: error }, 'could not check visitor presence'));
    }, VISITOR_LEFT_GRACE_MS).unref();
  }

    function scheduleRecheck(app: AppRecord, sessionId: string, remaining: number): void {
    const timer = setTimeout(() => {
      rechecks.delete(timer);
      void (async () => {
        const conversation = await repos.conversations.find(sessionId);
        const last = conversation && aiMayAnswer(conversation.chatState) && !streams.has(sessionId) ? await unanswered(sessionId) : null;
        if (conversation && last) startAnswer(app, conversation, last.seq, remaining);
      })().catch((error: Error) => logger.warn({ err: error, sessionId }, 'could not look at an unfinished answer again'));
    }, ANSWER_RECHECK_MS).unref();
    rechecks.add(timer);
  }

  const service = {
    /** The visitor's message: stored (a "prompt"), then answered by the AI while the chat is in `ai`. */
    async visitorSend(app: AppRecord, visitorId: string, sessionId: string | undefined, input: ChatSendInput) {
      if (!sessionId) throw new AppError('E_NOT_FOUND', 'Start a session before sending messages.');
      if (input.text.length > MAX_CHAT_MESSAGE_CHARS) {
        throw new AppError('E_MESSAGE_TOO_LONG', `Messages can be at most ${MAX_CHAT_MESSAGE_CHARS} characters (this one has ${input.text.length}).`);
      }
      const conversation = await conversationOf(app, sessionId);
      if (conversation.visitorId !== visitorId) throw new AppError('E_NOT_FOUND', 'This conversation does not exist.');
      const duplicate = await repos.messages.findByClientId(sessionId, input.clientId);
      if (duplicate && duplicate.role === 'visitor') return { message: wireMessage(duplicate as typeof duplicate & { role: 'visitor' }), duplicate: true };
      // Another author's message under this id (a note, a reply) is never handed to the visitor.
      if (duplicate) throw new AppError('E_CONFLICT', 'This message id is taken. Send the message again.');
      await limiter.take(`${app.id}:${visitorId}`);
      const { stored, conversation: appended } = await append(conversation, { role: 'visitor', text: input.text, clientId: input.clientId });
      const previous = appended.conversationStatus === null ? await previousAssignee(appended) : null;
      const latest = (await lifecycle.visitorWrote(appended, aiMayAnswer(appended.chatState), previous).then(announceMove)) ?? appended;
      if (aiMayAnswer(latest.chatState)) startAnswer(app, latest, stored.seq);
      return { message: wireMessage({ ...stored, role: 'visitor' }), duplicate: false };
    },

    /** Everything after `afterSeq` (the widget's resync after a reconnect), plus the chat's state. */
    async sync(app: AppRecord, visitorId: string, sessionId: string | undefined, afterSeq: number): Promise<ChatSyncResult> {
      const conversation = sessionId ? await conversationOf(app, sessionId) : null;
      const messages = conversation ? await repos.messages.listAfter(conversation.sessionId, afterSeq, CHAT_SYNC_PAGE_SIZE) : [];
      const earlier =
        afterSeq === 0 ? await repos.messages.listEarlier(app.id, visitorId, conversation?.sessionId ?? null, CHAT_EARLIER_MESSAGES) : [];
      if (conversation && aiMayAnswer(conversation.chatState) && !streams.has(conversation.sessionId)) {
        // An answer cut short when the visitor navigated away is given again now they are back; one
        // under way on another node is left to it (the lease), and looked at again should that node die.
        const last = await unanswered(conversation.sessionId);
        if (last) startAnswer(app, conversation, last.seq, ANSWER_RECHECKS);
      }
      // Internal notes never reach the visitor's socket.
      return { ...(await statusOf(app, conversation)), messages: messages.filter(isForVisitor).map(wireMessage), earlier: earlier.filter(isForVisitor).map(wireMessage) };
    },

    async requestHuman(app: AppRecord, sessionId: string | undefined): Promise<ChatStatus> {
      if (!sessionId) throw new AppError('E_NOT_FOUND', 'Start a session first.');
      const conversation = await handoff(app, await conversationOf(app, sessionId), 'visitor-asked-for-human', NOTES.askedForHuman);
      return statusOf(app, conversation);
    },

    async setIdentity(sessionId: string, identity: { name: string; email: string; verified: boolean }) {
      if (identity.name || identity.email || identity.verified) await repos.conversations.setIdentity(sessionId, identity);
    },

    /** The visitor's connection closed; when none of their pages is back after a grace period, stop answering. */
    visitorLeft(sessionId: string): void {
      if (streams.has(sessionId)) return checkPresenceLater(sessionId);
      // The answer may stream on another node: looked at only while some node holds its lease.
      if (signals === singleNodeSignals) return;
      repos.conversations.find(sessionId).then(
        (conversation) => conversation?.answeringUntil && conversation.answeringUntil > now() && checkPresenceLater(sessionId),
        (error: Error) => logger.warn({ err: error }, 'could not check the answering lease'),
      );
    },

    // —— console side; every call checks the agent is a member of the conversation's application ——

    async conversationFor(user: UserRecord, sessionId: string): Promise<ConversationRecord> {
      const conversation = await repos.conversations.find(sessionId);
      const member = conversation && (await repos.users.findById(user.id))?.appIds.includes(conversation.appId);
      if (!conversation || !member) throw new AppError('E_NOT_FOUND', 'This conversation does not exist.');
      return conversation;
    },

    async list(user: UserRecord, appId: string, view: ConversationView = 'open'): Promise<ConversationRecord[]> {
      if (!(await repos.users.findById(user.id))?.appIds.includes(appId)) throw new AppError('E_NOT_FOUND', 'This application does not exist.');
      return repos.conversations.list(appId, view, user.id, CONVERSATIONS_PER_VIEW);
    },

    /** The members of the application, whom its conversations can be assigned to. */
    async teammates(user: UserRecord, appId: string): Promise<Array<{ id: string; email: string }>> {
      if (!(await repos.users.findById(user.id))?.appIds.includes(appId)) throw new AppError('E_NOT_FOUND', 'This application does not exist.');
      return (await team.list()).filter((member) => member.appIds.includes(appId)).map(({ id, email }) => ({ id, email }));
    },

    /** Gives the conversation to a member of its application (the caller by default). */
    async assign(user: UserRecord, sessionId: string, assigneeId = user.id): Promise<ConversationRecord> {
      const conversation = await service.conversationFor(user, sessionId);
      const assignee = await repos.users.findById(assigneeId);
      if (!assignee?.appIds.includes(conversation.appId)) throw new AppError('E_NOT_FOUND', 'This teammate is not a member of the application.');
      return (await lifecycle.assign(conversation, assignee.id).then(announceMove)) ?? conversation;
    },

    async resolve(user: UserRecord, sessionId: string): Promise<ConversationRecord> {
      const conversation = await service.conversationFor(user, sessionId);
      return (await lifecycle.resolve(conversation).then(announceMove)) ?? (await service.conversationFor(user, sessionId));
    },

    /** Resolves the application's conversations quiet since `quietSince` (the owner's quiet period); returns how many. */
    async resolveQuiet(appId: string, quietSince: Date): Promise<number> {
      let resolved = 0;
      for (const conversation of await repos.conversations.listQuiet(appId, quietSince, CONVERSATIONS_PER_VIEW)) {
        if (await lifecycle.resolveQuiet(conversation, quietSince).then(announceMove)) resolved += 1;
      }
      return resolved;
    },

    async transcript(conversation: ConversationRecord): Promise<ConsoleChatMessage[]> {
      return (await repos.messages.listAfter(conversation.sessionId, 0, CHAT_SYNC_PAGE_SIZE * 5)).map(consoleMessage);
    },

    async takeover(user: UserRecord, sessionId: string): Promise<ConversationRecord> {
      const conversation = await service.conversationFor(user, sessionId);
      const app = await repos.apps.findById(conversation.appId);
      if (!app) throw new AppError('E_NOT_FOUND', 'This conversation does not exist.');
      stopAnswer(sessionId);
      const joined = await handoff(app, conversation, 'agent-took-over', NOTES.agentJoined);
      return (await lifecycle.personAnswered(joined, user.id).then(announceMove)) ?? joined;
    },

    async agentReply(user: UserRecord, sessionId: string, input: ChatSendInput): Promise<MessageRecord> {
      if (input.text.length > MAX_CHAT_MESSAGE_CHARS) {
        throw new AppError('E_MESSAGE_TOO_LONG', `Messages can be at most ${MAX_CHAT_MESSAGE_CHARS} characters.`);
      }
      let conversation = await service.conversationFor(user, sessionId);
      const duplicate = await repos.messages.findByClientId(sessionId, input.clientId);
      if (duplicate) return duplicate;
      // Replying is joining: the AI is quiet from here on.
      if (conversation.chatState !== 'human') conversation = await service.takeover(user, sessionId);
      await repos.messages.markAnswered(sessionId, 'agent');
      const { stored, conversation: answered } = await append(conversation, { role: 'agent', text: input.text, clientId: input.clientId, agentId: user.id });
      // An answer ends the wait: the conversation is the answering agent's unless someone already has it.
      announceMove(await lifecycle.personAnswered(answered, user.id));
      return stored;
    },

    /** An internal note on the conversation: to its application's agents only, never the visitor nor the AI. */
    async agentNote(user: UserRecord, sessionId: string, input: ChatSendInput): Promise<MessageRecord> {
      if (input.text.length > MAX_CHAT_MESSAGE_CHARS) {
        throw new AppError('E_MESSAGE_TOO_LONG', `Messages can be at most ${MAX_CHAT_MESSAGE_CHARS} characters.`);
      }
      const conversation = await service.conversationFor(user, sessionId);
      const duplicate = await repos.messages.findByClientId(sessionId, input.clientId);
      if (duplicate?.role === 'note' && duplicate.agentId === user.id) return duplicate;
      if (duplicate) throw new AppError('E_CONFLICT', 'This message id is taken. Send the note again.');
      return (await append(conversation, { role: 'note', text: input.text, clientId: input.clientId, agentId: user.id })).stored;
    },

    /**
     * The agent starts the conversation (issue 21): the message goes as a reply, and the visitor's
     * widget is told to open its chat. Only while the session is live: nobody would see it otherwise.
     */
    async agentStart(user: UserRecord, sessionId: string, input: ChatSendInput): Promise<MessageRecord> {
      const conversation = await service.conversationFor(user, sessionId);
      if (conversation.status !== 'active') throw new AppError('E_SESSION_ENDED', 'This session has ended: the visitor is no longer there.');
      const message = await service.agentReply(user, sessionId, input);
      publish.invite(sessionId);
      return message;
    },

    /** Stops every stream (server shutdown). */
    close(): void {
      for (const sessionId of [...streams.keys()]) abortStream(sessionId);
      for (const timer of rechecks) clearTimeout(timer);
      rechecks.clear();
    },
  };
  return service;
}
