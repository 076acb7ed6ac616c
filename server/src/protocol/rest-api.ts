import { z } from 'zod';
import { cursorSchema, CONVERSATION_FILTERS, MAX_ACTIVITY_PAGE_SIZE, ACTIVITY_PAGE_SIZE, MAX_SEARCH_CHARS } from './activity.js';
import { SIGNAL_TYPES } from './insights.js';
import { ERROR_CODES } from './error-codes.js';
import { MAX_API_TOKEN_NAME_CHARS } from './limits.js';

/**
 * The REST API for integrations (issue 22), `/api/v1`, authenticated by an application's API token
 * (`Authorization: Bearer crt_…`). Every response body is parsed with the schema below before it is
 * sent, and the OpenAPI document (`/api/openapi.json`, api/openapi.ts) is generated from the same
 * schemas: what is documented is what is sent.
 */

export const API_TOKEN_PREFIX = 'crt_';
export const API_TOKEN_SCOPES = ['read', 'write'] as const;

const isoTime = z.iso.datetime({ offset: true });

// —— the console's management of tokens (cookie auth, owners only) ——

export const createApiTokenSchema = z
  .object({
    name: z.string().trim().min(1).max(MAX_API_TOKEN_NAME_CHARS),
    scope: z.enum(API_TOKEN_SCOPES),
  })
  .strict();
export type CreateApiTokenInput = z.infer<typeof createApiTokenSchema>;

/** A token as the console lists it: never the token itself, nor its hash. */
export const apiTokenSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.enum(API_TOKEN_SCOPES),
  /** `crt_` and the next few characters, to recognise the token one holds. */
  prefix: z.string(),
  createdAt: isoTime,
  createdBy: z.string(),
  lastUsedAt: isoTime.nullable(),
});
export type ApiTokenSummary = z.infer<typeof apiTokenSummarySchema>;

// —— /api/v1 ——

export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...Array<keyof typeof ERROR_CODES>]),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  });

export const apiSessionsQuerySchema = z
  .object({
    status: z.enum(['all', 'active', 'completed']).default('all'),
    q: z.string().trim().max(MAX_SEARCH_CHARS).default('').meta({ description: 'Part of the landing page (domain and path) or of the visitor’s id, name or email; any case.' }),
    signal: z.enum(SIGNAL_TYPES).optional(),
    cursor: cursorSchema.optional().meta({ description: 'The previous page’s nextCursor.' }),
    limit: z.coerce.number().int().min(1).max(MAX_ACTIVITY_PAGE_SIZE).default(ACTIVITY_PAGE_SIZE),
  })
  .strict();

export const apiConversationsQuerySchema = z
  .object({
    view: z
      .enum(CONVERSATION_FILTERS)
      .default('open')
      .meta({ description: '`open`: unresolved (open, waiting for a person or assigned); `waiting`: waiting for a person; `resolved`; `all`.' }),
    q: z.string().trim().max(MAX_SEARCH_CHARS).default('').meta({ description: 'Part of the landing page (domain and path) or of the visitor’s id, name or email; any case.' }),
    cursor: cursorSchema.optional().meta({ description: 'The previous page’s nextCursor.' }),
    limit: z.coerce.number().int().min(1).max(MAX_ACTIVITY_PAGE_SIZE).default(ACTIVITY_PAGE_SIZE),
  })
  .strict();

const summarySchema = z.object({ text: z.string(), source: z.enum(['ai', 'deterministic']) });

export const apiSessionSchema = z
  .object({
    id: z.string(),
    visitorId: z.string(),
    visitorName: z.string(),
    status: z.enum(['active', 'completed']),
    startedAt: isoTime,
    endedAt: isoTime.nullable(),
    lastActivityAt: isoTime,
    landingUrl: z.string(),
    pageCount: z.number().int(),
    eventCount: z.number().int(),
    messageCount: z.number().int(),
    hasReplay: z.boolean(),
    signals: z.array(z.enum(SIGNAL_TYPES)),
    summary: summarySchema.nullable(),
  });

export const apiConversationSchema = z
  .object({
    sessionId: z.string(),
    visitorId: z.string(),
    visitorName: z.string(),
    visitorEmail: z.string(),
    state: z.enum(['ai', 'waiting', 'human']),
    conversationStatus: z.enum(['open', 'waiting', 'assigned', 'resolved']).nullable(),
    assigneeId: z.string().nullable(),
    lastMessageAt: isoTime.nullable(),
    lastMessageText: z.string(),
    messageCount: z.number().int(),
    waitingSince: isoTime.nullable(),
    resolvedAt: isoTime.nullable(),
  });

export const apiMessageSchema = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    role: z.enum(['visitor', 'ai', 'agent', 'system', 'note']).meta({ description: '`note`: an agent’s internal note, never sent to the visitor.' }),
    text: z.string(),
    createdAt: isoTime,
  });

export const apiSessionDetailSchema = z
  .object({
    session: z.object({
      id: z.string(),
      visitorId: z.string(),
      visitorName: z.string(),
      visitorEmail: z.string(),
      status: z.enum(['active', 'completed']),
      startedAt: isoTime,
      lastActivityAt: isoTime,
      endedAt: isoTime.nullable(),
      endReason: z.string().nullable(),
      landingUrl: z.string(),
      pages: z.array(z.object({ url: z.string(), at: isoTime })),
      userAgent: z.string(),
      viewport: z.object({ width: z.number(), height: z.number() }),
      eventCount: z.number().int(),
      bytes: z.number().int(),
    }),
    insights: z.object({
      status: z.enum(['none', 'pending', 'ready', 'failed']),
      signals: z.array(z.object({ type: z.enum(SIGNAL_TYPES), ts: z.number(), offsetMs: z.number(), label: z.string() })),
      summary: z.object({ text: z.string(), source: z.enum(['ai', 'deterministic']), generatedAt: isoTime }).nullable(),
      timeline: z.array(z.object({ ts: z.number(), offsetMs: z.number(), kind: z.string(), text: z.string() })),
      note: z.string().nullable(),
    }),
    transcript: z.array(apiMessageSchema),
  });

const data = <T extends z.ZodType>(schema: T) => z.object({ data: schema });

/** The body of each /api/v1 answer, by route; routes parse what they send with these. */
export const apiResponses = {
  sessions: data(z.object({ items: z.array(apiSessionSchema), nextCursor: z.string().nullable() })),
  conversations: data(z.object({ items: z.array(apiConversationSchema), nextCursor: z.string().nullable() })),
  session: data(apiSessionDetailSchema),
  erasure: data(z.object({ sessions: z.number().int(), chunks: z.number().int(), messages: z.number().int() })),
  /** The recording: one JSON array of rrweb events, in order, streamed (not parsed again on the way out). */
  recording: z.array(z.looseObject({ type: z.number().int(), timestamp: z.number() })),
  tokens: data(z.object({ tokens: z.array(apiTokenSummarySchema) })),
  tokenCreated: data(z.object({ token: apiTokenSummarySchema, secret: z.string().startsWith(API_TOKEN_PREFIX) })),
} as const;

/** The schemas the OpenAPI document names (`#/components/schemas/<name>`), where they are shared. */
export const apiNamedSchemas = {
  Error: apiErrorSchema,
  Session: apiSessionSchema,
  Conversation: apiConversationSchema,
  Message: apiMessageSchema,
  SessionDetail: apiSessionDetailSchema,
} as const;
