import { Router } from 'express';
import type { AppsService } from '../apps/apps-service.js';
import { currentUser } from '../auth/auth-routes.js';
import { AppError } from '../http/app-error.js';
import type { AppStorage } from '../protocol/events.js';
import { visitorIdSchema } from '../protocol/schemas.js';
import type { EndReason, SessionsService } from '../sessions/sessions-service.js';
import type { Repositories, SessionRecord } from '../storage/ports.js';
import { eraseVisitor } from './retention.js';
import { quotaBytesOf } from './storage-quota.js';

/** Sessions ended (announced) per erasure request before deletion; deletion itself has no limit. */
const MAX_SESSIONS_ENDED = 1000;

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
export function recordingRoutes(deps: {
  apps: AppsService;
  repos: Repositories;
  endSession: SessionsService['end'];
  onEnded?: (session: SessionRecord, reason: EndReason) => void;
  /** The visitor's data was erased (the webhooks' `visitor.erased`). */
  onVisitorErased?: (appId: string, visitorId: string, deleted: Awaited<ReturnType<typeof eraseVisitor>>) => void;
}): Router {
  const { apps, repos } = deps;
  const router = Router();

  router.delete('/:appId/visitors/:visitorId', async (req, res) => {
    const user = currentUser(req);
    await apps.getFor(user, req.params.appId);
    if (user.role !== 'owner') throw new AppError('E_FORBIDDEN', 'Only an owner can erase a visitor.');
    const visitorId = visitorIdSchema.safeParse(req.params.visitorId);
    if (!visitorId.success) throw new AppError('E_NOT_FOUND', 'No such visitor.');
    // End live sessions first, so the console and the visitor's widget hear about it.
    const ids = await repos.recordings.listSessionIds({ appId: req.params.appId, visitorId: visitorId.data }, MAX_SESSIONS_ENDED);
    for (const id of ids) {
      const ended = await deps.endSession(id, 'erased');
      if (ended) deps.onEnded?.(ended, 'erased');
    }
    const deleted = await eraseVisitor(repos, req.params.appId, visitorId.data);
    deps.onVisitorErased?.(req.params.appId, visitorId.data, deleted);
    res.json({ data: deleted });
  });

  router.get('/:appId/storage', async (req, res) => {
    const app = await apps.getFor(currentUser(req), req.params.appId);
    const storage: AppStorage = { usedBytes: await repos.recordings.storedBytes(app.id), quotaBytes: quotaBytesOf(app) };
    res.json({ data: { storage } });
  });

  return router;
}
