import { Router } from 'express';
import type { AppsService } from '../apps/apps-service.js';
import { currentUser } from '../auth/auth-routes.js';
import { AppError } from '../http/app-error.js';
import type { AppStorage } from '../protocol/events.js';
import { visitorIdSchema } from '../protocol/schemas.js';
import type { UserRecord } from '../storage/ports.js';
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
export type VisitorErasureDeps = ErasureDeps & { apps: AppsService };

/**
 * Erases a visitor of the application for `user` (an owner who is a member): their live sessions end
 * first, so the console and the visitor's widget hear about it. The console's route and the REST API's.
 */
export async function eraseVisitorAs(deps: VisitorErasureDeps, user: UserRecord, appId: string, rawVisitorId: string) {
  await deps.apps.getFor(user, appId);
  if (user.role !== 'owner') throw new AppError('E_FORBIDDEN', 'Only an owner can erase a visitor.');
  const visitorId = visitorIdSchema.safeParse(rawVisitorId);
  if (!visitorId.success) throw new AppError('E_NOT_FOUND', 'No such visitor.');
  return endAndEraseVisitor(deps, appId, visitorId.data);
}

export function recordingRoutes(deps: VisitorErasureDeps): Router {
  const { apps, repos } = deps;
  const router = Router();

  router.delete('/:appId/visitors/:visitorId', async (req, res) => {
    res.json({ data: await eraseVisitorAs(deps, currentUser(req), req.params.appId, req.params.visitorId) });
  });

  router.get('/:appId/storage', async (req, res) => {
    const app = await apps.getFor(currentUser(req), req.params.appId);
    const storage: AppStorage = { usedBytes: await repos.recordings.storedBytes(app.id), quotaBytes: quotaBytesOf(app) };
    res.json({ data: { storage } });
  });

  return router;
}
