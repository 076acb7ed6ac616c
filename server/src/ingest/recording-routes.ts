import { Router } from 'express';
import type { AppsService } from '../apps/apps-service.js';
import { currentUser } from '../auth/auth-routes.js';
import { AppError } from '../http/app-error.js';
import type { AppStorage } from '../protocol/events.js';
import { visitorIdSchema } from '../protocol/schemas.js';
import { endAndEraseVisitor, type ErasureDeps } from './retention.js';
import { quotaBytesOf } from './storage-quota.js';

/**
 * Under /api/apps (behind requireUser); members of the application only, 404 for anyone else.
 * (Reading recordings is the replay's API: server/src/replay/replay-routes.ts.)
 *
 * Erasure: `DELETE /:appId/visitors/:visitorId` (owners only) ends and deletes the visitor's sessions
 * with their chunks and messages → `{ data: { sessions, chunks, messages } }`.
 *
 * Storage: `GET /:appId/storage` → `{ data: { storage: { usedBytes, quotaBytes } } }`, the recording
 * bytes the application stores against its quota.
 */
export function recordingRoutes(deps: ErasureDeps & { apps: AppsService }): Router {
  const { apps, repos } = deps;
  const router = Router();

  router.delete('/:appId/visitors/:visitorId', async (req, res) => {
    const user = currentUser(req);
    await apps.getFor(user, req.params.appId);
    if (user.role !== 'owner') throw new AppError('E_FORBIDDEN', 'Only an owner can erase a visitor.');
    const visitorId = visitorIdSchema.safeParse(req.params.visitorId);
    if (!visitorId.success) throw new AppError('E_NOT_FOUND', 'No such visitor.');
    res.json({ data: await endAndEraseVisitor(deps, req.params.appId, visitorId.data) });
  });

  router.get('/:appId/storage', async (req, res) => {
    const app = await apps.getFor(currentUser(req), req.params.appId);
    const storage: AppStorage = { usedBytes: await repos.recordings.storedBytes(app.id), quotaBytes: quotaBytesOf(app) };
    res.json({ data: { storage } });
  });

  return router;
}
