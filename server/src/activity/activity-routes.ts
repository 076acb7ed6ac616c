import { Router } from 'express';
import type { AppsService } from '../apps/apps-service.js';
import { currentUser } from '../auth/auth-routes.js';
import { validate } from '../http/validate.js';
import { chartQuerySchema, feedQuerySchema, sessionsQuerySchema } from '../protocol/activity.js';
import type { ActivityService } from './activity-service.js';

/**
 * /api/apps/:appId/{sessions,counters,activity} — mounted behind requireUser. Every route first checks
 * membership: another application's data answers 404, as if it did not exist.
 */
export function activityRoutes(apps: AppsService, activity: ActivityService): Router {
  const router = Router({ mergeParams: true });
  const memberApp = (req: Parameters<Parameters<typeof router.get>[1]>[0]) =>
    apps.getFor(currentUser(req), String((req.params as Record<string, string>).appId));

  router.get('/sessions', async (req, res) => {
    const app = await memberApp(req);
    res.json({ data: await activity.sessions(app.id, validate(sessionsQuerySchema, req.query)) });
  });

  router.get('/counters', async (req, res) => {
    const app = await memberApp(req);
    res.json({ data: { counters: await activity.counters(app.id) } });
  });

  router.get('/activity', async (req, res) => {
    const app = await memberApp(req);
    res.json({ data: await activity.feed(app.id, validate(feedQuerySchema, req.query)) });
  });

  router.get('/activity/chart', async (req, res) => {
    const app = await memberApp(req);
    const { range } = validate(chartQuerySchema, req.query);
    res.json({ data: { chart: await activity.chart(app.id, range) } });
  });

  return router;
}
