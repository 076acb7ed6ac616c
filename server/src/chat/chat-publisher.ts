import type { Namespace } from 'socket.io';
import type { ChatMessage, ChatStatus, ConsoleChatMessage } from '../protocol/chat-events.js';
import type { ConsoleServerToClient, VisitorServerToClient } from '../protocol/events.js';
import { appRoom, conversationRoom } from '../realtime/console-rooms.js';
import { sessionRoom } from '../realtime/visitor-namespace.js';
import type { ConversationRecord } from '../storage/ports.js';
import { conversationSummary } from './chat-wire.js';

/** Which conversation: its session, and the application its console rooms are named after. */
type ConversationRef = Pick<ConversationRecord, 'appId' | 'sessionId'>;

/**
 * Fans chat events out through Socket.IO rooms only (the visitor's session room; the console's app
 * and conversation rooms), so several server nodes can share them through an adapter.
 */
export interface ChatPublisher {
  message(conversation: ConversationRecord, message: ChatMessage, replyId?: string): void;
  /** An internal note: the consoles' rooms only, never the visitor's session room (issue 18). */
  note(conversation: ConversationRecord, message: ConsoleChatMessage): void;
  /** An AI answer began: typing shows before its first token. */
  streamStart(conversation: ConversationRef, replyId: string): void;
  delta(conversation: ConversationRef, replyId: string, text: string): void;
  streamEnd(conversation: ConversationRef, replyId: string): void;
  state(conversation: ConversationRecord, status: ChatStatus): void;
  /** The conversation's lifecycle moved (issue 18): consoles only, the visitor is not told. */
  conversation(conversation: ConversationRecord): void;
  /** An agent started the conversation: the visitor's widget opens its chat (issue 21). */
  invite(sessionId: string): void;
  /** How many visitor connections are in the session's room (0: the visitor has left). */
  visitorsPresent(sessionId: string): Promise<number>;
}

export function createChatPublisher(
  visitors: Namespace<Record<string, never>, VisitorServerToClient>,
  consoles: Namespace<Record<string, never>, ConsoleServerToClient>,
): ChatPublisher {
  const announce = (conversation: ConversationRecord) =>
    consoles.to(appRoom(conversation.appId)).emit('chat:conversation', { conversation: conversationSummary(conversation) });
  return {
    message(conversation, message, replyId) {
      const payload = replyId ? { message, replyId } : { message };
      visitors.to(sessionRoom(message.sessionId)).emit('chat:message', payload);
      consoles.to(conversationRoom(conversation.appId, message.sessionId)).emit('chat:message', payload);
      announce(conversation);
    },
    note(conversation, message) {
      consoles.to(conversationRoom(conversation.appId, message.sessionId)).emit('chat:message', { message });
      announce(conversation);
    },
    streamStart({ appId, sessionId }, replyId) {
      visitors.to(sessionRoom(sessionId)).emit('chat:stream-start', { sessionId, replyId });
      consoles.to(conversationRoom(appId, sessionId)).emit('chat:stream-start', { sessionId, replyId });
    },
    delta({ appId, sessionId }, replyId, text) {
      visitors.to(sessionRoom(sessionId)).emit('chat:delta', { sessionId, replyId, text });
      consoles.to(conversationRoom(appId, sessionId)).emit('chat:delta', { sessionId, replyId, text });
    },
    streamEnd({ appId, sessionId }, replyId) {
      visitors.to(sessionRoom(sessionId)).emit('chat:stream-end', { sessionId, replyId });
      consoles.to(conversationRoom(appId, sessionId)).emit('chat:stream-end', { sessionId, replyId });
    },
    state(conversation, status) {
      visitors.to(sessionRoom(conversation.sessionId)).emit('chat:state', status);
      announce(conversation);
    },
    conversation: announce,
    invite(sessionId) {
      visitors.to(sessionRoom(sessionId)).emit('chat:invite', { sessionId });
    },
    async visitorsPresent(sessionId) {
      return (await visitors.in(sessionRoom(sessionId)).fetchSockets()).length;
    },
  };
}
