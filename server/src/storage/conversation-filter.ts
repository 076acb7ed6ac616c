import type { ConversationFilter } from '../protocol/activity.js';

type ConversationStatus = 'open' | 'waiting' | 'assigned' | 'resolved';

/** The stored conversation statuses each filter takes: one table for both engines' session lists. */
export const CONVERSATION_STATUSES_OF: Record<ConversationFilter, readonly ConversationStatus[]> = {
  all: ['open', 'waiting', 'assigned', 'resolved'],
  open: ['open', 'waiting', 'assigned'],
  waiting: ['waiting'],
  resolved: ['resolved'],
};

export const matchesConversation = (status: string | null | undefined, filter: ConversationFilter): boolean =>
  (CONVERSATION_STATUSES_OF[filter] as readonly string[]).includes(status ?? '');
