import type { ConversationRating } from '../protocol/feedback.js';
import type { ConversationStatus, ConversationView } from '../protocol/chat-events.js';
import type { LiveStruggle } from '../protocol/struggle.js';

export type { ConversationStatus, ConversationView };

/** Records and repository interfaces of the chat (messages, conversations, AI usage). */

/** `note`: an agent's internal note, never shown to the visitor (issue 18). */
export type MessageRole = 'visitor' | 'ai' | 'agent' | 'system' | 'note';
export type ChatState = 'ai' | 'waiting' | 'human';

export interface MessageRecord {
  id: string;
  appId: string;
  sessionId: string;
  visitorId: string;
  role: MessageRole;
  text: string;
  createdAt: Date;
  seq: number;
  clientId: string | null;
  answeredBy: 'ai' | 'agent' | null;
  agentId: string | null;
}

export interface NewMessage {
  appId: string;
  sessionId: string;
  visitorId: string;
  role: MessageRole;
  text: string;
  createdAt: Date;
  clientId?: string | null;
  agentId?: string | null;
}

export interface MessagesRepository {
  /** Gives the message the session's next seq and stores it. */
  append(input: NewMessage): Promise<MessageRecord>;
  findByClientId(sessionId: string, clientId: string): Promise<MessageRecord | null>;
  /** Messages of a session with seq > afterSeq, oldest first. */
  listAfter(sessionId: string, afterSeq: number, limit: number): Promise<MessageRecord[]>;
  /** The newest `limit` messages of a session, oldest first. */
  listRecent(sessionId: string, limit: number): Promise<MessageRecord[]>;
  /** The visitor's newest messages from sessions other than `exceptSessionId`, oldest first. */
  listEarlier(appId: string, visitorId: string, exceptSessionId: string | null, limit: number): Promise<MessageRecord[]>;
  /** Marks the session's unanswered visitor messages as answered. */
  markAnswered(sessionId: string, by: 'ai' | 'agent'): Promise<void>;
}

export interface ConversationRecord {
  sessionId: string;
  appId: string;
  visitorId: string;
  status: 'active' | 'completed';
  chatState: ChatState;
  lastMessageAt: Date | null;
  lastMessageText: string;
  messageCount: number;
  visitorName: string;
  visitorEmail: string;
  identityVerified: boolean;
  /** The session's latest live struggle (issue 21). */
  struggle: LiveStruggle | null;
  /** The visitor's rating (issue 18), null until rated. */
  rating: ConversationRating | null;
  /** The email the visitor left to be answered at (issue 18), '' when none. */
  contactEmail: string;
  /** Until when some node's AI answer holds the conversation (its answering lease); null when none does. */
  answeringUntil: Date | null;
  /** The conversation's own lifecycle (issue 18); null until the visitor writes. */
  conversationStatus: ConversationStatus | null;
  assigneeId: string | null;
  waitingSince: Date | null;
  resolvedAt: Date | null;
}

/** Who streams the AI answer of a conversation, for which visitor message, until when unless renewed. */
export interface AnswerLease {
  /** The answer's own id (its replyId): unique across nodes. */
  holder: string;
  /** The visitor message (its seq) being answered: a newer message takes the lease over. */
  seq: number;
  until: Date;
}

/**
 * A conditional move of a conversation's lifecycle: it happens only when the status is one of `from`
 * (null: no conversation yet) and every condition holds at that moment, as one atomic update.
 */
export interface ConversationMove {
  from: Array<ConversationStatus | null>;
  to: ConversationStatus;
  at: Date;
  /** Written with `assigned`. */
  assigneeId?: string;
  /** Only when someone is (true) or nobody is (false) assigned. */
  assigned?: boolean;
  /** Only when the last message is older than this (a quiet conversation). */
  lastMessageBefore?: Date;
}

export interface ConversationsRepository {
  find(sessionId: string): Promise<ConversationRecord | null>;
  /** Compare-and-set of the chat state: null when the state was not one of `from`. */
  transition(sessionId: string, from: ChatState[], to: ChatState): Promise<ConversationRecord | null>;
  /**
   * Takes the "answering" lease by one conditional update: only while the chat is with the AI and the
   * lease is free, expired at `now`, or held for an older message. One AI answer per message, whatever
   * node the message or a page load reached.
   */
  claimAnswer(sessionId: string, lease: AnswerLease, now: Date): Promise<boolean>;
  /** Extends a held lease; false when it was lost (taken over by a newer message, or expired and claimed). */
  renewAnswer(sessionId: string, holder: string, until: Date): Promise<boolean>;
  /** Gives the lease up; true when `holder` still held it (only then is its answer stored). */
  releaseAnswer(sessionId: string, holder: string): Promise<boolean>;
  /** Active sessions of the application that have messages, newest activity first. */
  listActive(appId: string, limit: number): Promise<ConversationRecord[]>;
  /** null when the move's `from` or conditions did not hold. */
  move(sessionId: string, move: ConversationMove): Promise<ConversationRecord | null>;
  /**
   * One view of the application's conversations, whatever became of their recording sessions:
   * `waiting` oldest wait first; `mine` (assigned to `userId`, answered or still waiting) and `open` (every unresolved one) latest
   * message first; `resolved` latest resolution first.
   */
  list(appId: string, view: ConversationView, userId: string, limit: number): Promise<ConversationRecord[]>;
  /** Unresolved conversations not waiting for a person whose last message is older than `before`. */
  listQuiet(appId: string, before: Date, limit: number): Promise<ConversationRecord[]>;
  setIdentity(sessionId: string, identity: { name: string; email: string; verified: boolean }): Promise<void>;
}

export interface AiUsageRepository {
  tokensOn(appId: string, dayKey: string): Promise<number>;
  add(appId: string, dayKey: string, tokens: number): Promise<void>;
}
