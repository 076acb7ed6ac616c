import { z } from 'zod';
import { MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS } from './limits.js';
import { SIGNAL_TYPES, type SignalType } from './insights.js';
import type { ConversationRating } from './feedback.js';
import type { LiveStruggle } from './struggle.js';

/**
 * The console's Sessions page and Activity tab: query schemas and the shapes the REST API answers.
 * Lists are newest first and paged with an opaque cursor (the storage's own encoding of where a page ended).
 */

export const ACTIVITY_PAGE_SIZE = 25;
export const MAX_ACTIVITY_PAGE_SIZE = 200;
export const MAX_SEARCH_CHARS = 200;

export type SessionStatusFilter = 'all' | 'active' | 'completed';
/**
 * Sessions by the state of their conversation: `all` any session with one, `open` an unresolved one
 * (open, waiting or assigned), `waiting` waiting for a person, `resolved` resolved.
 */
export const CONVERSATION_FILTERS = ['all', 'open', 'waiting', 'resolved'] as const;
export type ConversationFilter = (typeof CONVERSATION_FILTERS)[number];
export type FeedFilter = 'all' | 'prompts' | 'sessions';
export type ChartRange = '24h' | '7d' | '30d';

/** Longest cursor accepted; what is inside is the storage's own (it refuses one it did not give out). */
export const MAX_CURSOR_CHARS = 400;

/** An opaque position in a list, as the previous page's `nextCursor` gave it. */
export const cursorSchema = z.string().min(1).max(MAX_CURSOR_CHARS);

const limitSchema = z.coerce.number().int().min(1).max(MAX_ACTIVITY_PAGE_SIZE).default(ACTIVITY_PAGE_SIZE);

export const sessionsQuerySchema = z
  .object({
    status: z.enum(['all', 'active', 'completed']).default('all'),
    q: z.string().trim().max(MAX_SEARCH_CHARS).default(''),
    /** Only sessions whose insights found this signal (issue #7). */
    signal: z.enum(SIGNAL_TYPES).optional(),
    cursor: cursorSchema.optional(),
    limit: limitSchema,
  })
  .strict();

export const feedQuerySchema = z
  .object({
    filter: z.enum(['all', 'prompts', 'sessions']).default('all'),
    /** Only sessions with this signal, and prompts of such sessions. */
    signal: z.enum(SIGNAL_TYPES).optional(),
    cursor: cursorSchema.optional(),
    limit: limitSchema,
  })
  .strict();

export const chartQuerySchema = z.object({ range: z.enum(['24h', '7d', '30d']).default('24h') }).strict();

export type SessionsQuery = z.infer<typeof sessionsQuerySchema>;
export type FeedQuery = z.infer<typeof feedQuerySchema>;

/** A row of the Sessions page (and a session item of the Activity feed). */
export interface SessionRow {
  id: string;
  visitorId: string;
  visitorName: string;
  status: 'active' | 'completed';
  startedAt: string;
  endedAt: string | null;
  lastActivityAt: string;
  landingUrl: string;
  pageCount: number;
  eventCount: number;
  messageCount: number;
  /** Recorded chunks exist, so the replay can open. */
  hasReplay: boolean;
  /** Insights (issue #7): the type of each signal found in the session, in time order (a kind may repeat); [] until computed. */
  signals: SignalType[];
  /** Insights (issue #7): the stored summary, null until made. */
  summary: { text: string; source: 'ai' | 'deterministic' } | null;
  /** The latest live struggle (issue 21), null when none was reported. */
  struggle?: LiveStruggle | null;
  /** The visitor's rating of the conversation (issue 18), null until rated. */
  rating?: ConversationRating | null;
}

/** A visitor's message, as the Activity feed lists it. */
export interface PromptRow {
  id: string;
  sessionId: string;
  visitorId: string;
  text: string;
  createdAt: string;
  /** Who answered it; `waiting` while nobody has. */
  answeredBy: 'ai' | 'agent' | 'waiting';
  session: { landingUrl: string; status: 'active' | 'completed'; hasReplay: boolean } | null;
}

export type FeedItem = ({ kind: 'session' } & SessionRow) | ({ kind: 'prompt' } & PromptRow);

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ActivityCounters {
  total: number;
  active: number;
  completed: number;
  events: number;
}

export interface ChartBuckets {
  range: ChartRange;
  unit: 'hour' | 'day';
  /** UTC bucket keys, oldest first: `2026-11-22T21` (hour) or `2026-11-22` (day). */
  keys: string[];
  sessions: number[];
  prompts: number[];
}

// Team (owner only).

export interface TeamMember {
  id: string;
  email: string;
  role: 'owner' | 'agent';
  appIds: string[];
}

export const inviteAgentSchema = z
  .object({
    email: z.string().trim().toLowerCase().max(MAX_EMAIL_CHARS).email(),
    /** Left out: the server generates one and shows it once. */
    password: z.string().min(MIN_PASSWORD_CHARS).max(MAX_PASSWORD_CHARS).optional(),
    appIds: z.array(z.string().regex(/^[0-9a-f]{24}$/)).max(100).default([]),
  })
  .strict();

export type InviteAgentInput = z.infer<typeof inviteAgentSchema>;

/** `PUT /api/team/:userId/role`: makes an account an owner or an agent. */
export const setRoleSchema = z.object({ role: z.enum(['owner', 'agent']) }).strict();

/** Live events of the Activity tab on the console namespace (to the room `app:<appId>`). */
export interface ActivityServerToClient {
  /** A visitor sent a message: a new prompt in the feed (its session details come with the next fetch). */
  'prompt:created': (payload: { appId: string; prompt: PromptRow }) => void;
}
