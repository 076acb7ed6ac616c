import { Router } from 'express';
import { currentUser } from '../auth/auth-routes.js';
import { validate } from '../http/validate.js';
import { createAppSchema, deleteAppSchema, updateAppSchema } from '../protocol/schemas.js';
import { publicApp, type AppsService } from './apps-service.js';

/** /api/apps — mounted behind requireUser. */
export function appsRoutes(apps: AppsService): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const list = await apps.listFor(currentUser(req));
    res.json({ data: { apps: list.map((app) => publicApp(app, currentUser(req))) } });
  });

  router.post('/', async (req, res) => {
    const app = await apps.create(currentUser(req), validate(createAppSchema, req.body));
    res.status(201).json({ data: { app: publicApp(app, currentUser(req)) } });
  });

  router.get('/:appId', async (req, res) => {
    const app = await apps.getFor(currentUser(req), req.params.appId);
    res.json({ data: { app: publicApp(app, currentUser(req)) } });
  });

  router.patch('/:appId', async (req, res) => {
    const app = await apps.update(currentUser(req), req.params.appId, validate(updateAppSchema, req.body));
    res.json({ data: { app: publicApp(app, currentUser(req)) } });
  });

  router.post('/:appId/rotate-key', async (req, res) => {
    const app = await apps.rotateKey(currentUser(req), req.params.appId);
    res.json({ data: { app: publicApp(app, currentUser(req)) } });
  });

  router.delete('/:appId', async (req, res) => {
    await apps.remove(currentUser(req), req.params.appId, validate(deleteAppSchema, req.body).confirmName);
    res.json({ data: { ok: true } });
  });

  return router;
}
