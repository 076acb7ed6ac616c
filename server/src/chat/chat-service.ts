import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
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
}

export type ChatService = ReturnType<typeof createChatService>;

export function createChatService({ repos, team, ai, publish, logger, now = () => new Date() }: ChatServiceDeps) {
  // Per process: a visitor's messages arrive on their own connection, which one node serves.
  const limiter = new RateLimiterMemory({ points: CHAT_MESSAGES_PER_WINDOW, duration: CHAT_RATE_WINDOW_MS / 1000 });
  // Streams run in the process that started them; aborting them is local. The chat state in the
  // database is checked again before an answer is stored, so a takeover on another node still wins.
  const streams = new Map<string, { controller: AbortController; replyId: string }>();
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

  /** Applies a handoff event; when it changes the state, adds a note for people and tells everyone. */
  async function handoff(app: AppRecord, conversation: ConversationRecord, event: HandoffEvent, note: string): Promise<ConversationRecord> {
    const { from, to } = transitionFor(event);
    const moved = await repos.conversations.transition(conversation.sessionId, from, to);
    if (!moved) return (await repos.conversations.find(conversation.sessionId)) ?? conversation;
    if (!aiMayAnswer(to)) abortStream(conversation.sessionId);
    const { conversation: latest } = await append(moved, { role: 'system', text: note });
    publish.state(latest, await statusOf(app, latest));
    // A person is wanted: the conversation waits for one until someone answers or resolves it.
    if (to === 'waiting') return (await lifecycle.personWanted(latest).then(announceMove)) ?? latest;
    return latest;
  }

  async function answerWithAi(app: AppRecord, conversation: ConversationRecord): Promise<void> {
    const { sessionId } = conversation;
    if (!ai || !(await aiAvailable(app))) {
      await handoff(app, conversation, 'ai-unavailable', NOTES.noAi);
      return;
    }
    abortStream(sessionId); // a newer message is answered with the whole history instead
    const controller = new AbortController();
    const replyId = `r_${randomBytes(9).toString('base64url')}`;
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
      if (controller.signal.aborted || !latest || !aiMayAnswer(latest.chatState) || !reply.text.trim()) {
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
    }
  }

  const startAnswer = (app: AppRecord, conversation: ConversationRecord) =>
    void answerWithAi(app, conversation).catch((error: Error) => logger.error({ err: error }, 'AI answer crashed'));

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
      try {
        await limiter.consume(`${app.id}:${visitorId}`);
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        const seconds = Math.ceil(error.msBeforeNext / 1000);
        throw new AppError('E_RATE_LIMITED', `You are sending messages quickly. Wait ${seconds} s and try again.`, { retryAfterMs: error.msBeforeNext });
      }
      const { stored, conversation: appended } = await append(conversation, { role: 'visitor', text: input.text, clientId: input.clientId });
      const previous = appended.conversationStatus === null ? await previousAssignee(appended) : null;
      const latest = (await lifecycle.visitorWrote(appended, aiMayAnswer(appended.chatState), previous).then(announceMove)) ?? appended;
      if (aiMayAnswer(latest.chatState)) startAnswer(app, latest);
      return { message: wireMessage({ ...stored, role: 'visitor' }), duplicate: false };
    },

    /** Everything after `afterSeq` (the widget's resync after a reconnect), plus the chat's state. */
    async sync(app: AppRecord, visitorId: string, sessionId: string | undefined, afterSeq: number): Promise<ChatSyncResult> {
      const conversation = sessionId ? await conversationOf(app, sessionId) : null;
      const messages = conversation ? await repos.messages.listAfter(conversation.sessionId, afterSeq, CHAT_SYNC_PAGE_SIZE) : [];
      const earlier =
        afterSeq === 0 ? await repos.messages.listEarlier(app.id, visitorId, conversation?.sessionId ?? null, CHAT_EARLIER_MESSAGES) : [];
      if (conversation && aiMayAnswer(conversation.chatState) && !streams.has(conversation.sessionId)) {
        // An answer cut short when the visitor navigated away is given again now they are back.
        const [last] = await repos.messages.listRecent(conversation.sessionId, 1);
        if (last?.role === 'visitor' && !last.answeredBy) startAnswer(app, conversation);
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
      if (!streams.has(sessionId)) return;
      setTimeout(() => {
        publish
          .visitorsPresent(sessionId)
          .then((count) => {
            if (count === 0) abortStream(sessionId);
          })
          .catch((error: Error) => logger.warn({ err: error }, 'could not check visitor presence'));
      }, VISITOR_LEFT_GRACE_MS).unref();
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
      abortStream(sessionId);
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
    },
  };
  return service;
}
