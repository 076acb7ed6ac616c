import type { ChatMessage, ConversationSummary } from '../protocol/chat-events.js';
import type { ConversationRecord, MessageRecord } from '../storage/ports.js';

/** Records → what goes on the wire. */
export function wireMessage(message: MessageRecord): ChatMessage {
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
    conversationStatus: conversation.conversationStatus,
    assigneeId: conversation.assigneeId,
    waitingSince: conversation.waitingSince?.toISOString() ?? null,
    resolvedAt: conversation.resolvedAt?.toISOString() ?? null,
  };
}
