import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { ActivityService } from '../activity/activity-service.js';
import type { ChatService } from '../chat/chat-service.js';
import { conversationSummary } from '../chat/chat-wire.js';
import { AppError } from '../http/app-error.js';
import { validate } from '../http/validate.js';
import { eraseVisitorAs, type VisitorErasureDeps } from '../ingest/recording-routes.js';
import type { InsightsService } from '../insights/insights-service.js';
import { MAX_BATCH_DECOMPRESSED_BYTES } from '../protocol/limits.js';
import { apiConversationsQuerySchema, apiSessionsQuerySchema } from '../protocol/rest-api.js';
import type { SessionInsights } from '../protocol/insights.js';
import type { ReplayService } from '../replay/replay-service.js';
import type { Repositories } from '../storage/ports.js';
import { API_OPERATIONS, expressPath, type ApiOperationId } from './api-operations.js';
import type { ApiPrincipal, ApiTokensService } from './api-tokens-service.js';

const gunzipAsync = promisify(gunzip);

declare module 'express-serve-static-core' {
  interface Request {
    apiPrincipal?: ApiPrincipal;
  }
}

export interface ApiV1Deps {
  tokens: ApiTokensService;
  activity: ActivityService;
  chat: ChatService;
  replay: ReplayService;
  insights: InsightsService;
  erasure: VisitorErasureDeps;
}

type Handler = (req: Request, res: Response, principal: ApiPrincipal) => Promise<unknown>;

/**
 * /api/v1 for integrations: a Bearer API token on every request (api-tokens-service.ts), scoped to its
 * one application. Each handler reuses the console's services with the token's creator as the user,
 * so membership and role checks are the console's own; its answer is parsed with the operation's
 * response schema (api-operations.ts) before it is sent.
 */
export function apiV1Routes(deps: ApiV1Deps): Router {
  const router = Router();
  router.use(async (req, _res, next) => {
    req.apiPrincipal = await deps.tokens.authenticate(req.get('authorization'));
    next();
  });

  const handlers: Record<ApiOperationId, Handler> = {
    async listSessions(req, _res, { token }) {
      return { data: await deps.activity.sessions(token.appId, validate(apiSessionsQuerySchema, req.query)) };
    },
    async listConversations(req, _res, { token, user }) {
      const { view, q, cursor, limit } = validate(apiConversationsQuerySchema, req.query);
      const page = await deps.activity.sessions(token.appId, { status: 'all', q, conversation: view, cursor, limit });
      // The page's sessions as conversations, read as they are now (each read checks the membership again).
      const found = await Promise.all(page.items.map((row) => deps.chat.conversationFor(user, row.id).catch(() => null)));
      return { data: { items: found.filter((conversation) => conversation !== null).map(conversationSummary), nextCursor: page.nextCursor } };
    },
    async getSession(req, _res, { token, user }) {
      const sessionId = String(req.params.sessionId);
      const manifest = await deps.replay.manifest(user, token.appId, sessionId);
      const insights = await deps.insights.get(user, token.appId, sessionId).catch((error: unknown): SessionInsights => {
        // A recording past the analysis' limits still has its facts and transcript.
        if (error instanceof AppError && error.code === 'E_ANALYSIS_FAILED') return { status: 'failed', computedAt: null, signals: [], summary: null, timeline: [], note: error.message };
        throw error;
      });
      return {
        data: {
          session: manifest.session,
          insights: { ...insights, note: insights.note ?? null },
          transcript: manifest.messages,
        },
      };
    },
    async exportRecording(req, res, { token, user }) {
      await streamRecording(deps.replay, deps.erasure.repos.recordings, res, user, token.appId, String(req.params.sessionId));
      return undefined;
    },
    async eraseVisitor(req, _res, { token, user }) {
      return { data: await eraseVisitorAs(deps.erasure, user, token.appId, String(req.params.visitorId)) };
    },
  };

  for (const operation of API_OPERATIONS) {
    router[operation.method](expressPath(operation.path), async (req, res) => {
      const principal = req.apiPrincipal!;
      // The token's one application: another's answers 403 whoever created the token.
      if (req.params.appId !== principal.token.appId) throw new AppError('E_FORBIDDEN', 'This API token is for another application.');
      if (operation.scope === 'write' && principal.token.scope !== 'write') throw new AppError('E_FORBIDDEN', 'This API token is read-only.');
      const body = await handlers[operation.id](req, res, principal);
      if (body !== undefined) res.set('Cache-Control', 'no-store').json((operation.response as z.ZodType).parse(body));
    });
  }
  return router;
}

/** Stored (compressed) bytes of the chunks read from the database at once while exporting a recording. */
const EXPORT_READ_BYTES = 4_000_000;
/** …and at most this many chunks per read. */
const EXPORT_READ_CHUNKS = 64;

/**
 * The recording as one JSON array, chunk by chunk in seq order: each stored chunk is gzip of a JSON
 * array of events the ingest checked when it took it, so its inner text is written as is (no parse,
 * no event held twice). The chunks are the replay manifest's (its caps apply, and it checks the
 * membership); their blobs are read a few MB at a time, and the next read waits for the client.
 */
async function streamRecording(replay: ReplayService, recordings: Repositories['recordings'], res: Response, user: ApiPrincipal['user'], appId: string, sessionId: string): Promise<void> {
  const { chunks } = await replay.manifest(user, appId, sessionId);
  res.set({ 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Disposition': `attachment; filename="recording-${sessionId}.json"` });
  res.write('[');
  let first = true;
  for (let start = 0; start < chunks.length && !res.destroyed; ) {
    const group: number[] = [];
    for (let bytes = 0; start < chunks.length && group.length < EXPORT_READ_CHUNKS && (group.length === 0 || bytes + chunks[start].bytes <= EXPORT_READ_BYTES); start++) {
      group.push(chunks[start].seq);
      bytes += chunks[start].bytes;
    }
    const blobs = await recordings.chunksData(sessionId, group);
    for (const seq of group) {
      const blob = blobs.get(seq);
      if (!blob || res.destroyed) continue;
      const inner = (await gunzipAsync(blob, { maxOutputLength: MAX_BATCH_DECOMPRESSED_BYTES })).toString('utf8').trim().slice(1, -1).trim();
      if (!inner) continue;
      const more = res.write(first ? inner : `,${inner}`);
      first = false;
      if (!more) await new Promise((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
    }
  }
  res.end(']');
}
