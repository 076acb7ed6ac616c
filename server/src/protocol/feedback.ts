import { z } from 'zod';
import type { Ack } from './events.js';
import { MAX_EMAIL_CHARS, MAX_RATING_COMMENT_CHARS, MAX_RATING_SCORE, MIN_RATING_SCORE } from './limits.js';

/**
 * What visitors leave besides messages (issue 18): a rating of the conversation once it ended, an email
 * to reply to when nobody can answer now, and typing indicators both ways (never stored).
 */

/** A rating: a CSAT score (1 very unhappy … 5 very happy) and an optional comment. */
const sessionId = z.string().regex(/^[a-f0-9]{24}$/i, 'must be an id');

/** Names the session, so a conversation that ended (and left the connection) can still be rated. */
export const chatRateSchema = z
  .object({
    sessionId,
    score: z.number().int().min(MIN_RATING_SCORE).max(MAX_RATING_SCORE),
    comment: z.string().trim().max(MAX_RATING_COMMENT_CHARS).default(''),
  })
  .strict();

export const chatContactSchema = z.object({ sessionId, email: z.string().trim().toLowerCase().max(MAX_EMAIL_CHARS).email('must be an email address') }).strict();

export const visitorTypingSchema = z.object({ typing: z.boolean() }).strict();
export const consoleTypingSchema = z.object({ sessionId, typing: z.boolean() }).strict();

export type ChatRateInput = z.infer<typeof chatRateSchema>;

export interface ConversationRating {
  score: number;
  comment: string;
  at: string;
}

/**
 * What the widget needs, besides the chat state it has, to decide whether to ask for an email: nobody
 * can answer when the AI cannot (or the chat waits for a person) and no agent is online.
 */
export interface ChatAvailability {
  /** A member of the application's team has the console open now. */
  agentsOnline: boolean;
  /** The email the visitor left for a reply, or null. */
  contactEmail: string | null;
  rating: ConversationRating | null;
}

export interface FeedbackVisitorClientToServer {
  /** Rates the visitor's own session: once; E_ALREADY_RATED afterwards. */
  'chat:rate': (payload: ChatRateInput, ack: Ack<{ rating: ConversationRating }>) => void;
  /** Leaves an email to be answered at (bounded, validated). */
  'chat:contact': (payload: { sessionId: string; email: string }, ack: Ack<{ contactEmail: string }>) => void;
  'chat:availability': (ack: Ack<ChatAvailability>) => void;
  /** The visitor is typing (or stopped): relayed to agents with the conversation open. No ack. */
  'chat:typing': (payload: { typing: boolean }) => void;
}

export interface FeedbackVisitorServerToClient {
  /** An agent is typing in this conversation (or stopped). */
  'chat:typing': (payload: { sessionId: string; typing: boolean }) => void;
}

export interface FeedbackConsoleClientToServer {
  /** The agent is typing a reply (or stopped): relayed to the visitor's session room. No ack. */
  'chat:typing': (payload: { sessionId: string; typing: boolean }) => void;
}

export interface FeedbackConsoleServerToClient {
  /** The visitor of an open conversation is typing (or stopped). */
  'chat:visitor-typing': (payload: { sessionId: string; typing: boolean }) => void;
}
