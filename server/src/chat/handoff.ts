import type { ChatState } from '../protocol/chat-events.js';

/**
 * The handoff state machine of a conversation.
 *
 *   ai ──visitor asks for a person / AI unavailable──▶ waiting
 *   ai ──agent takes over──▶ human
 *   waiting ──agent takes over──▶ human
 *
 * `human` is final: once a person has joined, the AI never answers again in that conversation.
 */
export type HandoffEvent = 'visitor-asked-for-human' | 'ai-unavailable' | 'agent-took-over';

const TRANSITIONS: Record<HandoffEvent, { from: ChatState[]; to: ChatState }> = {
  'visitor-asked-for-human': { from: ['ai'], to: 'waiting' },
  'ai-unavailable': { from: ['ai'], to: 'waiting' },
  'agent-took-over': { from: ['ai', 'waiting'], to: 'human' },
};

export function transitionFor(event: HandoffEvent): { from: ChatState[]; to: ChatState } {
  return TRANSITIONS[event];
}

/** The state after `event`, or null when the event does not apply in `state`. */
export function nextState(state: ChatState, event: HandoffEvent): ChatState | null {
  const rule = TRANSITIONS[event];
  return rule.from.includes(state) ? rule.to : null;
}

/** Only in `ai` does the AI answer. */
export const aiMayAnswer = (state: ChatState): boolean => state === 'ai';
