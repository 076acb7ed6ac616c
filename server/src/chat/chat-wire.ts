import type { ChatMessage, ChatRole, ConsoleChatMessage, ConversationSummary } from '../protocol/chat-events.js';
import type { ConversationRecord, MessageRecord } from '../storage/ports.js';

/** A message the visitor may see: every one but an internal note. */
export type VisitorMessageRecord = MessageRecord & { role: ChatRole };
export const isForVisitor = (message: MessageRecord): message is VisitorMessageRecord => message.role !== 'note';

/** Records → what goes on the wire to the visitor (and to consoles). Notes cannot be given: see isForVisitor. */
export function wireMessage(message: VisitorMessageRecord): ChatMessage {
  return consoleMessage(message) as ChatMessage;
}

/** Records → what goes on the wire to consoles only, internal notes included. */
export function consoleMessage(message: MessageRecord): ConsoleChatMessage {
  return {
    id: message.id,
    sessionId: message.sessionId,
    seq: message.seq,
    role: message.role,
    text: message.text,
    createdAt: message.createdAt.toISOString(),
    clientId: message.clientId,
  };
}

export function conversationSummary(conversation: ConversationRecord): ConversationSummary {
  return {
    sessionId: conversation.sessionId,
    appId: conversation.appId,
    visitorId: conversation.visitorId,
    state: conversation.chatState,
    lastMessageAt: conversation.lastMessageAt?.toISOString() ?? null,
    lastMessageText: conversation.lastMessageText,
    messageCount: conversation.messageCount,
    visitorName: conversation.visitorName,
    visitorEmail: conversation.visitorEmail,
    identityVerified: conversation.identityVerified,
    struggle: conversation.struggle,
    rating: conversation.rating,
    contactEmail: conversation.contactEmail,
    conversationStatus: conversation.conversationStatus,
    assigneeId: conversation.assigneeId,
    waitingSince: conversation.waitingSince?.toISOString() ?? null,
    resolvedAt: conversation.resolvedAt?.toISOString() ?? null,
  };
}
