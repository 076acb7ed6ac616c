import type { ConversationStatus, ConversationSummary, ConversationView } from '../../../server/src/protocol/chat-events.js';

/**
 * The Conversations page's views (issue 18), as the server lists them (storage's `list`): which
 * conversation belongs in which view, and in what order — so a live update lands where a fresh list
 * would put it.
 */
export const VIEW_LABELS: Record<ConversationView, string> = { waiting: 'Waiting', mine: 'Mine', open: 'Open', resolved: 'Resolved' };
export const STATUS_LABELS: Record<ConversationStatus, string> = { open: 'Open', waiting: 'Waiting', assigned: 'Assigned', resolved: 'Resolved' };

export function belongsTo(view: ConversationView, conversation: ConversationSummary, userId: string): boolean {
  const status = conversation.conversationStatus;
  if (view === 'waiting') return status === 'waiting';
  if (view === 'mine') return (status === 'assigned' || status === 'waiting') && conversation.assigneeId === userId;
  if (view === 'resolved') return status === 'resolved';
  return status !== null && status !== 'resolved';
}

const time = (iso: string | null) => (iso ? Date.parse(iso) : 0);

/** Waiting: the oldest wait first. Resolved: the latest resolution first. Others: the latest message first. */
export function sortForView(view: ConversationView, conversations: ConversationSummary[]): ConversationSummary[] {
  const order =
    view === 'waiting'
      ? (a: ConversationSummary, b: ConversationSummary) => time(a.waitingSince) - time(b.waitingSince)
      : view === 'resolved'
        ? (a: ConversationSummary, b: ConversationSummary) => time(b.resolvedAt) - time(a.resolvedAt)
        : (a: ConversationSummary, b: ConversationSummary) => time(b.lastMessageAt) - time(a.lastMessageAt);
  return [...conversations].sort(order);
}
