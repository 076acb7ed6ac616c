import { Router } from 'express';
import { currentUser } from '../auth/auth-routes.js';
import { validate } from '../http/validate.js';
import { heatmapQuerySchema } from '../protocol/heatmaps.js';
import type { HeatmapsService } from './heatmaps-service.js';

/**
 * /api/apps/:appId/heatmaps?path=/docs/*&from=YYYY-MM-DD&to=YYYY-MM-DD&width=all|mobile|tablet|desktop —
 * mounted behind requireUser. Answers the aggregates only; a bad query is E_INVALID_PAYLOAD naming the field.
 */
export function heatmapsRoutes(heatmaps: HeatmapsService): Router {
  const router = Router();
  router.get('/:appId/heatmaps', async (req, res) => {
    const query = validate(heatmapQuerySchema, req.query);
    const data = await heatmaps.read(currentUser(req), req.params.appId, query);
    res.set('Cache-Control', 'no-store').json({ data });
  });
  return router;
}
