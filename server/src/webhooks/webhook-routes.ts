import { Router } from 'express';
import { currentUser } from '../auth/auth-routes.js';
import { validate } from '../http/validate.js';
import { createWebhookSchema, updateWebhookSchema } from '../protocol/webhook-schemas.js';
import type { WebhooksService } from './webhooks-service.js';

/**
 * /api/apps/:appId/webhooks — behind requireUser; owners of the application only (403 for its agents,
 * 404 for anyone else).
 *
 * `GET /` → `{ data: { endpoints } }`; `POST /` `{ url, events, allowPrivateAddresses? }` → `{ data: { endpoint, secret } }`
 * (the secret shown this once); `PATCH /:endpointId` `{ url?, events?, allowPrivateAddresses?, enabled? }`;
 * `POST /:endpointId/rotate-secret` → `{ data: { endpoint, secret } }`; `DELETE /:endpointId`;
 * `GET /:endpointId/deliveries` → `{ data: { deliveries } }`, newest first.
 */
export function webhookRoutes(webhooks: WebhooksService): Router {
  const router = Router({ mergeParams: true });
  const appIdOf = (params: Record<string, string>) => params.appId;

  router.get('/', async (req, res) => {
    res.json({ data: { endpoints: await webhooks.list(currentUser(req), appIdOf(req.params)) } });
  });
  router.post('/', async (req, res) => {
    res.status(201).json({ data: await webhooks.create(currentUser(req), appIdOf(req.params), validate(createWebhookSchema, req.body)) });
  });
  router.patch('/:endpointId', async (req, res) => {
    const endpoint = await webhooks.update(currentUser(req), appIdOf(req.params), req.params.endpointId, validate(updateWebhookSchema, req.body));
    res.json({ data: { endpoint } });
  });
  router.post('/:endpointId/rotate-secret', async (req, res) => {
    res.json({ data: await webhooks.rotateSecret(currentUser(req), appIdOf(req.params), req.params.endpointId) });
  });
  router.delete('/:endpointId', async (req, res) => {
    await webhooks.remove(currentUser(req), appIdOf(req.params), req.params.endpointId);
    res.json({ data: { ok: true } });
  });
  router.get('/:endpointId/deliveries', async (req, res) => {
    res.json({ data: { deliveries: await webhooks.deliveries(currentUser(req), appIdOf(req.params), req.params.endpointId) } });
  });
  return router;
}
