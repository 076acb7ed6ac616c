import { DEFAULT_APP_SETTINGS } from '../storage/app-settings.js';
import type { Repositories } from '../storage/ports.js';

const DAY_MS = 24 * 60 * 60_000;
const DELETE_BATCH = 200;

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
async function deleteAll(repos: Repositories, filter: Parameters<Repositories['recordings']['listSessionIds']>[0]): Promise<Deleted> {
  const total = { sessions: 0, chunks: 0, messages: 0 };
  for (;;) {
    const ids = await repos.recordings.listSessionIds(filter, DELETE_BATCH);
    if (ids.length === 0) return total;
    add(total, await repos.recordings.deleteSessions(ids));
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
export async function eraseVisitor(repos: Repositories, appId: string, visitorId: string): Promise<Deleted> {
  const deleted = await deleteAll(repos, { appId, visitorId });
  await repos.sessions.forgetVisitor(appId, visitorId);
  return deleted;
}
