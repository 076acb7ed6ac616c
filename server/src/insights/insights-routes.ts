import { Router } from 'express';
import { currentUser } from '../auth/auth-routes.js';
import { validate } from '../http/validate.js';
import { recomputeInsightsSchema } from '../protocol/insights.js';
import type { InsightsService } from './insights-service.js';

/**
 * /api/apps/:appId/sessions/:sessionId/insights — mounted behind requireUser, like the replay routes.
 * GET answers the stored signals and summary with the derived timeline; POST recomputes them now.
 */
export function insightsRoutes(insights: InsightsService): Router {
  const router = Router();

  router.get('/:appId/sessions/:sessionId/insights', async (req, res) => {
    const data = await insights.get(currentUser(req), req.params.appId, req.params.sessionId);
    res.set('Cache-Control', 'no-store').json({ data });
  });

  router.post('/:appId/sessions/:sessionId/insights', async (req, res) => {
    const options = validate(recomputeInsightsSchema, req.body ?? {});
    const data = await insights.recompute(currentUser(req), req.params.appId, req.params.sessionId, options);
    res.set('Cache-Control', 'no-store').json({ data });
  });

  return router;
}
