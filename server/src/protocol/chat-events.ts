import type { Ack } from './events.js';
import type { VisitorIdentity } from './chat-schemas.js';
import type { ConversationRating } from './feedback.js';
import type { LiveStruggle } from './struggle.js';

/** Chat messages and events on the wire (widget ↔ server ↔ console). */

export type ChatRole = 'visitor' | 'ai' | 'agent' | 'system';
/**
 * An internal note (issue 18): agents' words about the conversation that its visitor never sees. Only
 * console events carry it; the visitor's events are typed with ChatRole, which has no note.
 */
export type ConsoleChatRole = ChatRole | 'note';
/** AI answering → waiting for a human → human. Once `human`, the AI never answers again. */
export type ChatState = 'ai' | 'waiting' | 'human';

/**
 * A conversation's own lifecycle (issue 18), apart from its recording session's: `open` once the
 * visitor wrote, `waiting` while a person is wanted and none has answered, `assigned` once a person
 * answered or was given it, `resolved` by an agent or after the owner's quiet period. A visitor's new
 * message reopens a resolved one.
 */
export type ConversationStatus = 'open' | 'waiting' | 'assigned' | 'resolved';
/** The Conversations page's views: waiting (oldest first), assigned to me, every unresolved one, resolved. */
export const CONVERSATION_VIEWS = ['waiting', 'mine', 'open', 'resolved'] as const;
export type ConversationView = (typeof CONVERSATION_VIEWS)[number];

export interface ChatMessage {
  id: string;
  sessionId: string;
  seq: number;
  role: ChatRole;
  text: string;
  createdAt: string;
  clientId: string | null;
}

/** A message as the console sees it: internal notes included. */
export type ConsoleChatMessage = Omit<ChatMessage, 'role'> & { role: ConsoleChatRole };

/** A streamed AI reply in progress; `replyId` ties deltas to the message that finally replaces them. */
export interface ChatDelta {
  sessionId: string;
  replyId: string;
  text: string;
}

export interface ChatStatus {
  sessionId: string;
  state: ChatState;
  /** Whether the AI can answer at all (key configured, enabled, under the daily cap). */
  aiAvailable: boolean;
}

export interface ChatSyncResult extends ChatStatus {
  messages: ChatMessage[];
  /** Messages from the visitor's earlier sessions (only when `afterSeq` is 0). */
  earlier: ChatMessage[];
}

export interface VisitorChatServerToClient {
  'chat:message': (payload: { message: ChatMessage; replyId?: string }) => void;
  /** The AI started an answer (its first token may take seconds): the widget shows it is typing. */
  'chat:stream-start': (payload: { sessionId: string; replyId: string }) => void;
  'chat:delta': (payload: ChatDelta) => void;
  /** A streamed reply ended without a message (aborted, failed). */
  'chat:stream-end': (payload: { sessionId: string; replyId: string }) => void;
  'chat:state': (payload: ChatStatus) => void;
  /** An agent started the conversation (`chat:start`): the widget opens its chat. */
  'chat:invite': (payload: { sessionId: string }) => void;
}

export interface VisitorChatClientToServer {
  'chat:send': (payload: { text: string; clientId: string }, ack: Ack<{ message: ChatMessage; duplicate: boolean }>) => void;
  'chat:sync': (payload: { afterSeq: number }, ack: Ack<ChatSyncResult>) => void;
  /** The visitor asked for a person. */
  'chat:human': (ack: Ack<ChatStatus>) => void;
}

/** A conversation as the console lists it. */
export interface ConversationSummary {
  sessionId: string;
  appId: string;
  visitorId: string;
  state: ChatState;
  lastMessageAt: string | null;
  lastMessageText: string;
  messageCount: number;
  visitorName: string;
  visitorEmail: string;
  identityVerified: boolean;
  /** The session's latest live struggle (issue 21), null when none was reported. */
  struggle?: LiveStruggle | null;
  /** The visitor's rating (issue 18), null until rated. */
  rating?: ConversationRating | null;
  /** The email the visitor left to be answered at when nobody could answer (issue 18). */
  contactEmail?: string;
  /** The conversation's lifecycle (null: the visitor has not written yet). */
  conversationStatus: ConversationStatus | null;
  /** Who the conversation is assigned to (a console user id). */
  assigneeId: string | null;
  /** Since when a person is wanted (set while `waiting`). */
  waitingSince: string | null;
  resolvedAt: string | null;
}

export interface ConsoleChatServerToClient {
  /** A conversation of one of the user's applications changed (new message, new state). */
  'chat:conversation': (payload: { conversation: ConversationSummary }) => void;
  'chat:message': (payload: { message: ConsoleChatMessage; replyId?: string }) => void;
  'chat:stream-start': (payload: { sessionId: string; replyId: string }) => void;
  'chat:delta': (payload: ChatDelta) => void;
  'chat:stream-end': (payload: { sessionId: string; replyId: string }) => void;
}

export interface ConsoleChatClientToServer {
  /** One view of the application's conversations (`open` when none is named). */
  'chat:list': (payload: { appId: string; view?: ConversationView }, ack: Ack<{ conversations: ConversationSummary[] }>) => void;
  /** Opens a conversation: its messages, and live deltas from now on. */
  'chat:open': (payload: { sessionId: string }, ack: Ack<{ conversation: ConversationSummary; messages: ConsoleChatMessage[] }>) => void;
  'chat:close': (payload: { sessionId: string }, ack: Ack<{ ok: true }>) => void;
  'chat:takeover': (payload: { sessionId: string }, ack: Ack<{ conversation: ConversationSummary }>) => void;
  'chat:reply': (payload: { sessionId: string; text: string; clientId: string }, ack: Ack<{ message: ConsoleChatMessage }>) => void;
  /**
   * The agent starts the conversation with a visitor on a live session: the message is sent as a reply
   * (taking the chat over) and the visitor's widget opens its chat (issue 21).
   */
  'chat:start': (payload: { sessionId: string; text: string; clientId: string }, ack: Ack<{ message: ConsoleChatMessage }>) => void;
  /** Assigns the conversation to a member of its application (the caller when `userId` is absent). */
  'chat:assign': (payload: { sessionId: string; userId?: string }, ack: Ack<{ conversation: ConversationSummary }>) => void;
  /** The application's members, whom its conversations can be assigned to. */
  'chat:teammates': (payload: { appId: string }, ack: Ack<{ members: Array<{ id: string; email: string }> }>) => void;
  /** Adds an internal note: the application's agents see it, the visitor never does (nor the AI). */
  'chat:note': (payload: { sessionId: string; text: string; clientId: string }, ack: Ack<{ message: ConsoleChatMessage }>) => void;
  /** Resolves the conversation; the visitor's next message reopens it. */
  'chat:resolve': (payload: { sessionId: string }, ack: Ack<{ conversation: ConversationSummary }>) => void;
}

export type { VisitorIdentity };
