import { DEFAULT_APP_SETTINGS } from '../storage/app-settings.js';
import type { Repositories, SessionRecord } from '../storage/ports.js';
import type { EndReason, SessionsService } from '../sessions/sessions-service.js';

const DAY_MS = 24 * 60 * 60_000;
const DELETE_BATCH = 200;
/** Sessions ended (announced) per erasure before deletion; deletion itself has no limit. */
const MAX_SESSIONS_ENDED = 1000;

export interface Deleted {
  sessions: number;
  chunks: number;
  messages: number;
}

const add = (total: Deleted, more: Deleted) => {
  total.sessions += more.sessions;
  total.chunks += more.chunks;
  total.messages += more.messages;
};

/** Deletes every session of the filter with its chunks and messages, a batch at a time. */
async function deleteAll(repos: Repositories, filter: Parameters<Repositories['recordings']['listSessionIds']>[0], onDeleted?: (ids: string[]) => Promise<unknown>): Promise<Deleted> {
  const total = { sessions: 0, chunks: 0, messages: 0 };
  for (;;) {
    const ids = await repos.recordings.listSessionIds(filter, DELETE_BATCH);
    if (ids.length === 0) return total;
    add(total, await repos.recordings.deleteSessions(ids));
    await onDeleted?.(ids);
  }
}

/** Retention: sessions that started more than the application's `retentionDays` ago go, with all they own. */
export async function runRetention(repos: Repositories, now: Date): Promise<Deleted> {
  const total = { sessions: 0, chunks: 0, messages: 0 };
  for (const appId of await repos.recordings.appIdsWithSessions()) {
    const app = await repos.apps.findById(appId);
    const days = app?.settings.retentionDays ?? DEFAULT_APP_SETTINGS.retentionDays;
    add(total, await deleteAll(repos, { appId, startedBefore: new Date(now.getTime() - days * DAY_MS) }));
  }
  return total;
}

/** Erasure: every session of one visitor in one application, with its chunks and messages. */
export async function eraseVisitor(repos: Repositories, appId: string, visitorId: string, onDeleted?: (ids: string[]) => Promise<unknown>): Promise<Deleted> {
  const deleted = await deleteAll(repos, { appId, visitorId }, onDeleted);
  await repos.sessions.forgetVisitor(appId, visitorId);
  return deleted;
}

export interface ErasureDeps {
  repos: Repositories;
  endSession: SessionsService['end'];
  onEnded?: (session: SessionRecord, reason: EndReason) => void;
  /** The visitor's data was erased (the webhooks' `visitor.erased`). */
  onVisitorErased?: (appId: string, visitorId: string, deleted: Deleted) => void;
  /** Heatmap snapshots naming these deleted sessions are dropped (their address may carry the visitor's data). */
  forgetHeatmapSnapshots?: (appId: string, sessionIds: string[]) => Promise<unknown>;
}

/**
 * Erasure as an owner asks it (`DELETE /api/apps/:appId/visitors/:visitorId`, or the REST API's) and as a
 * revoked consent does (issue 22): live sessions are ended first, so the console and the visitor's widget hear about
 * it, then everything is deleted.
 */
export async function endAndEraseVisitor(deps: ErasureDeps, appId: string, visitorId: string): Promise<Deleted> {
  const ids = await deps.repos.recordings.listSessionIds({ appId, visitorId }, MAX_SESSIONS_ENDED);
  for (const id of ids) {
    const ended = await deps.endSession(id, 'erased');
    if (ended) deps.onEnded?.(ended, 'erased');
  }
  const forget = deps.forgetHeatmapSnapshots;
  const deleted = await eraseVisitor(deps.repos, appId, visitorId, forget && ((ids) => forget(appId, ids)));
  deps.onVisitorErased?.(appId, visitorId, deleted);
  return deleted;
}
