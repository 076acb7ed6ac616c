import { Router } from 'express';
import { currentUser } from '../auth/auth-routes.js';
import { validate } from '../http/validate.js';
import { chunkSeqSchema } from '../protocol/replay-schemas.js';
import type { ReplayService } from './replay-service.js';

/**
 * /api/apps/:appId/sessions/:sessionId/replay — mounted behind requireUser. The manifest first, then
 * one request per chunk, so the console can show the first frame long before a long session arrived.
 */
export function replayRoutes(replay: ReplayService): Router {
  const router = Router();

  router.get('/:appId/sessions/:sessionId/replay', async (req, res) => {
    const manifest = await replay.manifest(currentUser(req), req.params.appId, req.params.sessionId);
    res.set('Cache-Control', 'no-store').json({ data: manifest });
  });

  router.get('/:appId/sessions/:sessionId/replay/chunks/:seq', async (req, res) => {
    const seq = validate(chunkSeqSchema, req.params.seq);
    const data = await replay.chunk(currentUser(req), req.params.appId, req.params.sessionId, seq);
    // The blob is already gzip: sent as is (an opaque type so no middleware compresses it again);
    // the console inflates it with DecompressionStream. A stored chunk never changes.
    res.set({ 'Content-Type': 'application/octet-stream', 'Cache-Control': 'private, max-age=86400' }).send(data);
  });

  return router;
}
