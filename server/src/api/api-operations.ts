import type { z } from 'zod';
import { apiConversationsQuerySchema, apiResponses, apiSessionsQuerySchema } from '../protocol/rest-api.js';
import type { ApiTokenScope } from '../storage/ports.js';

/**
 * Every /api/v1 operation, once: the router registers its handler by this path and the OpenAPI
 * document is generated from the same entry (api-openapi.ts), so neither can list what the other lacks.
 */
export interface ApiOperation {
  id: string;
  method: 'get' | 'delete';
  /** OpenAPI style (`{appId}`); the router turns it into Express's `:appId`. */
  path: string;
  summary: string;
  /** `write`: a read-only token is refused with 403. */
  scope: ApiTokenScope;
  query?: z.ZodObject;
  response: z.ZodType;
  /** The answer's media type (JSON unless said). */
  contentType?: string;
}

const APP = '/api/v1/apps/{appId}';

export const API_OPERATIONS = [
  {
    id: 'listSessions',
    method: 'get',
    path: `${APP}/sessions`,
    summary: 'Sessions of the application, newest first; search by landing page or visitor, filter by status or signal.',
    scope: 'read',
    query: apiSessionsQuerySchema,
    response: apiResponses.sessions,
  },
  {
    id: 'listConversations',
    method: 'get',
    path: `${APP}/conversations`,
    summary: 'Conversations of the application, newest session first, a page at a time: unresolved (`open`, the default), `waiting` for a person, `resolved` or `all`; search by landing page or visitor.',
    scope: 'read',
    query: apiConversationsQuerySchema,
    response: apiResponses.conversations,
  },
  {
    id: 'getSession',
    method: 'get',
    path: `${APP}/sessions/{sessionId}`,
    summary: 'One session with its insights (signals, timeline, summary) and its transcript.',
    scope: 'read',
    response: apiResponses.session,
  },
  {
    id: 'exportRecording',
    method: 'get',
    path: `${APP}/sessions/{sessionId}/recording`,
    summary: 'The session’s recording as one JSON array of rrweb events, streamed in order (for rrweb’s Replayer or rrweb-player).',
    scope: 'read',
    response: apiResponses.recording,
  },
  {
    id: 'eraseVisitor',
    method: 'delete',
    path: `${APP}/visitors/{visitorId}`,
    summary: 'Erases a visitor: ends their live sessions, then deletes their sessions, recordings and messages. Read-write tokens of an owner only.',
    scope: 'write',
    response: apiResponses.erasure,
  },
] as const satisfies readonly ApiOperation[];

export type ApiOperationId = (typeof API_OPERATIONS)[number]['id'];

/** `/api/v1/apps/{appId}/sessions` → `/apps/:appId/sessions` (under the router mounted at /api/v1). */
export const expressPath = (path: string): string => path.replace(/^\/api\/v1/, '').replace(/\{(\w+)\}/g, ':$1');
