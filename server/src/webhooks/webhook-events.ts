import type { ChatPublisher } from '../chat/chat-publisher.js';
import { MAX_WEBHOOK_SIGNALS } from '../protocol/limits.js';
import type { WebhookEventType } from '../protocol/webhooks.js';
import type { ConversationsRepository, SessionRecord, StoredInsights } from '../storage/ports.js';

/** Queues an event for the application's endpoints (webhooks-service.ts `emit`); never throws. */
export type EmitWebhook = (appId: string, type: WebhookEventType, data: unknown, visitorId: string | null) => Promise<void>;

/**
 * The chat's fan-out with `message.created`: every message the visitor sees (theirs, the AI's, an
 * agent's, the system's notes) — internal notes go through `note` and are never sent. Emitted once, by
 * the node that stored the message.
 */
export function withMessageWebhooks(publisher: ChatPublisher, emit: EmitWebhook): ChatPublisher {
  return {
    ...publisher,
    message(conversation, message, replyId) {
      publisher.message(conversation, message, replyId);
      void emit(conversation.appId, 'message.created', { message, visitorId: conversation.visitorId }, conversation.visitorId);
    },
  };
}

/**
 * The conversations' lifecycle moves with `conversation.waiting`: a move into `waiting` from another
 * status (not an assignment that keeps it waiting). Moves are conditional updates, so of two nodes
 * moving it at once only the one whose move applied emits.
 */
export function withWaitingWebhooks(conversations: ConversationsRepository, emit: EmitWebhook): ConversationsRepository {
  return {
    ...conversations,
    async move(sessionId, move) {
      const moved = await conversations.move(sessionId, move);
      if (moved && move.to === 'waiting' && !move.from.includes('waiting')) {
        void emit(moved.appId, 'conversation.waiting', {
          sessionId: moved.sessionId,
          visitorId: moved.visitorId,
          visitorName: moved.visitorName,
          visitorEmail: moved.visitorEmail,
          waitingSince: (moved.waitingSince ?? move.at).toISOString(),
          lastMessageText: moved.lastMessageText,
        }, moved.visitorId);
      }
      return moved;
    },
  };
}

/** `session.completed`'s data: the session, its summary and its signals once analysed (null when the analysis failed). */
export function sessionCompletedData(session: SessionRecord, insights: StoredInsights | null) {
  const signals = insights?.signals ?? [];
  return {
    session: {
      id: session.id,
      visitorId: session.visitorId,
      startedAt: session.startedAt.toISOString(),
      endedAt: session.endedAt?.toISOString() ?? null,
      endReason: session.endReason,
      landingUrl: session.landingUrl,
      pageCount: session.pageCount,
      eventCount: session.eventCount,
    },
    insightsStatus: insights?.status ?? 'none',
    summary: insights?.summary ? { text: insights.summary.text, source: insights.summary.source } : null,
    signals: signals.slice(0, MAX_WEBHOOK_SIGNALS).map(({ type, offsetMs, label }) => ({ type, offsetMs, label })),
    signalCount: signals.length,
  };
}
