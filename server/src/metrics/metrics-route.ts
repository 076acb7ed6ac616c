import { timingSafeEqual } from 'node:crypto';
import express from 'express';
import { AppError } from '../http/app-error.js';
import type { ServerMetrics } from './server-metrics.js';

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** Whether the bearer token given is the configured one (compared in constant time). */
function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * GET /metrics (Prometheus text format). Who may read it: with METRICS_TOKEN set, whoever sends
 * `Authorization: Bearer <token>` (a scraper on another host); without it, only a client on this
 * host talking to the server directly — a loopback peer and no X-Forwarded-For, so a reverse proxy
 * on the same host does not open it to the internet. Anyone else gets 404, as if it did not exist.
 */
export function metricsRoute(metrics: ServerMetrics, token: string | undefined): express.Router {
  const router = express.Router();
  router.get('/metrics', async (req, res, next) => {
    const allowed = token
      ? tokenMatches(req.headers.authorization, token)
      : LOOPBACK.test(req.socket.remoteAddress ?? '') && req.headers['x-forwarded-for'] === undefined;
    if (!allowed) return next(new AppError('E_NOT_FOUND'));
    res.set('Content-Type', metrics.registry.contentType);
    res.set('Cache-Control', 'no-store');
    res.send(await metrics.registry.metrics());
  });
  return router;
}
