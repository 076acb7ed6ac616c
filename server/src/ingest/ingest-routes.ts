import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import express, { Router, type Request, type RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { isOriginAllowed } from '../apps/apps-service.js';
import { AppError } from '../http/app-error.js';
import { INGEST_HTTP_PER_SESSION_PER_MINUTE, MAX_BATCH_BYTES } from '../protocol/limits.js';
import { ingestQuerySchema } from '../protocol/schemas.js';
import { validate } from '../http/validate.js';
import type { Repositories } from '../storage/ports.js';
import type { IngestService } from './ingest-service.js';
import { createRateLimit, type RateLimitStore } from '../rate-limits/rate-limiter.js';
import { isIngestTokenValid } from './ingest-token.js';
import { privacySignalHeaders } from '../consent/consent-handlers.js';
const gzipAsync = promisify(gzip);

/**
 * POST /ingest?sessionId=…&seq=…&token=…[&encoding=json] — the widget's pagehide flush
 * (fetch keepalive / sendBeacon), with the same seqs as the socket, so a batch that also arrived
 * over the socket is stored once. The body is the gzip batch, or with `encoding=json` the raw JSON
 * array: a page being unloaded cannot wait for CompressionStream, so the server compresses it.
 * Answers like `recording:batch`: `{ data: { seq, stored, ackedThrough } }`.
 */
export function ingestRoutes(deps: { repos: Repositories; ingest: IngestService; secret: string; rateLimits?: RateLimitStore }): Router {
  const router = Router();
  // Counted before the token check, so guessing tokens or replaying one beacon in a loop is bounded
  // too; in the shared store with several nodes, so a balancer spreading the beacons changes nothing.
  const uploads = createRateLimit(
    { name: 'ingest-http', points: INGEST_HTTP_PER_SESSION_PER_MINUTE, windowMs: 60_000, message: 'Too many recording uploads for this session.' },
    deps.rateLimits,
  );
  const limiter: RequestHandler = (req, _res, next) => {
    uploads.take(`${ipKeyGenerator(req.ip ?? '')}|${String(req.query.sessionId ?? '').slice(0, 64)}`).then(() => next(), next);
  };
  router.post('/ingest', limiter, refuseOversize, rawBody, async (req, res) => {
    const { sessionId, seq, token, encoding } = validate(ingestQuerySchema, req.query);
    const session = await deps.repos.sessions.findById(sessionId);
    if (!session || !isIngestTokenValid(deps.secret, session.id, session.visitorId, token)) throw new AppError('E_SESSION_MISMATCH');
    const app = await deps.repos.apps.findById(session.appId);
    if (!app || !isOriginAllowed(app, req.get('origin'), serverOrigin(req))) throw new AppError('E_ORIGIN_NOT_ALLOWED');
    // The token proves consent was there when the recorder opened; a browser's privacy signal still wins.
    if (app.settings.consent.respectPrivacySignals && privacySignalHeaders(req.headers)) throw new AppError('E_PRIVACY_SIGNAL');
    // sendBeacon sends the Blob's type, text/plain (a "simple" request, no preflight); nothing else is read.
    if (!Buffer.isBuffer(req.body)) throw new AppError('E_BAD_REQUEST', `Send the batch as ${BATCH_CONTENT_TYPES.join(' or ')}.`);
    const body = req.body;
    const data = encoding === 'json' ? await gzipAsync(body) : body;
    res.json({ data: await deps.ingest.store(session, seq, data, { via: 'http', address: ipKeyGenerator(req.ip ?? '') }) });
  });
  return router;
}

/**
 * The widget never sets Content-Encoding (its body is already gzip, or raw JSON that the server
 * compresses), so none is inflated here: a broken one is refused with 415 instead of surfacing as a
 * zlib error, and no second decompression runs before the batch decoder's own bounded one.
 */
const BATCH_CONTENT_TYPES = ['text/plain', 'application/octet-stream'];
const rawBody = express.raw({ type: BATCH_CONTENT_TYPES, limit: MAX_BATCH_BYTES, inflate: false });

/**
 * A body announced larger than any batch is refused before a byte is read, and the connection is
 * closed: the body parser would otherwise wait for (and discard) all the announced bytes first.
 */
const refuseOversize: RequestHandler = (req, res, next) => {
  const announced = Number(req.get('content-length'));
  if (!(announced > MAX_BATCH_BYTES)) return next();
  res.set('Connection', 'close');
  next(new AppError('E_TOO_LARGE', `A batch may hold at most ${MAX_BATCH_BYTES} bytes.`));
};

function serverOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}
