import type { ConversationMove, ConversationRecord, ConversationsRepository } from '../storage/ports.js';

/**
 * A conversation's own lifecycle (issue 18), apart from its recording session's:
 *
 *   (none) ──visitor writes──▶ open ──a person is wanted──▶ waiting ──a person answers──▶ assigned
 *   open, resolved ──assigned to someone──▶ assigned; waiting ──assigned to someone──▶ waiting (theirs, still unanswered)
 *   open, waiting, assigned ──an agent resolves, or (not waiting) the owner's quiet period passes──▶ resolved
 *   resolved ──the visitor writes again──▶ assigned (to whoever had it), else open, or waiting when no AI answers
 *
 * Nothing leaves `waiting` but an answer, an assignment or a resolution: not the visitor leaving, not the
 * recording completing, not the quiet period. Every move is one conditional update in storage, so two
 * server processes moving the same conversation at once never both win.
 */
export function conversationLifecycle(conversations: ConversationsRepository, now: () => Date) {
  const move = (conversation: ConversationRecord, rule: Omit<ConversationMove, 'at'>) => conversations.move(conversation.sessionId, { ...rule, at: now() });
  /** The first move that applies, or null when none did. */
  const firstOf = async (conversation: ConversationRecord, rules: Array<Omit<ConversationMove, 'at'>>) => {
    for (const rule of rules) {
      const moved = await move(conversation, rule);
      if (moved) return moved;
    }
    return null;
  };

  return {
    /**
     * The visitor wrote: a conversation begins, or a resolved one reopens. A returning visitor's new
     * conversation goes back to whoever had their previous one (`previousAssignee`, given only for a
     * conversation that had not begun) — also when the AI's hand-over for this same first message
     * (a resync starts it too) moved it to waiting first.
     */
    visitorWrote(conversation: ConversationRecord, aiAnswers: boolean, previousAssignee: string | null = null) {
      return firstOf(conversation, [
        ...(previousAssignee ? [{ from: [null, 'waiting' as const], to: 'assigned' as const, assigneeId: previousAssignee }] : []),
        { from: [null], to: aiAnswers ? 'open' : 'waiting' },
        { from: ['resolved'], to: 'assigned', assigned: true },
        { from: ['resolved'], to: aiAnswers ? 'open' : 'waiting' },
      ]);
    },
    /**
     * The visitor asked for a person, or the AI cannot answer. A conversation that had not begun is a
     * returning visitor's first word: it goes back to whoever had their previous one (`previousAssignee`),
     * as `visitorWrote` does — whichever of the two moves it first (a resync's answer can run before the
     * message's own move).
     */
    personWanted(conversation: ConversationRecord, previousAssignee: string | null = null) {
      return firstOf(conversation, [
        ...(previousAssignee ? [{ from: [null], to: 'assigned' as const, assigneeId: previousAssignee }] : []),
        { from: [null, 'open', 'resolved'], to: 'waiting' },
      ]);
    },
    /** A person answered or took the chat over: it is theirs unless someone already has it. */
    personAnswered(conversation: ConversationRecord, userId: string) {
      return firstOf(conversation, [
        { from: [null, 'open', 'waiting', 'resolved'], to: 'assigned', assigneeId: userId, assigned: false },
        { from: ['waiting', 'resolved'], to: 'assigned', assigned: true },
      ]);
    },
    /** Gives the conversation to someone; a waiting one stays waiting (in the Waiting view, oldest first) until answered. */
    assign(conversation: ConversationRecord, userId: string) {
      return firstOf(conversation, [
        { from: ['waiting'], to: 'waiting', assigneeId: userId },
        { from: ['open', 'assigned', 'resolved'], to: 'assigned', assigneeId: userId },
      ]);
    },
    resolve(conversation: ConversationRecord) {
      return move(conversation, { from: ['open', 'waiting', 'assigned'], to: 'resolved' });
    },
    /** Resolved after the owner's quiet period, only if no message came since `quietSince` and nobody is waiting. */
    resolveQuiet(conversation: ConversationRecord, quietSince: Date) {
      return move(conversation, { from: ['open', 'assigned'], to: 'resolved', lastMessageBefore: quietSince });
    },
  };
}

export type ConversationLifecycle = ReturnType<typeof conversationLifecycle>;
