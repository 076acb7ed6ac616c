import { createHash } from 'node:crypto';
import { Router } from 'express';
import { currentUser } from '../auth/auth-routes.js';
import { validate } from '../http/validate.js';
import { CHUNK_VERSION_PARAM, isChunkVersion } from '../protocol/replay-chunk-url.js';
import { chunkSeqSchema } from '../protocol/replay-schemas.js';
import type { ReplayService } from './replay-service.js';

const CHUNK_CACHED_FOR_GOOD = 'private, max-age=31536000, immutable';
/** 128 bits of the content hash: enough to tell two versions of one chunk apart. */
const ETAG_HASH_CHARS = 22;

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
    // Access is checked on every request, a conditional one too: a 304 is never an answer to someone
    // who may no longer see the session.
    const data = await replay.chunk(currentUser(req), req.params.appId, req.params.sessionId, seq);
    // The blob is already gzip: sent as is (an opaque type so no middleware compresses it again);
    // the console inflates it with DecompressionStream. A chunk's events never change (a seq is stored
    // once; compaction re-encodes the same events, so its gzip bytes differ but not what they say): an
    // answer to a URL naming a version (replay-chunk-url.ts, as the manifest gives them) is kept for
    // good; a bare URL (heatmaps, the early request) is re-checked by ETag. `private`: never in a
    // shared cache.
    const versioned = isChunkVersion(req.query[CHUNK_VERSION_PARAM]);
    res.set({
      'Content-Type': 'application/octet-stream',
      'Cache-Control': versioned ? CHUNK_CACHED_FOR_GOOD : 'private, no-cache',
      ETag: `"${createHash('sha256').update(data).digest('base64url').slice(0, ETAG_HASH_CHARS)}"`,
    });
    // res.send answers 304 (no body) when If-None-Match names this ETag.
    res.send(data);
  });

  return router;
}
