import { Router } from 'express';
import { currentUser } from '../auth/auth-routes.js';
import { validate } from '../http/validate.js';
import { apiResponses, createApiTokenSchema } from '../protocol/rest-api.js';
import type { ApiTokensService } from './api-tokens-service.js';

/**
 * The console's API tokens of an application, under /api/apps behind requireUser (owners only):
 * `GET /:appId/api-tokens` lists them, `POST` creates one and answers its secret (the only time it is
 * ever sent), `DELETE /:appId/api-tokens/:tokenId` revokes one at once.
 */
export function apiTokenRoutes(tokens: ApiTokensService): Router {
  const router = Router();
  router.get('/:appId/api-tokens', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(apiResponses.tokens.parse({ data: { tokens: await tokens.list(currentUser(req), req.params.appId) } }));
  });
  router.post('/:appId/api-tokens', async (req, res) => {
    const created = await tokens.create(currentUser(req), req.params.appId, validate(createApiTokenSchema, req.body));
    res.status(201).set('Cache-Control', 'no-store').json(apiResponses.tokenCreated.parse({ data: created }));
  });
  router.delete('/:appId/api-tokens/:tokenId', async (req, res) => {
    await tokens.revoke(currentUser(req), req.params.appId, req.params.tokenId);
    res.json({ data: { ok: true } });
  });
  return router;
}
