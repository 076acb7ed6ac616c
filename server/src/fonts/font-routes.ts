import { Router } from 'express';
import { currentUser } from '../auth/auth-routes.js';
import { FONT_CONTENT_TYPES } from '../protocol/replay-fonts.js';
import type { FontService } from './font-service.js';

/** How long a browser keeps a stored font: its address names its content, so it never changes. */
const FONT_MAX_AGE_S = 365 * 24 * 60 * 60;

/**
 * /api/apps/:appId/fonts/:sha256 — mounted behind requireUser: the replay (a document on the console's
 * origin) loads the recorded page's fonts from here, as a member of the application.
 */
export function fontRoutes(fonts: FontService): Router {
  const router = Router();
  router.get('/:appId/fonts/:sha256', async (req, res) => {
    const file = await fonts.read(currentUser(req), req.params.appId, req.params.sha256);
    res
      .set({
        'Content-Type': FONT_CONTENT_TYPES[file.type],
        'Cache-Control': `private, max-age=${FONT_MAX_AGE_S}, immutable`,
        'Cross-Origin-Resource-Policy': 'same-origin',
      })
      .send(file.data);
  });
  return router;
}
