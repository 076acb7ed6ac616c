import express, { Router, type Request } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { isOriginAllowed } from '../apps/apps-service.js';
import { AppError } from '../http/app-error.js';
import { INGEST_HTTP_PER_SESSION_PER_MINUTE, MAX_BATCH_BYTES } from '../protocol/limits.js';
import type { Repositories } from '../storage/ports.js';
import type { IngestService } from './ingest-service.js';
import { isIngestTokenValid } from './ingest-token.js';
import { gzipSync } from 'node:zlib';

/**
 * POST /ingest?sessionId=…&seq=…&token=…[&encoding=json] — the widget's pagehide flush
 * (fetch keepalive / sendBeacon), with the same seqs as the socket, so a batch that also arrived
 * over the socket is stored once. The body is the gzip batch, or with `encoding=json` the raw JSON
 * array: a page being unloaded cannot wait for CompressionStream, so the server compresses it.
 * Answers like `recording:batch`: `{ data: { seq, stored, ackedThrough } }`.
 */
export function ingestRoutes(deps: { repos: Repositories; ingest: IngestService; secret: string }): Router {
  const router = Router();
  // Counted before the token check, so guessing tokens or replaying one beacon in a loop is bounded too.
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: INGEST_HTTP_PER_SESSION_PER_MINUTE,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${String(req.query.sessionId ?? '').slice(0, 64)}`,
    handler: (_req, _res, next) => next(new AppError('E_RATE_LIMITED', 'Too many recording uploads for this session. Wait a minute.')),
  });
  router.post('/ingest', limiter, express.raw({ type: () => true, limit: MAX_BATCH_BYTES }), async (req, res) => {
    const { sessionId, seq, token, encoding } = req.query;
    if (typeof sessionId !== 'string' || typeof token !== 'string' || typeof seq !== 'string') {
      throw new AppError('E_INVALID_PAYLOAD', 'sessionId, seq and token are required.');
    }
    const session = await deps.repos.sessions.findById(sessionId);
    if (!session || !isIngestTokenValid(deps.secret, session.id, session.visitorId, token)) throw new AppError('E_SESSION_MISMATCH');
    const app = await deps.repos.apps.findById(session.appId);
    if (!app || !isOriginAllowed(app, req.get('origin'), serverOrigin(req))) throw new AppError('E_ORIGIN_NOT_ALLOWED');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const data = encoding === 'json' ? gzipSync(body) : body;
    res.json({ data: await deps.ingest.store(session, Number(seq), data, 'http') });
  });
  return router;
}

function serverOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}
